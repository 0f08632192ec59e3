"""`/api/v1/federation/…` and a space's join requests: the directory of federation spaces,
join (open spaces), ask to join, and the managers' list, approve and refuse.

Same rules as the pages (entente.federation.spaces): the person's acting membership (their own,
or the stand-in of a linked commune's staff: entente.accounts.acting) decides through
`space_abilities`. Statuses as everywhere (api.base): on a commune's host, and for a space the
person may neither join nor see, 404; a space they see but do not manage, 403.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entente.federation import spaces as federation_spaces
from entente.spaces.models import Space, SpaceJoinRequest
from entente.spaces.selectors import via_names
from tenants.models import TenantKind

from ...base import SpaceScopedMixin
from .serializers import (
    AskSerializer,
    DirectoryEntrySerializer,
    JoinRequestSerializer,
    MembershipResultSerializer,
)


def _epci_only(request: Request) -> None:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.kind != TenantKind.EPCI:
        raise NotFound(_("Les espaces intercommunaux n'existent que chez une intercommunalité."))


class _Joining(SpaceScopedMixin):
    """Join or ask: the space is one the person cannot see yet, so it is not loaded from the URL
    as a visible space; `joinable` answers 404 alike for one they may not join."""

    space_url_kwarg = None

    def joinable(self, space_id: int) -> Space:
        _epci_only(self.request)
        space = federation_spaces.joinable_spaces(self.membership).filter(pk=space_id).first()
        if space is None:
            raise NotFound(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
        return space


class Directory(SpaceScopedMixin, APIView):
    """The federation spaces the person may join, with where they stand in each."""

    @extend_schema(responses=DirectoryEntrySerializer(many=True))
    def get(self, request: Request) -> Response:
        _epci_only(request)
        entries = federation_spaces.directory(self.membership)
        return Response(DirectoryEntrySerializer(entries, many=True).data)


class Join(_Joining, APIView):
    @extend_schema(request=None, responses={201: MembershipResultSerializer})
    def post(self, request: Request, space_id: int) -> Response:
        space = self.joinable(space_id)
        added = federation_spaces.join_space(self.membership, space)
        return Response(MembershipResultSerializer(added).data, status=status.HTTP_201_CREATED)


class Ask(_Joining, APIView):
    @extend_schema(request=AskSerializer, responses={201: JoinRequestSerializer})
    def post(self, request: Request, space_id: int) -> Response:
        space = self.joinable(space_id)
        body = AskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        made = federation_spaces.ask_to_join(
            self.membership, space, message=body.validated_data.get("message", "")
        )
        made = SpaceJoinRequest.objects.select_related("user").get(pk=made.pk)
        context = {"communes": via_names({made.via_tenant_id} if made.via_tenant_id else set())}
        return Response(
            JoinRequestSerializer(made, context=context).data, status=status.HTTP_201_CREATED
        )


class JoinRequestList(SpaceScopedMixin, APIView):
    """The space's pending requests, for its managers."""

    space_ability_map = {"GET": "manage", "HEAD": "manage", "OPTIONS": "manage"}

    @extend_schema(responses=JoinRequestSerializer(many=True))
    def get(self, request: Request, space_id: int) -> Response:
        pending = list(federation_spaces.pending_requests(self.space))
        context = {"communes": via_names({r.via_tenant_id for r in pending if r.via_tenant_id})}
        return Response(JoinRequestSerializer(pending, many=True, context=context).data)


class _Decision(SpaceScopedMixin, APIView):
    space_ability_map = {"POST": "manage"}
    approve = True

    def _pending(self, request_id: int) -> SpaceJoinRequest:
        found = (
            SpaceJoinRequest.objects.filter(pk=request_id, space=self.space)
            .select_related("user", "space")
            .first()
        )
        if found is None:
            raise NotFound(_("Cette demande n'existe pas."))
        return found

    def post(self, request: Request, space_id: int, request_id: int) -> Response:
        asked = self._pending(request_id)
        if self.approve:
            federation_spaces.approve_request(self.membership, asked)
        else:
            federation_spaces.refuse_request(self.membership, asked)
        asked.refresh_from_db()
        context: dict[str, Any] = {
            "communes": via_names({asked.via_tenant_id} if asked.via_tenant_id else set())
        }
        return Response(JoinRequestSerializer(asked, context=context).data)


class ApproveRequest(_Decision):
    approve = True

    @extend_schema(request=None, responses=JoinRequestSerializer)
    def post(self, request: Request, space_id: int, request_id: int) -> Response:
        return super().post(request, space_id, request_id)


class RefuseRequest(_Decision):
    approve = False

    @extend_schema(request=None, responses=JoinRequestSerializer)
    def post(self, request: Request, space_id: int, request_id: int) -> Response:
        return super().post(request, space_id, request_id)
