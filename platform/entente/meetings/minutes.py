"""Writes of a meeting's minutes: per-item text, decisions (with votes and tasks), approval.

The life of the minutes: written (draft) by the space's editors, submitted to named approvers
(as a council's procès-verbal is signed by its secretary and president), approved by each of
them, then frozen: from submission on, nothing of the meeting's record changes any more.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.spaces.models import SpaceMembership
from entente.tasks.services import create_task

from .models import (
    VOTING_SERIES,
    AgendaItem,
    Approval,
    Decision,
    ItemMinutes,
    Meeting,
    Minutes,
    MinutesState,
)
from .permissions import meeting_abilities
from .services import announce, record_meeting, require_edit

MINUTES_APPROVED = "meeting.minutes_approved"


def minutes_of(meeting: Meeting) -> Minutes:
    minutes, _created = Minutes.objects.get_or_create(meeting=meeting)
    return minutes


def require_draft(meeting: Meeting) -> Minutes:
    """The minutes, locked for this transaction; refused once submitted or frozen."""
    minutes_of(meeting)
    minutes = Minutes.objects.select_for_update().get(meeting=meeting)
    if minutes.state != MinutesState.DRAFT:
        raise ValidationError(
            _("Le procès-verbal est soumis ou approuvé : il ne peut plus être modifié.")
        )
    return minutes


@transaction.atomic
def write_item_minutes(acting: Acting, item: AgendaItem, *, text: str) -> ItemMinutes:
    meeting = item.meeting
    require_edit(acting, meeting.space)
    minutes = require_draft(meeting)
    written, _created = ItemMinutes.objects.update_or_create(
        item=item, defaults={"minutes": minutes, "text": text.strip()}
    )
    return written


@dataclass(frozen=True)
class TaskSpec:
    """The task a decision creates: whom it is for and by when."""

    title: str
    assignee_id: int | None = None
    due_date: datetime.date | None = None


@transaction.atomic
def record_decision(
    acting: Acting,
    item: AgendaItem,
    *,
    text: str,
    votes: tuple[int, int, int] | None = None,
    task: TaskSpec | None = None,
) -> Decision:
    """Record a decision on an item; `votes` (for, against, abstentions) where the series
    votes; `task` creates the follow-up task in the meeting's space, as the acting party."""
    meeting = item.meeting
    require_edit(acting, meeting.space)
    require_draft(meeting)
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Écrivez la décision.")})
    if meeting.series in VOTING_SERIES and votes is None:
        raise ValidationError(
            {"votes": _("Cette série vote : indiquez pour, contre, abstentions.")}
        )
    if votes is not None and min(votes) < 0:
        raise ValidationError({"votes": _("Un nombre de voix ne peut être négatif.")})
    created_task = None
    if task is not None:
        created_task = create_task(
            acting,
            space=meeting.space,
            title=task.title,
            description=_("Décision de « %(meeting)s » : %(text)s")
            % {"meeting": meeting.title, "text": text},
            assignee_ids=[task.assignee_id] if task.assignee_id else None,
            due_date=task.due_date,
        )
    for_, against, abstentions = votes if votes is not None else (None, None, None)
    decision = Decision.objects.create(
        item=item,
        text=text,
        votes_for=for_,
        votes_against=against,
        abstentions=abstentions,
        task=created_task,
    )
    record_meeting(
        acting,
        meeting,
        "meeting.decision_recorded",
        _("Décision sur « %(item)s » : %(text)s") % {"item": item.title, "text": text},
    )
    return decision


@transaction.atomic
def submit_minutes(acting: Acting, meeting: Meeting, *, approver_ids: list[int]) -> Minutes:
    """Hand the minutes to the named approvers; from now on nothing of the record changes."""
    require_edit(acting, meeting.space)
    minutes = require_draft(meeting)
    approvers = set(approver_ids)
    members = set(
        SpaceMembership.objects.filter(
            space_id=meeting.space_id, user_id__in=approvers
        ).values_list("user_id", flat=True)
    )
    if not approvers or approvers != members:
        raise ValidationError(
            {"approver_ids": _("Nommez les approbateurs parmi les membres de l'espace.")}
        )
    minutes.state = MinutesState.SUBMITTED
    minutes.submitted_at = timezone.now()
    minutes.save(update_fields=["state", "submitted_at"])
    Approval.objects.bulk_create(
        Approval(minutes=minutes, person_id=pk) for pk in sorted(approvers)
    )
    record_meeting(
        acting,
        meeting,
        "meeting.minutes_submitted",
        _("Procès-verbal soumis à approbation : %(title)s") % {"title": meeting.title},
    )
    announce("meeting.minutes_to_approve", meeting, sorted(approvers), actor=acting)
    return minutes


@transaction.atomic
def approve_minutes(acting: Acting, meeting: Meeting) -> Minutes:
    """The acting person approves; the last approval freezes the minutes."""
    if acting.user is None or not meeting_abilities(acting, meeting.space).view:
        raise PermissionDenied(_("Vous n'êtes pas appelé à approuver ce procès-verbal."))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.state != MinutesState.SUBMITTED:
        raise ValidationError(_("Ce procès-verbal n'attend pas d'approbation."))
    approval = minutes.approvals.filter(person_id=acting.user.pk).first()
    if approval is None:
        raise PermissionDenied(_("Vous n'êtes pas appelé à approuver ce procès-verbal."))
    if approval.approved_at is None:
        approval.approved_at = timezone.now()
        approval.save(update_fields=["approved_at"])
    if not minutes.approvals.filter(approved_at__isnull=True).exists():
        minutes.state = MinutesState.APPROVED
        minutes.frozen_at = timezone.now()
        minutes.save(update_fields=["state", "frozen_at"])
        record_meeting(
            acting,
            meeting,
            "meeting.minutes_approved",
            _("Procès-verbal approuvé : %(title)s") % {"title": meeting.title},
        )
        # The attendees get the approved PDF by e-mail after the commit (`sharing`), and a
        # notice in their inbox (`notifications`).
        attendees = sorted(meeting.attendees.values_list("person_id", flat=True))
        announce(MINUTES_APPROVED, meeting, attendees, actor=acting)
    return minutes
