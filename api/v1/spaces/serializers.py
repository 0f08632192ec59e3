"""Spaces, their members and their activity, as the API shows them.

Serializers validate shapes; the rules (who may, what is allowed) are in entente.spaces.services.
"""

from __future__ import annotations

from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.accounts.contacts import ContactBook, contact_book
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


class PersonSerializer(ModelSerializer[User]):
    """A person by name; the e-mail only to those who work with them (entente.accounts.contacts),
    else null: a citizen never gets another citizen's address."""

    display_name = StrictCharField(read_only=True)
    email = serializers.SerializerMethodField(
        help_text="Visible des personnes qui travaillent avec elle, sinon null."
    )

    class Meta:
        model = User
        fields = ["id", "display_name", "email"]
        read_only_fields = fields

    @extend_schema_field(serializers.EmailField(allow_null=True))
    def get_email(self, person: User) -> str | None:
        # The root's context dict, shared by the nested serializers of one response.
        return contacts_of(cast(dict[str, Any], self.context)).email_of(person)


def contacts_of(context: dict[str, Any]) -> ContactBook:
    """The viewer's contact book, made once per response (nested serializers share the root's
    context), from the acting membership the view put in the context or found on the request."""
    book = context.get("contact_book")
    if book is None:
        membership = context.get("membership")
        request = context.get("request")
        if membership is None and request is not None:
            membership = getattr(request, "membership", None)
        book = context["contact_book"] = contact_book(membership)
    return book


class AbilitiesSerializer(Serializer[Any]):
    view = serializers.BooleanField()
    comment = serializers.BooleanField()
    edit = serializers.BooleanField()
    manage = serializers.BooleanField()


class SpaceSerializer(ModelSerializer[Space]):
    """`my_role` and `abilities` are the requesting person's, read from the context."""

    name = StrictCharField(
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


class SpaceMemberSerializer(ModelSerializer[SpaceMembership]):
    user = PersonSerializer(read_only=True)
    user_id = serializers.IntegerField(write_only=True)
    role = serializers.ChoiceField(choices=SpaceRole.choices, default=SpaceRole.EDITOR)

    class Meta:
        model = SpaceMembership
        fields = ["id", "user", "user_id", "role", "created_at"]
        read_only_fields = ["id", "created_at"]


class SpaceMemberRoleSerializer(Serializer[Any]):
    role = serializers.ChoiceField(choices=SpaceRole.choices)


class ActivityEntrySerializer(ModelSerializer[ActivityEntry]):
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
