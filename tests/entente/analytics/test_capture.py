"""Usage events: captured from what the services publish, once per outbox key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from entente.accounts.models import Role, User
from entente.analytics.capture import drain_buffer, on_event
from entente.analytics.catalogue import USAGE_EVENTS
from entente.analytics.models import UsageEvent
from entente.analytics.services import record_usage
from entente.core import events
from entente.core.events import Event
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.entente.tasks.conftest import World
from tests.support.acting import member

pytestmark = pytest.mark.usefixtures("eager")


def test_a_created_and_assigned_task_is_logged_for_its_author(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    editor = world.people["editor"]
    UsageEvent.objects.all().delete()
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        create_task(
            member(editor, world.tenant),
            space=world.space,
            title="Tailler les haies",
            assignee_ids=[world.people["commenter"].pk],
        )
    rows = UsageEvent.objects.filter(tenant=world.tenant).order_by("name")
    assert {(r.name, r.user_id, r.role) for r in rows} == {
        ("task.created", editor.pk, Role.AGENT),
        ("task.assigned", editor.pk, Role.AGENT),
    }
    assert all(r.name in USAGE_EVENTS for r in rows)


def test_a_redelivered_event_is_logged_once(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    user = make_user(tenant=tenant_a)
    event = Event(
        "activity.recorded",
        tenant_a.schema_name,
        payload={"verb": "task.created", "object_type": "task", "actor_id": user.pk},
        key="cle-stable",
    )
    for _ in range(3):
        events.deliver(event)
    assert UsageEvent.objects.filter(tenant=tenant_a, user=user).count() == 1


def test_events_outside_the_catalogue_are_not_logged(tenant_a: Tenant) -> None:
    on_event(Event("activity.recorded", tenant_a.schema_name, payload={"verb": "x.y"}, key="k"))
    on_event(Event("notification.created", tenant_a.schema_name, payload={}, key="k2"))
    on_event(Event("analytics.usage", tenant_a.schema_name, payload={"name": "libre"}, key="k3"))
    assert not UsageEvent.objects.filter(tenant=tenant_a).exists()


def test_a_page_level_use_is_buffered_then_written_in_a_batch(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    drain_buffer()  # whatever an earlier test left
    user = make_user(tenant=tenant_a, role=Role.ADMIN)
    record_usage(tenant_schema=tenant_a.schema_name, user_id=user.pk, name="search.done")
    record_usage(tenant_schema=tenant_a.schema_name, user_id=user.pk, name="preferences.set")
    assert not UsageEvent.objects.filter(user=user).exists()  # nothing written by the page
    assert drain_buffer() == 2
    rows = UsageEvent.objects.filter(tenant=tenant_a, user=user)
    assert {(row.name, row.role) for row in rows} == {
        ("search.done", Role.ADMIN),
        ("preferences.set", Role.ADMIN),
    }
    assert drain_buffer() == 0
    with pytest.raises(ValueError, match="catalogue"):
        record_usage(tenant_schema=tenant_a.schema_name, user_id=user.pk, name="texte libre")


def test_a_person_erased_before_the_batch_leaves_no_event(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    drain_buffer()
    kept, erased = make_user(tenant=tenant_a), make_user(tenant=tenant_a)
    for user in (kept, erased):
        record_usage(tenant_schema=tenant_a.schema_name, user_id=user.pk, name="search.done")
    erased_pk = erased.pk
    erased.delete()
    assert drain_buffer() == 2
    written = UsageEvent.objects.filter(user_id__in=[kept.pk, erased_pk])
    assert set(written.values_list("user_id", flat=True)) == {kept.pk}


def test_a_search_page_notes_the_search(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    drain_buffer()
    user = make_user(tenant=tenant_a)
    client = client_for(tenant_a, user)
    assert client.get("/recherche/").status_code == 200
    assert client.get("/recherche/", {"q": "voirie"}).status_code == 200
    drain_buffer()
    assert list(UsageEvent.objects.filter(user=user).values_list("name", flat=True)) == [
        "search.done"
    ]


def test_erasing_a_person_leaves_no_event_naming_them(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    user = make_user(tenant=tenant_a)
    on_event(
        Event("task.assigned", tenant_a.schema_name, payload={"actor_id": user.pk}, key="effacer")
    )
    assert UsageEvent.objects.filter(user=user).count() == 1
    user_id = user.pk
    user.delete()
    assert not UsageEvent.objects.filter(user_id=user_id).exists()
