"""iCalendar (RFC 5545) for meetings, built with the `icalendar` package.

Times are written in Europe/Paris with its VTIMEZONE, so that a client shows the council at
18 h 30 all year round; each meeting keeps one UID (tenant schema + id) so that a client
updates the event it already holds instead of adding a second one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.utils.translation import gettext as _

from entente.checklists.models import ChecklistItem
from entente.tasks.models import Task

from .models import Meeting

PRODID = "-//Entente//Réunions//FR"
DEFAULT_LENGTH = datetime.timedelta(hours=2)


def meeting_uid(schema: str, meeting: Meeting) -> str:
    return f"meeting-{meeting.pk}.{schema}@entente"


def meeting_event(
    schema: str, meeting: Meeting, *, url: str = "", stamp: datetime.datetime | None = None
) -> icalendar.Event:
    zone = ZoneInfo(settings.TIME_ZONE)
    event = icalendar.Event()
    event.add("uid", meeting_uid(schema, meeting))
    event.add("dtstamp", stamp or meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(zone))
    event.add("summary", meeting.title)
    location = meeting.place or meeting.video_url
    if location:
        event.add("location", location)
    description = [meeting.get_series_display()] if meeting.series else []
    if meeting.video_url:
        description.append(meeting.video_url)
    if description:
        event.add("description", "\n".join(description))
    if url:
        event.add("url", url)
    return event


def task_event(schema: str, task: Task) -> icalendar.Event:
    """A task's due date, as an all-day event (clients show it on that day)."""
    assert task.due_date is not None
    event = icalendar.Event()
    event.add("uid", f"task-{task.pk}.{schema}@entente")
    event.add("dtstamp", task.updated_at)
    event.add("dtstart", task.due_date)
    event.add("dtend", task.due_date + datetime.timedelta(days=1))
    event.add("summary", f"Échéance : {task.title}")
    return event


def milestone_event(schema: str, item: ChecklistItem, *, url: str = "") -> icalendar.Event:
    """A procedure's step (« Étape de procédure »), all day on its task's due date."""
    task = item.task
    assert task is not None
    assert task.due_date is not None
    event = icalendar.Event()
    event.add("uid", f"milestone-{item.pk}.{schema}@entente")
    event.add("dtstamp", task.updated_at)
    event.add("last-modified", task.updated_at)
    event.add("dtstart", task.due_date)
    event.add("dtend", task.due_date + datetime.timedelta(days=1))
    event.add("summary", _("Étape de procédure : %(title)s") % {"title": item.title})
    event.add("description", item.checklist.name)
    event.add("categories", [_("Étape de procédure")])
    if url:
        event.add("url", url)
    return event


def calendar_of(
    events: Iterable[icalendar.Event], *, name: str, method: str = ""
) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if method:
        calendar.add("method", method)
    for event in events:
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar
