"""Notifications and preferences as the API shows them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.notifications.models import Delivery, Notification, NotificationKind


class NotificationSerializer(ModelSerializer[Notification]):
    kind_label = StrictCharField(source="get_kind_display", read_only=True)
    tenant = serializers.SerializerMethodField(help_text="La collectivité d'où elle vient")
    actor = serializers.SerializerMethodField(help_text="Qui l'a déclenchée (ou null)")
    url = StrictCharField(help_text="Lien absolu vers l'objet, sur l'adresse de sa collectivité")

    class Meta:
        model = Notification
        fields = [
            "id", "kind", "kind_label", "title", "body", "url", "tenant", "actor", "space_id",
            "object_type", "object_id", "created_at", "read_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "slug": {"type": "string"},
            },
        }
    )
    def get_tenant(self, item: Notification) -> dict[str, Any] | None:
        tenant = item.tenant
        if tenant is None:
            return None
        return {"id": tenant.pk, "name": tenant.name, "slug": tenant.slug}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        }
    )
    def get_actor(self, item: Notification) -> dict[str, Any] | None:
        actor = item.actor
        if actor is None:
            return None
        return {"id": actor.pk, "name": actor.display_name}


class ReadAllSerializer(Serializer[Any]):
    marked = serializers.IntegerField(help_text="Combien viennent d'être marquées comme lues")


class SpacePreferenceSerializer(Serializer[Any]):
    space_id = serializers.IntegerField(help_text="Un espace de la collectivité de l'adresse")
    kind = serializers.ChoiceField(choices=NotificationKind.choices)
    delivery = serializers.ChoiceField(
        choices=Delivery.choices,
        allow_null=True,
        help_text="null retire la préférence de l'espace (le choix général s'applique)",
    )


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            kind: {"type": "string", "enum": list(Delivery.values)}
            for kind in NotificationKind.values
        },
        "additionalProperties": False,
    }
)
class KindDeliveryField(serializers.DictField):
    """Keys are the kinds of notification, values a delivery: the schema names both."""


class PreferencesSerializer(Serializer[Any]):
    kinds = KindDeliveryField(
        child=serializers.ChoiceField(choices=Delivery.choices),
        help_text="Par type de notification (task_assigned, mentioned…) : app, email, daily, "
        "weekly ou none. En écriture, les types absents ne changent pas.",
    )
    spaces = SpacePreferenceSerializer(
        many=True,
        required=False,
        help_text="Préférences propres à des espaces de la collectivité de l'adresse",
    )

    def validate_kinds(self, value: dict[str, str]) -> dict[str, str]:
        unknown = set(value) - set(NotificationKind.values)
        if unknown:
            raise serializers.ValidationError(
                _("Types inconnus : %(kinds)s") % {"kinds": ", ".join(sorted(unknown))}
            )
        return value
