"""Writes of tasks. Every other capability (checklists, e-mail → task) creates tasks here.

Each write takes the acting party first (a membership, or a named `SystemActor`) and checks it
itself with `permissions.abilities_in` (the task's space abilities): no caller hands abilities
in. It records its history with the fields it changed, and announces itself after commit
(assignments, mentions, comments). Labels are written in `labels.py`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import RECURRENCE, Acting
from entente.accounts.models import User
from entente.activity.services import record_activity
from entente.core.events import Event, publish_on_commit
from entente.core.richtext import extract_mentions, sanitize_html
from entente.documents.services import attach_to_task
from entente.spaces.models import Space

from . import recurrence
from .models import (
    Frequency,
    Label,
    Task,
    TaskAssignment,
    TaskAttachment,
    TaskComment,
    TaskCommentRevision,
    TaskObserver,
    TaskPriority,
    TaskStatus,
)
from .permissions import abilities_in, may_edit_comment
from .selectors import people_who_can_view

EDITABLE_FIELDS = (
    "title",
    "description",
    "status",
    "priority",
    "due_date",
    "recurrence_frequency",
    "recurrence_interval",
    "recurrence_weekday",
    "recurrence_week",
)


def _schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _viewers(space: Space) -> dict[int, User]:
    tenant = getattr(connection, "tenant", None)
    if tenant is None or not hasattr(tenant, "memberships"):
        return {}
    return {user.pk: user for user in people_who_can_view(space, tenant)}


def _check_people(space: Space, ids: Iterable[int], field: str) -> list[int]:
    """Assignees and observers must be able to see the space, or they could not do the task."""
    wanted = list(dict.fromkeys(int(pk) for pk in ids))
    if not wanted:
        return wanted
    allowed = _viewers(space)
    strangers = [pk for pk in wanted if pk not in allowed]
    if strangers:
        raise ValidationError(
            {
                field: _(
                    "Ces personnes ne peuvent pas voir cet espace : choisissez parmi ses membres."
                )
            }
        )
    return wanted


def _check_labels(ids: Iterable[int]) -> list[int]:
    wanted = list(dict.fromkeys(int(pk) for pk in ids))
    if len(wanted) != Label.objects.filter(pk__in=wanted).count():
        raise ValidationError({"labels": _("Étiquette inconnue : choisissez-en une de la liste.")})
    return wanted


def _complete_recurrence(
    values: dict[str, Any], *, due_date_cleared: bool = False
) -> dict[str, Any]:
    """Check the recurrence of `values`; return what it lacks and can be taken from the due date.

    As a calendar does, « every month on the n-th weekday » without a weekday or week means the
    due date's (the 2nd Tuesday if it falls on the 2nd Tuesday), and a repeating task without a
    due date starts today. Only a rule given and wrong is refused, or a due date removed from a
    task that repeats."""
    frequency = values.get("recurrence_frequency") or ""
    if frequency not in Frequency.values:
        raise ValidationError({"recurrence_frequency": _("Choisissez une répétition de la liste.")})
    if not frequency:
        return {}
    if due_date_cleared:
        raise ValidationError(
            {"due_date": _("Une tâche qui se répète a besoin d'une échéance : indiquez-la.")}
        )
    filled: dict[str, Any] = {}
    due: datetime.date = values.get("due_date") or timezone.localdate()
    if not values.get("due_date"):
        filled["due_date"] = due
    if frequency == recurrence.MONTHLY_WEEKDAY:
        if values.get("recurrence_weekday") is None:
            filled["recurrence_weekday"] = due.weekday()
        if values.get("recurrence_week") is None:
            filled["recurrence_week"] = min((due.day - 1) // 7 + 1, 5)
    complete = {**values, **filled}
    try:
        recurrence.Rule(
            frequency=frequency,
            interval=int(complete.get("recurrence_interval") or 1),
            weekday=complete.get("recurrence_weekday"),
            week=complete.get("recurrence_week"),
        )
    except ValueError:
        raise ValidationError(
            {
                "recurrence_interval": _(
                    "Répétition incomplète : indiquez un intervalle d'au moins 1 et, pour « n-ième "
                    "jour du mois », le jour de la semaine et la semaine du mois."
                )
            }
        ) from None
    return filled


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _announce(name: str, task: Task, user_ids: Iterable[int], actor: User | None) -> None:
    targets = tuple(sorted({pk for pk in user_ids if actor is None or pk != actor.pk}))
    if not targets:
        return
    publish_on_commit(
        Event(
            name=name,
            tenant_schema=_schema(),
            space_id=task.space_id,
            user_ids=targets,
            payload={
                "task_id": task.pk,
                "title": task.title,
                "actor_id": actor.pk if actor is not None else None,
            },
        )
    )


def _mentioned(space: Space, html: str) -> set[int]:
    viewers = _viewers(space)
    return extract_mentions(html, {pk: user.email for pk, user in viewers.items()})


def _record(
    actor: User | None, verb: str, task: Task, summary: str, changes: dict[str, Any] | None = None
) -> None:
    """One line of the task's space feed about the task."""
    record_activity(
        actor=actor,
        verb=verb,
        object_type="task",
        object_id=task.pk,
        summary=summary,
        space_id=task.space_id,
        changes=changes,
    )


