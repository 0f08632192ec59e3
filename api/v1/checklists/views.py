"""Procedure templates (tenant-wide) and the checklists launched in spaces."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entente.accounts.models import Membership
from entente.checklists import selectors, services
from entente.checklists.models import Checklist, ProcedureTemplate
from entente.checklists.permissions import TemplateAbilities, template_abilities

from ..access import drf_errors, space_for
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


class TemplateList(generics.ListCreateAPIView[ProcedureTemplate]):
    serializer_class = TemplateSerializer

    def get_queryset(self) -> QuerySet[ProcedureTemplate]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request member
            return ProcedureTemplate.objects.none()
        template_access(self.request)
        return ProcedureTemplate.objects.prefetch_related("items")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template_access(self.request, edit=True)
        serializer = TemplateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            template = services.create_template(
                _acting(request),
                name=serializer.validated_data["name"],
                description=serializer.validated_data.get("description", ""),
                items=serializer.item_specs() or [],
            )
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        return Response(TemplateSerializer(template).data, status=status.HTTP_201_CREATED)


class TemplateDetail(generics.RetrieveUpdateDestroyAPIView[ProcedureTemplate]):
    serializer_class = TemplateSerializer

    def get_queryset(self) -> QuerySet[ProcedureTemplate]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request member
            return ProcedureTemplate.objects.none()
        template_access(self.request)
        return ProcedureTemplate.objects.prefetch_related("items")

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template_access(self.request, edit=True)
        template = self.get_object()
        partial = request.method == "PATCH"
        serializer = TemplateSerializer(template, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.update_template(
                _acting(request),
                template,
                name=data.get("name"),
                description=data.get("description"),
                items=serializer.item_specs(),
            )
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        template = ProcedureTemplate.objects.prefetch_related("items").get(pk=template.pk)
        return Response(TemplateSerializer(template).data)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        template_access(self.request, edit=True)
        services.delete_template(_acting(request), self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TemplateLaunch(APIView):
    @extend_schema(request=LaunchSerializer, responses={201: ChecklistDetailSerializer})
    def post(self, request: Request, pk: int) -> Response:
        template_access(self.request)
        template = ProcedureTemplate.objects.filter(pk=pk).first()
        if template is None:
            raise NotFound(_("Cette procédure n'existe pas."))
        serializer = LaunchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            space, _abilities = space_for(request, data["space"], section="checklists")
        except NotFound as error:
            raise ValidationError({"space": [str(error.detail)]}) from error
        try:
            checklist = services.launch_template(
                _acting(request),
                template,
                space=space,
                reference_date=data["reference_date"],
                name=data["name"],
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        except DjangoValidationError as error:
            raise drf_errors(error) from error
        result = selectors.checklist_in(space, checklist.pk)
        return Response(ChecklistDetailSerializer(result).data, status=status.HTTP_201_CREATED)


class SpaceChecklistList(generics.ListAPIView[Checklist]):
    serializer_class = ChecklistSerializer

    def get_queryset(self) -> QuerySet[Checklist]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space, no member
            return Checklist.objects.none()
        space, _abilities = space_for(self.request, self.kwargs["space_id"], section="checklists")
        return selectors.checklists_of(space)


class SpaceChecklistDetail(generics.RetrieveAPIView[Checklist]):
    serializer_class = ChecklistDetailSerializer

    def get_object(self) -> Checklist:
        space, _abilities = space_for(self.request, self.kwargs["space_id"], section="checklists")
        checklist = selectors.checklist_in(space, self.kwargs["pk"])
        if checklist is None:
            raise Http404
        return checklist
