"""allauth's pages live in Entente's shell: French, labelled, one heading, nothing from outside."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tenants.models import Tenant

from .support import BARE, structure

STATIC_DIR = Path(settings.PLATFORM_DIR) / "entente" / "static"

ANONYMOUS_PAGES = [
    ("/comptes/login/", "Se connecter"),
    ("/comptes/password/reset/", "Mot de passe oublié"),
    ("/comptes/password/reset/done/", "Regardez votre boîte e-mail"),
    ("/comptes/password/reset/key/1-mauvaise-cle/", "Ce lien ne fonctionne plus"),
    ("/comptes/password/reset/key/done/", "Votre mot de passe est changé"),
    ("/comptes/confirm-email/", "Confirmez votre adresse e-mail"),
    ("/comptes/confirm-email/mauvaise-cle/", "Confirmer l'adresse e-mail"),
    ("/comptes/inactive/", "Ce compte est désactivé"),
]
PERSON_PAGES = [
    ("/comptes/logout/", "Se déconnecter"),
    ("/comptes/email/", "Mon adresse e-mail"),
    ("/comptes/password/change/", "Modifier le mot de passe"),
    ("/comptes/2fa/", "Authentification à deux facteurs"),
]


def assert_in_our_shell(response, heading: str) -> None:
    html = response.content.decode()
    page = structure(response)
    assert response.status_code == 200
    assert page.html_lang == "fr"
    assert 'class="skip-link" href="#contenu"' in html
    assert '<main id="contenu"' in html
    assert 'class="language-switcher"' in html
    assert page.h1_count == 1
    assert heading in html
    unlabelled = [field for field in page.inputs if field.get("id") not in page.label_targets]
    assert not unlabelled, unlabelled
    for field in page.inputs:
        assert field.get("placeholder") is None, field


@pytest.mark.parametrize(("path", "heading"), ANONYMOUS_PAGES)
@pytest.mark.parametrize("on_tenant", [True, False], ids=["tenant-host", "bare-domain"])
def test_entrance_pages_render_in_our_shell(
    path: str, heading: str, on_tenant: bool, tenant_a: Tenant, client: Client
) -> None:
    host = tenant_a.primary_host if on_tenant else BARE
    response = client.get(path, HTTP_HOST=host)
    assert_in_our_shell(response, heading)
    assert 'class="entrance"' in response.content.decode()


@pytest.mark.parametrize(("path", "heading"), PERSON_PAGES)
def test_my_account_pages_render_in_our_shell_with_their_menu(
    path: str, heading: str, tenant_a: Tenant, make_user, client_for
) -> None:
    anne = make_user(tenant=tenant_a)

    response = client_for(tenant_a, anne).get(path)

    assert_in_our_shell(response, heading)
    html = response.content.decode()
    if path != "/comptes/logout/":
        assert '<nav class="manage-nav" aria-label="Mon compte">' in html
        assert 'aria-current="page"' in html


def test_two_factor_activation_page_renders_after_reauthentication(
    tenant_a: Tenant, make_user, client_for
) -> None:
    """Activating TOTP asks for the password again first: both pages are ours."""
    anne = make_user(tenant=tenant_a)
    client = client_for(tenant_a, anne)

    response = client.get("/comptes/2fa/totp/activate/", follow=True)

    assert_in_our_shell(response, "<h1>")


def test_every_page_loads_only_local_assets_and_htmx(tenant_a: Tenant, client: Client) -> None:
    page = structure(client.get("/comptes/login/", HTTP_HOST=tenant_a.primary_host))

    assert "/static/vendor/htmx/htmx.min.js" in page.script_sources
    for url in page.script_sources + page.stylesheets:
        assert url.startswith("/static/"), url
        assert (STATIC_DIR / url.removeprefix("/static/")).is_file(), url


def test_vendored_htmx_is_version_2_unmodified_with_its_licence() -> None:
    folder = STATIC_DIR / "vendor" / "htmx"
    script = (folder / "htmx.min.js").read_bytes()
    recorded = (folder / "VERSION").read_text()
    assert b'version:"2.' in script
    assert f"htmx.min.js sha256: {hashlib.sha256(script).hexdigest()}" in recorded
    assert "Zero-Clause BSD" in (folder / "LICENSE").read_text()


def test_htmx_requests_carry_the_csrf_token(tenant_a: Tenant, make_user, client_for) -> None:
    anne = make_user(tenant=tenant_a)

    html = client_for(tenant_a, anne).get("/").content.decode()

    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '<script src="/static/vendor/htmx/htmx.min.js" defer>' in html