@transaction.atomic
def create_task(
    acting: Acting,
    *,
    space: Space,
    title: str,
    description: str = "",
    assignee_ids: list[int] | None = None,
    due_date: datetime.date | None = None,
    priority: int = TaskPriority.NORMAL,
    observer_ids: list[int] | None = None,
    label_ids: list[int] | None = None,
    status: str = TaskStatus.TODO,
    recurrence_frequency: str = "",
    recurrence_interval: int = 1,
    recurrence_weekday: int | None = None,
    recurrence_week: int | None = None,
    previous: Task | None = None,
) -> Task:
    """Create a task in `space`, if `acting` may edit there."""
    _require(
        abilities_in(acting, space).edit, _("Vous ne pouvez pas créer de tâche dans cet espace.")
    )
    actor = acting.user
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Donnez un titre à la tâche.")})
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choisissez un statut de la liste.")})
    filled = _complete_recurrence(
        {
            "recurrence_frequency": recurrence_frequency,
            "recurrence_interval": recurrence_interval,
            "recurrence_weekday": recurrence_weekday,
            "recurrence_week": recurrence_week,
            "due_date": due_date,
        }
    )
    due_date = filled.get("due_date", due_date)
    recurrence_weekday = filled.get("recurrence_weekday", recurrence_weekday)
    recurrence_week = filled.get("recurrence_week", recurrence_week)
    assignees = _check_people(space, assignee_ids or [], "assignees")
    observers = _check_people(space, observer_ids or [], "observers")
    labels = _check_labels(label_ids or [])
    task = Task.objects.create(
        space=space,
        title=title[:300],
        description=sanitize_html(description),
        due_date=due_date,
        priority=priority,
        status=status,
        completed_at=timezone.now() if status == TaskStatus.DONE else None,
        created_by=actor,
        recurrence_frequency=recurrence_frequency,
        recurrence_interval=recurrence_interval,
        recurrence_weekday=recurrence_weekday,
        recurrence_week=recurrence_week,
        recurrence_anchor=(previous.recurrence_anchor if previous else None)
        or (due_date if recurrence_frequency else None),
        previous=previous,
    )
    TaskAssignment.objects.bulk_create([TaskAssignment(task=task, user_id=pk) for pk in assignees])
    TaskObserver.objects.bulk_create([TaskObserver(task=task, user_id=pk) for pk in observers])
    task.labels.set(labels)
    _record(actor, "task.created", task, _("Tâche créée : %(title)s") % {"title": task.title})
    _announce("task.assigned", task, assignees, actor)
    _announce("task.mentioned", task, _mentioned(space, task.description), actor)
    return task


