"""Reads of meetings, in the current tenant's schema."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from entente.accounts.models import User
from entente.spaces.models import Space, SpaceMembership

from .models import AgendaItem, Meeting, Minutes, MinutesState


def meetings_of(space: Space) -> QuerySet[Meeting]:
    return Meeting.objects.filter(space=space).order_by("-starts_at", "-id")


def upcoming_of(space: Space, *, now: datetime.datetime | None = None) -> QuerySet[Meeting]:
    moment = now or timezone.now()
    return Meeting.objects.filter(space=space, starts_at__gte=moment).order_by("starts_at", "id")


def meeting_in(space: Space, pk: int) -> Meeting | None:
    return (
        Meeting.objects.filter(space=space, pk=pk)
        .select_related("space")
        .prefetch_related(
            "attendees",
            Prefetch(
                "agenda",
                AgendaItem.objects.order_by("position", "id").prefetch_related(
                    "decisions", "minutes"
                ),
            ),
        )
        .first()
    )


def people_of(space: Space) -> dict[int, User]:
    """The space's members by id (people live in the public schema: no join from here)."""
    ids = SpaceMembership.objects.filter(space=space).values_list("user_id", flat=True)
    return {user.pk: user for user in User.objects.filter(pk__in=list(ids))}


def minutes_context(
    meeting: Meeting, people: dict[int, User], user_id: int | None
) -> dict[str, Any]:
    """The minutes' state, their approvers and whether `user_id` is awaited among them."""
    minutes = Minutes.objects.filter(meeting=meeting).prefetch_related("approvals").first()
    approvals = list(minutes.approvals.all()) if minutes else []
    return {
        "minutes": minutes,
        "minutes_draft": minutes is None or minutes.state == MinutesState.DRAFT,
        "approvals": [(approval, people.get(approval.person_id)) for approval in approvals],
        "awaits_me": any(
            approval.person_id == user_id and approval.approved_at is None for approval in approvals
        ),
    }
