"""Recording activity: called by every capability's services inside their transaction."""

from __future__ import annotations

from typing import Any

from django.db import connection

from entente.accounts.models import User
from entente.core.events import Event, publish_on_commit

from .models import ActivityEntry


def record_activity(
    *,
    actor: User | None,
    verb: str,
    object_type: str,
    object_id: int | None,
    summary: str,
    space_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> ActivityEntry:
    """Append an entry and announce it (after commit) to the space's live feed."""
    entry = ActivityEntry.objects.create(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=object_id,
        summary=summary[:500],
        space_id=space_id,
        changes=changes or {},
    )
    publish_on_commit(
        Event(
            name="activity.recorded",
            tenant_schema=connection.schema_name,  # type: ignore[attr-defined]
            space_id=space_id,
            payload={
                "id": entry.pk,
                "verb": verb,
                "object_type": object_type,
                "object_id": object_id,
                "summary": entry.summary,
                "actor_id": actor.pk if actor else None,
            },
        )
    )
    return entry


def record_in_space(
    actor: User | None,
    verb: str,
    space_id: int,
    summary: str,
    *,
    object_type: str = "space",
    object_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> ActivityEntry:
    """A line of a space's feed, about the space itself unless `object_type`/`object_id` say."""
    return record_activity(
        actor=actor,
        verb=verb,
        object_type=object_type,
        object_id=space_id if object_id is None else object_id,
        summary=summary,
        space_id=space_id,
        changes=changes,
    )