def update_task(
    acting: Acting, task: Task, *, today: datetime.date | None = None, **values: Any
) -> Task:
    """Change a task's fields, assignees (`assignee_ids`), observers, labels (`label_ids`).

    Only the values passed change; the history records each one as [old, new].
    """
    _require_edit(acting, task, _("Vous ne pouvez pas modifier cette tâche."))
    return _update(task, acting.user, today=today, **values)


def _require_edit(acting: Acting, task: Task, message: str) -> None:
    _require(abilities_in(acting, task.space).edit, message)


@transaction.atomic
def _update(
    task: Task, actor: User | None, *, today: datetime.date | None = None, **values: Any
) -> Task:
    unknown = set(values) - set(EDITABLE_FIELDS) - {"assignee_ids", "observer_ids", "label_ids"}
    if unknown:
        raise TypeError(f"update_task() got unexpected fields {sorted(unknown)}")
    task = Task.objects.select_for_update().get(pk=task.pk)
    changes: dict[str, list[Any]] = {}
    if "title" in values:
        values["title"] = str(values["title"]).strip()[:300]
        if not values["title"]:
            raise ValidationError({"title": _("Donnez un titre à la tâche.")})
    if "description" in values:
        values["description"] = sanitize_html(values["description"] or "")
    if "status" in values and values["status"] not in TaskStatus.values:
        raise ValidationError({"status": _("Choisissez un statut de la liste.")})
    if "priority" in values and values["priority"] not in TaskPriority.values:
        raise ValidationError({"priority": _("Choisissez une priorité de la liste.")})
    merged = {field: values.get(field, getattr(task, field)) for field in EDITABLE_FIELDS}
    cleared = "due_date" in values and not values["due_date"]
    values.update(_complete_recurrence(merged, due_date_cleared=cleared))
    previous_description = task.description
    for field in EDITABLE_FIELDS:
        if field in values and values[field] != getattr(task, field):
            changes[field] = [_json(getattr(task, field)), _json(values[field])]
            setattr(task, field, values[field])
    if "status" in changes:
        task.completed_at = timezone.now() if task.status == TaskStatus.DONE else None
    if task.recurrence_frequency and (
        task.recurrence_anchor is None
        or {
            "due_date",
            "recurrence_frequency",
            "recurrence_interval",
            "recurrence_weekday",
            "recurrence_week",
        }
        & set(changes)
    ):
        task.recurrence_anchor = task.due_date
    if not task.recurrence_frequency:
        task.recurrence_anchor = None
    task.save()

    new_assignees: set[int] = set()
    people_models: tuple[tuple[str, Any, str], ...] = (
        ("assignee_ids", TaskAssignment, "assignees"),
        ("observer_ids", TaskObserver, "observers"),
    )
    for key, model, related in people_models:
        if key not in values:
            continue
        wanted = _check_people(task.space, values[key] or [], related)
        current = list(model.objects.filter(task=task).values_list("user_id", flat=True))
        if set(wanted) != set(current):
            model.objects.filter(task=task).exclude(user_id__in=wanted).delete()
            model.objects.bulk_create(
                [model(task=task, user_id=pk) for pk in wanted if pk not in current]
            )
            changes[related] = [sorted(current), sorted(wanted)]
            if key == "assignee_ids":
                new_assignees = set(wanted) - set(current)
    if "label_ids" in values:
        wanted_labels = _check_labels(values["label_ids"] or [])
        current_labels = list(task.labels.values_list("pk", flat=True))
        if set(wanted_labels) != set(current_labels):
            task.labels.set(wanted_labels)
            changes["labels"] = [sorted(current_labels), sorted(wanted_labels)]

    if changes:
        verb = (
            "task.completed" if changes.get("status", [None, None])[1] == "done" else "task.updated"
        )
        summary = (
            _("Tâche terminée : %(title)s")
            if verb == "task.completed"
            else _("Tâche modifiée : %(title)s")
        )
        _record(actor, verb, task, summary % {"title": task.title}, changes)
    _announce("task.assigned", task, new_assignees, actor)
    if "description" in changes:
        before = _mentioned(task.space, previous_description)
        _announce("task.mentioned", task, _mentioned(task.space, task.description) - before, actor)
    if task.status == TaskStatus.DONE and "status" in changes:
        spawn_next_occurrence(task, today=today or timezone.localdate())
    return task


