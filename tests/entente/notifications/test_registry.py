"""The registry of event handlers: one per kind, filled by the apps, nothing for the unknown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import ImproperlyConfigured

from entente.core import events
from entente.notifications import registry, services, subscribers
from entente.notifications.models import Notification, NotificationKind
from entente.notifications.registry import EventHandler, handles, register_handlers
from entente.notifications.services import Draft, Notice, Occurrence

from .conftest import World

# What the subscriber used to list by hand (HANDLED_EVENTS, ACTIVITY_VERBS): each now answered
# by the handler its app registered in `ready()`.
EVENTS_OF_THE_APPS = [
    "task.assigned",
    "task.mentioned",
    "task.commented",
    "discussion.mentioned",
    "space.member_added",
    "space.invited",
    "space.join_requested",
    "space.join_refused",
    "signup.join_requested",
    "trial.reminder",
    "federation.link_changed",
]
ACTIVITY_VERBS = ["task.updated", "task.completed", "discussion.commented", "space.member_added"]


def _shared(event: Occurrence) -> list[Notice]:
    """A handler as wave 2's documents would write one."""
    draft = Draft(kind=NotificationKind.FOLLOWED_ACTIVITY, title="Un document partagé")
    return [Notice(draft, event.user_ids, event.key("document.shared", event.event_key))]


def _other(event: Occurrence) -> list[Notice]:
    return []


SHARED = EventHandler("document.shared", _shared)


@pytest.fixture
def document_handlers() -> Iterator[None]:
    yield
    registry.unregister_handlers([SHARED, EventHandler("document.shared", _other)])


@pytest.mark.parametrize("name", EVENTS_OF_THE_APPS)
def test_every_event_of_the_apps_has_its_handler(name: str) -> None:
    assert handles(name, {})


@pytest.mark.parametrize("verb", ACTIVITY_VERBS)
def test_the_activity_entries_that_notify_are_told_apart_by_their_verb(verb: str) -> None:
    assert handles("activity.recorded", {"verb": verb})


def test_the_registry_refuses_a_second_handler_for_the_same_event_kind(
    document_handlers: None,
) -> None:
    register_handlers([SHARED])
    register_handlers([SHARED])  # the same again (ready() run twice): nothing changes
    with pytest.raises(ImproperlyConfigured, match=r"document\.shared"):
        register_handlers([EventHandler("document.shared", _other)])
    assert registry.handler_for("document.shared", {}) == SHARED
    # nor may an app take over an event another app answers
    with pytest.raises(ImproperlyConfigured, match=r"task\.assigned"):
        register_handlers([EventHandler("task.assigned", _other)])
    with pytest.raises(ImproperlyConfigured, match=r"activity\.recorded:task\.updated"):
        register_handlers([EventHandler("activity.recorded", _other, verb="task.updated")])


def test_an_unregistered_event_makes_nothing(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    reader = world.people["reader"].pk
    schema = world.tenant.schema_name
    assert not handles("document.shared", {})
    assert not handles("activity.recorded", {"verb": "checklist.completed"})
    assert services.create_for_event("document.shared", schema, [reader], {}, None, "k") == []
    assert (
        services.create_for_event(
            "activity.recorded", schema, [reader], {"verb": "checklist.completed"}, None, "k"
        )
        == []
    )
    # the subscriber sends Celery only the events some app handles
    sent: list[str] = []
    monkeypatch.setattr(subscribers, "_send", lambda name, *args: sent.append(name))
    subscribers.on_event(events.Event("document.shared", schema, {}, None, (reader,)))
    subscribers.on_event(events.Event("task.assigned", schema, {}, None, (reader,)))
    assert sent == ["task.assigned"]
    assert not Notification.objects.filter(user_id=reader).exists()


def test_a_registered_handler_makes_its_notices_once_per_key(
    world: World, document_handlers: None
) -> None:
    reader = world.people["reader"].pk
    schema = world.tenant.schema_name
    register_handlers([SHARED])
    assert handles("document.shared", {})
    [made] = services.create_for_event("document.shared", schema, [reader], {}, None, "k")
    assert services.create_for_event("document.shared", schema, [reader], {}, None, "k") == []
    row = Notification.objects.get(pk=made.pk)
    assert (row.user_id, row.tenant_id) == (reader, world.tenant.pk)
    assert row.title == "Un document partagé"
    assert row.dedup_key == f"{schema}:document.shared:k"
