"""People of the CC Sud Retz Atlantique and of Legé, and links in each state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from entente.accounts.models import Role, User
from entente.federation.services import (
    accept_invitation,
    end_link,
    invite_commune,
    refuse_invitation,
)
from tenants.models import FederationLink, FederationState, Tenant, TenantKind, TenantState


@dataclass
class People:
    epci_admin: User
    epci_agent: User
    commune_admin: User
    commune_agent: User
    outsider: User  # admin of another commune (tenant_b), nothing to do with this pair

    def __getitem__(self, name: str) -> User:
        return getattr(self, name)


@pytest.fixture
def people(
    make_user: Callable[..., User], tenant_epci: Tenant, tenant_a: Tenant, tenant_b: Tenant
) -> People:
    return People(
        epci_admin=make_user("admin@sud-retz.test", tenant=tenant_epci, role=Role.ADMIN),
        epci_agent=make_user("agent@sud-retz.test", tenant=tenant_epci, role=Role.AGENT),
        commune_admin=make_user("admin@lege.test", tenant=tenant_a, role=Role.ADMIN),
        commune_agent=make_user("agent@lege.test", tenant=tenant_a, role=Role.AGENT),
        outsider=make_user("admin@paulx.test", tenant=tenant_b, role=Role.ADMIN),
    )


@pytest.fixture
def link_in(
    people: People, tenant_epci: Tenant, tenant_a: Tenant
) -> Callable[[str], FederationLink]:
    """The EPCI–Legé link brought to `state` through the services, as people would."""

    def make(state: str) -> FederationLink:
        link = invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)
        if state == FederationState.INVITED:
            return link
        if state == FederationState.REFUSED:
            return refuse_invitation(link, actor=people.commune_admin)
        link = accept_invitation(link, actor=people.commune_admin)
        if state == FederationState.ACTIVE:
            return link
        return end_link(link, actor=people.epci_admin, acting_tenant=tenant_epci)

    return make


@pytest.fixture
def nantes(db: None) -> Tenant:
    """A commune that is not a member of the CC Sud Retz Atlantique (Nantes Métropole's).

    A tenant row without a schema: federation lives in the public schema and never enters it.
    """
    return Tenant.objects.create(
        name="Nantes",
        slug="nantes-test",
        schema_name="t_nantes_test",
        kind=TenantKind.COMMUNE,
        official_code="44109",
        state=TenantState.TRIAL,
    )
