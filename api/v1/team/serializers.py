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


class ServiceProviderSerializer(Serializer[Any]):
    entity_id = serializers.URLField(
        help_text=_("L'identifiant d'Entente, à déclarer à l'annuaire.")
    )
    metadata_url = serializers.URLField()
    acs_url = serializers.URLField(help_text=_("Où l'annuaire envoie sa réponse (HTTP-POST)."))
    sls_url = serializers.URLField()


class SamlConnectionSerializer(Serializer[Any]):
    """The directory's values; `metadata` (its XML) may stand for the three it describes."""

    label = StrictCharField(max_length=80)  # type: ignore[assignment]  # a field, not Field.label
    metadata = StrictCharField(required=False, allow_blank=True, write_only=True)
    idp_entity_id = StrictCharField(max_length=500, required=False, allow_blank=True)
    sso_url = StrictCharField(max_length=500, required=False, allow_blank=True)
    slo_url = StrictCharField(max_length=500, required=False, allow_blank=True)
    x509cert = StrictCharField(required=False, allow_blank=True)
    email_attribute = StrictCharField(max_length=200, required=False, allow_blank=True)
    first_name_attribute = StrictCharField(max_length=200, required=False, allow_blank=True)
    last_name_attribute = StrictCharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(default=True)


class SamlSerializer(Serializer[Any]):
    connection = SamlConnectionSerializer(allow_null=True)
    service_provider = ServiceProviderSerializer()
    linked_accounts = serializers.IntegerField(
        help_text=_("Les comptes qui se sont déjà connectés par cet annuaire.")
    )


class ScimTokenSerializer(Serializer[Any]):
    scim_url = serializers.URLField(help_text=_("L'adresse SCIM à donner à l'annuaire."))
    active = serializers.BooleanField()
    prefix = StrictCharField(allow_null=True, help_text=_("Le début du jeton actif."))
    created_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
    token = StrictCharField(
        required=False, help_text=_("Le nouveau jeton, dans la réponse à POST seulement.")
    )
