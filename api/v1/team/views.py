"""The team API: the collectivité's staff and the invitations of colleagues. Its staff read;
agents and admins invite; admins change roles and remove. Citizens reach none of it."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import membership_of
from api.permissions import IsTenantMember
from entente.scim import resources as scim_resources
from entente.scim import services as scim_services
from entente.scim.models import ScimToken
from entente.sso import saml
from entente.sso import services as sso_services
from entente.sso.models import SamlConnection
from entente.team import permissions, selectors, services
from entente.team.models import ColleagueInvitation

from .serializers import (
    ColleagueInvitationSerializer,
    ColleagueSerializer,
    InviteColleaguesSerializer,
    MfaPolicySerializer,
    RoleSerializer,
    SamlConnectionSerializer,
    SamlSerializer,
    ScimTokenSerializer,
    SecuritySerializer,
)


class IsTenantStaff(IsTenantMember):
    """Members of the host's tenant who are its staff (a citizen: 403, whatever the method)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        super().has_permission(request, view)
        if not permissions.may_see_team(membership_of(request)):
            raise PermissionDenied(
                _("L'équipe de la collectivité est visible de ses agents et élus.")
            )
        return True


class _Team(APIView):
    permission_classes = [IsTenantStaff]

    def tenant(self) -> Any:
        return self.request.tenant  # type: ignore[attr-defined]


class ColleagueList(_Team):
    """The collectivité's agents, élus and admins, by name."""

    @extend_schema(responses=ColleagueSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ColleagueSerializer(selectors.colleagues_of(self.tenant()), many=True).data)


