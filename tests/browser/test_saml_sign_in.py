"""In a real browser: signing in through a collectivité's own SAML directory.

The directory is pysaml2's identity provider in its own process (tests/support/saml_idp.py);
Legé's admins set it (`set_saml_connection`) and the directory trusts the metadata the live
server gives, so the entity ID and answer address carry that server's host and port. Chromium
starts on Legé's login page, signs in at the directory, whose answer its own page posts back:

- an agent of Legé alone lands in Legé, signed in, and their account is linked to it;
- someone who also serves another collectivité is asked to link it from their account first
  (a directory any collectivité sets must not open accounts others rely on);
- the login page showing the directory's button passes axe.

The server-side checks (signatures, newcomers, the admins' page) are
tests/entente/sso/test_saml.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.request import Request, urlopen

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, User
from entente.sso import saml, services
from entente.sso.models import SamlConnection
from tenants.models import Tenant
from tests.support.axe import Audit, in_process_browser
from tests.support.live import LIVE_DB, live_asgi_server
from tests.support.saml_idp import IdentityProvider, saml_identity_provider

pytestmark = [pytest.mark.browser, LIVE_DB]

DIRECTORY_PASSWORD = "mot-de-passe-de-l-annuaire"
LABEL = "Annuaire de Legé"


@dataclass
class LiveDirectory:
    directory: IdentityProvider
    lege: str  # Legé's address on the live server


@pytest.fixture
def directory(tenant_a: Tenant, committed_user: Any) -> Iterator[IdentityProvider]:
    """Legé's admins connect the directory (committed: the live server reads it)."""
    admin = committed_user({"tenant_a": "admin"}, full_name="Admin de Legé")
    with saml_identity_provider() as idp:
        with tenant_context(tenant_a):
            services.set_saml_connection(
                Membership.objects.get(user=admin, tenant=tenant_a),
                tenant_a,
                services.SamlSettings(
                    label=LABEL,
                    idp_entity_id=idp.entity_id,
                    sso_url=idp.sso_url,
                    slo_url=idp.slo_url,
                    x509cert=idp.certificate_pem,
                ),
            )
        try:
            yield idp
        finally:
            SocialAccount.objects.filter(provider=saml.provider_id(tenant_a)).delete()
            SamlConnection.objects.filter(tenant=tenant_a).delete()


@pytest.fixture
def live(tenant_a: Tenant, directory: IdentityProvider) -> Iterator[LiveDirectory]:
    """The live server, declared in the directory as Legé's IT would: by its metadata, read
    from that server (its entity ID and ACS are Legé's address with the server's port)."""
    with live_asgi_server() as port:
        lege = f"http://{tenant_a.primary_host}:{port}"
        request = Request(
            f"http://127.0.0.1:{port}/comptes/saml/{tenant_a.slug}/metadata/",
            headers={"Host": f"{tenant_a.primary_host}:{port}"},
        )
        with urlopen(request, timeout=10) as answer:  # noqa: S310 (loopback only)
            metadata = answer.read().decode()
        assert f'entityID="{lege}/comptes/saml/{tenant_a.slug}/metadata/"' in metadata
        assert f'Location="{lege}/comptes/saml/{tenant_a.slug}/acs/"' in metadata
        directory.trust_service_provider(metadata)
        yield LiveDirectory(directory, lege)


def _sign_in_with_the_directory(page: Any, live: LiveDirectory, username: str) -> None:
    """Legé's button → the directory's form → its answer, posted back by its own page."""
    page.goto(f"{live.lege}/comptes/login/?next=/espaces/")
    page.get_by_role("button", name=f"Se connecter avec {LABEL}").click()
    page.wait_for_url(re.compile(re.escape(live.directory.sso_url)))
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(DIRECTORY_PASSWORD)
    page.get_by_role("button", name="Se connecter", exact=True).click()
    # The directory's page posts to the ACS, which sends on to allauth's finish view.
    page.wait_for_url(re.compile(rf"^{re.escape(live.lege)}/(?!comptes/saml/[^/]+/acs/$)"))
    page.wait_for_load_state()


def _person(
    live: LiveDirectory, committed_user: Any, username: str, memberships: dict[str, str]
) -> User:
    """Someone with an Entente account (a verified address) and an entry in the directory."""
    given = username.title()
    person: User = committed_user(memberships, full_name=f"{given} Rousseau")
    live.directory.add_person(username, DIRECTORY_PASSWORD, person.email, given, "Rousseau")
    return person


def test_an_agent_of_lege_alone_signs_in_with_its_directory(
    page: Any, live: LiveDirectory, tenant_a: Tenant, committed_user: Any
) -> None:
    agent = _person(live, committed_user, "camille", {"tenant_a": "agent"})

    _sign_in_with_the_directory(page, live, "camille")

    assert page.url == f"{live.lege}/espaces/"
    assert page.locator("h1").first.inner_text().strip() == "Espaces"
    link = SocialAccount.objects.get(user=agent, provider=saml.provider_id(tenant_a))
    assert link.uid == "agent-camille"  # the directory's persistent NameID


def test_someone_who_also_serves_elsewhere_must_link_the_directory_first(
    page: Any, live: LiveDirectory, tenant_a: Tenant, committed_user: Any
) -> None:
    """Any collectivité sets its own directory: it never opens an account Paulx relies on."""
    person = _person(live, committed_user, "dominique", {"tenant_a": "agent", "tenant_b": "agent"})

    _sign_in_with_the_directory(page, live, "dominique")

    assert page.url == f"{live.lege}/comptes/saml/{tenant_a.slug}/acs/finish/"
    assert page.locator("h1").inner_text().strip() == "Reliez d'abord votre compte Entente"
    page.goto(f"{live.lege}/espaces/")
    assert page.url.startswith(f"{live.lege}/comptes/login/"), page.url
    assert not SocialAccount.objects.filter(user=person).exists()


def test_the_login_page_with_the_directorys_button_passes_axe(
    browser: Any, tenant_a: Tenant, directory: IdentityProvider
) -> None:
    audit = Audit()
    host = tenant_a.primary_host
    with in_process_browser(browser, {host: Client(HTTP_HOST=host)}) as pages:
        pages.audit(f"http://{host}/comptes/login/?next=/espaces/", audit, "login", narrow=True)
        assert pages.page.get_by_role("button", name=f"Se connecter avec {LABEL}").count() == 1
    assert audit.pages == 2
    assert not audit.violations, "\n".join(audit.violations)
    assert not audit.overflows, "\n".join(audit.overflows)
