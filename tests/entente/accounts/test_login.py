"""One login for every subdomain: the real login form, where it leads, and logging out."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from entente.accounts.models import Role
from tenants.models import Tenant

from .support import BARE, Visitor


def test_login_on_the_bare_domain_opens_every_tenant_of_the_person(
    tenant_a: Tenant, tenant_b: Tenant, person, visitor: Visitor
) -> None:
    """The session cookie set by the bare domain's login form is sent to each tenant's host."""
    anne = person(tenant=tenant_a)
    from entente.accounts.services import add_member

    add_member(tenant_b, anne, Role.ELECTED)

    response = visitor.log_in(None, anne.email)

    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == ".entente.localhost"
    assert cookie.value
    for tenant in (tenant_a, tenant_b):
        page = visitor.get(tenant, "/")
        assert page.status_code == 200, tenant.name
        assert f"<h1>{tenant.name}</h1>" in page.content.decode()
    assert visitor.client.cookies[settings.SESSION_COOKIE_NAME].value == cookie.value


def test_login_on_a_tenant_host_also_opens_the_other_tenants(
    tenant_a: Tenant, tenant_epci: Tenant, person, visitor: Visitor
) -> None:
    from entente.accounts.services import add_member

    anne = person(tenant=tenant_a)
    add_member(tenant_epci, anne, Role.GUEST)

    response = visitor.log_in(tenant_a, anne.email)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.SESSION_COOKIE_NAME]["domain"] == ".entente.localhost"
    assert visitor.get(tenant_epci, "/").status_code == 200
    assert visitor.get(tenant_a, "/").status_code == 200


def test_csrf_cookie_is_shared_by_the_subdomains_too(tenant_a: Tenant, visitor: Visitor) -> None:
    """A form shown on one host may be sent from another: the CSRF cookie spans them."""
    page = visitor.get(tenant_a, "/comptes/login/")
    assert page.cookies[settings.CSRF_COOKIE_NAME]["domain"] == ".entente.localhost"


def test_after_login_on_a_tenant_host_the_person_lands_on_its_home(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)

    response = visitor.log_in(tenant_a, anne.email)

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = visitor.get(tenant_a, response["Location"])
    assert home.status_code == 200
    assert "Votre rôle : Agent" in home.content.decode()


def test_after_login_on_the_bare_domain_one_tenant_opens_directly(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)

    response = visitor.log_in(None, anne.email)

    assert response.status_code == 302
    assert response["Location"] == f"http://{tenant_a.primary_host}/"
    assert visitor.get(tenant_a, "/").status_code == 200


def test_after_login_on_the_bare_domain_several_tenants_are_offered(
    tenant_a: Tenant, tenant_b: Tenant, tenant_epci: Tenant, person, visitor: Visitor
) -> None:
    from entente.accounts.services import add_member

    anne = person(tenant=tenant_a, role=Role.ADMIN)
    add_member(tenant_epci, anne, Role.ELECTED)

    response = visitor.log_in(None, anne.email)

    assert response.status_code == 302
    assert response["Location"] == "/mes-collectivites/"
    page = visitor.get(None, "/mes-collectivites/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Choisissez votre collectivité" in html
    assert f'href="http://{tenant_a.primary_host}/"' in html
    assert f'href="http://{tenant_epci.primary_host}/"' in html
    assert "Administrateur" in html
    assert "Intercommunalité (EPCI)" in html
    assert tenant_b.name not in html


def test_after_login_without_any_tenant_the_person_is_told_what_to_do(
    person, visitor: Visitor
) -> None:
    lone = person(email="seule@example.fr")

    response = visitor.log_in(None, lone.email)

    assert response["Location"] == "/mes-collectivites/"
    page = visitor.get(None, "/mes-collectivites/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "aucune collectivité" in html
    assert "Demandez à l'administrateur de votre collectivité de vous inviter" in html
    assert "seule@example.fr" in html


def test_the_choice_page_needs_a_login(client: Client) -> None:
    response = client.get("/mes-collectivites/", HTTP_HOST=BARE)
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=/mes-collectivites/")


def test_anonymous_visit_keeps_the_page_asked_for_through_login(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)

    response = visitor.get(tenant_a, "/", QUERY_STRING="vue=liste")

    assert response.status_code == 302
    login_url = urlsplit(response["Location"])
    assert login_url.path == "/comptes/login/"
    assert login_url.query == "next=/%3Fvue%3Dliste"
    login_page = visitor.get(tenant_a, response["Location"])
    assert 'name="next" value="/?vue=liste"' in login_page.content.decode()

    after = visitor.log_in(tenant_a, anne.email, next_url="/?vue=liste")

    assert after.status_code == 302
    assert after["Location"] == "/?vue=liste"


def test_a_next_pointing_to_another_site_is_ignored(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)

    response = visitor.log_in(tenant_a, anne.email, next_url="https://pirate.example/")

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_wrong_password_is_refused_with_a_clear_french_message(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)

    response = visitor.log_in(tenant_a, anne.email, password="pas-le-bon")

    html = response.content.decode()
    assert response.status_code == 200
    assert visitor.user_id is None
    assert 'class="error-summary"' in html
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in html
    assert "<title>Erreur —" in html


def test_empty_fields_are_each_named_and_tied_to_their_input(
    tenant_a: Tenant, visitor: Visitor
) -> None:
    visitor.get(tenant_a, "/comptes/login/")

    response = visitor.post(tenant_a, "/comptes/login/", {"login": "", "password": ""})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Le formulaire contient 2 erreurs à corriger" in html
    assert 'href="#id_login"' in html
    assert 'href="#id_password"' in html
    assert 'id="id_login_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_login_error"' in html


def test_inactive_person_cannot_log_in(tenant_a: Tenant, person, visitor: Visitor) -> None:
    former = person(tenant=tenant_a, is_active=False)

    response = visitor.log_in(tenant_a, former.email)

    assert visitor.user_id is None
    assert response.status_code == 302
    assert response["Location"] == "/comptes/inactive/"
    page = visitor.get(tenant_a, response["Location"])
    assert "Ce compte est désactivé" in page.content.decode()
    assert visitor.get(tenant_a, "/").status_code == 302


def test_a_person_deactivated_while_logged_in_is_shown_out(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(tenant=tenant_a)
    visitor.log_in(tenant_a, anne.email)
    assert visitor.get(tenant_a, "/").status_code == 200

    anne.is_active = False
    anne.save(update_fields=["is_active"])

    response = visitor.get(tenant_a, "/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_logging_out_on_one_host_logs_out_everywhere(
    tenant_a: Tenant, tenant_b: Tenant, person, visitor: Visitor
) -> None:
    from entente.accounts.services import add_member

    anne = person(tenant=tenant_a)
    add_member(tenant_b, anne, Role.AGENT)
    visitor.log_in(None, anne.email)
    old_session = visitor.client.cookies[settings.SESSION_COOKIE_NAME].value
    assert visitor.get(tenant_b, "/").status_code == 200

    response = visitor.post(tenant_a, "/comptes/logout/")

    assert response.status_code == 302
    for tenant in (tenant_a, tenant_b):
        assert visitor.get(tenant, "/").status_code == 302, tenant.name
    assert visitor.get(None, "/mes-collectivites/").status_code == 302
    # The old cookie is dead on the server too, not merely forgotten by this browser.
    stolen = Client(HTTP_HOST=tenant_b.primary_host)
    stolen.cookies[settings.SESSION_COOKIE_NAME] = old_session
    assert stolen.get("/").status_code == 302
