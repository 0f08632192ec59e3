"""`/api/v1/spaces/…`: spaces, their members, their activity.

Views parse and authorize (IsTenantMember, then SpaceScopedMixin's abilities) and call
entente.spaces.services, which check the abilities again and validate; reads go through the
selectors, always starting from the person's membership. Statuses as everywhere (api.base):
a space the caller cannot see, 404; one they see but may not change, 403 with the reason.
"""

from __future__ import annotations

from typing import Any, cast

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entente.activity.models import ActivityEntry
from entente.spaces import services
from entente.spaces.models import Space, SpaceKind, SpaceMembership, Visibility
from entente.spaces.selectors import space_members, space_roles_of, spaces_for, tenant_member

from ...base import SpaceScopedMixin
from ...permissions import IsTenantMember
from .permissions import (
    ACTIVITY_ABILITIES,
    MEMBER_ABILITIES,
    MEMBER_LIST_ABILITIES,
    SPACE_ABILITIES,
    CanCreateSpace,
)
from .serializers import (
    ActivityEntrySerializer,
    SpaceMemberRoleSerializer,
    SpaceMemberSerializer,
    SpaceSerializer,
)


class SpaceFilter(django_filters.FilterSet):
    """`?kind=project&visibility=private&archived=true` (archived: archived ones only)."""

    kind = django_filters.ChoiceFilter(choices=SpaceKind.choices)
    visibility = django_filters.ChoiceFilter(choices=Visibility.choices)
    archived = django_filters.TypedChoiceFilter(
        choices=[("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        method="filter_archived",
    )

    @extend_schema_field(OpenApiTypes.BOOL)
    def filter_archived(
        self, spaces: QuerySet[Space], name: str, archived: bool
    ) -> QuerySet[Space]:
        return spaces.filter(archived_at__isnull=not archived)

    def is_valid(self) -> bool:
        """A filter given empty (`?visibility=`) is none of its values: a 400, as the OpenAPI
        says (django-filter would ignore it)."""
        valid = super().is_valid()
        for name in self.filters:
            if name in self.data and self.data.get(name) == "":
                self.form.add_error(
                    name, _("Valeur vide : donnez une valeur ou retirez le filtre.")
                )
                valid = False
        return valid

    class Meta:
        model = Space
        fields = ["kind", "visibility", "archived"]


class SpaceList(SpaceScopedMixin, generics.ListCreateAPIView[Space]):
    """The spaces the person may see (active ones unless `archived=true`); POST opens one."""

    serializer_class = SpaceSerializer
    permission_classes = [IsTenantMember, CanCreateSpace]
    filterset_class = SpaceFilter
    ordering_fields = ["name", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def get_queryset(self) -> QuerySet[Space]:
        if getattr(self, "swagger_fake_view", False):
            return Space.objects.none()
        spaces = spaces_for(self.membership, include_archived=True)
        if "archived" not in self.request.query_params:
            spaces = spaces.filter(archived_at__isnull=True)
        return spaces

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """Lists learn the person's role in each space of the page with one query."""
        if getattr(self, "swagger_fake_view", False):  # schema generation: no member
            return super().get_serializer(*args, **kwargs)
        membership = self.membership
        roles: dict[int, str] = {}
        if kwargs.get("many") and args:
            roles = space_roles_of(membership.user_id, [space.pk for space in args[0]])
        context = {**self.get_serializer_context(), "membership": membership, "roles": roles}
        return self.get_serializer_class()(*args, context=context, **kwargs)

    def perform_create(self, serializer: SpaceSerializer) -> None:  # type: ignore[override]
        membership = self.membership
        space = services.create_space(membership, **serializer.validated_data)
        context = cast(dict[str, Any], serializer.context)
        context["roles"] = space_roles_of(membership.user_id, [space.pk])
        serializer.instance = space


class SpaceDetail(SpaceScopedMixin, generics.RetrieveUpdateDestroyAPIView[Space]):
    """One space. PATCH/PUT change its settings; DELETE archives it (restore: POST …/restore/)."""

    serializer_class = SpaceSerializer
    space_ability_map = SPACE_ABILITIES

    def get_object(self) -> Space:
        return self.space

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if hasattr(self, "access"):
            context["roles"] = {self.space.pk: self.space_role} if self.space_role else {}
        return context

    def perform_update(self, serializer: SpaceSerializer) -> None:  # type: ignore[override]
        serializer.instance = services.update_space(
            self.membership, self.space, **serializer.validated_data
        )

    def perform_destroy(self, instance: Space) -> None:
        services.archive_space(self.membership, instance)


class SpaceRestore(SpaceScopedMixin, APIView):
    space_ability_map = SPACE_ABILITIES

    @extend_schema(request=None, responses=SpaceSerializer)
    def post(self, request: Request, space_id: int) -> Response:
        space = services.restore_space(self.membership, self.space)
        roles = {space.pk: self.space_role} if self.space_role else {}
        context = {"request": request, "membership": self.membership, "roles": roles}
        return Response(SpaceSerializer(space, context=context).data)


class SpaceMemberList(SpaceScopedMixin, generics.ListCreateAPIView[SpaceMembership]):
    """The space's members; POST `{"user_id": …, "role": …}` adds a member of the tenant."""

    conflict_statuses = (409,)  # the person is already a member

    serializer_class = SpaceMemberSerializer
    space_ability_map = MEMBER_LIST_ABILITIES
    filterset_fields = ["role"]
    ordering_fields = ["created_at", "role"]

    def get_queryset(self) -> QuerySet[SpaceMembership]:
        if getattr(self, "swagger_fake_view", False):
            return SpaceMembership.objects.none()
        return space_members(self.space)

    def perform_create(self, serializer: SpaceMemberSerializer) -> None:  # type: ignore[override]
        tenant = self.request.tenant  # type: ignore[attr-defined]
        person = tenant_member(tenant, serializer.validated_data["user_id"])
        if person is None:
            raise ValidationError(
                {"user_id": _("Cette personne n'est pas membre de la collectivité.")}
            )
        serializer.instance = services.add_space_member(
            self.membership, self.space, person=person, role=serializer.validated_data["role"]
        )


class SpaceMemberDetail(SpaceScopedMixin, generics.RetrieveUpdateDestroyAPIView[SpaceMembership]):
    """One member, by person id: PATCH `{"role": …}`; DELETE removes (or leaves, for oneself)."""

    space_ability_map = MEMBER_ABILITIES

    def get_serializer_class(self) -> type[Any]:
        if self.request.method in {"PUT", "PATCH"}:
            return SpaceMemberRoleSerializer
        return SpaceMemberSerializer

    def get_object(self) -> SpaceMembership:
        member = space_members(self.space).filter(user_id=self.kwargs["user_id"]).first()
        if member is None:
            raise NotFound(_("Cette personne n'est pas membre de l'espace."))
        return member

    @extend_schema(request=SpaceMemberRoleSerializer, responses=SpaceMemberSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = SpaceMemberRoleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = services.change_space_member_role(
            self.membership, self.get_object(), role=serializer.validated_data["role"]
        )
        return Response(SpaceMemberSerializer(member).data)

    @extend_schema(request=SpaceMemberRoleSerializer, responses=SpaceMemberSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.update(request, *args, **kwargs)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.remove_space_member(self.membership, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class SpaceActivityList(SpaceScopedMixin, generics.ListAPIView[ActivityEntry]):
    """The space's activity feed, newest first; `?object_type=task&verb=task.created`."""

    serializer_class = ActivityEntrySerializer
    space_ability_map = ACTIVITY_ABILITIES
    space_section = "activity"  # closed to citizens: it tells what closed sections hold
    filterset_fields = ["object_type", "object_id", "verb"]
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self) -> QuerySet[ActivityEntry]:
        if getattr(self, "swagger_fake_view", False):
            return ActivityEntry.objects.none()
        return ActivityEntry.objects.filter(space=self.space).select_related("actor")
