"""The task API: /api/v1/tasks/ (comments, attachments), /api/v1/labels/, /api/v1/me/tasks/.

Statuses as everywhere (api.base): a task in a space the caller cannot see answers 404; a
visible task they may not change, 403 with the reason; a space named in the body of
`POST /api/v1/tasks/` that they cannot see, 400 on `space`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from api.fields import POSITIVE_ID, query_int
from api.parsers import FormParser, MultiPartParser
from entente.spaces.permissions import SpaceAbilities
from entente.tasks import labels as label_services
from entente.tasks import selectors, services
from entente.tasks.files import attachment_response
from entente.tasks.models import Label, Task, TaskAttachment, TaskComment
from entente.tasks.permissions import may_see_labels

from ...base import SpaceScopedMixin
from .serializers import (
    AttachmentSerializer,
    LabelSerializer,
    TaskCommentSerializer,
    TaskDetailSerializer,
    TaskSerializer,
    TaskUpdateSerializer,
    TaskWriteSerializer,
)

ORDERINGS = {
    "due_date": ["due_date", "id"],
    "-due_date": ["-due_date", "-id"],
    "priority": ["priority", "id"],
    "-priority": ["-priority", "due_date", "id"],
    "updated_at": ["updated_at", "id"],
    "-updated_at": ["-updated_at", "-id"],
    "created_at": ["created_at", "id"],
    "-created_at": ["-created_at", "-id"],
    "title": ["title", "id"],
}

LIST_PARAMETERS = [
    OpenApiParameter("space", POSITIVE_ID, description="Identifiant d'un espace"),
    OpenApiParameter(
        "status", str, description="Un ou plusieurs statuts, séparés par des virgules"
    ),
    OpenApiParameter(
        "assignee",
        {"type": "string", "pattern": "^(me|[1-9][0-9]{0,17})$"},
        description="`me` ou l'identifiant d'une personne",
    ),
    OpenApiParameter("due_before", datetime.date),
    OpenApiParameter("due_after", datetime.date),
    OpenApiParameter("label", POSITIVE_ID, description="Identifiant d'une étiquette"),
    OpenApiParameter("ordering", str, enum=list(ORDERINGS)),
]


def _date(request: Request, name: str) -> datetime.date | None:
    raw = request.query_params.get(name)
    if raw is None:  # absent; present but empty is not a date
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise exceptions.ValidationError(
            {name: [_("Date invalide : écrivez-la AAAA-MM-JJ, par exemple 2026-12-31.")]}
        ) from None


def filter_tasks(tasks: QuerySet[Task], request: Request, user_id: int) -> QuerySet[Task]:
    if (space_id := query_int(request.query_params, "space")) is not None:
        tasks = tasks.filter(space_id=space_id)
    if statuses := [s for s in request.query_params.get("status", "").split(",") if s]:
        tasks = tasks.filter(status__in=statuses)
    assignee = request.query_params.get("assignee")
    if assignee == "":  # present but empty: neither `me` nor a person
        raise exceptions.ValidationError({"assignee": [_("Indiquez « me » ou un identifiant.")]})
    if assignee == "me":
        tasks = tasks.filter(assignments__user_id=user_id)
    elif assignee:
        tasks = tasks.filter(assignments__user_id=query_int(request.query_params, "assignee") or 0)
    if (before := _date(request, "due_before")) is not None:
        tasks = tasks.filter(due_date__lte=before)
    if (after := _date(request, "due_after")) is not None:
        tasks = tasks.filter(due_date__gte=after)
    if (label_id := query_int(request.query_params, "label")) is not None:
        tasks = tasks.filter(labels__id=label_id)
    ordering = request.query_params.get("ordering", "due_date")
    if ordering not in ORDERINGS:
        raise exceptions.ValidationError(
            {
                "ordering": [
                    _("Tri inconnu : choisissez parmi %(choices)s.")
                    % {"choices": ", ".join(ORDERINGS)}
                ]
            }
        )
    return selectors.with_people(tasks).order_by(*ORDERINGS[ordering])


class TaskScopedMixin(SpaceScopedMixin):
    """Views of one task and what hangs from it: the task's space decides (section "tasks")."""

    space_section = "tasks"

    def visible_task(self, pk: Any) -> tuple[Task, SpaceAbilities]:
        """The task and the caller's abilities in its space: 404 unseen, 403 not allowed."""
        not_found = NotFound(_("Cette tâche n'existe pas ou ne vous est pas accessible."))
        task = Task.objects.select_related("space").filter(pk=pk).first()
        if task is None:
            raise not_found
        return task, self.object_space(task.space, not_found=not_found).abilities


