"""« Mes séances »: what an élu needs on one page, in the spaces they may open.

The next meetings they are invited to (agenda, readable documents, whether the convocation was
sent), the minutes awaiting their approval, the recent decisions and their own open tasks. Read
at request time with the same rights as the meetings' pages.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from entente.accounts.models import Membership, Role
from entente.spaces.selectors import spaces_for
from entente.tasks.models import Task, TaskStatus

from .followup import documents_for
from .models import Approval, Decision, Meeting, MinutesState
from .permissions import meeting_abilities

AHEAD = datetime.timedelta(days=90)
DECISIONS_SINCE = datetime.timedelta(days=90)


def may_open(membership: Membership | None) -> bool:
    """« Mes séances » is the élus' page (the menu and the page both ask this)."""
    return membership is not None and membership.role == Role.ELECTED


def overview(membership: Membership, *, now: datetime.datetime | None = None) -> dict[str, Any]:
    moment = now or timezone.now()
    spaces = [s for s in spaces_for(membership) if meeting_abilities(membership, s).view]
    user_id = membership.user_id
    upcoming = list(
        Meeting.objects.filter(
            space__in=spaces,
            attendees__person_id=user_id,
            starts_at__gte=moment - datetime.timedelta(hours=3),
            starts_at__lt=moment + AHEAD,
        )
        .select_related("space")
        .prefetch_related("agenda")
        .order_by("starts_at", "id")[:5]
    )
    meetings = []
    for meeting in upcoming:
        documents = documents_for(meeting, membership)
        meetings.append(
            {
                "meeting": meeting,
                "items": [(item, documents.get(item.pk, [])) for item in meeting.agenda.all()],
            }
        )
    awaiting = list(
        Meeting.objects.filter(
            pk__in=Approval.objects.filter(
                person_id=user_id,
                approved_at__isnull=True,
                minutes__state=MinutesState.SUBMITTED,
            ).values("minutes__meeting_id"),
            space__in=spaces,
        ).order_by("-starts_at")
    )
    decisions = list(
        Decision.objects.filter(
            item__meeting__space__in=spaces,
            item__meeting__starts_at__gte=moment - DECISIONS_SINCE,
            item__meeting__starts_at__lt=moment,
        )
        .select_related("item__meeting")
        .order_by("-item__meeting__starts_at", "id")[:10]
    )
    task_spaces = list(spaces_for(membership))
    tasks = list(
        Task.objects.filter(space__in=task_spaces, assignments__user_id=user_id)
        .exclude(status=TaskStatus.DONE)
        .order_by("due_date", "pk")
        .distinct()[:10]
    )
    return {"meetings": meetings, "awaiting": awaiting, "decisions": decisions, "tasks": tasks}
