"""Discussions of a space: threads, their comments, and comment edits with their history.

Statuses as everywhere (api.base): a space the caller cannot see (or whose discussions are
closed to them), or a thread not in it, 404; taking part without the `comment` ability, 403;
editing another person's comment, 403 (the service's reason).
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from entente.accounts.models import User
from entente.discussions import selectors, services
from entente.discussions.models import Comment, Thread

from ...base import SpaceScopedMixin
from .serializers import (
    CommentDetailSerializer,
    CommentWriteSerializer,
    DiscussionCommentSerializer,
    ThreadCreateSerializer,
    ThreadSerializer,
)


def _user(request: Request) -> User:
    """The member making the request (the membership middleware let only members through)."""
    return cast(User, request.user)


# Reading needs `view`; opening a thread, writing or editing a comment, `comment`.
DISCUSSION_ABILITIES = {"GET": "view", "HEAD": "view", "OPTIONS": "view"}
DISCUSSION_ABILITIES.update(dict.fromkeys(["POST", "PUT", "PATCH"], "comment"))


class _DiscussionView(SpaceScopedMixin):
    space_section = "discussions"
    space_ability_map = DISCUSSION_ABILITIES


class ThreadList(_DiscussionView, generics.ListCreateAPIView[Thread]):
    serializer_class = ThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space, no member
            return Thread.objects.none()
        return selectors.threads_of(self.space)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        space, abilities = self.space, self.abilities
        serializer = ThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        thread = services.create_thread(
            space=space,
            actor=_user(request),
            abilities=abilities,
            **serializer.validated_data,
        )
        return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetail(_DiscussionView, generics.RetrieveAPIView[Thread]):
    serializer_class = ThreadSerializer

    def get_object(self) -> Thread:
        thread = selectors.threads_of(self.space).filter(pk=self.kwargs["pk"]).first()
        if thread is None:
            raise NotFound(_("Cette discussion n'existe pas."))
        return thread


class CommentList(_DiscussionView, generics.ListCreateAPIView[Comment]):
    serializer_class = DiscussionCommentSerializer

    def _thread(self) -> tuple[Thread, Any]:
        thread = selectors.thread_in(self.space, self.kwargs["pk"])
        if thread is None:
            raise NotFound(_("Cette discussion n'existe pas."))
        return thread, self.abilities

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space, no member
            return Comment.objects.none()
        thread, _abilities = self._thread()
        return selectors.comments_of(thread)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        thread, abilities = self._thread()
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = services.add_comment(
            thread,
            actor=_user(request),
            abilities=abilities,
            body=serializer.validated_data["body"],
        )
        return Response(DiscussionCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetail(_DiscussionView, generics.RetrieveUpdateAPIView[Comment]):
    """GET: the comment and its previous versions. PATCH/PUT `body`: its author edits it."""

    serializer_class = CommentDetailSerializer

    def get_object(self) -> Comment:
        comment = selectors.comment_in(self.space, self.kwargs["pk"], self.kwargs["comment_id"])
        if comment is None:
            raise NotFound(_("Ce message n'existe pas."))
        return comment

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = self.get_object()
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.edit_comment(
            comment,
            actor=_user(request),
            abilities=self.abilities,
            body=serializer.validated_data["body"],
        )
        return Response(CommentDetailSerializer(self.get_object()).data)
