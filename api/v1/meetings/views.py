"""A space's meetings: list and schedule, one meeting's record, its agenda, attendance,
decisions and the approval of its minutes.

Statuses as everywhere (api.base): a space (or its meetings section) the caller may not see,
or a meeting not in it, 404; a meeting they see but may not prepare, 403; an approval by
someone who is not a named approver, 403; frozen minutes, 400.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from entente.meetings import minutes, selectors, services
from entente.meetings.minutes import TaskSpec
from entente.meetings.models import AgendaItem, Meeting

from ...base import SpaceScopedMixin
from .serializers import (
    AgendaItemSerializer,
    AgendaItemWriteSerializer,
    AttendanceWriteSerializer,
    AttendeeSerializer,
    DecisionSerializer,
    DecisionWriteSerializer,
    MeetingDetailSerializer,
    MeetingSerializer,
)

SECTION = "meetings"


def _not_found() -> NotFound:
    return NotFound(_("Cette réunion n'existe pas."))


class MeetingScoped(SpaceScopedMixin):
    space_section = SECTION

    def meeting(self) -> Meeting:
        meeting = (
            Meeting.objects.filter(space=self.space, pk=self.kwargs["pk"])
            .select_related("space", "minutes")
            .prefetch_related(
                "attendees",
                "minutes__approvals",
                Prefetch(
                    "agenda",
                    AgendaItem.objects.order_by("position", "id")
                    .select_related("minutes")
                    .prefetch_related("decisions"),
                ),
            )
            .first()
        )
        if meeting is None:
            raise _not_found()
        return meeting


class MeetingList(MeetingScoped, generics.ListCreateAPIView[Meeting]):
    serializer_class = MeetingSerializer

    def get_queryset(self) -> QuerySet[Meeting]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no space
            return Meeting.objects.none()
        return selectors.meetings_of(self.space)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = MeetingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.create_meeting(self.acting, space=self.space, spec=serializer.spec())
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetail(MeetingScoped, APIView):
    @extend_schema(responses={200: MeetingDetailSerializer})
    def get(self, request: Request, space_id: int, pk: int) -> Response:
        return Response(MeetingDetailSerializer(self.meeting()).data)


class AgendaItems(MeetingScoped, APIView):
    @extend_schema(request=AgendaItemWriteSerializer, responses={201: AgendaItemSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        meeting = self.meeting()
        serializer = AgendaItemWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = services.add_agenda_item(
            self.acting,
            meeting,
            title=data["title"],
            rapporteur_id=data["rapporteur_id"],
            notes=data["notes"],
        )
        return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)


class AttendanceView(MeetingScoped, APIView):
    @extend_schema(request=AttendanceWriteSerializer, responses={200: AttendeeSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        meeting = self.meeting()
        serializer = AttendanceWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        attendee = services.set_attendance(
            self.acting,
            meeting,
            person_id=data["person_id"],
            status=data["status"],
            proxy_to_id=data["proxy_to_id"],
        )
        return Response(AttendeeSerializer(attendee).data)


class Decisions(MeetingScoped, APIView):
    @extend_schema(request=DecisionWriteSerializer, responses={201: DecisionSerializer})
    def post(self, request: Request, space_id: int, pk: int, item_id: int) -> Response:
        meeting = self.meeting()
        item = AgendaItem.objects.filter(meeting=meeting, pk=item_id).first()
        if item is None:
            raise NotFound(_("Ce point n'est pas à l'ordre du jour."))
        item.meeting = meeting
        serializer = DecisionWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        task = None
        if data.get("task_title"):
            task = TaskSpec(data["task_title"], data["assignee_id"], data["due_date"])
        decision = minutes.record_decision(
            self.acting, item, text=data["text"], votes=serializer.votes(), task=task
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class MinutesApprove(MeetingScoped, APIView):
    """The caller approves the minutes as one of their named approvers (any reader may be)."""

    space_ability_map = {"POST": "view", "OPTIONS": "view"}

    @extend_schema(request=None, responses={200: MeetingDetailSerializer})
    def post(self, request: Request, space_id: int, pk: int) -> Response:
        minutes.approve_minutes(self.acting, self.meeting())
        return Response(MeetingDetailSerializer(self.meeting()).data)
