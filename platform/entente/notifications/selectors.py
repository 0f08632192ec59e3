"""Reads of the inbox. Every read is of one person's rows: never another's."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from entente.accounts.models import User

from .models import Notification, NotificationKind


def inbox(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("tenant", "actor")


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_counts_by_tenant(user: User) -> dict[int | None, int]:
    """Unread notifications per tenant id (the tenant switcher shows them), in one query."""
    rows = (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .values("tenant_id")
        .annotate(n=Count("id"))
        .values_list("tenant_id", "n")
    )
    return dict(rows)


def unread_mentions(user: User) -> QuerySet[Notification]:
    return inbox(user).filter(kind=NotificationKind.MENTIONED, read_at__isnull=True)


def since(user: User, last_id: int, *, limit: int = 200) -> list[Notification]:
    """What a reconnecting client missed: the person's notifications after `last_id`, oldest first.

    Ids only grow, so nothing between the last one seen and now is skipped.
    """
    return list(inbox(user).filter(id__gt=last_id).order_by("id")[:limit])
