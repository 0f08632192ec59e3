"""The discovery score on known event histories, and the pages that show it."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from entente.accounts.models import Role, User
from entente.analytics.discovery import features
from entente.analytics.models import UsageEvent
from entente.analytics.selectors import discovery_of, person_discovery, tenant_adoption
from tenants.models import Tenant


def _did(tenant: Tenant, user: User, *names: str) -> None:
    from django.utils import timezone

    UsageEvent.objects.bulk_create(
        UsageEvent(
            key=f"{tenant.pk}-{user.pk}-{n}",
            tenant=tenant,
            user=user,
            name=name,
            occurred_at=timezone.now(),
        )
        for n, name in enumerate(names)
    )


def test_nobody_starts_at_zero_with_three_things_to_try() -> None:
    score = discovery_of(set())
    assert (score.percent, str(score.level), score.found) == (0, "Découverte", [])
    assert [f.key for f in score.next_to_try] == [f.key for f in features()[:3]]


def test_the_score_weighs_what_the_person_found() -> None:
    total = sum(f.weight for f in features())
    score = discovery_of({"task.created", "task.assigned", "checklist.launched"})
    assert score.percent == round(100 * (10 + 10 + 15) / total)
    assert {f.key for f in score.found} == {"create_task", "assign_task", "launch_procedure"}
    assert "create_task" not in {f.key for f in score.next_to_try}
    everything = discovery_of({name for f in features() for name in f.events})
    assert (everything.percent, str(everything.level), everything.next_to_try) == (
        100,
        "Expert",
        [],
    )


def test_a_persons_score_counts_only_their_events_in_this_tenant(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User]
) -> None:
    alice, bruno = make_user(tenant=tenant_a), make_user(tenant=tenant_a)
    _did(tenant_a, alice, "task.created", "task.created", "search.done")
    _did(tenant_a, bruno, "checklist.launched")
    _did(tenant_b, alice, "preferences.set")
    assert {f.key for f in person_discovery(alice.pk, tenant_a).found} == {
        "create_task",
        "search",
    }


def test_adoption_counts_people_per_feature_and_level(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    alice, bruno = make_user(tenant=tenant_a), make_user(tenant=tenant_a)
    _did(tenant_a, alice, *{name for f in features() for name in f.events})
    _did(tenant_a, bruno, "task.created")
    adoption = tenant_adoption(tenant_a)
    per_feature = {f.key: n for f, n in adoption.per_feature}
    assert per_feature["create_task"] == 2
    assert per_feature["launch_procedure"] == 1
    assert adoption.above[75] == 1
    assert adoption.levels["Expert"] == 1
    assert adoption.active_7_days == 2


def test_my_discovery_page_shows_my_percentage_and_a_link_to_try(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    alice = make_user(tenant=tenant_a)
    _did(tenant_a, alice, "task.created")
    page = client_for(tenant_a, alice).get("/mon-compte/decouverte/").content.decode()
    assert f"Vous avez découvert {discovery_of({'task.created'}).percent} %" in page
    assert 'href="/taches/"' in page  # "assign someone", the next thing to try


def test_the_adoption_page_is_for_the_tenants_admins(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent = make_user(tenant=tenant_a)
    _did(tenant_a, agent, "task.created")
    page = client_for(tenant_a, admin).get("/administration/adoption/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    assert "Créer une tâche" in page.content.decode()
    assert client_for(tenant_a, agent).get("/administration/adoption/").status_code == 403


def test_the_adoption_figures_export_as_csv_for_admins(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent = make_user(tenant=tenant_a)
    _did(tenant_a, agent, "task.created")
    response = client_for(tenant_a, admin).get("/administration/adoption/export.csv")
    lines = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv")
    assert "Créer une tâche;1;50" in lines
    assert agent.email not in response.content.decode()
    assert client_for(tenant_a, agent).get("/administration/adoption/export.csv").status_code == 403


def test_adoption_by_role_and_by_service_with_charts_and_csv(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    from django_tenants.utils import tenant_context

    from entente.spaces.models import SpaceMembership, SpaceRole
    from entente.spaces.services import create_space
    from tests.support.acting import seeding

    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent, other = make_user(tenant=tenant_a), make_user(tenant=tenant_a)
    _did(tenant_a, agent, *{name for f in features() for name in f.events})
    with tenant_context(tenant_a):
        team = create_space(seeding(admin), name="Services techniques")
        SpaceMembership.objects.create(space=team, user=agent, role=SpaceRole.EDITOR)
        adoption = tenant_adoption(tenant_a)
    roles = {str(g.label): g for g in adoption.by_role}
    assert (roles["Agent"].people, roles["Agent"].average_percent) == (2, 50)
    assert (roles["Administrateur"].people, roles["Administrateur"].active_7_days) == (1, 0)
    services = {str(g.label): g for g in adoption.by_service}
    assert (
        services["Services techniques"].people,
        services["Services techniques"].average_percent,
    ) == (
        1,
        100,
    )
    assert other.pk  # in no service: counted by role only
    client = client_for(tenant_a, admin)
    html = client.get("/administration/adoption/").content.decode()
    assert 'aria-labelledby="by-role-title"' in html
    assert 'aria-labelledby="by-service-title"' in html
    assert "<td>Services techniques</td>" in html
    lines = client.get("/administration/adoption/export.csv").content.decode().splitlines()
    assert "Services techniques;1;1;100;0" in lines
    assert any(line.startswith("Agent;2;1;50;") for line in lines)