def complete_task(acting: Acting, task: Task) -> Task:
    """Mark a task done; a recurring one gets its next occurrence (at most one)."""
    _require_edit(acting, task, _("Vous ne pouvez pas modifier cette tâche."))
    if task.status == TaskStatus.DONE:
        return task
    return _update(task, acting.user, status=TaskStatus.DONE)


def move_task(acting: Acting, task: Task, *, status: str) -> Task:
    """Change only the status (the board's columns)."""
    return update_task(acting, task, status=status)


@transaction.atomic
def delete_task(acting: Acting, task: Task) -> None:
    _require_edit(acting, task, _("Vous ne pouvez pas supprimer cette tâche."))
    _record(
        acting.user, "task.deleted", task, _("Tâche supprimée : %(title)s") % {"title": task.title}
    )
    files = [  # the files that are documents of the space stay there
        (a.file.storage, str(a.file.name))
        for a in task.attachments.all()
        if a.file.name and a.document_id is None
    ]
    task.delete()

    def remove_files() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(remove_files)


# -- Recurrence ---------------------------------------------------------------------------------


def _next_occurrence(locked: Task, due: datetime.date) -> dict[str, Any]:
    """What the next occurrence copies of a recurring task (its people are chosen apart)."""
    return {
        "space": locked.space,
        "title": locked.title,
        "description": locked.description,
        "due_date": due,
        "priority": locked.priority,
        "recurrence_frequency": locked.recurrence_frequency,
        "recurrence_interval": locked.recurrence_interval,
        "recurrence_weekday": locked.recurrence_weekday,
        "recurrence_week": locked.recurrence_week,
        "previous": locked,
    }


@transaction.atomic
def spawn_next_occurrence(task: Task, *, today: datetime.date) -> Task | None:
    """Create the occurrence that follows `task`, unless it exists: safe to call any number of
    times, from any number of processes (row lock, and `previous` is unique)."""
    rule = task.recurrence_rule()
    if rule is None or task.due_date is None:
        return None
    locked = Task.objects.select_for_update().filter(pk=task.pk).first()
    if locked is None or Task.objects.filter(previous_id=task.pk).exists():
        return None
    anchor = locked.recurrence_anchor or locked.due_date
    assert anchor is not None
    assert locked.due_date is not None
    # Far behind (a worker was down)? Skip to the first date from today: no pile of overdue copies.
    after = max(locked.due_date, today - datetime.timedelta(days=1))
    due = recurrence.next_after(rule, anchor, after)
    try:
        with transaction.atomic():
            return create_task(
                RECURRENCE,
                **_next_occurrence(locked, due),
                assignee_ids=list(locked.assignments.values_list("user_id", flat=True)),
                observer_ids=list(locked.observations.values_list("user_id", flat=True)),
                label_ids=list(locked.labels.values_list("pk", flat=True)),
            )
    except IntegrityError:  # another process made it first
        return None
    except ValidationError:
        # An assignee lost access since: the next occurrence goes to those who still have it.
        viewers = _viewers(locked.space)
        with transaction.atomic():
            return create_task(
                RECURRENCE,
                **_next_occurrence(locked, due),
                assignee_ids=[
                    pk
                    for pk in locked.assignments.values_list("user_id", flat=True)
                    if pk in viewers
                ],
            )


def roll_recurring_tasks(*, today: datetime.date) -> int:
    """Give every recurring task whose due date has passed its next occurrence (idempotent)."""
    made = 0
    due = Task.objects.exclude(recurrence_frequency="").filter(
        due_date__lt=today, next_occurrence__isnull=True
    )
    for task in list(due.select_related("space")):
        if spawn_next_occurrence(task, today=today) is not None:
            made += 1
    return made


# -- Comments -----------------------------------------------------------------------------------


