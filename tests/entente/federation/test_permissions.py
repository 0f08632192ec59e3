"""`abilities`: what each person may do with a link, through the tenant they act for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from entente.accounts.models import Role
from entente.federation.permissions import abilities, acting_as, can_invite
from tenants.models import FederationLink, FederationState, Tenant

from .conftest import People

pytestmark = pytest.mark.usefixtures("official_data")

NOTHING = {"view": False, "invite": False, "accept": False, "refuse": False, "end": False}


def _expect(**granted: bool) -> dict[str, bool]:
    return {**NOTHING, **granted}


@pytest.mark.parametrize(
    ("state", "who", "through", "expected"),
    [
        ("invited", "epci_admin", "tenant_epci", _expect(view=True, end=True)),
        ("invited", "epci_agent", "tenant_epci", _expect(view=True)),
        ("invited", "commune_admin", "tenant_a", _expect(view=True, accept=True, refuse=True)),
        ("invited", "commune_agent", "tenant_a", _expect(view=True)),
        ("invited", "outsider", "tenant_b", NOTHING),
        ("active", "epci_admin", "tenant_epci", _expect(view=True, end=True)),
        ("active", "commune_admin", "tenant_a", _expect(view=True, end=True)),
        ("active", "commune_agent", "tenant_a", _expect(view=True)),
        ("active", "outsider", "tenant_b", NOTHING),
        ("refused", "epci_admin", "tenant_epci", _expect(view=True, invite=True)),
        ("refused", "commune_admin", "tenant_a", _expect(view=True)),
        ("ended", "epci_admin", "tenant_epci", _expect(view=True, invite=True)),
        ("ended", "epci_agent", "tenant_epci", _expect(view=True)),
        ("ended", "commune_admin", "tenant_a", _expect(view=True)),
        # The commune's admin, looking from the EPCI's host where they are not a member.
        ("active", "commune_admin", "tenant_epci", NOTHING),
    ],
)
def test_abilities_by_state_and_role(
    people: People,
    link_in: Callable[[str], FederationLink],
    request: pytest.FixtureRequest,
    state: str,
    who: str,
    through: str,
    expected: dict[str, bool],
) -> None:
    link = link_in(state)
    tenant = request.getfixturevalue(through)
    assert abilities(acting_as(people[who], tenant), link) == expected


def test_a_guest_of_the_commune_does_not_even_see_the_link(
    make_user: Callable[..., Any], tenant_a: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    guest = make_user(tenant=tenant_a, role=Role.GUEST)
    assert abilities(acting_as(guest, tenant_a), link_in(FederationState.ACTIVE)) == NOTHING


def test_support_staff_may_end_but_not_consent(
    make_user: Callable[..., Any], link_in: Callable[[str], FederationLink]
) -> None:
    support = make_user(is_staff=True)
    link = link_in(FederationState.INVITED)
    assert abilities(acting_as(support, None), link) == _expect(view=True, end=True)


def test_only_the_epci_admin_can_invite(
    people: People, tenant_epci: Tenant, tenant_a: Tenant
) -> None:
    assert can_invite(acting_as(people.epci_admin, tenant_epci))
    assert not can_invite(acting_as(people.epci_agent, tenant_epci))
    assert not can_invite(acting_as(people.commune_admin, tenant_a))
    assert not can_invite(acting_as(people.outsider, tenant_epci))
