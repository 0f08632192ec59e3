"""The collectivité's team and its invitations, as the API shows them. The rules are in
`entente.team.services`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.accounts.models import Role
from entente.team.models import INVITED_ROLES, ColleagueInvitation
from tenants.models import MfaPolicy


class ColleagueSerializer(Serializer[Any]):
    id = serializers.IntegerField(source="user.pk")
    display_name = StrictCharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    role = serializers.ChoiceField(choices=INVITED_ROLES)
    last_seen_at = serializers.DateTimeField(allow_null=True)


class MfaPolicySerializer(Serializer[Any]):
    mfa_required_for = serializers.ChoiceField(
        choices=MfaPolicy.choices,
        help_text=_(
            "nobody : chacun choisit ; admins : les administrateurs ; staff : administrateurs, "
            "agents et élus."
        ),
    )


class SecuritySerializer(MfaPolicySerializer):
    lacking_second_factor = ColleagueSerializer(
        many=True,
        help_text=_("Les personnes que la règle concerne et qui n'ont pas encore de second moyen."),
    )


class RoleSerializer(Serializer[Any]):
    role = serializers.ChoiceField(choices=INVITED_ROLES)


class ColleagueInvitationSerializer(ModelSerializer[ColleagueInvitation]):
    state = serializers.SerializerMethodField()

    class Meta:
        model = ColleagueInvitation
        fields = [
            "id",
            "email",
            "role",
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

    def get_state(self, invitation: ColleagueInvitation) -> str:
        return str(invitation.state().value)


class InviteColleaguesSerializer(Serializer[Any]):
    emails = serializers.ListField(
        child=serializers.EmailField(max_length=254),
        min_length=1,
        max_length=50,
        error_messages={"min_length": _("Indiquez au moins une adresse e-mail.")},
    )
    role = serializers.ChoiceField(choices=INVITED_ROLES, default=Role.AGENT)
    message = StrictCharField(required=False, allow_blank=True, max_length=2000)
