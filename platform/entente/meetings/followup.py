"""From one meeting to the next: the open tasks of the series' previous meeting, carried over,
and the space's documents attached to agenda items (to read before the meeting).

Writes take the acting party first and authorize themselves, like `services`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.accounts.models import Membership
from entente.documents.models import Document
from entente.documents.selectors import access_document
from entente.tasks.models import Task, TaskStatus

from .models import AgendaDocument, AgendaItem, Decision, Meeting
from .services import (
    add_agenda_item,
    agenda_changed,
    record_meeting,
    require_edit,
    require_record_open,
)


def previous_in_series(meeting: Meeting) -> Meeting | None:
    """The meeting of the same space and series just before this one (none for a one-off)."""
    if not meeting.series:
        return None
    return (
        Meeting.objects.filter(
            space_id=meeting.space_id, series=meeting.series, starts_at__lt=meeting.starts_at
        )
        .order_by("-starts_at", "-id")
        .first()
    )


def open_tasks_of(meeting: Meeting) -> list[Task]:
    """The tasks the meeting's decisions created that are not done yet."""
    ids = Decision.objects.filter(item__meeting=meeting, task__isnull=False).values("task_id")
    return list(
        Task.objects.filter(pk__in=ids).exclude(status=TaskStatus.DONE).order_by("due_date", "pk")
    )


@dataclass(frozen=True)
class CarryOver:
    previous: Meeting | None
    tasks: list[Task]
    item: AgendaItem | None  # the follow-up item already on this meeting's agenda


def carry_over_of(meeting: Meeting) -> CarryOver:
    previous = previous_in_series(meeting)
    tasks = open_tasks_of(previous) if previous is not None else []
    item = (
        meeting.agenda.filter(title=_follow_up_title(previous)).first()
        if previous is not None
        else None
    )
    return CarryOver(previous=previous, tasks=tasks, item=item)


def _follow_up_title(previous: Meeting) -> str:
    day = date_format(timezone.localtime(previous.starts_at).date(), "j F Y")
    return _("Suivi des décisions de la séance du %(date)s") % {"date": day}


def _task_line(task: Task) -> str:
    due = (
        _(" (échéance %(date)s)") % {"date": date_format(task.due_date, "j F Y")}
        if task.due_date
        else ""
    )
    return f"- {task.title}{due}"


@transaction.atomic
def carry_over_open_tasks(acting: Acting, meeting: Meeting) -> AgendaItem:
    """Put the previous meeting's open tasks on this agenda, as one follow-up item (once)."""
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    found = carry_over_of(meeting)
    if found.previous is None or not found.tasks:
        raise ValidationError(_("La séance précédente n'a laissé aucune tâche ouverte."))
    if found.item is not None:
        raise ValidationError(_("Les tâches ouvertes sont déjà reportées à l'ordre du jour."))
    return add_agenda_item(
        acting,
        meeting,
        title=_follow_up_title(found.previous),
        notes="\n".join(_task_line(task) for task in found.tasks),
    )


def _membership(acting: Acting) -> Membership | None:
    return acting if isinstance(acting, Membership) else None


@transaction.atomic
def attach_document(acting: Acting, item: AgendaItem, *, document_id: int) -> AgendaDocument:
    """Attach a document of the meeting's space that the acting person may read."""
    meeting = item.meeting
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    membership = _membership(acting)
    document: Document | None
    if membership is None:  # the system (the demo, an import): any live file of the space
        document = (
            Document.objects.select_related("folder")
            .filter(pk=document_id, deleted_at__isnull=True)
            .first()
        )
    else:
        try:
            document = access_document(membership, document_id).document
        except Document.DoesNotExist:
            document = None
    if document is None or document.folder.space_id != meeting.space_id:
        raise ValidationError({"document_id": _("Choisissez un document de l'espace.")})
    attached, created = AgendaDocument.objects.get_or_create(
        item=item, document=document, defaults={"added_by": acting.user}
    )
    if created:
        record_meeting(
            acting,
            meeting,
            "meeting.document_attached",
            _("Document joint au point « %(item)s » : %(name)s")
            % {"item": item.title, "name": document.name},
        )
        agenda_changed(acting, meeting)
    return attached


@transaction.atomic
def detach_document(acting: Acting, item: AgendaItem, *, document_id: int) -> None:
    meeting = item.meeting
    require_edit(acting, meeting.space)
    require_record_open(meeting)
    AgendaDocument.objects.filter(item=item, document_id=document_id).delete()


def documents_for(meeting: Meeting, membership: Membership | None) -> dict[int, list[Document]]:
    """Each item's attached documents that `membership` may read (folder rules apply)."""
    rows = (
        AgendaDocument.objects.filter(item__meeting=meeting, document__deleted_at__isnull=True)
        .select_related("document")
        .order_by("id")
    )
    readable: dict[int, bool] = {}
    result: dict[int, list[Document]] = {}
    for row in rows:
        if row.document_id not in readable:
            try:
                access_document(membership, row.document_id)
                readable[row.document_id] = True
            except Document.DoesNotExist:
                readable[row.document_id] = False
        if readable[row.document_id]:
            result.setdefault(row.item_id, []).append(row.document)
    return result


def attachable_documents(meeting: Meeting, membership: Membership | None) -> list[Document]:
    """The space's documents the person may read, to choose from (newest first, at most 200)."""
    candidates = Document.objects.filter(
        folder__space_id=meeting.space_id, deleted_at__isnull=True
    ).order_by("-updated_at")[:200]
    chosen = []
    for document in candidates:
        try:
            access_document(membership, document.pk)
        except Document.DoesNotExist:
            continue
        chosen.append(document)
    return chosen
