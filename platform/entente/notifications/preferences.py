"""Which delivery a person wants for a kind of notification, here or everywhere.

The most precise preference wins: (kind, tenant, space), then (kind, tenant), then (kind)
alone; without any, the kind's default applies. One query answers for many people at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import Delivery, NotificationKind, NotificationPreference
from .selectors import any_of

DEFAULTS: dict[str, str] = dict.fromkeys(NotificationKind.values, Delivery.APP)


def default_for(kind: str) -> str:
    return DEFAULTS.get(kind, Delivery.APP)


def deliveries(
    user_ids: Iterable[int], kind: str, tenant_id: int | None, space_id: int | None
) -> dict[int, str]:
    """For each person, the delivery that applies to `kind` in this tenant and space."""
    ids = list(user_ids)
    result = {pk: default_for(kind) for pk in ids}
    rank: dict[int, int] = {}
    rows = NotificationPreference.objects.filter(user_id__in=any_of(ids), kind=kind).values_list(
        "user_id", "tenant_id", "space_id", "delivery"
    )
    for user_id, pref_tenant, pref_space, delivery in rows:
        if pref_tenant is None and pref_space is None:
            level = 1
        elif pref_tenant == tenant_id and pref_space is None:
            level = 2
        elif pref_tenant == tenant_id and pref_space is not None and pref_space == space_id:
            level = 3
        else:
            continue
        if level > rank.get(user_id, 0):
            rank[user_id] = level
            result[user_id] = delivery
    return result


def set_preference(
    user_id: int,
    kind: str,
    delivery: str,
    *,
    tenant_id: int | None = None,
    space_id: int | None = None,
) -> None:
    """Record a choice; choosing the inherited value for a space removes the override."""
    where: dict[str, Any] = {"tenant_id": tenant_id, "space_id": space_id}
    NotificationPreference.objects.update_or_create(
        user_id=user_id, kind=kind, defaults={"delivery": delivery}, **where
    )


def clear_preference(
    user_id: int, kind: str, *, tenant_id: int | None = None, space_id: int | None = None
) -> None:
    where: dict[str, Any] = {"tenant_id": tenant_id, "space_id": space_id}
    NotificationPreference.objects.filter(user_id=user_id, kind=kind, **where).delete()
