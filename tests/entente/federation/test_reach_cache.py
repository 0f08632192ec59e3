"""The reaches' per-process cache (entente.federation.reach): warm, no query; every change that
decides a reach evicted at once here, within a recheck elsewhere, and by age for a silent write."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from entente.accounts.acting import FEDERATION, MAX_AGE_SECONDS
from entente.accounts.models import Membership, Role, User
from entente.accounts.services import add_member, remove_member
from entente.federation.reach import reachable_tenants, reaches
from tenants import routing
from tenants.models import FederationLink, Tenant
from tests.support.routing import FakeClock, publish_from_another_process

from .conftest import People

pytestmark = [pytest.mark.usefixtures("official_data"), pytest.mark.django_db]


def names(user: User) -> list[str]:
    return [reach.tenant.name for reach in reachable_tenants(user)]


def queries_for(user: User) -> int:
    with CaptureQueriesContext(connection) as captured:
        reachable_tenants(user)
    return len(captured.captured_queries)


def test_a_warm_answer_costs_no_query_and_hands_out_copies(people: People) -> None:
    agent = people.commune_agent
    assert queries_for(agent) == 2
    assert queries_for(agent) == 0

    first = reachable_tenants(agent)
    first[0].tenant.name = "Changé par l'appelant"
    assert first[0].membership is not None
    first[0].membership.role = Role.ADMIN
    again = reachable_tenants(agent)
    assert again[0].tenant.name == "Legé"
    assert again[0].membership is not None
    assert again[0].membership.role == Role.AGENT
    with CaptureQueriesContext(connection) as captured:  # its person and tenant, no query
        assert again[0].membership.user == agent
        assert again[0].membership.tenant.name == "Legé"
    assert captured.captured_queries == []


def test_a_membership_added_or_removed_is_seen_at_once_and_only_its_person_reloads(
    people: People, tenant_b: Tenant
) -> None:
    agent, outsider = people.commune_agent, people.outsider
    assert names(agent) == ["Legé"]
    names(outsider)

    add_member(tenant_b, agent, Role.AGENT)
    assert names(agent) == ["Legé", "Paulx"]
    assert queries_for(outsider) == 0  # another person's entry was kept

    remove_member(tenant_b, agent)
    assert names(agent) == ["Legé"]


def test_a_link_becoming_active_or_ending_is_seen_at_once(
    people: People, link_in: Callable[[str], FederationLink]
) -> None:
    agent = people.commune_agent
    assert names(agent) == ["Legé"]
    link = link_in("active")
    assert names(agent) == ["CC Sud Retz Atlantique", "Legé"]
    [epci] = [reach for reach in reachable_tenants(agent) if reach.is_federated_only]
    assert [commune.name for commune in epci.via] == ["Legé"]

    from entente.federation.services import end_link

    end_link(link, actor=people.epci_admin, acting_tenant=link.epci)
    assert names(agent) == ["Legé"]


def test_a_renamed_tenant_is_seen_at_once_by_those_who_reach_it(
    people: People, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    agent, outsider = people.commune_agent, people.outsider
    names(agent)
    names(outsider)
    tenant_a.name = "Legé (renommée)"
    tenant_a.save(update_fields=["name"])
    assert names(agent) == ["Legé (renommée)"]
    assert queries_for(outsider) == 0  # Paulx's people do not reach Legé: kept


def test_a_change_published_by_another_process_is_seen_within_one_recheck(
    people: People, tenant_b: Tenant, clock: FakeClock
) -> None:
    agent = people.commune_agent
    routing.refresh()  # this process knows the current generation
    assert names(agent) == ["Legé"]

    # Another process adds the membership (its signal does not run here) and publishes it.
    Membership.objects.bulk_create([Membership(user=agent, tenant=tenant_b, role=Role.AGENT)])
    publish_from_another_process({"membership": [f"{tenant_b.pk}:{agent.pk}"]})

    clock.advance(routing.RECHECK_SECONDS / 2)
    assert names(agent) == ["Legé"]  # the documented window
    clock.advance(routing.RECHECK_SECONDS / 2)
    assert names(agent) == ["Legé", "Paulx"]


def test_a_federation_change_elsewhere_drops_every_entry(people: People, clock: FakeClock) -> None:
    routing.refresh()
    names(people.commune_agent)
    names(people.outsider)
    publish_from_another_process({FEDERATION: ["epci:1"]})
    clock.advance(routing.RECHECK_SECONDS)
    assert queries_for(people.outsider) == 2


def test_a_write_that_publishes_nothing_is_seen_within_the_age_limit(
    people: People, tenant_a: Tenant, clock: FakeClock
) -> None:
    agent = people.commune_agent
    names(agent)
    Tenant.objects.filter(pk=tenant_a.pk).update(name="Legé sans signal")
    clock.advance(MAX_AGE_SECONDS - 1)
    assert names(agent) == ["Legé"]
    clock.advance(1)
    assert names(agent) == ["Legé sans signal"]


def test_the_cache_is_bounded(people: People, monkeypatch: pytest.MonkeyPatch) -> None:
    from entente.federation import reach

    monkeypatch.setattr(reach, "MAX_ENTRIES", 1)
    names(people.commune_agent)
    names(people.outsider)
    assert list(reaches.entries) == [people.outsider.pk]
