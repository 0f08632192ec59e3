"""Discussions of a space: threads, their comments, and comment edits with their history."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from entente.accounts.models import Membership
from entente.discussions import selectors, services
from entente.discussions.models import Comment, Thread

from ..access import drf_errors, space_for
from .serializers import (
    CommentDetailSerializer,
    CommentWriteSerializer,
    DiscussionCommentSerializer,
    ThreadCreateSerializer,
    ThreadSerializer,
)


def _acting(request: Request) -> Membership:
    """The member making the request (the membership middleware let only members through)."""
    return cast(Membership, getattr(request, "membership", None))


class ThreadList(generics.ListCreateAPIView[Thread]):
    serializer_class = ThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space, no member
            return Thread.objects.none()
        space, _abilities = space_for(self.request, self.kwargs["space_id"], section="discussions")
        return selectors.threads_of(space)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        space, abilities = space_for(request, kwargs["space_id"], section="discussions")
        if not abilities.comment:
            raise PermissionDenied(_("Vous ne pouvez pas ouvrir de discussion dans cet espace."))
        serializer = ThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            thread = services.create_thread(
                _acting(request),
                space=space,
                **serializer.validated_data,
            )
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadDetail(generics.RetrieveAPIView[Thread]):
    serializer_class = ThreadSerializer

    def get_object(self) -> Thread:
        space, _abilities = space_for(self.request, self.kwargs["space_id"], section="discussions")
        thread = selectors.threads_of(space).filter(pk=self.kwargs["pk"]).first()
        if thread is None:
            raise NotFound(_("Cette discussion n'existe pas."))
        return thread


class CommentList(generics.ListCreateAPIView[Comment]):
    serializer_class = DiscussionCommentSerializer

    def _thread(self) -> tuple[Thread, Any]:
        space, abilities = space_for(self.request, self.kwargs["space_id"], section="discussions")
        thread = selectors.thread_in(space, self.kwargs["pk"])
        if thread is None:
            raise NotFound(_("Cette discussion n'existe pas."))
        return thread, abilities

    def get_queryset(self) -> QuerySet[Comment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space, no member
            return Comment.objects.none()
        thread, _abilities = self._thread()
        return selectors.comments_of(thread)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        thread, abilities = self._thread()
        if not abilities.comment:
            raise PermissionDenied(
                _("Vous ne pouvez pas participer aux discussions de cet espace.")
            )
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            comment = services.add_comment(
                _acting(request),
                thread,
                body=serializer.validated_data["body"],
            )
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        return Response(DiscussionCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class CommentDetail(generics.RetrieveUpdateAPIView[Comment]):
    """GET: the comment and its previous versions. PATCH/PUT `body`: its author edits it."""

    serializer_class = CommentDetailSerializer

    def get_object(self) -> Comment:
        space, abilities = space_for(self.request, self.kwargs["space_id"], section="discussions")
        comment = selectors.comment_in(space, self.kwargs["pk"], self.kwargs["comment_id"])
        if comment is None:
            raise NotFound(_("Ce message n'existe pas."))
        self.abilities = abilities
        return comment

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = self.get_object()
        serializer = CommentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.edit_comment(
                _acting(request),
                comment,
                body=serializer.validated_data["body"],
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        return Response(CommentDetailSerializer(self.get_object()).data)