@extend_schema_view(get=extend_schema(parameters=LIST_PARAMETERS))
class TaskListCreate(SpaceScopedMixin, generics.ListCreateAPIView[Task]):
    """Tasks of the spaces you can see; create one in a space where you may edit."""

    serializer_class = TaskSerializer

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no member, no task
            return Task.objects.none()
        tasks = selectors.visible_tasks(self.membership)
        return filter_tasks(tasks, self.request, self.membership.user_id)

    @extend_schema(request=TaskWriteSerializer, responses={201: TaskDetailSerializer})
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = TaskWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        space = self.body_space(
            incoming.validated_data["space"], ability="edit", section="tasks"
        ).space
        task = services.create_task(
            self.membership,
            space=space,
            **incoming.service_values(),
        )
        return Response(TaskDetailSerializer(task).data, status=status.HTTP_201_CREATED)


@extend_schema_view(get=extend_schema(parameters=LIST_PARAMETERS))
class MyTaskList(TaskListCreate):
    """Tasks assigned to you, across the spaces of the collectivité you can see."""

    http_method_names = ["get", "head", "options"]

    def get_queryset(self) -> QuerySet[Task]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no member, no task
            return Task.objects.none()
        tasks = selectors.visible_tasks(self.membership).filter(
            assignments__user_id=self.membership.user_id
        )
        return filter_tasks(tasks, self.request, self.membership.user_id)


