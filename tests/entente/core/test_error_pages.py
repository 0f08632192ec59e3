"""Refused and missing pages that help (issue 22): why, whom to ask, a way back; no HTML
under /api/."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from entente.accounts.models import Role, User
from tenants.models import Tenant


def test_a_refusal_says_why_names_the_admins_and_leads_back(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    make_user("maire@lege.test", tenant_a, Role.ADMIN, full_name="Hélène Maire")
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    client = client_for(tenant_a, agent)
    response = client.get(
        "/administration/export/", HTTP_REFERER=f"http://{tenant_a.primary_host}/taches/"
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "réservée aux administrateurs de Legé" in html  # why
    assert "Hélène Maire" in html  # whom to ask
    assert 'href="/"' in html  # a way back


def test_a_raised_refusal_renders_the_helpful_page(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    """`PermissionDenied` raised by a view (the e-mail addresses, for a guest)."""
    make_user("maire@lege.test", tenant_a, Role.ADMIN, full_name="Hélène Maire")
    guest = make_user("citoyenne@example.fr", tenant_a, Role.GUEST)
    referer = f"http://{tenant_a.primary_host}/espaces/"
    response = client_for(tenant_a, guest).get("/adresses-de-reception/", HTTP_REFERER=referer)
    assert response.status_code == 403
    html = response.content.decode()
    assert "réservé aux agents, aux élus et aux administrateurs" in html
    assert "Hélène Maire" in html
    assert f'href="{referer}"' in html
    assert "Revenir à la page précédente" in html


def test_outsiders_are_not_told_the_admins_names(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    make_user("maire@lege.test", tenant_a, Role.ADMIN, full_name="Hélène Maire")
    outsider = make_user("agent@paulx.test", tenant_b, Role.ADMIN)
    response = client_for(tenant_a, outsider).get("/administration/export/")
    assert response.status_code == 403
    assert "Hélène Maire" not in response.content.decode()


def test_a_missing_page_in_a_tenant_offers_its_home(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    response = client_for(tenant_a, agent).get("/espaces/999999/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Cette page n'existe pas" in html
    assert 'href="/"' in html
    assert "Accueil de Legé" in html
    assert "Space matching query" not in html  # Django's own text stays out


def test_a_foreign_referer_is_not_offered_as_the_way_back(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    response = client_for(tenant_a, agent).get(
        "/nulle-part/", HTTP_REFERER="https://ailleurs.example/piege"
    )
    assert response.status_code == 404
    assert "ailleurs.example" not in response.content.decode()


def test_errors_under_api_are_not_html(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    response = client_for(tenant_a, agent).get("/api/nulle-part/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