class ColleagueDetail(_Team):
    """One colleague; PATCH `{"role": …}` (admins); DELETE removes them from the team (admins)."""

    def _colleague(self, user_id: int) -> Any:
        member = selectors.colleague(self.tenant(), user_id)
        if member is None:
            raise NotFound(_("Cette personne ne fait pas partie de l'équipe de la collectivité."))
        return member

    @extend_schema(responses=ColleagueSerializer)
    def get(self, request: Request, user_id: int) -> Response:
        return Response(ColleagueSerializer(self._colleague(user_id)).data)

    @extend_schema(request=RoleSerializer, responses=ColleagueSerializer)
    def patch(self, request: Request, user_id: int) -> Response:
        self._colleague(user_id)
        data = RoleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = services.change_role(
            membership_of(request), self.tenant(), user_id, data.validated_data["role"]
        )
        return Response(ColleagueSerializer(member).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        self._colleague(user_id)
        services.remove_colleague(membership_of(request), self.tenant(), user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationList(_Team):
    """Invitations neither accepted nor cancelled; POST `{"emails": […], "role": …}` invites."""

    @extend_schema(responses=ColleagueInvitationSerializer(many=True))
    def get(self, request: Request) -> Response:
        invitations = selectors.open_invitations()
        return Response(ColleagueInvitationSerializer(invitations, many=True).data)

    @extend_schema(
        request=InviteColleaguesSerializer,
        responses={201: ColleagueInvitationSerializer(many=True)},
    )
    def post(self, request: Request) -> Response:
        data = InviteColleaguesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = services.invite_colleagues(
            membership_of(request),
            self.tenant(),
            list(data.validated_data["emails"]),
            role=data.validated_data["role"],
            message=data.validated_data.get("message", ""),
        )
        body = ColleagueInvitationSerializer([s.invitation for s in sent], many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


def _invitation(pk: int) -> ColleagueInvitation:
    invitation = ColleagueInvitation.objects.filter(pk=pk).first()
    if invitation is None:
        raise NotFound(_("Cette invitation n'existe pas."))
    return invitation


class InvitationDetail(_Team):
    """One invitation; DELETE cancels it (the row stays, its link stops working)."""

    @extend_schema(responses=ColleagueInvitationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ColleagueInvitationSerializer(_invitation(pk)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.revoke_invitation(membership_of(request), self.tenant(), _invitation(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResend(_Team):
    """POST: a new link and a new delay, e-mailed again."""

    @extend_schema(request=None, responses=ColleagueInvitationSerializer)
    def post(self, request: Request, pk: int) -> Response:
        sent = services.resend_invitation(membership_of(request), self.tenant(), _invitation(pk))
        return Response(ColleagueInvitationSerializer(sent.invitation).data)


class _TeamAdmins(_Team):
    """The collectivité's security settings: its admins only."""

    def _require_admin(self, request: Request) -> None:
        if not permissions.may_manage_team(membership_of(request)):
            raise PermissionDenied(
                _("Seuls les administrateurs choisissent les règles de sécurité.")
            )


class Security(_TeamAdmins):
    """The two-factor rule (admins): who must use it, and who it covers without one yet;
    PATCH `{"mfa_required_for": …}` changes it."""

    def _body(self) -> Any:
        tenant = self.tenant()
        return SecuritySerializer(
            {
                "mfa_required_for": tenant.mfa_required_for,
                "lacking_second_factor": selectors.colleagues_lacking_second_factor(tenant),
            }
        ).data

    @extend_schema(responses=SecuritySerializer)
    def get(self, request: Request) -> Response:
        self._require_admin(request)
        return Response(self._body())

    @extend_schema(request=MfaPolicySerializer, responses=SecuritySerializer)
    def patch(self, request: Request) -> Response:
        self._require_admin(request)
        data = MfaPolicySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_mfa_policy(
            membership_of(request), self.tenant(), data.validated_data["mfa_required_for"]
        )
        return Response(self._body())


class Saml(_TeamAdmins):
    """The collectivité's SAML directory (admins): what its IT declares (`service_provider`),
    its values; PUT sets them (`metadata`, the directory's XML, may stand for its entity ID,
    addresses and certificate); DELETE removes it."""

    def _body(self) -> Any:
        tenant = self.tenant()
        return SamlSerializer(
            {
                "connection": SamlConnection.objects.filter(tenant=tenant).first(),
                "service_provider": saml.service_provider_urls(tenant),
                "linked_accounts": SocialAccount.objects.filter(
                    provider=saml.provider_id(tenant)
                ).count(),
            }
        ).data

    @extend_schema(responses=SamlSerializer)
    def get(self, request: Request) -> Response:
        self._require_admin(request)
        return Response(self._body())

    @extend_schema(request=SamlConnectionSerializer, responses=SamlSerializer)
    def put(self, request: Request) -> Response:
        self._require_admin(request)
        data = SamlConnectionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        metadata = str(values.pop("metadata", "") or "").strip()
        if metadata:
            values.update(sso_services.read_idp_metadata(metadata))
        sso_services.set_saml_connection(
            membership_of(request), self.tenant(), sso_services.SamlSettings(**values)
        )
        return Response(self._body())

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        self._require_admin(request)
        sso_services.remove_saml_connection(membership_of(request), self.tenant())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScimTokenView(_TeamAdmins):
    """The collectivité's SCIM token (admins): whether one is active; POST makes a new one
    (the previous stops) and answers it, this once; DELETE revokes it."""

    def _body(self, token: str | None = None) -> Any:
        tenant = self.tenant()
        current = ScimToken.objects.filter(tenant=tenant).first()
        body = {
            "scim_url": scim_resources.base_url(tenant),
            "active": current is not None,
            "prefix": current.prefix if current else None,
            "created_at": current.created_at if current else None,
            "last_used_at": current.last_used_at if current else None,
        }
        if token is not None:
            body["token"] = token
        return ScimTokenSerializer(body).data

    @extend_schema(responses=ScimTokenSerializer)
    def get(self, request: Request) -> Response:
        self._require_admin(request)
        return Response(self._body())

    @extend_schema(request=None, responses={201: ScimTokenSerializer})
    def post(self, request: Request) -> Response:
        self._require_admin(request)
        raw = scim_services.new_token(membership_of(request), self.tenant())
        return Response(self._body(raw), status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def delete(self, request: Request) -> Response:
        self._require_admin(request)
        scim_services.revoke_token(membership_of(request), self.tenant())
        return Response(status=status.HTTP_204_NO_CONTENT)
