"""Who is linked with whom, and an EPCI's members as its federation page lists them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entente.federation.selectors import (
    link_of,
    linked_communes,
    linked_epcis,
    member_overview,
)
from entente.federation.services import invite_commune
from tenants.models import FederationLink, FederationState, Tenant

from .conftest import People

pytestmark = pytest.mark.usefixtures("official_data")


def test_only_active_links_count_as_linked(
    tenant_epci: Tenant, tenant_a: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    link_in(FederationState.INVITED)
    assert list(linked_communes(tenant_epci)) == []
    assert list(linked_epcis(tenant_a)) == []


def test_linked_both_ways(
    tenant_epci: Tenant,
    tenant_a: Tenant,
    tenant_b: Tenant,
    link_in: Callable[[str], FederationLink],
) -> None:
    link_in(FederationState.ACTIVE)
    assert list(linked_communes(tenant_epci)) == [tenant_a]
    assert list(linked_epcis(tenant_a)) == [tenant_epci]
    assert list(linked_epcis(tenant_b)) == []


def test_a_tenant_reaches_only_its_own_links(
    tenant_epci: Tenant,
    tenant_a: Tenant,
    tenant_b: Tenant,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.INVITED)
    assert link_of(tenant_a, link.pk) == link
    assert link_of(tenant_epci, link.pk) == link
    assert link_of(tenant_b, link.pk) is None


def test_member_overview_lists_the_official_members_with_their_status(
    people: People,
    tenant_epci: Tenant,
    tenant_a: Tenant,
    link_in: Callable[[str], FederationLink],
) -> None:
    link_in(FederationState.ACTIVE)
    rows = {row.insee_code: row for row in member_overview(tenant_epci)}
    assert len(rows) == 8
    assert all(row.official for row in rows.values())
    lege = rows["44081"]
    assert lege.on_entente
    assert lege.tenant == tenant_a
    assert lege.link is not None
    assert lege.link.state == FederationState.ACTIVE
    machecoul = rows["44087"]  # not on Entente in the test database
    assert (machecoul.on_entente, machecoul.tenant, machecoul.link) == (False, None, None)
    assert machecoul.population == 7689


def test_member_overview_adds_linked_communes_off_the_list(
    people: People, tenant_epci: Tenant, nantes: Tenant
) -> None:
    invite_commune(tenant_epci, nantes, actor=people.epci_admin, allow_unlisted=True)
    rows = member_overview(tenant_epci)
    assert len(rows) == 9
    extra = rows[-1]
    assert (extra.name, extra.official, extra.tenant) == ("Nantes", False, nantes)
    assert extra.link is not None
    assert extra.link.state == FederationState.INVITED


def test_member_overview_costs_three_queries(
    tenant_epci: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    link_in(FederationState.ACTIVE)
    with CaptureQueriesContext(connection) as queries:
        rows = member_overview(tenant_epci)
        _ = [(row.link and row.link.commune.name, row.on_entente) for row in rows]
    assert len(queries.captured_queries) == 3
