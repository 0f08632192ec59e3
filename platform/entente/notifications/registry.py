"""Which event makes which notifications: handlers contributed by the apps that publish events.

A capability app (tasks, discussions, spaces…) writes its handlers in its own
`notifications.py` and registers them in its `AppConfig.ready()`, in one call::

    # entente/documents/notifications.py
    from entente.notifications.registry import EventHandler
    from entente.notifications.services import Draft, Notice, Occurrence

    def _shared(event: Occurrence) -> list[Notice]:
        document = Document.objects.filter(pk=event.id("document_id")).first()
        if document is None:
            return []
        actor = event.person("actor_id")
        return [Notice(
            draft=Draft(kind=..., title=..., url=event.url("documents:detail", pk=document.pk),
                        space_id=document.space_id, object_type="document",
                        object_id=document.pk),
            recipients=event.viewers_among(event.user_ids, document.space),
            dedup_key=event.key("document.shared", document.pk, event.event_key),
            actor=actor,
        )]

    HANDLERS = (EventHandler("document.shared", _shared),)

    # entente/documents/apps.py, in ready():
    from entente.notifications.registry import register_handlers
    from .notifications import HANDLERS
    register_handlers(HANDLERS)

A handler receives the event (`services.Occurrence`: tenant entered, payload, the people the
publisher named, helpers for ids, people, URLs and keys) and returns `Notice`s: what to say,
to whom, under which idempotency key. The core (`services.create_for_event`) does the rest:
preferences, one INSERT with the key, the live announcement, the e-mail at once. Handlers write
nothing themselves, so a handler is a few lines and a retried event makes nothing twice.

An `activity.recorded` event is told apart by its verb: `EventHandler("activity.recorded",
handle, verb="task.updated")`. An event with no tenant of its own (a federation link, in the
public schema) registers with `in_tenant=False`; its notices name their tenants.

A daily reminder (tasks due tomorrow…) is a `DailyReminder("tasks.due", make)` in the same
tuple: `make(tenant, today)` returns notices, and the beat task runs every reminder in each
open tenant (`services.notify_due_tasks`).

One handler per event kind: registering a second, different one for the same kind is refused
(`ImproperlyConfigured`), so that two apps never both answer an event; registering the same
handler again is a no-op, so `ready()` may run twice. This module imports no app: the apps
plug themselves in, and an event no app registered makes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from tenants.models import Tenant

    from .services import Notice, Occurrence

ACTIVITY_RECORDED = "activity.recorded"

Handle = Callable[["Occurrence"], Iterable["Notice"]]
Reminder = Callable[["Tenant", datetime.date], Iterable["Notice"]]


@dataclass(frozen=True)
class EventHandler:
    event: str  # the event's name, e.g. "task.assigned" or "activity.recorded"
    handle: Handle
    verb: str = ""  # for "activity.recorded": the entry's verb, e.g. "task.updated"
    in_tenant: bool = True  # False: a public-schema event, handled outside any tenant

    @property
    def kind(self) -> str:
        return event_kind(self.event, {"verb": self.verb})


@dataclass(frozen=True)
class DailyReminder:
    kind: str  # unique among reminders, e.g. "tasks.due"
    make: Reminder  # (tenant, today) -> notices; runs in the tenant's schema


_handlers: dict[str, EventHandler] = {}
_reminders: dict[str, DailyReminder] = {}


def event_kind(name: str, payload: Mapping[str, Any]) -> str:
    """The key a handler answers to: the name, and for an activity entry also its verb."""
    if name == ACTIVITY_RECORDED:
        return f"{ACTIVITY_RECORDED}:{payload.get('verb') or ''}"
    return name


def register_handlers(handlers: Iterable[EventHandler | DailyReminder]) -> None:
    """Plug in an app's handlers; a second, different handler for one kind is refused."""
    for handler in handlers:
        table: dict[str, Any] = _reminders if isinstance(handler, DailyReminder) else _handlers
        known = table.get(handler.kind)
        if known is not None and known != handler:
            raise ImproperlyConfigured(
                f"The notifications of {handler.kind!r} are already made by {known!r}"
            )
        table[handler.kind] = handler


def unregister_handlers(handlers: Iterable[EventHandler | DailyReminder]) -> None:
    """Take handlers out again (tests that register their own)."""
    for handler in handlers:
        table: dict[str, Any] = _reminders if isinstance(handler, DailyReminder) else _handlers
        if table.get(handler.kind) == handler:
            del table[handler.kind]


def handler_for(name: str, payload: Mapping[str, Any]) -> EventHandler | None:
    return _handlers.get(event_kind(name, payload))


def handles(name: str, payload: Mapping[str, Any]) -> bool:
    """Does some app make notifications from this event? (The subscriber sends only those.)"""
    return event_kind(name, payload) in _handlers


def reminders() -> list[DailyReminder]:
    return [_reminders[kind] for kind in sorted(_reminders)]