@transaction.atomic
def add_comment(acting: Acting, task: Task, *, body: str) -> TaskComment:
    _require(
        abilities_in(acting, task.space).comment, _("Vous ne pouvez pas commenter cette tâche.")
    )
    actor = acting.user
    html = sanitize_html(body).strip()
    if not html:
        raise ValidationError({"body": _("Écrivez un commentaire avant de l'envoyer.")})
    comment = TaskComment.objects.create(task=task, author=actor, body=html)
    _record(
        actor,
        "task.commented",
        task,
        _("Commentaire sur : %(title)s") % {"title": task.title},
        {"comment_id": comment.pk},
    )
    mentioned = _mentioned(task.space, html)
    _announce("task.mentioned", task, mentioned, actor)
    followers = set(task.assignments.values_list("user_id", flat=True)) | set(
        task.observations.values_list("user_id", flat=True)
    )
    if task.created_by_id:
        followers.add(task.created_by_id)
    _announce("task.commented", task, followers - mentioned, actor)
    return comment


@transaction.atomic
def edit_comment(acting: Acting, comment: TaskComment, *, body: str) -> TaskComment:
    """Change a comment's text; the previous text is kept as a revision."""
    abilities = abilities_in(acting, comment.task.space)
    _require(
        may_edit_comment(acting, comment, abilities),
        _("Seul l'auteur d'un commentaire peut le modifier."),
    )
    actor = acting.user
    html = sanitize_html(body).strip()
    if not html:
        raise ValidationError({"body": _("Un commentaire ne peut pas être vide.")})
    if html == comment.body:
        return comment
    TaskCommentRevision.objects.create(comment=comment, body=comment.body, edited_by=actor)
    before = _mentioned(comment.task.space, comment.body)
    comment.body = html
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at", "updated_at"])
    _record(
        actor,
        "task.comment_edited",
        comment.task,
        _("Commentaire modifié sur : %(title)s") % {"title": comment.task.title},
        {"comment_id": comment.pk},
    )
    _announce("task.mentioned", comment.task, _mentioned(comment.task.space, html) - before, actor)
    return comment


# -- Attachments --------------------------------------------------------------------------------


def max_attachment_bytes() -> int:
    return int(getattr(settings, "TASK_ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024))


@transaction.atomic
def add_attachment(acting: Acting, task: Task, *, upload: File) -> TaskAttachment:
    _require_edit(acting, task, _("Vous ne pouvez pas joindre de fichier à cette tâche."))
    actor = acting.user
    limit = max_attachment_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            {
                "file": _(
                    "Fichier trop lourd : %(limit)d Mo au plus. Compressez-le ou partagez un lien."
                )
                % {"limit": limit // (1024 * 1024)}
            }
        )
    name = (upload.name or "fichier").replace("/", "_").replace("\\", "_")[-200:]
    try:  # a document of the task's space (its checks: type by content, markup refused)
        version = attach_to_task(
            acting,
            space=task.space,
            task_id=task.pk,
            task_title=task.title,
            name=name,
            content=upload,
        )
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = TaskAttachment.objects.create(
        task=task,
        name=version.document.name,
        size=version.size,
        content_type=version.content_type[:150],
        uploaded_by=actor,
        file=version.file.name,
        document=version.document,
    )
    name = attachment.name
    _record(
        actor,
        "task.attachment_added",
        task,
        _("Pièce jointe ajoutée : %(name)s") % {"name": name},
        {"attachments": [None, name]},
    )
    return attachment


@transaction.atomic
def delete_attachment(acting: Acting, attachment: TaskAttachment) -> None:
    task = attachment.task
    _require_edit(acting, task, _("Vous ne pouvez pas retirer ce fichier."))
    actor = acting.user
    storage, stored = attachment.file.storage, str(attachment.file.name or "")
    if attachment.document_id is not None:
        stored = ""  # the document stays in the space's tree (its bin is where files go)
    _record(
        actor,
        "task.attachment_removed",
        task,
        _("Pièce jointe retirée : %(name)s") % {"name": attachment.name},
        {"attachments": [attachment.name, None]},
    )
    TaskAttachment.objects.filter(pk=attachment.pk).delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
