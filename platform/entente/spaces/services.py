"""Writes of spaces, in the current tenant's schema."""

from __future__ import annotations

from django.db import transaction

from entente.accounts.models import User

from .models import Space, SpaceKind, Visibility


@transaction.atomic
def create_space(
    *,
    name: str,
    created_by: User | None,
    kind: str = SpaceKind.TEAM,
    visibility: str = Visibility.TENANT,
    description: str = "",
) -> Space:
    return Space.objects.create(
        name=name, kind=kind, visibility=visibility, description=description, created_by=created_by
    )
