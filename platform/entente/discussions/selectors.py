"""Reads of discussions, in the current tenant's schema."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, QuerySet

from entente.spaces.models import Space

from .models import Comment, CommentRevision, Thread


def threads_of(space: Space) -> QuerySet[Thread]:
    return (
        Thread.objects.filter(space=space)
        .annotate(comment_count=Count("comments"))
        .order_by(F("last_comment_at").desc(nulls_last=True), "-id")
    )


def thread_in(space: Space, pk: int) -> Thread | None:
    return Thread.objects.filter(space=space, pk=pk).first()


def comments_of(thread: Thread) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(thread=thread)
        .select_related("author")
        .annotate(revision_count=Count("revisions"))
        .order_by("created_at", "id")
    )


def comment_in(space: Space, thread_pk: int, pk: int) -> Comment | None:
    return (
        Comment.objects.filter(pk=pk, thread_id=thread_pk, thread__space=space)
        .select_related("thread", "author")
        .prefetch_related(
            Prefetch("revisions", queryset=CommentRevision.objects.select_related("edited_by"))
        )
        .first()
    )
