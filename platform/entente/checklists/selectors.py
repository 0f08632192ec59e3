"""Reads of procedure templates and checklists, in the current tenant's schema."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from entente.spaces.models import Space
from entente.tasks.models import TaskStatus

from .models import Checklist, ChecklistItem, ProcedureTemplate, TemplateItem


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def templates() -> QuerySet[ProcedureTemplate]:
    return ProcedureTemplate.objects.annotate(item_count=Count("items")).order_by("name", "id")


def template_with_items(pk: int) -> ProcedureTemplate | None:
    return (
        ProcedureTemplate.objects.prefetch_related(
            Prefetch("items", queryset=TemplateItem.objects.select_related("assignee"))
        )
        .filter(pk=pk)
        .first()
    )


def checklists_of(space: Space) -> QuerySet[Checklist]:
    """With `done` and `total` annotated, so a list costs one query."""
    return (
        Checklist.objects.filter(space=space)
        .annotate(
            total=Count("items"),
            done=Count("items", filter=Q(items__task__status=TaskStatus.DONE)),
        )
        .order_by("-reference_date", "-id")
    )


def checklist_in(space: Space, pk: int) -> Checklist | None:
    return (
        checklists_of(space)
        .prefetch_related(
            Prefetch(
                "items",
                queryset=ChecklistItem.objects.select_related("task").prefetch_related(
                    "task__assignments"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def progress_of(checklist: Checklist) -> Progress:
    done = getattr(checklist, "done", None)
    total = getattr(checklist, "total", None)
    if done is None or total is None:
        items = checklist.items.all()
        total = items.count()
        done = items.filter(task__status=TaskStatus.DONE).count()
    return Progress(done=done, total=total)
