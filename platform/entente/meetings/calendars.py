"""A person's calendar in this tenant: their meetings and their tasks' due dates, in the spaces
they may open (read at query time, so a space they left leaves their calendar at once)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import abilities_of
from entente.spaces.selectors import spaces_for
from entente.tasks.models import Task, TaskStatus

from .models import Meeting
from .permissions import meeting_abilities


@dataclass(frozen=True)
class Entry:
    kind: str  # "meeting" or "task"
    day: datetime.date
    title: str
    space: Space
    meeting: Meeting | None = None
    task: Task | None = None


def _open_spaces(membership: Membership) -> list[Space]:
    return list(spaces_for(membership))


def meetings_for(
    membership: Membership, start: datetime.datetime, end: datetime.datetime
) -> list[Meeting]:
    """Meetings between `start` and `end` in spaces whose meetings the person may read."""
    spaces = [s for s in _open_spaces(membership) if meeting_abilities(membership, s).view]
    return list(
        Meeting.objects.filter(space__in=spaces, starts_at__gte=start, starts_at__lt=end)
        .select_related("space")
        .order_by("starts_at", "id")
    )


def tasks_due_for(membership: Membership, start: datetime.date, end: datetime.date) -> list[Task]:
    """Open tasks assigned to the person, due in [start, end), in spaces they may open."""
    spaces = [
        s for s in _open_spaces(membership) if abilities_of(membership, s, section="tasks").view
    ]
    return list(
        Task.objects.filter(
            space__in=spaces,
            assignments__user_id=membership.user_id,
            due_date__gte=start,
            due_date__lt=end,
        )
        .exclude(status=TaskStatus.DONE)
        .select_related("space")
        .order_by("due_date", "id")
        .distinct()
    )


def entries_for(
    membership: Membership, start: datetime.date, end: datetime.date, zone: datetime.tzinfo
) -> list[Entry]:
    """Meetings and due dates in [start, end), by day (days in `zone`, the tenant's time)."""
    since = datetime.datetime.combine(start, datetime.time(), zone)
    until = datetime.datetime.combine(end, datetime.time(), zone)
    entries = [
        Entry("meeting", m.starts_at.astimezone(zone).date(), m.title, m.space, meeting=m)
        for m in meetings_for(membership, since, until)
    ]
    entries += [
        Entry("task", t.due_date, t.title, t.space, task=t)
        for t in tasks_due_for(membership, start, end)
        if t.due_date is not None
    ]
    return sorted(entries, key=lambda e: (e.day, e.kind != "meeting", e.title))
