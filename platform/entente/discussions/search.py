"""Discussions in search: the subject and its messages (a message finds its discussion)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind, entry_of, object_id_of
from entente.search.text import joined

from .models import Comment, Thread


def thread_entries(ids: Sequence[int]) -> list[Entry]:
    threads = (
        Thread.objects.filter(pk__in=ids)
        .select_related("space")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.order_by("pk")))
    )
    return [
        entry_of(
            thread,
            kind="discussion",
            title=thread.title,
            body=joined(comment.body for comment in thread.comments.all()),
            url=reverse("discussions:thread", args=[thread.space_id, thread.pk]),
            space=thread.space,
            section="discussions",
            date=thread.last_comment_at,
        )
        for thread in threads
    ]


def thread_ids_of(payload: Mapping[str, Any]) -> list[int]:
    """A thread's events name the thread; a message's name the message: find its thread."""
    ids = object_id_of(payload)
    if payload.get("object_type") == "comment":
        return list(Comment.objects.filter(pk__in=ids).values_list("thread_id", flat=True))
    return ids


KINDS = (
    SearchKind(
        kind="discussion",
        label=_("Discussion"),
        entries=thread_entries,
        all_ids=lambda: Thread.objects.values_list("pk", flat=True),
        verbs=("discussion.",),
        ids_from=thread_ids_of,
        order=30,
    ),
)
