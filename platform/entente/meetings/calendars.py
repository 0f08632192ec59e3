"""Calendars: a person's (in this tenant and in every tenant they reach) and a space's.

Three kinds of entries: meetings, task due dates, and checklist milestones (« Étape de
procédure »: a step of a launched procedure, carried by a task with a due date). Everything is
read at query time through the permission functions the pages use (`abilities_of` with the
section of each kind), so a space someone left, or a section closed to them, leaves their
calendar at once. A task that is a procedure's step shows once, as a milestone.

Periods (a month, an ISO week) are plain dates here; the pages (`calendar_views`) lay them out.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from entente.accounts.acting import federated_member, is_support_reader
from entente.accounts.models import Membership, User
from entente.checklists.models import ChecklistItem
from entente.checklists.permissions import checklist_abilities
from entente.federation.reach import Reach, reachable_tenants
from entente.spaces.models import Space
from entente.spaces.permissions import abilities_of
from entente.spaces.selectors import spaces_for
from entente.tasks.models import Task, TaskStatus
from tenants.models import Tenant

from .ical import calendar_of, meeting_event, milestone_event, task_event
from .models import Meeting
from .permissions import meeting_abilities

MEETING, TASK, MILESTONE = "meeting", "task", "milestone"
KIND_LABELS: dict[str, Any] = {
    MEETING: _("Réunion"),
    TASK: _("Échéance"),
    MILESTONE: _("Étape de procédure"),
}
_ORDER = {MEETING: 0, MILESTONE: 1, TASK: 2}


@dataclass(frozen=True)
class Entry:
    kind: str  # MEETING, TASK or MILESTONE
    day: datetime.date
    title: str
    space: Space
    url: str = ""  # a path on this host, or an absolute address on another tenant's host
    meeting: Meeting | None = None
    task: Task | None = None
    item: ChecklistItem | None = None  # a milestone's step (its checklist: `item.checklist`)
    tenant: Tenant | None = None  # set for another tenant's entry (None: this tenant's)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def starts_at(self) -> datetime.datetime | None:
        return self.meeting.starts_at if self.meeting is not None else None


def _open_spaces(membership: Membership) -> list[Space]:
    return list(spaces_for(membership))


def _spaces(
    membership: Membership,
    section: str,
    space: Space | None,
    candidates: Sequence[Space] | None = None,
) -> list[Space]:
    """The spaces (`space` only, else `candidates`, else all the person may open) whose
    `section` they may read."""
    if space is not None:
        candidates = [space]
    elif candidates is None:
        candidates = _open_spaces(membership)
    if section == "checklists":
        return [s for s in candidates if checklist_abilities(membership, s).view]
    if section == "meetings":
        return [s for s in candidates if meeting_abilities(membership, s).view]
    return [s for s in candidates if abilities_of(membership, s, section=section).view]


def meetings_for(
    membership: Membership,
    start: datetime.datetime,
    end: datetime.datetime,
    *,
    space: Space | None = None,
    candidates: Sequence[Space] | None = None,
) -> list[Meeting]:
    """Meetings between `start` and `end` in spaces whose meetings the person may read."""
    spaces = _spaces(membership, "meetings", space, candidates)
    return list(
        Meeting.objects.filter(space__in=spaces, starts_at__gte=start, starts_at__lt=end)
        .select_related("space")
        .order_by("starts_at", "id")
    )


def tasks_due_for(
    membership: Membership,
    start: datetime.date,
    end: datetime.date,
    *,
    space: Space | None = None,
    candidates: Sequence[Space] | None = None,
) -> list[Task]:
    """Open tasks due in [start, end): the person's own (assigned to them) in the spaces they may
    open; or, for a space's calendar, every open task of `space` if they may read its tasks."""
    tasks = Task.objects.filter(
        space__in=_spaces(membership, "tasks", space, candidates),
        due_date__gte=start,
        due_date__lt=end,
    )
    if space is None:
        tasks = tasks.filter(assignments__user_id=membership.user_id)
    return list(
        tasks.exclude(status=TaskStatus.DONE)
        .select_related("space")
        .order_by("due_date", "id")
        .distinct()
    )


def milestones_for(
    membership: Membership,
    start: datetime.date,
    end: datetime.date,
    *,
    space: Space | None = None,
    candidates: Sequence[Space] | None = None,
) -> list[ChecklistItem]:
    """Steps of launched procedures whose task is due in [start, end) and not done, in spaces
    whose checklists the person may read: the person's own (a step assigned to them, or a
    procedure they launched), or, for a space's calendar, every step of `space`."""
    items = ChecklistItem.objects.filter(
        checklist__space__in=_spaces(membership, "checklists", space, candidates),
        task__due_date__gte=start,
        task__due_date__lt=end,
    ).exclude(task__status=TaskStatus.DONE)
    if space is None:
        items = items.filter(
            Q(task__assignments__user_id=membership.user_id)
            | Q(checklist__created_by_id=membership.user_id)
        )
    return list(
        items.select_related("checklist__space", "task")
        .order_by("task__due_date", "checklist_id", "position", "id")
        .distinct()
    )


def _path(name: str, **kwargs: int) -> str:
    return reverse(name, kwargs=kwargs, urlconf=settings.ROOT_URLCONF)


