"""The published extract of approved minutes, for a public project's citizens.

Why a publication per meeting (`Minutes.published_at`) and not a `meetings` value of
`CitizenSection`: the section key `meetings` is the one `meeting_abilities` checks, so opening
it to citizens would open the meeting pages themselves (every meeting, drafts, attendance,
attached documents, the PDF with the attendance). An extract is instead an editor's deliberate
act on one meeting whose minutes are approved (frozen: what was published cannot change
afterwards), in a public project only; and its pages read nothing but what an extract holds:
per agenda item its title and its minutes' text, and the decisions with their votes. Never the
attendance, the approvers, the rapporteurs, the exposés or the documents.

Who reads the extracts: whoever may open the project (`abilities_of` without a section: its
citizens, who are its members, and the tenant's staff); the project's editors and the tenant's
admins publish (`require_edit`). A meeting not published, or of another space, answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.spaces.models import Space, Visibility
from entente.spaces.permissions import abilities_of

from .models import AgendaItem, Decision, Meeting, Minutes, MinutesState
from .services import record_meeting, require_edit


def is_public_project(space: Space) -> bool:
    return space.visibility == Visibility.PUBLIC_PROJECT


def may_read_extracts(acting: Acting | None, space: Space) -> bool:
    """The page of a public project's published extracts opens to whoever may open it."""
    return is_public_project(space) and abilities_of(acting, space).view


def may_publish(acting: Acting | None, meeting: Meeting, minutes: Minutes | None) -> bool:
    """Whether to offer « Publier l'extrait » (the service checks again)."""
    return (
        is_public_project(meeting.space)
        and minutes is not None
        and minutes.state == MinutesState.APPROVED
        and minutes.published_at is None
        and abilities_of(acting, meeting.space, section="meetings").edit
    )


@transaction.atomic
def publish_extract(acting: Acting, meeting: Meeting) -> Minutes:
    """Publish the extract of the meeting's approved minutes for the project's citizens.

    Editors only, in a public project, once the minutes are approved; publishing twice
    changes nothing."""
    require_edit(acting, meeting.space)
    if not is_public_project(meeting.space):
        raise ValidationError(_("Seul un projet public publie des extraits pour ses citoyens."))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None or minutes.state != MinutesState.APPROVED:
        raise ValidationError(_("Seul un procès-verbal approuvé peut être publié."))
    if minutes.published_at is not None:
        return minutes
    minutes.published_at = timezone.now()
    minutes.published_by = acting.user
    minutes.save(update_fields=["published_at", "published_by"])
    record_meeting(
        acting,
        meeting,
        "meeting.extract_published",
        _("Extrait publié pour les citoyens : %(title)s") % {"title": meeting.title},
    )
    return minutes


def published_in(space: Space) -> QuerySet[Meeting]:
    """The space's meetings whose extract is published, latest first."""
    return (
        Meeting.objects.filter(
            space=space,
            minutes__state=MinutesState.APPROVED,
            minutes__published_at__isnull=False,
        )
        .select_related("minutes")
        .order_by("-starts_at", "-id")
    )


@dataclass(frozen=True)
class ExtractItem:
    title: str
    text: str
    decisions: list[Decision]


@dataclass(frozen=True)
class Extract:
    meeting: Meeting
    published_at: object
    items: list[ExtractItem]


def extract_of(space: Space, pk: int) -> Extract | None:
    """The published extract of meeting `pk` of `space`; None if there is none to show."""
    meeting = (
        published_in(space)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch(
                "agenda",
                AgendaItem.objects.order_by("position", "id").prefetch_related(
                    "decisions", "minutes"
                ),
            )
        )
        .first()
    )
    if meeting is None:
        return None
    items = [
        ExtractItem(
            title=item.title,
            text=getattr(getattr(item, "minutes", None), "text", ""),
            decisions=list(item.decisions.all()),
        )
        for item in meeting.agenda.all()
    ]
    return Extract(meeting=meeting, published_at=meeting.minutes.published_at, items=items)
