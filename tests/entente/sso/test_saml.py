"""A collectivité's own SAML directory: set by its admins, signing its agents in, never others'.

Against a real SAML identity provider (pysaml2's, tests/support/saml_idp.py) in its own
process, over HTTP: the AuthnRequest Entente sends, the directory's login form, its signed
response posted back to Entente's ACS. The browser's side of it is
tests/browser/test_saml_sign_in.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.activity.models import ActivityEntry
from entente.signup.models import JoinRequest
from entente.sso import saml, services
from entente.sso.models import SamlConnection
from tenants.models import Tenant
from tests.support.saml_idp import IdentityProvider, saml_identity_provider

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-l-annuaire"


@pytest.fixture(scope="module")
def directory() -> Iterator[IdentityProvider]:
    with saml_identity_provider() as idp:
        yield idp


def _admin(tenant: Tenant, make_user: Any) -> Membership:
    admin = make_user(tenant=tenant, role=Role.ADMIN)
    return Membership.objects.get(user=admin, tenant=tenant)


def _connect(
    tenant: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> SamlConnection:
    """The admins set the directory, and its IT declares Entente (our metadata) in it."""
    with tenant_context(tenant):
        connection = services.set_saml_connection(
            _admin(tenant, make_user),
            tenant,
            services.SamlSettings(
                label="Annuaire de test",
                idp_entity_id=directory.entity_id,
                sso_url=directory.sso_url,
                slo_url=directory.slo_url,
                x509cert=directory.certificate_pem,
            ),
        )
    metadata = client_for(tenant).get(f"/comptes/saml/{tenant.slug}/metadata/")
    assert metadata.status_code == 200, metadata.content
    directory.trust_service_provider(metadata.content.decode())
    return connection


def _hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    return unescape(found.group(1)) if found else ""


def sign_in(
    client: Client,
    tenant: Tenant,
    directory: IdentityProvider,
    username: str,
    process: str = "login",
    browser: requests.Session | None = None,
) -> Any:
    """Entente → the directory's login form → its signed answer posted to Entente's ACS.
    `browser` holds the directory's cookies, as a browser would."""
    start = client.post(
        f"/comptes/saml/{tenant.slug}/login/", {"process": process, "next": "/espaces/"}
    )
    assert start.status_code == 302, start.content[:500]
    assert start["Location"].startswith(directory.sso_url)
    browser = browser if browser is not None else requests.Session()
    form = browser.get(start["Location"], timeout=10).text
    answer = browser.post(
        directory.sso_url,
        data={
            "SAMLRequest": _hidden(form, "SAMLRequest"),
            "RelayState": _hidden(form, "RelayState"),
            "username": username,
            "password": PASSWORD,
        },
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    action = unescape(re.search(r'action="([^"]+)"', answer.text).group(1))  # type: ignore[union-attr]
    acs = client.post(
        urlsplit(action).path,
        {
            "SAMLResponse": _hidden(answer.text, "SAMLResponse"),
            "RelayState": _hidden(answer.text, "RelayState"),
        },
    )
    assert acs.status_code == 302, acs.content[:500]
    return client.get(acs["Location"])


def _agent(directory: IdentityProvider, make_user: Any, tenant: Tenant, username: str) -> User:
    user = make_user(email=f"{username}@mairie-test.fr", tenant=tenant, full_name="Agent Test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    directory.add_person(username, PASSWORD, user.email, "Agent", "Test")
    return user


def test_an_agent_of_this_collectivite_only_is_signed_in_and_linked(
    tenant_a: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    _connect(tenant_a, make_user, directory, client_for)
    agent = _agent(directory, make_user, tenant_a, "camille")
    client = client_for(tenant_a)
    login_page = client.get("/comptes/login/").content.decode()
    assert "Se connecter avec Annuaire de test</button>" in login_page
    assert f'action="/comptes/saml/{tenant_a.slug}/login/"' in login_page

    finished = sign_in(client, tenant_a, directory, "camille")

    assert finished.status_code == 302
    assert finished["Location"] == "/espaces/"
    assert client.get("/espaces/").wsgi_request.user == agent
    link = SocialAccount.objects.get(user=agent)
    assert (link.provider, link.uid) == (saml.provider_id(tenant_a), "agent-camille")
    assert agent.has_usable_password()  # a verified address: nothing to protect against

    # The next time, the link finds the account (by the directory's identifier).
    again = client_for(tenant_a)
    assert sign_in(again, tenant_a, directory, "camille")["Location"] == "/espaces/"
    assert again.get("/espaces/").wsgi_request.user == agent


def test_an_account_that_serves_elsewhere_must_be_linked_by_its_owner_first(
    tenant_a: Tenant,
    tenant_b: Tenant,
    make_user: Any,
    directory: IdentityProvider,
    client_for: Any,
) -> None:
    """A directory any collectivité sets (a trial one too) never opens another's account."""
    _connect(tenant_a, make_user, directory, client_for)
    agent = _agent(directory, make_user, tenant_a, "dominique")
    Membership.objects.create(user=agent, tenant=tenant_b, role=Role.ADMIN)
    client = client_for(tenant_a)

    refused = sign_in(client, tenant_a, directory, "dominique")

    assert refused.status_code == 403
    page = refused.content.decode().replace("&#x27;", "'")
    assert "Reliez d'abord votre compte Entente" in page
    assert "/comptes/3rdparty/" in page
    assert not client.get("/espaces/").wsgi_request.user.is_authenticated
    assert not SocialAccount.objects.filter(user=agent).exists()

    # Signed in with the password, the owner links the directory from « Comptes liés ».
    owner = client_for(tenant_a, agent)
    connections = owner.get("/comptes/3rdparty/").content.decode()
    assert "Annuaire de test" in connections
    sign_in(owner, tenant_a, directory, "dominique", process="connect")
    assert SocialAccount.objects.filter(user=agent, provider=saml.provider_id(tenant_a)).exists()
    linked = owner.get("/comptes/3rdparty/").content.decode()
    assert 'name="account"' in linked
    assert "Délier</button>" in linked
    # From then on the directory opens it.
    later = client_for(tenant_a)
    sign_in(later, tenant_a, directory, "dominique")
    assert later.get("/espaces/").wsgi_request.user == agent


def test_a_newcomer_confirms_the_address_and_asks_to_join(
    tenant_a: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    _connect(tenant_a, make_user, directory, client_for)
    directory.add_person("nouveau", PASSWORD, "nouveau@mairie-test.fr", "Noé", "Nouveau")
    mail.outbox.clear()
    client = client_for(tenant_a)

    sign_in(client, tenant_a, directory, "nouveau")

    user = User.objects.get(email="nouveau@mairie-test.fr")
    assert user.full_name == "Noé Nouveau"
    assert not EmailAddress.objects.get(user=user).verified
    assert not Membership.objects.filter(user=user).exists()
    assert not client.get("/espaces/").wsgi_request.user.is_authenticated
    assert not JoinRequest.objects.filter(tenant=tenant_a, email=user.email).exists()
    (confirmation,) = [message for message in mail.outbox if user.email in message.to]

    # The link in the e-mail proves the address: the request reaches Legé's admins.
    link = re.search(r"https?://[^/\s]+(/comptes/confirm-email/[^\s]+)", str(confirmation.body))
    assert link, confirmation.body
    client.post(link.group(1))
    assert EmailAddress.objects.get(user=user).verified
    join = JoinRequest.objects.get(tenant=tenant_a, email=user.email)
    assert join.state == "pending"
    assert "Annuaire de test" in join.message


def test_an_answer_signed_by_another_key_opens_nothing(
    tenant_a: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    connection = _connect(tenant_a, make_user, directory, client_for)
    agent = _agent(directory, make_user, tenant_a, "alix")
    with saml_identity_provider() as other:  # a directory with its own key
        connection.x509cert = services.normalised_certificate(other.certificate_pem)
        connection.save()
    client = client_for(tenant_a)

    refused = sign_in(client, tenant_a, directory, "alix")

    assert refused.status_code == 401  # allauth's « sign-in failed » page
    assert not client.get("/espaces/").wsgi_request.user.is_authenticated
    assert not SocialAccount.objects.filter(user=agent).exists()


def test_only_the_collectivites_host_offers_its_directory(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    _connect(tenant_a, make_user, directory, client_for)
    assert "Annuaire de test" not in client_for(tenant_b).get("/comptes/login/").content.decode()
    assert "Annuaire de test" not in client_for(None).get("/comptes/login/").content.decode()
    # Our metadata answers on each collectivité's own host, for its own slug only.
    assert client_for(tenant_b).get(f"/comptes/saml/{tenant_b.slug}/metadata/").status_code == 200
    assert client_for(tenant_b).get(f"/comptes/saml/{tenant_a.slug}/metadata/").status_code == 404
    SamlConnection.objects.filter(tenant=tenant_a).update(enabled=False)
    assert "Annuaire de test" not in client_for(tenant_a).get("/comptes/login/").content.decode()


def test_the_admins_page_takes_the_directorys_metadata(
    tenant_a: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    admin = _admin(tenant_a, make_user)
    client = client_for(tenant_a, admin.user)
    page = client.get("/equipe/connexion-unique/")
    assert page.status_code == 200
    body = page.content.decode()
    assert f"/comptes/saml/{tenant_a.slug}/acs/" in body
    assert f"/comptes/saml/{tenant_a.slug}/metadata/" in body

    saved = client.post(
        "/equipe/connexion-unique/",
        {"label": "Annuaire de la mairie", "metadata": directory.metadata(), "enabled": "on"},
    )

    assert saved.status_code == 302, saved.content.decode()[:3000]
    connection = SamlConnection.objects.get(tenant=tenant_a)
    assert (connection.idp_entity_id, connection.sso_url) == (
        directory.entity_id,
        directory.sso_url,
    )
    assert connection.slo_url == directory.slo_url
    assert connection.x509cert == services.normalised_certificate(directory.certificate_pem)
    with tenant_context(tenant_a):
        assert ActivityEntry.objects.filter(verb=services.SAML_CHANGED).exists()

    removed = client.post("/equipe/connexion-unique/", {"remove": "1"})
    assert removed.status_code == 302
    assert not SamlConnection.objects.filter(tenant=tenant_a).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("x509cert", "pas un certificat", "Ce certificat est illisible"),
        ("sso_url", "http://annuaire.example.fr/sso", "https://"),
        ("sso_url", "annuaire", "Saisissez une URL valide"),
        ("label", "", "obligatoire"),
    ],
)
def test_a_wrong_value_is_explained_and_nothing_is_saved(
    tenant_a: Tenant,
    make_user: Any,
    directory: IdentityProvider,
    client_for: Any,
    field: str,
    value: str,
    message: str,
) -> None:
    admin = _admin(tenant_a, make_user)
    form = {
        "label": "Annuaire",
        "idp_entity_id": directory.entity_id,
        "sso_url": directory.sso_url,
        "x509cert": directory.certificate_pem,
        "enabled": "on",
        field: value,
    }
    answer = client_for(tenant_a, admin.user).post("/equipe/connexion-unique/", form)
    assert answer.status_code == 400
    assert message in answer.content.decode().replace("&#x27;", "'")
    assert not SamlConnection.objects.filter(tenant=tenant_a).exists()


def test_pasted_text_that_is_no_metadata_is_explained(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = _admin(tenant_a, make_user)
    answer = client_for(tenant_a, admin.user).post(
        "/equipe/connexion-unique/", {"label": "Annuaire", "metadata": "<html>bonjour</html>"}
    )
    assert answer.status_code == 400
    assert "ne décrivent pas un fournisseur d'identité SAML" in answer.content.decode().replace(
        "&#x27;", "'"
    )


def test_only_admins_set_the_directory(tenant_a: Tenant, make_user: Any, client_for: Any) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    assert client_for(tenant_a, agent).get("/equipe/connexion-unique/").status_code == 403
    with tenant_context(tenant_a), pytest.raises(PermissionDenied):
        services.remove_saml_connection(Membership.objects.get(user=agent), tenant_a)


def test_the_api_sets_reads_and_removes_the_directory(
    tenant_a: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    admin = _admin(tenant_a, make_user)
    api = client_for(tenant_a, admin.user)
    empty = api.get("/api/v1/team/saml/").json()
    assert empty["connection"] is None
    assert empty["service_provider"]["acs_url"].endswith(f"/comptes/saml/{tenant_a.slug}/acs/")

    refused = api.put(
        "/api/v1/team/saml/",
        {"label": "Annuaire", "idp_entity_id": "x", "sso_url": directory.sso_url, "x509cert": "?"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    assert "x509cert" in str(refused.json())
    saved = api.put(
        "/api/v1/team/saml/",
        {"label": "Annuaire API", "metadata": directory.metadata()},
        content_type="application/json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["connection"]["sso_url"] == directory.sso_url
    assert saved.json()["linked_accounts"] == 0
    assert "metadata" not in saved.json()["connection"]

    assert api.delete("/api/v1/team/saml/").status_code == 204
    assert not SamlConnection.objects.filter(tenant=tenant_a).exists()
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    assert client_for(tenant_a, agent).get("/api/v1/team/saml/").status_code == 403


def test_the_other_admins_are_told(
    tenant_a: Tenant,
    make_user: Any,
    directory: IdentityProvider,
    client_for: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Who may sign in changed: an admin who did not make the change hears of it."""
    from entente.notifications.models import Notification

    other = _admin(tenant_a, make_user)
    with django_capture_on_commit_callbacks(execute=True):
        _connect(tenant_a, make_user, directory, client_for)
    notice = Notification.objects.get(user=other.user)
    assert "Annuaire de test" in notice.title
    assert notice.url.endswith("/equipe/connexion-unique/")


def test_logging_out_of_entente_ends_the_directorys_session_too(
    tenant_a: Tenant, make_user: Any, directory: IdentityProvider, client_for: Any
) -> None:
    """On a mairie's shared workstation, the next person meets the directory's password."""
    _connect(tenant_a, make_user, directory, client_for)
    agent = _agent(directory, make_user, tenant_a, "sacha")
    client, browser = client_for(tenant_a), requests.Session()
    sign_in(client, tenant_a, directory, "sacha", browser=browser)
    assert client.get("/espaces/").wsgi_request.user == agent

    logout = client.post("/comptes/logout/")

    assert logout.status_code == 302
    assert logout["Location"].startswith(f"{directory.slo_url}?SAMLRequest=")
    back = browser.get(logout["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    sls = urlsplit(back.headers["Location"])
    assert sls.path == f"/comptes/saml/{tenant_a.slug}/sls/"
    assert client.get(f"{sls.path}?{sls.query}").status_code == 302
    assert not client.get("/espaces/").wsgi_request.user.is_authenticated
    # The directory asks for its password again.
    start = client.post(f"/comptes/saml/{tenant_a.slug}/login/", {"process": "login"})
    assert 'name="password"' in browser.get(start["Location"], timeout=10).text
