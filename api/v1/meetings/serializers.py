"""Meetings in the API: a space's meetings, one meeting with its record, and the writes."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import ModelSerializer, Serializer, StrictCharField
from entente.meetings.models import (
    AgendaItem,
    Approval,
    Attendance,
    Attendee,
    Decision,
    Meeting,
    MinutesState,
    Series,
)
from entente.meetings.services import MeetingSpec


class MeetingSerializer(ModelSerializer[Meeting]):
    """A meeting; `ends_at`, when given, follows `starts_at`."""

    series = serializers.ChoiceField(choices=Series.choices, required=False, default="")
    title = StrictCharField(max_length=200)
    place = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    video_url = serializers.URLField(required=False, allow_blank=True, default="")
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "space",
            "series",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "video_url",
            "convened_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "space", "convened_at", "created_at", "updated_at"]

    def spec(self) -> MeetingSpec:
        data = self.validated_data
        return MeetingSpec(
            title=data["title"],
            starts_at=data["starts_at"],
            ends_at=data.get("ends_at"),
            series=data.get("series", ""),
            place=data.get("place", ""),
            video_url=data.get("video_url", ""),
        )


class AttendeeSerializer(ModelSerializer[Attendee]):
    class Meta:
        model = Attendee
        fields = ["person_id", "status", "proxy_to_id"]


class DecisionSerializer(ModelSerializer[Decision]):
    class Meta:
        model = Decision
        fields = ["id", "text", "votes_for", "votes_against", "abstentions", "task_id"]


class AgendaItemSerializer(ModelSerializer[AgendaItem]):
    decisions = DecisionSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField()

    class Meta:
        model = AgendaItem
        fields = ["id", "position", "title", "notes", "rapporteur_id", "minutes", "decisions"]

    def get_minutes(self, item: AgendaItem) -> str:
        written = getattr(item, "minutes", None)
        return written.text if written is not None else ""


class ApprovalSerializer(ModelSerializer[Approval]):
    class Meta:
        model = Approval
        fields = ["person_id", "approved_at"]


class MinutesSerializer(Serializer[Any]):
    state = serializers.ChoiceField(choices=MinutesState.choices)
    submitted_at = serializers.DateTimeField(allow_null=True)
    frozen_at = serializers.DateTimeField(allow_null=True)
    approvals = ApprovalSerializer(many=True)


class MeetingDetailSerializer(MeetingSerializer):
    attendees = AttendeeSerializer(many=True, read_only=True)
    agenda = AgendaItemSerializer(many=True, read_only=True)
    minutes = serializers.SerializerMethodField()

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "attendees", "agenda", "minutes"]

    def get_minutes(self, meeting: Meeting) -> dict[str, Any] | None:
        minutes = getattr(meeting, "minutes", None)
        return MinutesSerializer(minutes).data if minutes is not None else None


class AgendaItemWriteSerializer(Serializer[Any]):
    """An item appended to the agenda; the rapporteur is a member of the space."""

    title = StrictCharField(max_length=300)
    notes = StrictCharField(required=False, allow_blank=True, default="")
    rapporteur_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class AttendanceWriteSerializer(Serializer[Any]):
    """`proxy_to_id` names another invitee when `status` is `proxy`, and only then."""

    person_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attendance.choices)
    proxy_to_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class DecisionWriteSerializer(Serializer[Any]):
    """A decision on an item. Councils, bureaus and commissions vote: `votes_for`,
    `votes_against` and `abstentions` are then all required. `task_title` creates a task in
    the space (with `assignee_id`, a member, and `due_date`)."""

    text = StrictCharField()
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    votes_against = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    abstentions = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    task_title = StrictCharField(max_length=300, required=False, allow_blank=True)
    assignee_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(required=False, allow_null=True, default=None)

    def votes(self) -> tuple[int, int, int] | None:
        data = self.validated_data
        counts = (data.get("votes_for"), data.get("votes_against"), data.get("abstentions"))
        if all(count is None for count in counts):
            return None
        if any(count is None for count in counts):
            raise serializers.ValidationError(
                {"votes_for": ["Indiquez pour, contre et abstentions ensemble."]}
            )
        return (int(counts[0] or 0), int(counts[1] or 0), int(counts[2] or 0))
