"""Tasks in search: title, description, comments and file names (a comment finds its task)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind, entry_of
from entente.search.text import joined

from .models import Task, TaskComment


def task_entries(ids: Sequence[int]) -> list[Entry]:
    tasks = (
        Task.objects.filter(pk__in=ids)
        .select_related("space")
        .prefetch_related(
            Prefetch("comments", queryset=TaskComment.objects.order_by("pk")), "attachments"
        )
    )
    return [
        entry_of(
            task,
            kind="task",
            title=task.title,
            body=joined(
                [
                    task.description,
                    *(comment.body for comment in task.comments.all()),
                    *(attachment.name for attachment in task.attachments.all()),
                ]
            ),
            url=reverse("tasks:detail", args=[task.pk]),
            space=task.space,
            section="tasks",
        )
        for task in tasks
    ]


KINDS = (
    SearchKind(
        kind="task",
        label=_("Tâche"),
        entries=task_entries,
        all_ids=lambda: Task.objects.values_list("pk", flat=True),
        verbs=("task.",),
        object_types=("task",),
        order=20,
    ),
)
