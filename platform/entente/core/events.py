"""Events that capability apps publish and faces (notifications, real time) handle.

Capability apps must not import `realtime/` (ARCHITECTURE.md §1): they call `publish_on_commit`
inside the transaction of their change. The event is not handed to anyone in memory: it is
written as a row of the outbox (`entente.outbox`, which registers itself here in its
AppConfig) in that same transaction, so a rolled-back write leaves nothing and a committed one
cannot lose its side effects to a broker outage. The outbox's relay later calls `deliver`,
with the row's stable `key`, until every retried subscriber has succeeded.

Subscribers are retried (the default: notifications) or best effort (the live push: a person
who missed it catches up from the database on reconnecting). A retried subscriber may see an
event twice, after a failure elsewhere or a worker killed mid-way: it must act once per `key`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something that happened in a tenant. `user_ids` are the people it concerns directly.

    `payload` must be plain JSON data (it is stored); `key` is given by the outbox when it
    delivers the event: the same for every delivery of one row.
    """

    name: str  # e.g. "task.assigned", "space.activity"
    tenant_schema: str
    payload: dict[str, Any] = field(default_factory=dict)
    space_id: int | None = None
    user_ids: tuple[int, ...] = ()
    key: str = ""


Subscriber = Callable[[Event], None]
_retried: list[Subscriber] = []
_best_effort: list[Subscriber] = []

Recorder = Callable[[Event], None]
_recorder: Recorder | None = None


class DeliveryError(Exception):
    """A retried subscriber failed: the outbox tries the event again later."""


def subscribe(subscriber: Subscriber, *, best_effort: bool = False) -> None:
    registry = _best_effort if best_effort else _retried
    if subscriber not in registry:
        registry.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    for registry in (_retried, _best_effort):
        if subscriber in registry:
            registry.remove(subscriber)


def use_recorder(recorder: Recorder) -> None:
    """Where `publish_on_commit` writes events (the outbox's AppConfig calls this)."""
    global _recorder
    _recorder = recorder


def publish_on_commit(event: Event) -> None:
    """Record `event` in the current transaction; it is delivered once that has committed."""
    if _recorder is None:
        raise ImproperlyConfigured("No event recorder: is entente.outbox in INSTALLED_APPS?")
    _recorder(event)


def deliver(event: Event) -> None:
    """Call every subscriber (the outbox's relay does, once the event's row is committed).

    Every subscriber is called even when one fails; a failure of a retried subscriber is then
    raised as `DeliveryError`, so the caller rolls back what this delivery wrote and retries.
    """
    failed: list[str] = []
    for subscriber in list(_retried):
        try:
            subscriber(event)
        except Exception:
            logger.warning("Subscriber %r failed on %s", subscriber, event.name, exc_info=True)
            failed.append(getattr(subscriber, "__qualname__", type(subscriber).__qualname__))
    for subscriber in list(_best_effort):
        try:
            subscriber(event)
        except Exception:  # best effort: logged, never retried
            logger.warning("Subscriber %r failed on %s", subscriber, event.name, exc_info=True)
    if failed:
        raise DeliveryError(f"{event.name}: {', '.join(failed)} failed")
