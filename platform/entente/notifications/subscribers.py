"""Makes the notifications of events, called by the outbox's relay (never in the request).

Registered in `NotificationsConfig.ready()` as a retried subscriber of `entente.core.events`:
the relay calls it, in a Celery worker, once the publisher's transaction has committed, and
again after a failure until it succeeds. The event's `key` is its outbox row's, the same at
every delivery, so `create_for_event` (which dedupes on it) makes each notification once; and
the notifications commit with the row marked done, or not at all.
"""

from __future__ import annotations

from typing import Any

from django_tenants.utils import get_public_schema_name, schema_context

from entente.core.events import Event, publish_on_commit

from . import services
from .registry import handles

FEDERATION_LINK_CHANGED = "federation.link_changed"


def _send(
    name: str,
    tenant_schema: str,
    user_ids: list[int],
    payload: dict[str, Any],
    space_id: int | None,
    key: str,
) -> None:
    """Make the notifications now, in the relay's transaction (no Celery message in between)."""
    with schema_context(get_public_schema_name()):
        services.create_for_event(name, tenant_schema, user_ids, payload, space_id, key)


def on_event(event: Event) -> None:
    if not handles(event.name, event.payload):
        return
    _send(
        event.name,
        event.tenant_schema,
        list(event.user_ids),
        dict(event.payload),
        event.space_id,
        event.key,
    )


def on_federation_link_changed(sender: Any, **kwargs: Any) -> None:
    """`entente.federation.signals.federation_link_changed` (sent after commit): an outbox row,
    written at once (autocommit), so the notification survives a broker outage too."""
    payload = {
        key: kwargs.get(key)
        for key in ("link_id", "from_state", "to_state", "actor_id", "acting_tenant_id")
    }
    publish_on_commit(Event(FEDERATION_LINK_CHANGED, get_public_schema_name(), payload))
