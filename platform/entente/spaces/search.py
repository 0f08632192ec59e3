"""Spaces in search: name and description; a space's facts follow to every entry in it."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind, entry_of
from entente.search.text import plain_text

from .models import Space


def space_entries(ids: Sequence[int]) -> list[Entry]:
    return [
        entry_of(
            space,
            kind="space",
            title=space.name,
            body=plain_text(space.description),
            url=reverse("spaces:detail", args=[space.pk]),
            space=space,
        )
        for space in Space.objects.filter(pk__in=ids)
    ]


KINDS = (
    SearchKind(
        kind="space",
        label=_("Espace"),
        entries=space_entries,
        all_ids=lambda: Space.objects.values_list("pk", flat=True),
        verbs=("space.created", "space.updated", "space.archived", "space.restored"),
        object_types=("space",),
        carries_space_facts=True,
        order=10,
    ),
)
