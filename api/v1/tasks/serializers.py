"""Tasks, comments, attachments and labels as the API shows and accepts them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.tasks.models import (
    Frequency,
    Label,
    Task,
    TaskAttachment,
    TaskComment,
    TaskPriority,
    TaskStatus,
)


class LabelSerializer(ModelSerializer[Label]):
    text_color = StrictCharField(read_only=True)

    class Meta:
        model = Label
        fields = ["id", "name", "color", "text_color"]
        read_only_fields = ["id", "text_color"]


class TaskSerializer(ModelSerializer[Task]):
    """A task as read. Lists prefetch `assignment_list` and `labels` (selectors.with_people)."""

    assignees = serializers.SerializerMethodField()
    labels = LabelSerializer(many=True, read_only=True)
    recurrence = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = [
            "id",
            "space",
            "title",
            "description",
            "status",
            "priority",
            "due_date",
            "completed_at",
            "created_by",
            "created_at",
            "updated_at",
            "assignees",
            "labels",
            "recurrence",
            "previous",
        ]
        read_only_fields = fields

    def get_assignees(self, task: Task) -> list[int]:
        assignments = getattr(task, "assignment_list", None)
        if assignments is None:
            assignments = list(task.assignments.all())
        return [assignment.user_id for assignment in assignments]

    def get_recurrence(self, task: Task) -> dict[str, Any] | None:
        if not task.recurrence_frequency:
            return None
        return {
            "frequency": task.recurrence_frequency,
            "interval": task.recurrence_interval,
            "weekday": task.recurrence_weekday,
            "week": task.recurrence_week,
            "text": task.recurrence_text(),
        }


class TaskDetailSerializer(TaskSerializer):
    observers = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "observers"]
        read_only_fields = fields

    def get_observers(self, task: Task) -> list[int]:
        return list(task.observations.values_list("user_id", flat=True))


class TaskWriteSerializer(Serializer[Any]):
    """What a client may send; the service checks people, labels and the recurrence rule.

    A repeating task without `due_date` starts today; « n-ième jour du mois »
    (`monthly_weekday`) without `recurrence_weekday` or `recurrence_week` takes those of the
    due date."""

    space = serializers.IntegerField(required=True)
    title = StrictCharField(max_length=300)
    description = StrictCharField(required=False, allow_blank=True, default="")
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    priority = serializers.ChoiceField(choices=TaskPriority.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    assignees = serializers.ListField(child=serializers.IntegerField(), required=False)
    observers = serializers.ListField(child=serializers.IntegerField(), required=False)
    labels = serializers.ListField(child=serializers.IntegerField(), required=False)
    recurrence_frequency = serializers.ChoiceField(
        choices=Frequency.choices, required=False, allow_blank=True
    )
    recurrence_interval = serializers.IntegerField(min_value=1, max_value=366, required=False)
    recurrence_weekday = serializers.IntegerField(
        min_value=0, max_value=6, required=False, allow_null=True
    )
    recurrence_week = serializers.ChoiceField(
        choices=[(-1, "dernière"), (1, "1re"), (2, "2e"), (3, "3e"), (4, "4e"), (5, "5e")],
        required=False,
        allow_null=True,
        help_text="Semaine du mois (1 à 5, -1 : la dernière), pour « n-ième jour du mois ».",
    )

    RENAMED = {"assignees": "assignee_ids", "observers": "observer_ids", "labels": "label_ids"}

    def service_values(self) -> dict[str, Any]:
        """Validated data under the service's keyword names (`space` apart)."""
        data = dict(self.validated_data)
        data.pop("space", None)
        return {self.RENAMED.get(str(key), str(key)): value for key, value in data.items()}


class TaskUpdateSerializer(TaskWriteSerializer):
    space = None  # type: ignore[assignment]
    title = StrictCharField(max_length=300, required=False)
    description = StrictCharField(required=False, allow_blank=True)


class TaskCommentSerializer(ModelSerializer[TaskComment]):
    revisions = serializers.SerializerMethodField()

    class Meta:
        model = TaskComment
        fields = ["id", "author", "body", "created_at", "edited_at", "revisions"]
        read_only_fields = ["id", "author", "created_at", "edited_at", "revisions"]

    def get_revisions(self, comment: TaskComment) -> list[dict[str, Any]]:
        return [
            {"body": revision.body, "edited_at": revision.created_at}
            for revision in comment.revisions.all()
        ]


class AttachmentSerializer(ModelSerializer[TaskAttachment]):
    download_url = serializers.SerializerMethodField()
    file = serializers.FileField(write_only=True)

    class Meta:
        model = TaskAttachment
        fields = ["id", "name", "size", "content_type", "uploaded_by", "created_at", "file"]
        fields += ["download_url"]
        read_only_fields = ["id", "name", "size", "content_type", "uploaded_by", "created_at"]

    def get_download_url(self, attachment: TaskAttachment) -> str:
        return reverse(
            "api-task-attachment-detail",
            kwargs={"pk": attachment.task_id, "attachment_id": attachment.pk},
        )