def entries_for(
    membership: Membership,
    start: datetime.date,
    end: datetime.date,
    zone: datetime.tzinfo,
    *,
    space: Space | None = None,
    tenant: Tenant | None = None,
) -> list[Entry]:
    """Meetings, due dates and milestones in [start, end), by day (days in `zone`).

    The person's own calendar in the open tenant, or `space`'s calendar as they may see it.
    `tenant`: the entries are another tenant's (its schema is open), their links absolute.
    """

    def link(path: str) -> str:
        return tenant.url(path) if tenant is not None else path

    since = datetime.datetime.combine(start, datetime.time(), zone)
    until = datetime.datetime.combine(end, datetime.time(), zone)
    candidates = [space] if space is not None else _open_spaces(membership)
    entries = [
        Entry(
            MEETING,
            m.starts_at.astimezone(zone).date(),
            m.title,
            m.space,
            url=link(_path("meetings:meeting_detail", space_id=m.space_id, pk=m.pk)),
            meeting=m,
            tenant=tenant,
        )
        for m in meetings_for(membership, since, until, candidates=candidates)
    ]
    stepped: set[int] = set()
    for item in milestones_for(membership, start, end, space=space, candidates=candidates):
        assert item.task is not None
        assert item.task.due_date is not None
        stepped.add(item.task.pk)
        checklist = item.checklist
        entries.append(
            Entry(
                MILESTONE,
                item.task.due_date,
                item.title,
                checklist.space,
                url=link(
                    _path(
                        "checklists:checklist_detail",
                        space_id=checklist.space_id,
                        pk=checklist.pk,
                    )
                ),
                task=item.task,
                item=item,
                tenant=tenant,
            )
        )
    entries += [
        Entry(
            TASK,
            t.due_date,
            t.title,
            t.space,
            url=link(_path("tasks:detail", pk=t.pk)),
            task=t,
            tenant=tenant,
        )
        for t in tasks_due_for(membership, start, end, space=space, candidates=candidates)
        if t.due_date is not None and t.pk not in stepped
    ]
    return sort_entries(entries)


def sort_entries(entries: list[Entry]) -> list[Entry]:
    """By day; in a day, meetings (by time) first, then milestones, then due dates."""

    def key(entry: Entry) -> tuple[Any, ...]:
        starts = entry.starts_at.timestamp() if entry.starts_at is not None else 0.0
        tenant = entry.tenant.name if entry.tenant is not None else ""
        return (entry.day, _ORDER[entry.kind], starts, entry.title, tenant)

    return sorted(entries, key=key)


def entries_across(
    user: User,
    here: Membership,
    start: datetime.date,
    end: datetime.date,
    zone: datetime.tzinfo,
    *,
    reaches: Sequence[Reach] | None = None,
) -> list[Entry]:
    """The person's calendar in the open tenant (`here`, their acting membership) and in every
    other tenant they reach (`entente.federation.reach.reachable_tenants`, as « Mon travail »).

    Each other tenant is read in its own schema with the membership they hold there (or, for
    an EPCI reached through a commune, the same federated stand-in its host would give them),
    through the same permission functions. A support reader sees the open tenant only; tenants
    that are not open (suspended, being provisioned) are left out: their pages cannot be opened.
    """
    entries = entries_for(here, start, end, zone)
    if is_support_reader(here):
        return entries
    if reaches is None:
        reaches = reachable_tenants(user)
    for reach in reaches:
        if reach.tenant.pk == here.tenant_id or not reach.tenant.is_open:
            continue
        membership = reach.membership or federated_member(user, reach.tenant, via=reach.via)
        with tenant_context(reach.tenant):
            entries += entries_for(membership, start, end, zone, tenant=reach.tenant)
    return sort_entries(entries)


# -- Periods --------------------------------------------------------------------------------------

_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")


def month_of(value: str | None, today: datetime.date) -> datetime.date:
    """The first day of the month `YYYY-MM`; absent or malformed: this month."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return datetime.date(year, month, 1)
    except ValueError:
        return today.replace(day=1)


def next_month(first: datetime.date) -> datetime.date:
    return (first + datetime.timedelta(days=32)).replace(day=1)


def previous_month(first: datetime.date) -> datetime.date:
    return (first - datetime.timedelta(days=1)).replace(day=1)


def week_of(value: str | None, today: datetime.date) -> datetime.date:
    """The Monday of the ISO week `YYYY-Www` (2026-W49); absent or malformed: this week's."""
    match = _WEEK.match(value or "")
    if match is not None:
        try:
            return datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
        except ValueError:
            pass
    return monday_of(today)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def iso_week(day: datetime.date) -> str:
    """`2026-W49`: the value of the `semaine` parameter for the week holding `day`."""
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


# -- The private iCal feeds -----------------------------------------------------------------------

FEED_PAST = datetime.timedelta(days=92)
FEED_FUTURE = datetime.timedelta(days=400)


@dataclass(frozen=True)
class Feed:
    body: bytes
    last_modified: datetime.datetime | None


def feed_of(
    tenant: Tenant,
    membership: Membership,
    today: datetime.date,
    zone: datetime.tzinfo,
    *,
    space: Space | None = None,
) -> Feed:
    """The person's feed in `tenant` (or `space`'s, as they may see it): from three months back
    to a year ahead, every link absolute (calendar clients open them)."""
    events = []
    changed: list[datetime.datetime] = []
    entries = entries_for(membership, today - FEED_PAST, today + FEED_FUTURE, zone, space=space)
    for entry in entries:
        link = tenant.url(entry.url)
        if entry.meeting is not None:
            events.append(meeting_event(tenant.schema_name, entry.meeting, url=link))
            changed.append(entry.meeting.updated_at)
        elif entry.item is not None:
            events.append(milestone_event(tenant.schema_name, entry.item, url=link))
        elif entry.task is not None:
            events.append(task_event(tenant.schema_name, entry.task))
        if entry.task is not None:
            changed.append(entry.task.updated_at)
    name = f"Entente — {tenant.name}"
    if space is not None:
        name = f"{name} — {space.name}"
    body = calendar_of(events, name=name).to_ical()
    return Feed(body, max(changed) if changed else None)
