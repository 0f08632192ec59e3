"""A request finds its tenant by host name; unknown hosts get a friendly page."""

import pytest
from django.test import Client

from entente.spaces.services import create_space
from tenants.models import Tenant
from tests.support.acting import seeding


@pytest.mark.django_db
def test_bare_domain_serves_the_landing_page() -> None:
    response = Client(HTTP_HOST="entente.localhost").get("/")
    assert response.status_code == 200
    assert "Entente" in response.content.decode()


@pytest.mark.django_db
def test_unknown_subdomain_gets_a_friendly_404() -> None:
    response = Client(HTTP_HOST="inconnue.entente.localhost").get("/")
    assert response.status_code == 404
    assert "ne correspond à aucune collectivité" in response.content.decode()


def test_member_sees_their_tenant_and_not_another(
    tenant_a: Tenant, tenant_b: Tenant, make_user, client_for
) -> None:
    from django_tenants.utils import tenant_context

    with tenant_context(tenant_a):
        create_space(seeding(), name="Voirie de Legé")
    with tenant_context(tenant_b):
        create_space(seeding(), name="Écoles de Paulx")
    anne = make_user(tenant=tenant_a)

    page = client_for(tenant_a, anne).get("/")
    assert page.status_code == 200
    assert "Voirie de Legé" in page.content.decode()
    assert "Écoles de Paulx" not in page.content.decode()

    other = client_for(tenant_b, anne).get("/")
    assert other.status_code == 403
    assert "êtes pas membre de Paulx" in other.content.decode()
    assert "Écoles de Paulx" not in other.content.decode()

    api = client_for(tenant_b, anne).get("/api/v1/spaces/")
    assert api.status_code == 403


def test_anonymous_is_sent_to_log_in(tenant_a: Tenant, client_for) -> None:
    response = client_for(tenant_a).get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")
