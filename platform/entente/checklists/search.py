"""Checklists (in a space) and procedure templates (the tenant's, for its staff) in search."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind, entry_of
from entente.search.text import joined

from .models import Checklist, ChecklistItem, ProcedureTemplate, TemplateItem


def checklist_entries(ids: Sequence[int]) -> list[Entry]:
    checklists = (
        Checklist.objects.filter(pk__in=ids)
        .select_related("space")
        .prefetch_related(Prefetch("items", queryset=ChecklistItem.objects.order_by("position")))
    )
    return [
        entry_of(
            checklist,
            kind="checklist",
            title=checklist.name,
            body=joined(item.title for item in checklist.items.all()),
            url=reverse("checklists:checklist_detail", args=[checklist.space_id, checklist.pk]),
            space=checklist.space,
            section="checklists",
        )
        for checklist in checklists
    ]


def template_entries(ids: Sequence[int]) -> list[Entry]:
    templates = ProcedureTemplate.objects.filter(pk__in=ids).prefetch_related(
        Prefetch("items", queryset=TemplateItem.objects.order_by("position"))
    )
    return [
        entry_of(
            template,
            kind="procedure",
            title=template.name,
            body=joined(
                [
                    template.description,
                    *(f"{item.title} {item.notes}" for item in template.items.all()),
                ]
            ),
            url=reverse("checklists:template_edit", args=[template.pk]),
        )
        for template in templates
    ]


KINDS = (
    SearchKind(
        kind="checklist",
        label=_("Procédure en cours"),
        entries=checklist_entries,
        all_ids=lambda: Checklist.objects.values_list("pk", flat=True),
        verbs=("checklist.",),
        object_types=("checklist",),
        order=40,
    ),
    SearchKind(
        kind="procedure",
        label=_("Modèle de procédure"),
        entries=template_entries,
        all_ids=lambda: ProcedureTemplate.objects.values_list("pk", flat=True),
        verbs=("procedure.",),
        object_types=("procedure_template",),
        order=50,
    ),
)
