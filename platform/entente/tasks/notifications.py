"""What the tasks' events mean for whom: handlers registered with `entente.notifications`.

Registered in `TasksConfig.ready()` (see `entente.notifications.registry`). Only people who may
see the task's space hear of it, and never the person who acted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entente.accounts.models import User
from entente.activity.models import ActivityEntry
from entente.notifications.models import NotificationKind
from entente.notifications.registry import DailyReminder, EventHandler
from entente.notifications.services import (
    Draft,
    Notice,
    Occurrence,
    space_viewers,
    tenant_url,
    who,
)
from tenants.models import Tenant

from .models import Task, TaskStatus


def _notice(
    tenant: Tenant,
    task: Task,
    kind: str,
    title: str,
    recipients: Iterable[int],
    dedup_key: str,
    actor: User | None = None,
) -> Notice:
    """A notification about `task`, linking to its page."""
    draft = Draft(
        kind=kind,
        title=title,
        url=tenant_url(tenant, "tasks:detail", pk=task.pk),
        space_id=task.space_id,
        object_type="task",
        object_id=task.pk,
    )
    return Notice(draft, recipients, dedup_key, actor)


def _task(event: Occurrence, key: str) -> Task | None:
    return Task.objects.select_related("space").filter(pk=event.id(key)).first()


def _named(name: str, kind: str, title: Promise) -> EventHandler:
    """`task.assigned`, `task.mentioned`, `task.commented`: the people the service named."""

    def handle(event: Occurrence) -> list[Notice]:
        task = _task(event, "task_id")
        if task is None:
            return []
        actor = event.person("actor_id")
        text = title % {"who": who(actor), "title": task.title}
        recipients = event.viewers_among(event.user_ids, task.space)
        key = event.key(event.name, task.pk, event.event_key)
        return [_notice(event.tenant, task, kind, text, recipients, key, actor)]

    return EventHandler(name, handle)


def _changed(event: Occurrence) -> list[Notice]:
    """A change on a task: its assignees, observers and creator hear of it (not the newly
    assigned, who have their own notification)."""
    entry = ActivityEntry.objects.filter(pk=event.id("id")).first()
    task = _task(event, "object_id")
    if entry is None or task is None:
        return []
    followers = set(task.assignments.values_list("user_id", flat=True)) | set(
        task.observations.values_list("user_id", flat=True)
    )
    if task.created_by_id:
        followers.add(task.created_by_id)
    before, after = (entry.changes or {}).get("assignees", [[], []])
    followers -= set(after) - set(before)
    actor = event.person("actor_id")
    title = (
        _("%(who)s a terminé la tâche « %(title)s »")
        if event.payload.get("verb") == "task.completed"
        else _("%(who)s a modifié la tâche « %(title)s »")
    )
    text = title % {"who": who(actor), "title": task.title}
    recipients, key = event.viewers_among(followers, task.space), event.key("activity", entry.pk)
    return [
        _notice(
            event.tenant, task, NotificationKind.FOLLOWED_ACTIVITY, text, recipients, key, actor
        )
    ]


def due_tasks(tenant: Tenant, today: datetime.date) -> Iterable[Notice]:
    """Assignees of tasks due tomorrow, and of tasks overdue (once per task and due date).

    Overdue tasks are looked for over the last week, so a missed day still tells them.
    """
    tomorrow = today + datetime.timedelta(days=1)
    due = (
        Task.objects.exclude(status=TaskStatus.DONE)
        .filter(due_date__gte=today - datetime.timedelta(days=7), due_date__lte=tomorrow)
        .exclude(due_date=today)
        .select_related("space")
        .prefetch_related("assignments")
    )
    viewers: dict[int, set[int]] = {}
    for task in due:
        assert task.due_date is not None
        assignees = {a.user_id for a in task.assignments.all()}
        if not assignees:
            continue
        if task.space_id not in viewers:
            viewers[task.space_id] = space_viewers(tenant, task.space)
        soon = task.due_date == tomorrow
        title = (
            _("La tâche « %(title)s » est à faire pour demain")
            if soon
            else _("La tâche « %(title)s » est en retard (échéance du %(date)s)")
        ) % {"title": task.title, "date": task.due_date.strftime("%d/%m/%Y")}
        kind = NotificationKind.DUE_SOON if soon else NotificationKind.OVERDUE
        key = f"{tenant.schema_name}:{'due' if soon else 'overdue'}:{task.pk}:{task.due_date}"
        yield _notice(tenant, task, kind, title, assignees & viewers[task.space_id], key)


HANDLERS = (
    _named(
        "task.assigned",
        NotificationKind.TASK_ASSIGNED,
        gettext_lazy("%(who)s vous a confié la tâche « %(title)s »"),
    ),
    _named(
        "task.mentioned",
        NotificationKind.MENTIONED,
        gettext_lazy("%(who)s vous a mentionné dans la tâche « %(title)s »"),
    ),
    _named(
        "task.commented",
        NotificationKind.FOLLOWED_ACTIVITY,
        gettext_lazy("%(who)s a commenté la tâche « %(title)s »"),
    ),
    EventHandler("activity.recorded", _changed, verb="task.updated"),
    EventHandler("activity.recorded", _changed, verb="task.completed"),
    DailyReminder("tasks.due", due_tasks),
)