class TaskDetail(TaskScopedMixin, generics.GenericAPIView[Task]):
    serializer_class = TaskDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        task, _abilities = self.visible_task(pk)
        return Response(TaskDetailSerializer(task).data)

    @extend_schema(request=TaskUpdateSerializer)
    def patch(self, request: Request, pk: int) -> Response:
        task, _abilities = self.visible_task(pk)
        incoming = TaskUpdateSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        task = services.update_task(
            self.membership,
            task,
            **incoming.service_values(),
        )
        return Response(TaskDetailSerializer(task).data)

    @extend_schema(request=TaskUpdateSerializer)
    def put(self, request: Request, pk: int) -> Response:
        return self.patch(request, pk)

    def delete(self, request: Request, pk: int) -> Response:
        task, _abilities = self.visible_task(pk)
        services.delete_task(self.membership, task)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TaskCommentListCreate(TaskScopedMixin, generics.ListCreateAPIView[TaskComment]):
    serializer_class = TaskCommentSerializer
    space_ability_map = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "POST": "comment"}

    def get_queryset(self) -> QuerySet[TaskComment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no member, no task
            return TaskComment.objects.none()
        task, _abilities = self.visible_task(self.kwargs["pk"])
        return selectors.comments_of(task)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task, _abilities = self.visible_task(self.kwargs["pk"])
        incoming = TaskCommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = services.add_comment(
            self.membership,
            task,
            body=incoming.validated_data["body"],
        )
        return Response(TaskCommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class TaskCommentDetail(TaskScopedMixin, generics.GenericAPIView[TaskComment]):
    """Edit your own comment; the previous text stays in `revisions`."""

    serializer_class = TaskCommentSerializer
    space_ability_map = {"GET": "view", "HEAD": "view", "OPTIONS": "view", "PATCH": "comment"}

    def _comment(self, pk: int, comment_id: int) -> tuple[TaskComment, Any]:
        task, abilities = self.visible_task(pk)
        comment = task.comments.filter(pk=comment_id).first()
        if comment is None:
            raise Http404
        return comment, abilities

    def get(self, request: Request, pk: int, comment_id: int) -> Response:
        comment, _abilities = self._comment(pk, comment_id)
        return Response(TaskCommentSerializer(comment).data)

    def patch(self, request: Request, pk: int, comment_id: int) -> Response:
        comment, _abilities = self._comment(pk, comment_id)
        incoming = TaskCommentSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        comment = services.edit_comment(
            self.membership,
            comment,
            body=incoming.validated_data["body"],
        )
        return Response(TaskCommentSerializer(comment).data)


class TaskAttachmentListCreate(TaskScopedMixin, generics.ListCreateAPIView[TaskAttachment]):
    serializer_class = AttachmentSerializer
    parser_classes = [MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[TaskAttachment]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no member, no task
            return TaskAttachment.objects.none()
        task, _abilities = self.visible_task(self.kwargs["pk"])
        return selectors.attachments_of(task)

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task, _abilities = self.visible_task(self.kwargs["pk"])
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choisissez un fichier à joindre.")]})
        attachment = services.add_attachment(self.membership, task, upload=upload)
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class TaskAttachmentDetail(TaskScopedMixin, generics.GenericAPIView[TaskAttachment]):
    """GET downloads the file (never served from MEDIA_URL); DELETE removes it."""

    serializer_class = AttachmentSerializer

    def _attachment(self, pk: int, attachment_id: int) -> tuple[TaskAttachment, Any]:
        task, abilities = self.visible_task(pk)
        attachment = task.attachments.filter(pk=attachment_id).first()
        if attachment is None:
            raise Http404
        return attachment, abilities

    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})  # the file's own type
    def get(self, request: Request, pk: int, attachment_id: int) -> FileResponse:
        attachment, _abilities = self._attachment(pk, attachment_id)
        return attachment_response(attachment)

    def delete(self, request: Request, pk: int, attachment_id: int) -> Response:
        attachment, _abilities = self._attachment(pk, attachment_id)
        services.delete_attachment(self.membership, attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LabelListCreate(SpaceScopedMixin, generics.ListCreateAPIView[Label]):
    """The collectivité's labels; agents and elected officials create them."""

    conflict_statuses = (409,)  # a label of that name exists

    serializer_class = LabelSerializer
    pagination_class = None

    def get_queryset(self) -> QuerySet[Label]:
        if getattr(self, "swagger_fake_view", False):  # OpenAPI generation: no request person
            return Label.objects.none()
        if not may_see_labels(self.membership):
            raise Http404
        return selectors.labels()

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        incoming = LabelSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        label = label_services.create_label(
            self.membership,
            name=incoming.validated_data["name"],
            color=incoming.validated_data.get("color", "#1f6feb"),
        )
        return Response(LabelSerializer(label).data, status=status.HTTP_201_CREATED)


class LabelDetail(SpaceScopedMixin, generics.GenericAPIView[Label]):
    """Administrators rename, recolour and delete labels."""

    conflict_statuses = (409,)  # a label of that name exists

    serializer_class = LabelSerializer

    def _label(self, pk: int) -> Label:
        if not may_see_labels(self.membership):
            raise Http404
        label = Label.objects.filter(pk=pk).first()
        if label is None:
            raise Http404
        return label

    def get(self, request: Request, pk: int) -> Response:
        return Response(LabelSerializer(self._label(pk)).data)

    def patch(self, request: Request, pk: int) -> Response:
        label = self._label(pk)
        incoming = LabelSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        label = label_services.update_label(
            self.membership,
            label,
            name=incoming.validated_data.get("name"),
            color=incoming.validated_data.get("color"),
        )
        return Response(LabelSerializer(label).data)

    def put(self, request: Request, pk: int) -> Response:
        return self.patch(request, pk)

    def delete(self, request: Request, pk: int) -> Response:
        label_services.delete_label(
            self.membership,
            self._label(pk),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
