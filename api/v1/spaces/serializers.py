from rest_framework import serializers

from entente.spaces.models import Space


class SpaceSerializer(serializers.ModelSerializer[Space]):
    class Meta:
        model = Space
        fields = ["id", "name", "description", "kind", "visibility", "created_at"]
        read_only_fields = ["id", "created_at"]
