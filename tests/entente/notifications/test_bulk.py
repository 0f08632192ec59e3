"""An event for many people costs a fixed number of queries, whatever their number.

Preferences, visibility, dedup and the rows themselves are each handled for all the recipients
at once (issue 6: 1,000 people within 250 ms); counting the queries shows it without timing.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.notifications import preferences, services
from entente.notifications.models import Delivery, Notification, NotificationKind
from entente.spaces.models import SpaceMembership, SpaceRole
from tenants.models import Tenant

from .conftest import World

MAX_QUERIES = 8


def _people(tenant: Tenant, count: int, prefix: str) -> list[User]:
    users = User.objects.bulk_create(
        [User(email=f"{prefix}{i}@lege.test", full_name=f"Personne {i}") for i in range(count)]
    )
    Membership.objects.bulk_create(
        [Membership(user=user, tenant=tenant, role=Role.AGENT) for user in users]
    )
    return users


def _draft(title: str) -> services.Draft:
    return services.Draft(kind=NotificationKind.TASK_ASSIGNED, title=title, url="http://x.test/")


def test_notify_for_200_people_is_a_fixed_number_of_queries(
    tenant_a: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    few = [u.pk for u in _people(tenant_a, 20, "peu")]
    people = _people(tenant_a, 200, "foule")
    ids = [u.pk for u in people]
    silent, emailed, seen, gone = ids[:10], ids[10:20], ids[20], ids[21]
    for pk in silent:
        preferences.set_preference(pk, NotificationKind.TASK_ASSIGNED, Delivery.NONE)
    for pk in emailed:
        preferences.set_preference(pk, NotificationKind.TASK_ASSIGNED, Delivery.EMAIL)
    earlier = Notification.objects.create(
        user_id=seen,
        tenant=tenant_a,
        kind=NotificationKind.TASK_ASSIGNED,
        title="Déjà",
        dedup_key="k",
    )
    User.objects.filter(pk=gone).update(is_active=False)

    with CaptureQueriesContext(connection) as small:
        services.notify(tenant=tenant_a, user_ids=few, draft=_draft("Peu"), dedup_key="k-few")
    with (
        CaptureQueriesContext(connection) as large,
        django_capture_on_commit_callbacks() as callbacks,
    ):
        made = services.notify(
            tenant=tenant_a, user_ids=ids, draft=_draft("Pour tous"), dedup_key="k"
        )

    assert len(large.captured_queries) == len(small.captured_queries) <= MAX_QUERIES
    expected = sorted(set(ids) - set(silent) - {seen, gone})
    rows = list(Notification.objects.filter(dedup_key="k").exclude(pk=earlier.pk).order_by("id"))
    assert [r.user_id for r in rows] == expected  # ids follow the person ids
    assert [(n.pk, n.user_id, n.delivery) for n in made] == [
        (r.pk, r.user_id, r.delivery) for r in rows
    ]
    assert {r.user_id for r in rows if r.delivery == Delivery.EMAIL} == set(emailed)
    assert {r.delivery for r in rows if r.user_id not in emailed} == {Delivery.APP}
    assert {(r.title, r.url, r.tenant_id, r.kind) for r in rows} == {
        ("Pour tous", "http://x.test/", tenant_a.pk, NotificationKind.TASK_ASSIGNED)
    }
    assert len({r.created_at for r in rows}) == 1
    assert len(callbacks) == 2  # one notification.created event, one e-mail task

    # Run again (a retried task): nothing new, and still a fixed number of queries.
    with CaptureQueriesContext(connection) as again:
        assert (
            services.notify(tenant=tenant_a, user_ids=ids, draft=_draft("Bis"), dedup_key="k") == []
        )
    assert len(again.captured_queries) <= MAX_QUERIES
    assert Notification.objects.filter(dedup_key="k").count() == len(expected) + 1


def test_an_event_for_200_people_checks_visibility_in_bulk(world: World) -> None:
    """From the Celery task's entry point: only the space's members (private space) get it."""
    people = _people(world.tenant, 200, "voirie")
    with tenant_context(world.tenant):
        SpaceMembership.objects.bulk_create(
            [SpaceMembership(space=world.space, user=u, role=SpaceRole.READER) for u in people[::2]]
        )
    args = {"task_id": world.task.pk, "actor_id": world.people["editor"].pk}
    few = [u.pk for u in people[:4]]
    with CaptureQueriesContext(connection) as small:
        services.create_for_event(
            "task.mentioned", world.tenant.schema_name, few, args, world.space.pk, "e-few"
        )
    with CaptureQueriesContext(connection) as large:
        made = services.create_for_event(
            "task.mentioned", world.tenant.schema_name, [u.pk for u in people], args, None, "e-1"
        )
    assert len(large.captured_queries) == len(small.captured_queries)
    assert sorted(n.user_id for n in made) == sorted(u.pk for u in people[::2])
    assert Notification.objects.filter(user__in=people[1::2]).count() == 0
