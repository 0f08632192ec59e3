"""A tenant shows its pages to its members only, whatever their role; others are told why."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from entente.accounts.models import Role
from entente.accounts.services import add_member
from entente.federation.reach import reaches
from entente.spaces.services import create_space
from tenants.models import Tenant
from tests.support.acting import seeding

ROLE_LABELS = {
    Role.ADMIN: "Administrateur",
    Role.AGENT: "Agent",
    Role.ELECTED: "Élu",
    Role.GUEST: "Invité",
}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reaches_its_tenant_home_and_sees_it(
    role: Role, tenant_a: Tenant, make_user, client_for
) -> None:
    with tenant_context(tenant_a):
        create_space(seeding(), name="Voirie de Legé")
    member = make_user(tenant=tenant_a, role=role)

    response = client_for(tenant_a, member).get("/")

    html = response.content.decode()
    assert response.status_code == 200
    # The home lists the spaces the person may see: guests only reach public projects.
    assert ("Voirie de Legé" in html) == (role != Role.GUEST)
    assert f"Votre rôle : {ROLE_LABELS[role]}" in html


@pytest.mark.parametrize("role", list(Role))
def test_a_member_of_a_is_refused_on_b_whatever_the_role(
    role: Role, tenant_a: Tenant, tenant_b: Tenant, make_user, client_for
) -> None:
    with tenant_context(tenant_b):
        create_space(seeding(), name="Écoles de Paulx")
    member = make_user(tenant=tenant_a, role=role)
    client = client_for(tenant_b, member)

    page = client.get("/")
    api = client.get("/api/v1/spaces/")

    assert page.status_code == 403
    assert "Écoles de Paulx" not in page.content.decode()
    assert api.status_code == 403
    assert "Écoles de Paulx" not in api.content.decode()
    assert "Paulx" in api.json()["detail"]


def test_not_a_member_page_says_so_in_french_and_offers_a_way_back(
    tenant_a: Tenant, tenant_b: Tenant, make_user, client_for
) -> None:
    anne = make_user(tenant=tenant_a)

    response = client_for(tenant_b, anne).get("/")

    html = response.content.decode()
    assert response.status_code == 403
    assert '<html lang="fr">' in html
    assert "Vous n'êtes pas membre de Paulx" in html
    assert "demandez à l'un de ses administrateurs de vous ajouter" in html
    assert "Votre rôle" not in html  # no role here: the person has none in Paulx
    assert f'href="http://{tenant_a.primary_host}/"' in html  # the switcher leads back home
    assert 'href="http://entente.localhost/mes-collectivites/"' in html


def test_not_a_member_page_covers_every_path_not_only_the_home(
    tenant_a: Tenant, tenant_b: Tenant, make_user, client_for
) -> None:
    anne = make_user(tenant=tenant_a)

    response = client_for(tenant_b, anne).get("/n-importe-quelle/page/")

    assert response.status_code == 403
    assert "Vous n'êtes pas membre de Paulx" in response.content.decode()


def test_removing_the_membership_closes_the_tenant_at_once(
    tenant_a: Tenant, make_user, client_for
) -> None:
    from entente.accounts.services import remove_member

    anne = make_user(tenant=tenant_a)
    client = client_for(tenant_a, anne)
    assert client.get("/").status_code == 200

    remove_member(tenant_a, anne)

    assert client.get("/").status_code == 403


def test_anonymous_api_call_gets_401_not_a_login_page(tenant_a: Tenant, client: Client) -> None:
    response = client.get("/api/v1/spaces/", HTTP_HOST=tenant_a.primary_host)
    assert response.status_code == 401


def test_account_pages_stay_reachable_for_a_non_member(
    tenant_b: Tenant, make_user, client_for
) -> None:
    """Someone lost on another tenant's host can still manage their account or log out there."""
    stranger = make_user()

    response = client_for(tenant_b, stranger).get("/comptes/password/change/")

    assert response.status_code == 200


def test_switcher_lists_every_tenant_with_kind_role_and_the_current_one(
    tenant_a: Tenant, tenant_b: Tenant, tenant_epci: Tenant, make_user, client_for
) -> None:
    anne = make_user(full_name="Anne Martin", tenant=tenant_a, role=Role.AGENT)
    add_member(tenant_b, anne, Role.ELECTED)
    add_member(tenant_epci, anne, Role.ADMIN)

    html = client_for(tenant_b, anne).get("/").content.decode()

    switcher = html.split('<details class="tenant-switcher"', 1)[1].split("</details>", 1)[0]
    assert "<summary>Changer de collectivité</summary>" in switcher
    items = switcher.split("<li")[1:]
    assert len(items) == 3
    by_name = {
        tenant.name: item
        for tenant in (tenant_a, tenant_b, tenant_epci)
        for item in items
        if f'<span class="tenant-name">{tenant.name}</span>' in item
    }
    assert set(by_name) == {"Legé", "Paulx", "CC Sud Retz Atlantique"}
    assert "Commune · Agent" in by_name["Legé"]
    assert "Commune · Élu" in by_name["Paulx"]
    assert "Intercommunalité (EPCI) · Administrateur" in by_name["CC Sud Retz Atlantique"]
    assert 'aria-current="true"' in by_name["Paulx"]
    assert "(vous y êtes)" in by_name["Paulx"]
    for other in ("Legé", "CC Sud Retz Atlantique"):
        assert "aria-current" not in by_name[other]
    assert f'href="http://{tenant_epci.primary_host}/"' in by_name["CC Sud Retz Atlantique"]
    assert "Votre rôle : Élu" in html


def test_switcher_is_not_shown_to_a_person_with_a_single_tenant(
    tenant_a: Tenant, make_user, client_for
) -> None:
    anne = make_user(tenant=tenant_a)

    client = client_for(tenant_a, anne)
    html = client.get("/").content.decode()

    assert "tenant-switcher" not in html
    assert "Votre rôle : Agent" in html
    assert "tenant-switcher" not in client.get("/comptes/email/").content.decode()
    on_bare_domain = client_for(None, anne).get("/comptes/email/").content.decode()
    assert "<summary>Mes collectivités</summary>" in on_bare_domain


def test_switcher_costs_one_query_whatever_the_number_of_tenants(
    tenant_a: Tenant, tenant_b: Tenant, tenant_epci: Tenant, make_user, client_for
) -> None:
    """The header's list of tenants is one query joining the tenants, never one per tenant,
    when the reaches are not cached yet (entente.federation.reach); none once they are."""

    def home_queries(user, *, reaches_cached: bool = False) -> list[str]:
        client = client_for(tenant_a, user)
        client.get("/")  # warm up: routing and membership caches
        if not reaches_cached:
            reaches.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    one = make_user(tenant=tenant_a)
    two = make_user(tenant=tenant_a)
    add_member(tenant_b, two, Role.AGENT)
    three = make_user(tenant=tenant_a)
    add_member(tenant_b, three, Role.AGENT)
    add_member(tenant_epci, three, Role.GUEST)

    counts = {len(home_queries(user)) for user in (one, two, three)}
    switcher_queries = [
        sql
        for sql in home_queries(three)
        if 'FROM "accounts_membership" INNER JOIN "tenants_tenant"' in sql
    ]

    assert len(counts) == 1, counts
    assert len(switcher_queries) == 1
    assert not [
        sql
        for sql in home_queries(three, reaches_cached=True)
        if 'FROM "accounts_membership" INNER JOIN "tenants_tenant"' in sql
    ]
