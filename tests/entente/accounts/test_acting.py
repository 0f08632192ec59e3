"""`entente.accounts.acting`: who acts on which tenant, and how they reach it.

One answer for pages, API and sockets: the person's own membership, the federated stand-in of a
linked commune's staff on the EPCI's host, or the support reader of vendor staff during a grant.
A change (membership removed, link ended) is seen at once in the writer's process.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entente.accounts.acting import (
    ReachedAs,
    acting_membership,
    is_federated,
    is_support_reader,
    reached_as,
    via_communes,
)
from entente.accounts.models import Role, User
from entente.accounts.services import add_member, remove_member
from entente.federation.services import end_link
from tenants.models import Tenant
from tests.support.federation import World, make_world


@pytest.fixture
def world(
    make_user: Callable[..., User], tenant_epci: Tenant, tenant_a: Tenant, tenant_b: Tenant
) -> World:
    return make_world(make_user, tenant_epci, tenant_a, tenant_b)


def test_a_member_acts_with_their_own_membership(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    person = make_user(tenant=tenant_a, role=Role.ELECTED)
    membership = acting_membership(person, tenant_a)
    assert membership is not None
    assert (membership.pk is not None, membership.role) == (True, Role.ELECTED)
    assert (membership.user, membership.tenant) == (person, tenant_a)
    assert reached_as(membership) is ReachedAs.MEMBER
    assert (via_communes(membership), is_federated(membership)) == (None, False)
    assert not is_support_reader(membership)


def test_a_warm_answer_costs_no_query(tenant_a: Tenant, make_user: Callable[..., User]) -> None:
    person = make_user(tenant=tenant_a)
    stranger = make_user(tenant=None)
    acting_membership(person, tenant_a)
    acting_membership(stranger, tenant_a)
    with CaptureQueriesContext(connection) as warm:
        assert acting_membership(person, tenant_a) is not None
        assert acting_membership(stranger, tenant_a) is None
    assert warm.captured_queries == []


def test_staff_of_a_linked_commune_act_as_a_federated_stand_in(world: World) -> None:
    membership = acting_membership(world.lege_agent, world.epci)
    assert membership is not None
    assert membership.pk is None  # a stand-in, never saved
    assert (membership.role, membership.tenant) == (Role.GUEST, world.epci)
    assert reached_as(membership) is ReachedAs.FEDERATED
    assert is_federated(membership)
    assert via_communes(membership) == [world.lege]


@pytest.mark.parametrize("who", ["lege_guest", "paulx_agent"])
def test_guests_of_a_linked_commune_and_staff_of_another_do_not_reach_the_epci(
    world: World, who: str
) -> None:
    assert acting_membership(getattr(world, who), world.epci) is None


def test_the_epci_is_no_way_into_its_communes(world: World) -> None:
    assert acting_membership(world.epci_editor, world.lege) is None


def test_a_membership_of_ones_own_comes_before_the_stand_in(
    world: World, make_user: Callable[..., User]
) -> None:
    both = make_user(tenant=world.lege, role=Role.AGENT)
    add_member(world.epci, both, Role.ELECTED)
    membership = acting_membership(both, world.epci)
    assert membership is not None
    assert (membership.role, reached_as(membership)) == (Role.ELECTED, ReachedAs.MEMBER)


def test_vendor_staff_read_only_during_a_support_access(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    staff = make_user(is_staff=True)
    assert acting_membership(staff, tenant_a) is None  # no grant: an outsider
    membership = acting_membership(staff, tenant_a, support=True)
    assert membership is not None
    assert (membership.pk, membership.role) == (None, Role.AGENT)
    assert reached_as(membership) is ReachedAs.SUPPORT
    assert is_support_reader(membership)
    assert not is_federated(membership)


def test_a_member_during_a_support_access_keeps_their_membership(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    person = make_user(tenant=tenant_a, role=Role.ADMIN, is_staff=True)
    membership = acting_membership(person, tenant_a, support=True)
    assert membership is not None
    assert (membership.role, reached_as(membership)) == (Role.ADMIN, ReachedAs.MEMBER)


def test_a_revoked_membership_is_seen_at_once(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    person = make_user(tenant=tenant_a)
    assert acting_membership(person, tenant_a) is not None  # now cached
    remove_member(tenant_a, person)
    assert acting_membership(person, tenant_a) is None


def test_a_role_change_is_seen_at_once(tenant_a: Tenant, make_user: Callable[..., User]) -> None:
    person = make_user(tenant=tenant_a, role=Role.AGENT)
    assert acting_membership(person, tenant_a).role == Role.AGENT  # type: ignore[union-attr]
    stored = person.memberships.get(tenant=tenant_a)
    stored.role = Role.GUEST
    stored.save(update_fields=["role"])
    assert acting_membership(person, tenant_a).role == Role.GUEST  # type: ignore[union-attr]


def test_an_ended_link_ends_the_stand_in_at_once(world: World) -> None:
    assert acting_membership(world.lege_agent, world.epci) is not None  # now cached
    end_link(world.lege_link, actor=world.lege_admin, acting_tenant=world.lege)
    assert acting_membership(world.lege_agent, world.epci) is None


def test_leaving_the_commune_ends_the_stand_in_at_once(world: World) -> None:
    assert acting_membership(world.lege_agent, world.epci) is not None  # now cached
    remove_member(world.lege, world.lege_agent)
    assert acting_membership(world.lege_agent, world.epci) is None


def test_an_inactive_person_reaches_nothing(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    person = make_user(tenant=tenant_a)
    person.is_active = False
    assert acting_membership(person, tenant_a) is None
    assert acting_membership(person, tenant_a, support=True) is None
