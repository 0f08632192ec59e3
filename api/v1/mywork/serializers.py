"""« Mon travail » items as the API shows them (read only)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import Serializer, StrictCharField
from entente.mywork.selectors import KIND_LABELS, OVERDUE, THIS_WEEK, WorkItem


class WorkTenantSerializer(Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = StrictCharField()
    slug = StrictCharField()
    url = serializers.SerializerMethodField()

    def get_url(self, tenant: Any) -> str:
        return str(tenant.url())


class WorkItemSerializer(Serializer[WorkItem]):
    kind = serializers.ChoiceField(
        choices=list(KIND_LABELS), help_text="task, checklist, mention, document"
    )
    tenant = WorkTenantSerializer(help_text="La collectivité où se trouve l'élément")
    via = serializers.SerializerMethodField(
        help_text="Communes par lesquelles vous atteignez cette intercommunalité (sinon vide)"
    )
    id = serializers.IntegerField(source="object_id", help_text="Identifiant dans sa collectivité")
    title = StrictCharField()
    url = StrictCharField(help_text="Lien absolu, sur l'adresse de sa collectivité")
    due_date = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()
    space_id = serializers.IntegerField(allow_null=True)
    space_name = StrictCharField()
    status = StrictCharField(help_text="Statut d'une tâche ; vide sinon")
    flag = serializers.ChoiceField(
        choices=["", OVERDUE, THIS_WEEK], help_text="overdue, week (échéance cette semaine) ou vide"
    )
    progress = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=StrictCharField()))
    def get_via(self, item: WorkItem) -> list[str]:
        return [commune.name for commune in item.via]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"done": {"type": "integer"}, "total": {"type": "integer"}},
        }
    )
    def get_progress(self, item: WorkItem) -> dict[str, int] | None:
        if item.total is None:
            return None
        return {"done": item.done or 0, "total": item.total}
