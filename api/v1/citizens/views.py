"""The citizens API: a public project's invitations and open sections (its managers), and the
tenant's guests (its admins). Guests reach none of it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.base import SpaceScopedMixin
from api.permissions import IsTenantMember, resolve_membership
from entente.citizens import selectors, services
from entente.citizens.models import CitizenInvitation

from .serializers import (
    GuestSerializer,
    InvitationSerializer,
    InviteSerializer,
    OpenSectionsSerializer,
)

MANAGE_ONLY = dict.fromkeys(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"], "manage")


class _Managers(SpaceScopedMixin):
    space_ability_map = MANAGE_ONLY

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if not services.may_invite(self.membership, self.space):
            raise PermissionDenied(
                _("Seuls les éditeurs du projet et les administrateurs invitent des citoyens.")
            )


class InvitationList(_Managers, generics.ListCreateAPIView[CitizenInvitation]):
    """The project's invitations not yet accepted; POST `{"emails": […], "message": …}`."""

    serializer_class = InvitationSerializer
    filterset_fields: list[str] = []
    ordering_fields = ["sent_at", "expires_at"]

    def get_queryset(self) -> QuerySet[CitizenInvitation]:
        if getattr(self, "swagger_fake_view", False):
            return CitizenInvitation.objects.none()
        return selectors.invitations_of(self.space)

    @extend_schema(request=InviteSerializer, responses={201: InvitationSerializer(many=True)})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        sent = services.invite_citizens(
            self.membership,
            self.space,
            list(data.validated_data["emails"]),
            message=data.validated_data.get("message", ""),
            tenant=request.tenant,  # type: ignore[attr-defined]
        )
        body = InvitationSerializer([s.invitation for s in sent], many=True).data
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetail(_Managers, generics.RetrieveDestroyAPIView[CitizenInvitation]):
    """One invitation; DELETE revokes it (the row stays, its link stops working)."""

    serializer_class = InvitationSerializer

    def get_object(self) -> CitizenInvitation:
        invitation = (
            CitizenInvitation.objects.select_related("space")
            .filter(space=self.space, pk=self.kwargs["pk"])
            .first()
        )
        if invitation is None:
            raise NotFound(_("Cette invitation n'existe pas."))
        return invitation

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.revoke_invitation(self.membership, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResend(_Managers, APIView):
    """POST: a new link and a new delay, e-mailed again."""

    @extend_schema(request=None, responses=InvitationSerializer)
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        invitation = CitizenInvitation.objects.filter(space=self.space, pk=pk).first()
        if invitation is None:
            raise NotFound(_("Cette invitation n'existe pas."))
        sent = services.resend_invitation(
            self.membership,
            invitation,
            tenant=request.tenant,  # type: ignore[attr-defined]
        )
        return Response(InvitationSerializer(sent.invitation).data)


class OpenSections(_Managers, APIView):
    """GET / PUT `{"open_sections": ["discussions", "tasks", "checklists"]}`."""

    @extend_schema(responses=OpenSectionsSerializer)
    def get(self, request: Request, space_id: int) -> Response:
        return Response({"open_sections": selectors.open_sections_of(self.space)})

    @extend_schema(request=OpenSectionsSerializer, responses=OpenSectionsSerializer)
    def put(self, request: Request, space_id: int) -> Response:
        data = OpenSectionsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row = services.set_open_sections(
            self.membership, self.space, list(data.validated_data["open_sections"])
        )
        return Response({"open_sections": list(row.open_sections)})


class IsTenantAdmin(IsTenantMember):
    """Members of the host's tenant who are its admins (others: 403, whatever the method)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        super().has_permission(request, view)
        if not services.may_remove_guests(resolve_membership(request)):
            raise PermissionDenied(_("Réservé aux administrateurs de la collectivité."))
        return True


class GuestList(SpaceScopedMixin, APIView):
    """The tenant's invited citizens, their projects and last visit (admins)."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(responses=GuestSerializer(many=True))
    def get(self, request: Request) -> Response:
        guests = selectors.guests_of(request.tenant)  # type: ignore[attr-defined]
        return Response(GuestSerializer(guests, many=True).data)


class GuestDetail(SpaceScopedMixin, APIView):
    """DELETE removes a guest from the tenant: membership and projects, at once."""

    permission_classes = [IsTenantAdmin]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        membership = self.membership
        tenant = request.tenant  # type: ignore[attr-defined]
        if selectors.guest_of(tenant, user_id) is None:
            raise NotFound(_("Cette personne n'est pas un citoyen invité de la collectivité."))
        services.remove_guest(membership, tenant, user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
