from django.db.models import QuerySet
from rest_framework import generics

from entente.spaces.models import Space
from entente.spaces.selectors import visible_spaces

from .serializers import SpaceSerializer


class SpaceList(generics.ListAPIView[Space]):
    serializer_class = SpaceSerializer

    def get_queryset(self) -> QuerySet[Space]:
        return visible_spaces()
