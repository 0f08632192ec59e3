"""Discovery and adoption as JSON (labels in the request's language)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import Serializer, StrictCharField
from entente.analytics.discovery import Feature


class FeatureSerializer(Serializer[Feature]):
    key = StrictCharField()
    name = StrictCharField(source="label")
    weight = serializers.IntegerField()
    hint = StrictCharField()
    how_to_url = StrictCharField()


class DiscoverySerializer(Serializer[Any]):
    percent = serializers.IntegerField()
    level = StrictCharField()
    found = FeatureSerializer(many=True)
    next_to_try = FeatureSerializer(many=True)


class FeatureAdoptionSerializer(Serializer[Any]):
    key = StrictCharField()
    name = StrictCharField()
    people = serializers.IntegerField()
    share = serializers.IntegerField(help_text="en % des personnes inscrites")


class DayCountSerializer(Serializer[Any]):
    day = serializers.DateField()
    events = serializers.IntegerField()


class GroupSerializer(Serializer[Any]):
    name = StrictCharField(help_text="un rôle, ou un service (espace d'équipe)")
    people = serializers.IntegerField()
    active_7_days = serializers.IntegerField()
    average_percent = serializers.IntegerField(help_text="découverte moyenne, en %")
    actions_30_days = serializers.IntegerField(help_text="par rôle seulement (0 par service)")


class AdoptionSerializer(Serializer[Any]):
    people = serializers.IntegerField()
    active_7_days = serializers.IntegerField()
    above = serializers.DictField(
        child=serializers.IntegerField(), help_text="seuil en % → personnes au-dessus"
    )
    levels = serializers.DictField(child=serializers.IntegerField())
    features = FeatureAdoptionSerializer(many=True)
    daily = DayCountSerializer(many=True)
    by_role = GroupSerializer(many=True)
    by_service = GroupSerializer(many=True)
