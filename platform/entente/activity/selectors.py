"""Reading activity: a space's feed, an object's history."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ActivityEntry


def space_feed(space_id: int, *, limit: int = 50) -> QuerySet[ActivityEntry]:
    return ActivityEntry.objects.filter(space_id=space_id)[:limit]


def object_history(object_type: str, object_id: int) -> QuerySet[ActivityEntry]:
    return ActivityEntry.objects.filter(object_type=object_type, object_id=object_id)
