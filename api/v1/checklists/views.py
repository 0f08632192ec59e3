"""Procedure templates (tenant-wide) and the checklists launched in spaces.

Statuses as everywhere (api.base): templates are the tenant's (guests and stand-ins: 403);
a checklist of a space the caller cannot see, 404; launching into a space named in the body
that they cannot see, 400 on `space`, and into one they see but may not edit, 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entente.accounts.models import Membership
from entente.checklists import selectors, services
from entente.checklists.models import Checklist, ProcedureTemplate
from entente.checklists.permissions import TemplateAbilities, template_abilities

from ...base import SpaceScopedMixin
from .serializers import (
    ChecklistDetailSerializer,
    ChecklistSerializer,
    LaunchSerializer,
    TemplateSerializer,
)


def template_access(request: Request, *, edit: bool = False) -> TemplateAbilities:
    abilities = template_abilities(getattr(request, "membership", None))
    if not abilities.view or (edit and not abilities.edit):
        raise PermissionDenied(
            _("Seuls les agents et les administrateurs modifient les procédures.")
        )
    return abilities


def _acting(request: Request) -> Membership:
    return cast(Membership, getattr(request, "membership", None))


class TemplatesView(SpaceScopedMixin, generics.GenericAPIView[ProcedureTemplate]):
    """The tenant's procedure templates, for whoever may read them."""

    serializer_class = TemplateSerializer

    def get_queryset(self) -> QuerySet[ProcedureTemplate]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request member
            return ProcedureTemplate.objects.none()
        template_access(self.request)
        return ProcedureTemplate.objects.prefetch_related("items")


class TemplateList(TemplatesView, generics.ListCreateAPIView[ProcedureTemplate]):
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template_access(self.request, edit=True)
        serializer = TemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        template = services.create_template(
            _acting(request),
            name=serializer.validated_data["name"],
            description=serializer.validated_data.get("description", ""),
            items=serializer.item_specs() or [],
        )
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetail(TemplatesView, generics.RetrieveUpdateDestroyAPIView[ProcedureTemplate]):
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template_access(self.request, edit=True)
        template = self.get_object()
        partial = request.method == "PATCH"
        serializer = TemplateSerializer(template, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.update_template(
            _acting(request),
            template,
            name=data.get("name"),
            description=data.get("description"),
            items=serializer.item_specs(),
        )
        template = ProcedureTemplate.objects.prefetch_related("items").get(pk=template.pk)
        return Response(TemplateSerializer(template).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template_access(self.request, edit=True)
        services.delete_template(_acting(request), self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateLaunch(SpaceScopedMixin, APIView):
    @extend_schema(request=LaunchSerializer, responses={201: ChecklistDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        template_access(self.request)
        template = ProcedureTemplate.objects.filter(pk=pk).first()
        if template is None:
            raise NotFound(_("Cette procédure n'existe pas."))
        serializer = LaunchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        space = self.body_space(data["space"], ability="edit", section="checklists").space
        checklist = services.launch_template(
            _acting(request),
            template,
            space=space,
            reference_date=data["reference_date"],
            name=data["name"],
        )
        result = selectors.checklist_in(space, checklist.pk)
        return Response(ChecklistDetailSerializer(result).data, status=status.HTTP_201_CREATED)


class SpaceChecklistList(SpaceScopedMixin, generics.ListAPIView[Checklist]):
    serializer_class = ChecklistSerializer
    space_section = "checklists"

    def get_queryset(self) -> QuerySet[Checklist]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space, no member
            return Checklist.objects.none()
        return selectors.checklists_of(self.space)


class SpaceChecklistDetail(SpaceScopedMixin, generics.RetrieveAPIView[Checklist]):
    serializer_class = ChecklistDetailSerializer
    space_section = "checklists"

    def get_object(self) -> Checklist:
        checklist = selectors.checklist_in(self.space, self.kwargs["pk"])
        if checklist is None:
            raise Http404
        return checklist
