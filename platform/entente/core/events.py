"""Events that capability apps publish and faces (real time, notifications) deliver.

Capability apps must not import `realtime/` (ARCHITECTURE.md §1); they call `publish_on_commit`
and whatever subscribed (the real-time layer registers itself in its AppConfig) receives the
event once the transaction has committed, never before: a rolled-back write sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something that happened in a tenant. `user_ids` are the people it concerns directly."""

    name: str  # e.g. "task.assigned", "space.activity"
    tenant_schema: str
    payload: dict[str, Any] = field(default_factory=dict)
    space_id: int | None = None
    user_ids: tuple[int, ...] = ()


Subscriber = Callable[[Event], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> None:
    if subscriber not in _subscribers:
        _subscribers.append(subscriber)


def unsubscribe(subscriber: Subscriber) -> None:
    if subscriber in _subscribers:
        _subscribers.remove(subscriber)


def _deliver(event: Event) -> None:
    for subscriber in list(_subscribers):
        try:
            subscriber(event)
        except Exception:  # one failing subscriber must not stop the others
            logger.exception("Event subscriber %r failed on %s", subscriber, event.name)


def publish_on_commit(event: Event) -> None:
    transaction.on_commit(lambda: _deliver(event))
