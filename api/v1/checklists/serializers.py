from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.checklists.models import AssigneeRole, Checklist, ChecklistItem, ProcedureTemplate
from entente.checklists.services import MAX_OFFSET_DAYS, ItemSpec


class TemplateItemSerializer(Serializer[Any]):
    """A step. Its assignee is a person (`assignee_id`) or a role (`assignee_role`), not both."""

    # In the OpenAPI (api.schema): not a non-null person and a non-empty role together.
    request_schema_rules = {
        "not": {
            "required": ["assignee_id", "assignee_role"],
            "properties": {
                "assignee_id": {"type": "integer"},
                "assignee_role": {"type": "string", "minLength": 1},
            },
        }
    }

    id = serializers.IntegerField(read_only=True)
    title = StrictCharField(max_length=300)
    notes = StrictCharField(required=False, allow_blank=True, default="")
    due_offset_days = serializers.IntegerField(
        min_value=-MAX_OFFSET_DAYS, max_value=MAX_OFFSET_DAYS, default=0
    )
    assignee_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    assignee_role = serializers.ChoiceField(
        choices=AssigneeRole.choices, required=False, allow_blank=True, default=""
    )

    def to_spec(self, data: dict[str, Any]) -> ItemSpec:
        return ItemSpec(**{key: value for key, value in data.items() if key != "id"})


class TemplateSerializer(ModelSerializer[ProcedureTemplate]):
    items = TemplateItemSerializer(many=True, required=False)

    class Meta:
        model = ProcedureTemplate
        fields = ["id", "name", "description", "items", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate_items(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """`items` replaces the whole list, so each item is complete even in a PATCH (a partial
        serializer would let `[{}]` through to the service: a TypeError, a 500)."""
        if not self.partial:
            return items
        complete = TemplateItemSerializer(data=self.initial_data.get("items"), many=True)
        complete.is_valid(raise_exception=True)
        return list(complete.validated_data)

    def item_specs(self) -> list[ItemSpec] | None:
        items = self.validated_data.get("items")
        if items is None:
            return None
        return [ItemSpec(**dict(item)) for item in items]


class LaunchSerializer(Serializer[Any]):
    space = serializers.IntegerField()
    reference_date = serializers.DateField()
    name = StrictCharField(required=False, allow_blank=True, default="", max_length=200)


class ChecklistItemSerializer(ModelSerializer[ChecklistItem]):
    due_date = serializers.DateField(source="task.due_date", read_only=True, default=None)
    status = StrictCharField(source="task.status", read_only=True, default=None)

    class Meta:
        model = ChecklistItem
        fields = ["id", "position", "title", "due_offset_days", "task", "due_date", "status"]


class ChecklistSerializer(ModelSerializer[Checklist]):
    done = serializers.IntegerField(read_only=True)
    total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Checklist
        fields = [
            "id",
            "space",
            "template",
            "name",
            "reference_date",
            "done",
            "total",
            "created_at",
        ]


class ChecklistDetailSerializer(ChecklistSerializer):
    items = ChecklistItemSerializer(many=True, read_only=True)

    class Meta(ChecklistSerializer.Meta):
        fields = [*ChecklistSerializer.Meta.fields, "items"]
