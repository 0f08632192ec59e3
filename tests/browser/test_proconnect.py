"""In a real browser: signing in with ProConnect (OpenID Connect), against a real provider.

The provider is a separate Django process on django-oauth-toolkit (tests/support/oidc.py) that
answers as ProConnect does (`email`, `given_name`, `usual_name`, no `email_verified`; userinfo
as a signed JWT). Chromium
starts on a collectivité's login page, signs in at the provider, and comes back:

- an agent who already has an Entente account lands in that collectivité, signed in, and their
  account is now linked to the provider;
- logging out of Entente ends the provider's session too (its `end_session_endpoint`);
- a newcomer gets an account and a request to join, which the collectivité's admins see; the
  page says so, and shows nothing of the collectivité.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.conf import settings

from entente.accounts.models import Membership, User
from entente.signup.models import JoinRequest, JoinState
from tests.support.live import LIVE_DB, free_port, live_asgi_server_at
from tests.support.oidc import CLIENT_ID, oidc_provider

pytestmark = [pytest.mark.browser, LIVE_DB]

PROVIDER_PASSWORD = "mot-de-passe-du-fournisseur"


def _sign_in_with_proconnect(page: Any, start: str, username: str) -> None:
    page.goto(start)
    page.get_by_role("button", name="S'identifier avec ProConnect").click()
    page.wait_for_url(re.compile(r"127\.0\.0\.1:\d+/connexion/"))
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Se connecter au fournisseur").click()
    page.wait_for_url(re.compile(r"entente\.localhost:\d+/(?!comptes/oidc)"))
    page.wait_for_load_state()


def test_an_agent_signs_in_with_proconnect_and_lands_in_their_collectivite(
    page: Any, committed_user: Any, django_db_blocker: Any
) -> None:
    agent = committed_user({"tenant_a": "agent"}, full_name="Inès Garnier")
    newcomer_email = "nouvel.agent@mairie-lege.test"
    port = free_port()
    callback = f"http://{settings.ENTENTE_DOMAIN}:{port}/comptes/oidc/proconnect/login/callback/"
    with oidc_provider(callback) as provider:
        provider.add_person("ines", PROVIDER_PASSWORD, agent.email, "Inès", "Garnier")
        provider.add_person("nouvel", PROVIDER_PASSWORD, newcomer_email, "Noé", "Leclerc")
        with live_asgi_server_at(port, **provider.environment()) as served:
            lege = f"http://lege.entente.localhost:{served}"

            _sign_in_with_proconnect(page, f"{lege}/comptes/login/?next=/espaces/", "ines")
            assert page.url == f"{lege}/espaces/"
            assert page.locator("h1").first.inner_text().strip() == "Espaces"
            with django_db_blocker.unblock():
                linked = SocialAccount.objects.get(user=agent, provider="proconnect")
            claims = linked.extra_data["userinfo"]
            assert claims["usual_name"] == "Garnier"
            # Read from the signed answer (ProConnect's `application/jwt`), checked for us.
            assert (claims["aud"], claims["iss"]) == (CLIENT_ID, provider.issuer)

            # Logging out of Entente ends the ProConnect session too, and comes back: the next
            # sign-in asks the provider's password again (the helper waits for its page).
            page.locator("form[action='/comptes/logout/'] button").evaluate(
                "button => button.form.requestSubmit(button)"
            )
            page.wait_for_url(f"http://{settings.ENTENTE_DOMAIN}:{served}/")
            _sign_in_with_proconnect(page, f"{lege}/comptes/login/", "nouvel")
            assert "pas membre de Legé" in page.content()
            assert "Votre demande d'accès à Legé est envoyée à ses administrateurs" in (
                page.content().replace("&#x27;", "'")
            )
            with django_db_blocker.unblock():
                newcomer = User.objects.get(email=newcomer_email)
                assert newcomer.full_name == "Noé Leclerc"
                assert not Membership.objects.filter(user=newcomer).exists()
                request = JoinRequest.objects.get(email=newcomer_email)
                assert request.state == JoinState.PENDING
                assert request.tenant.slug == "lege"
                JoinRequest.objects.filter(email=newcomer_email).delete()
                User.objects.filter(pk=newcomer.pk).delete()
