"""Hands events to Celery: notifications are made by a task, never in the request.

Registered in `NotificationsConfig.ready()`. Each call runs after the publisher's commit; it
only sends a message with plain data (event name, tenant schema, ids) and a key unique to
this event, so that the task, retried or delivered twice, makes each notification once.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from entente.core.events import Event

from .registry import handles

logger = logging.getLogger(__name__)


def _send(
    name: str,
    tenant_schema: str,
    user_ids: list[int],
    payload: dict[str, Any],
    space_id: int | None,
) -> None:
    from .tasks import create_notifications

    create_notifications.delay(name, tenant_schema, user_ids, payload, space_id, uuid.uuid4().hex)


def on_event(event: Event) -> None:
    if not handles(event.name, event.payload):
        return
    _send(
        event.name, event.tenant_schema, list(event.user_ids), dict(event.payload), event.space_id
    )


def on_federation_link_changed(sender: Any, **kwargs: Any) -> None:
    """`entente.federation.signals.federation_link_changed` (sent after commit)."""
    payload = {
        key: kwargs.get(key)
        for key in ("link_id", "from_state", "to_state", "actor_id", "acting_tenant_id")
    }
    _send("federation.link_changed", "public", [], payload, None)
