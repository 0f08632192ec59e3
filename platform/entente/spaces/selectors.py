"""Reads of spaces, in the current tenant's schema."""

from django.db.models import QuerySet

from .models import Space


def visible_spaces() -> QuerySet[Space]:
    return Space.objects.filter(archived_at__isnull=True)
