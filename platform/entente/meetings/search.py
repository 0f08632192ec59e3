"""Meetings in search: title, place, agenda items, their minutes and decisions.

Who may see a meeting is decided at query time from the entry's space and section
(« meetings »), like every kind; a meeting is indexed again after every `meeting.*` activity
(the minutes are re-read when they are submitted and approved).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind, entry_of
from entente.search.text import joined

from .models import AgendaItem, Meeting


def meeting_entries(ids: Sequence[int]) -> list[Entry]:
    meetings = (
        Meeting.objects.filter(pk__in=ids)
        .select_related("space")
        .prefetch_related(
            Prefetch(
                "agenda",
                AgendaItem.objects.order_by("position", "id")
                .select_related("minutes")
                .prefetch_related("decisions"),
            )
        )
    )
    entries = []
    for meeting in meetings:
        parts: list[str] = [meeting.place]
        for item in meeting.agenda.all():
            parts += [item.title, item.notes]
            written = getattr(item, "minutes", None)
            if written is not None:
                parts.append(written.text)
            parts += [decision.text for decision in item.decisions.all()]
        entries.append(
            entry_of(
                meeting,
                kind="meeting",
                title=meeting.title,
                body=joined(parts),
                url=reverse(
                    "meetings:meeting_detail",
                    kwargs={"space_id": meeting.space_id, "pk": meeting.pk},
                ),
                space=meeting.space,
                section="meetings",
            )
        )
    return entries


KINDS = (
    SearchKind(
        kind="meeting",
        label=_("Réunion"),
        entries=meeting_entries,
        all_ids=lambda: Meeting.objects.values_list("pk", flat=True),
        verbs=("meeting.",),
        object_types=("meeting",),
        order=35,
    ),
)
