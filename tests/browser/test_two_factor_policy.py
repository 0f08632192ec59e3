"""In a real browser: a collectivité requires a second factor of its whole team.

An agent without one logs in, is sent to the page that says why, and sets up either an
authenticator app (the code computed from the secret the page shows, as the phone would) or a
security key (Chromium's virtual authenticator, over the DevTools protocol: the real WebAuthn
ceremony, only the hardware is simulated). The key is then asked for at the next login, on
another collectivité's host too: keys belong to the platform's domain.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tenants.models import MfaPolicy, Tenant
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]

PASSWORD = "mot-de-passe-solide-42"


@pytest.fixture
def policy(django_db_blocker: Any) -> Iterator[Callable[[str, str], None]]:
    """Set a session tenant's committed policy; put every one back afterwards."""
    changed: list[int] = []

    def set_policy(slug: str, value: str) -> None:
        with django_db_blocker.unblock():
            tenant = Tenant.objects.get(slug=slug)
            tenant.mfa_required_for = value
            tenant.save(update_fields=["mfa_required_for"])  # post_save tells every process
            changed.append(tenant.pk)

    yield set_policy
    with django_db_blocker.unblock():
        for tenant in Tenant.objects.filter(pk__in=changed):
            tenant.mfa_required_for = MfaPolicy.NOBODY
            tenant.save(update_fields=["mfa_required_for"])


def _log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
    page.wait_for_load_state()


def test_an_agent_sets_up_an_authenticator_app_when_the_collectivite_requires_it(
    page: Any, committed_user: Any, policy: Any, django_db_blocker: Any
) -> None:
    agent = committed_user({"tenant_a": "agent"}, full_name="Zoé Vidal")
    policy("lege", MfaPolicy.STAFF)
    with live_asgi_server() as port:
        base = f"http://lege.entente.localhost:{port}"
        _log_in(page, base, agent.email)
        page.wait_for_url(re.compile(r"/double-authentification/"))
        assert page.locator("h1").inner_text() == "Activez la double authentification"

        page.get_by_role("link", name="Une application sur mon téléphone").click()
        page.wait_for_url(re.compile(r"/comptes/2fa/totp/activate/"))
        secret = page.locator("#authenticator_secret").input_value()
        code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
        page.get_by_label(re.compile("code", re.IGNORECASE)).fill(code)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        with django_db_blocker.unblock():
            assert Authenticator.objects.filter(user=agent, type=Authenticator.Type.TOTP).exists()

        page.goto(f"{base}/espaces/")
        assert page.url.endswith("/espaces/")
        assert page.locator("h1").first.inner_text().strip() == "Espaces"


def test_a_security_key_added_on_one_host_opens_the_next_login_on_another(
    page: Any, committed_user: Any, policy: Any, django_db_blocker: Any
) -> None:
    agent = committed_user({"tenant_a": "agent", "tenant_epci": "agent"}, full_name="Yves Roux")
    policy("lege", MfaPolicy.STAFF)
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    with live_asgi_server() as port:
        lege = f"http://lege.entente.localhost:{port}"
        _log_in(page, lege, agent.email)
        page.wait_for_url(re.compile(r"/double-authentification/"))
        page.get_by_role("link", name="Une clé de sécurité").click()
        page.wait_for_url(re.compile(r"/comptes/2fa/webauthn/add/"))
        page.locator("#mfa_webauthn_add").click()
        page.wait_for_url(lambda url: "/webauthn/add/" not in url)
        with django_db_blocker.unblock():
            key = Authenticator.objects.get(user=agent, type=Authenticator.Type.WEBAUTHN)
        assert key is not None
        page.goto(f"{lege}/espaces/")
        assert page.url.endswith("/espaces/")

        page.context.clear_cookies()
        epci = f"http://cc-sud-retz-atlantique.entente.localhost:{port}"
        _log_in(page, epci, agent.email)
        page.wait_for_url(re.compile(r"/comptes/2fa/authenticate/"))
        page.locator("#mfa_webauthn_authenticate").click()
        page.wait_for_url(lambda url: "/2fa/authenticate/" not in url)
        assert "CC Sud Retz Atlantique" in page.locator("h1").first.inner_text()
