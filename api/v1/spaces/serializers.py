"""Spaces, their members and their activity, as the API shows them.

Serializers validate shapes; the rules (who may, what is allowed) are in entente.spaces.services.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from entente.accounts.models import User
from entente.activity.models import ActivityEntry
from entente.spaces.models import (
    JoinPolicy,
    Space,
    SpaceKind,
    SpaceMembership,
    SpaceRole,
    Visibility,
)
from entente.spaces.permissions import space_abilities


class PersonSerializer(serializers.ModelSerializer[User]):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "display_name", "email"]
        read_only_fields = fields


class AbilitiesSerializer(serializers.Serializer[Any]):
    view = serializers.BooleanField()
    comment = serializers.BooleanField()
    edit = serializers.BooleanField()
    manage = serializers.BooleanField()


class SpaceSerializer(serializers.ModelSerializer[Space]):
    """`my_role` and `abilities` are the requesting person's, read from the context."""

    name = serializers.CharField(
        max_length=200,
        error_messages={
            "blank": _("Donnez un nom à l'espace."),
            "required": _("Donnez un nom à l'espace."),
        },
    )
    kind = serializers.ChoiceField(choices=SpaceKind.choices, default=SpaceKind.TEAM)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.TENANT)
    # Federation spaces of an EPCI: how its communes' staff join, and the linked communes
    # (tenant ids) it is open to, empty for all (checked again by the services).
    join_policy = serializers.ChoiceField(choices=JoinPolicy.choices, required=False)
    federation_scope = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False
    )
    my_role = serializers.SerializerMethodField()
    abilities = serializers.SerializerMethodField()

    class Meta:
        model = Space
        fields = [
            "id",
            "name",
            "description",
            "kind",
            "visibility",
            "join_policy",
            "federation_scope",
            "created_by",
            "created_at",
            "updated_at",
            "archived_at",
            "my_role",
            "abilities",
        ]
        read_only_fields = ["id", "created_by", "created_at", "updated_at", "archived_at"]

    def _role(self, space: Space) -> str | None:
        roles: dict[int, str] = self.context.get("roles", {})
        return roles.get(space.pk)

    @extend_schema_field(serializers.ChoiceField(choices=SpaceRole.choices, allow_null=True))
    def get_my_role(self, space: Space) -> str | None:
        return self._role(space)

    @extend_schema_field(AbilitiesSerializer)
    def get_abilities(self, space: Space) -> dict[str, bool]:
        membership = self.context.get("membership")
        return space_abilities(membership, space, self._role(space)).as_dict()


class SpaceMemberSerializer(serializers.ModelSerializer[SpaceMembership]):
    user = PersonSerializer(read_only=True)
    user_id = serializers.IntegerField(write_only=True)
    role = serializers.ChoiceField(choices=SpaceRole.choices, default=SpaceRole.EDITOR)

    class Meta:
        model = SpaceMembership
        fields = ["id", "user", "user_id", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class SpaceMemberRoleSerializer(serializers.Serializer[Any]):
    role = serializers.ChoiceField(choices=SpaceRole.choices)


class ActivityEntrySerializer(serializers.ModelSerializer[ActivityEntry]):
    actor = PersonSerializer(read_only=True)

    class Meta:
        model = ActivityEntry
        fields = [
            "id",
            "actor",
            "verb",
            "object_type",
            "object_id",
            "summary",
            "changes",
            "created_at",
        ]
        read_only_fields = fields
