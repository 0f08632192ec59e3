"""Invitations of citizens, what projects open to them, and the tenant's guests, as the API shows
them. The rules are in `entente.citizens.services`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.citizens.models import CitizenInvitation, CitizenSection


class InvitationSerializer(ModelSerializer[CitizenInvitation]):
    state = serializers.SerializerMethodField()

    class Meta:
        model = CitizenInvitation
        fields = [
            "id",
            "space",
            "email",
            "message",
            "state",
            "invited_by",
            "sent_at",
            "sent_count",
            "expires_at",
            "revoked_at",
            "accepted_at",
        ]
        read_only_fields = fields

    def get_state(self, invitation: CitizenInvitation) -> str:
        return str(invitation.state().value)


class InviteSerializer(Serializer[Any]):
    emails = serializers.ListField(
        child=StrictCharField(max_length=254),
        min_length=1,
        max_length=50,
        error_messages={"min_length": _("Indiquez au moins une adresse e-mail.")},
    )
    message = StrictCharField(required=False, allow_blank=True, max_length=2000)


class OpenSectionsSerializer(Serializer[Any]):
    open_sections = serializers.ListField(
        child=serializers.ChoiceField(choices=CitizenSection.choices), allow_empty=True
    )


class GuestProjectSerializer(Serializer[Any]):
    id = serializers.IntegerField()
    name = StrictCharField()


class GuestSerializer(Serializer[Any]):
    id = serializers.IntegerField(source="user.pk")
    display_name = StrictCharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    last_seen_at = serializers.DateTimeField(allow_null=True)
    projects = GuestProjectSerializer(many=True)
