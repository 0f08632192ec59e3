"""Serializers of the federation spaces' directory and join requests."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.spaces.models import SpaceJoinRequest


class DirectoryEntrySerializer(Serializer[Any]):
    id = serializers.IntegerField(source="space.pk")
    name = StrictCharField(source="space.name")
    description = StrictCharField(source="space.description")
    join_policy = StrictCharField(source="space.join_policy")
    members = serializers.IntegerField()
    is_member = serializers.BooleanField()
    pending = serializers.BooleanField()


class AskSerializer(Serializer[Any]):
    message = StrictCharField(required=False, allow_blank=True, max_length=2000)


class MembershipResultSerializer(Serializer[Any]):
    space = serializers.IntegerField(source="space_id")
    user = serializers.IntegerField(source="user_id")
    role = StrictCharField()
    via_tenant = serializers.IntegerField(source="via_tenant_id", allow_null=True)


class JoinRequestSerializer(ModelSerializer[SpaceJoinRequest]):
    user_name = serializers.SerializerMethodField()
    via_commune = serializers.SerializerMethodField()

    class Meta:
        model = SpaceJoinRequest
        fields = [
            "id",
            "space",
            "user",
            "user_name",
            "via_tenant_id",
            "via_commune",
            "message",
            "state",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields

    def get_user_name(self, obj: SpaceJoinRequest) -> str:
        return str(obj.user.display_name)

    def get_via_commune(self, obj: SpaceJoinRequest) -> str:
        names: dict[int, str] = self.context.get("communes", {})
        return names.get(obj.via_tenant_id or 0, "")
