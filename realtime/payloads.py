"""What the live connection sends, read from the database (sync: run in a worker thread).

Every function here loads for many sockets at once (one query for all the recipients of an
event), and filters by the same rule: a person receives a tenant's events only while they
reach that tenant (their membership, or federated staff of an EPCI), checked at delivery.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django_tenants.utils import schema_context

from entente.accounts.acting import memberships
from entente.accounts.models import Membership, Role, User
from entente.activity.models import ActivityEntry
from entente.notifications.models import Notification, NotificationKind
from entente.notifications.selectors import any_of, since, unread_and_newest
from tenants.models import FederationLink, FederationState, Tenant

from .access import membership_on

CATCH_UP_PAGE = 200
CATCH_UP_MAX = 1000
"""At most this many missed notifications are replayed; the inbox page has the rest."""
ACTIVITY_CATCH_UP_MAX = 100


def encode(content: dict[str, Any]) -> str:
    """A message as the sockets carry it (compact JSON text)."""
    return json.dumps(content, separators=(",", ":"))


def allowed_pairs(user_ids: Iterable[int], tenant_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(person, tenant) pairs where the person reaches the tenant now. Two or four queries."""
    users, tenants = set(user_ids), set(tenant_ids)
    if not users or not tenants:
        return set()
    pairs = set(
        Membership.objects.filter(user_id__in=users, tenant_id__in=tenants).values_list(
            "user_id", "tenant_id"
        )
    )
    missing_tenants = {t for t in tenants if any((u, t) not in pairs for u in users)}
    links = list(
        FederationLink.objects.filter(
            epci_id__in=missing_tenants, state=FederationState.ACTIVE
        ).values_list("commune_id", "epci_id")
    )
    if links:
        epcis_of: dict[int, set[int]] = defaultdict(set)
        for commune_id, epci_id in links:
            epcis_of[commune_id].add(epci_id)
        staff = (
            Membership.objects.filter(user_id__in=users, tenant_id__in=epcis_of)
            .exclude(role=Role.GUEST)
            .values_list("user_id", "tenant_id")
        )
        for user_id, commune_id in staff:
            pairs.update((user_id, epci_id) for epci_id in epcis_of[commune_id])
    return pairs


def kind_labels() -> dict[str, str]:
    """The kinds' names in the active language, once per batch (`get_kind_display()` costs
    ~1 ms per row: lazy choices are hashed on each call)."""
    return {value: str(label) for value, label in NotificationKind.choices}


FIELDS = ("id", "user_id", "tenant_id", "tenant__name", "kind", "title", "url", "created_at")


def _rows(notifications: QuerySet[Notification]) -> list[dict[str, Any]]:
    """Plain rows, the membership checked in the same query (no model instances: an event to
    1,000 people loads 1,000 rows, and instances cost several times more than dicts)."""
    member = Membership.objects.filter(user_id=OuterRef("user_id"), tenant_id=OuterRef("tenant_id"))
    return list(
        notifications.annotate(is_member=Exists(member), is_read=Q(read_at__isnull=False))
        .order_by("id")
        .values(*FIELDS, "is_member", "is_read")
    )


def _deliverable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows whose tenant the person reaches: a member (annotated), else federated staff."""
    others = [r for r in rows if r["tenant_id"] is not None and not r["is_member"]]
    pairs = allowed_pairs({r["user_id"] for r in others}, {r["tenant_id"] for r in others})
    return [
        r
        for r in rows
        if r["tenant_id"] is None or r["is_member"] or (r["user_id"], r["tenant_id"]) in pairs
    ]


def notification_item(row: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
    tenant_id = row["tenant_id"]
    return {
        "type": "notification",
        "id": row["id"],
        "kind": row["kind"],
        "kind_label": labels.get(row["kind"], row["kind"]),
        "title": row["title"],
        "url": row["url"],
        "tenant": {"id": tenant_id, "name": row["tenant__name"]} if tenant_id else None,
        "created_at": row["created_at"].isoformat(),
        "read": row["is_read"],
    }


def notifications_for(ids: list[int], user_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The notifications of an event, per recipient connected here, oldest first.

    One query in the common case (the membership is checked in it).
    """
    rows = _rows(Notification.objects.filter(id__in=any_of(ids), user_id__in=any_of(user_ids)))
    labels = kind_labels()
    by_user: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _deliverable(rows):
        by_user[row["user_id"]].append(notification_item(row, labels))
    return dict(by_user)


def reaching(user_ids: Iterable[int], tenant_id: int) -> set[int]:
    """Those of `user_ids` who reach the tenant now (the rule of `_deliverable`).

    Members are answered by the per-process membership cache (`entente.accounts.acting`,
    revocations seen within a second), warm for a socket's own tenant since it connected: no
    query. The others (not cached, or not members: federated staff?) in one batch.
    """
    members, others = memberships.cached_members(tenant_id, user_ids)
    if others:
        members.update(user_id for user_id, _ in allowed_pairs(others, {tenant_id}))
    return members


def unread_counts(user_ids: list[int]) -> dict[int, int]:
    """Each person's unread count (as `selectors.unread_count`), in one query for all."""
    counts = dict(
        Notification.objects.filter(user_id__in=any_of(user_ids), read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("id"))
        .values_list("user_id", "n")
    )
    return {user_id: counts.get(user_id, 0) for user_id in user_ids}


LATE_SECONDS = 300
"""Longest a transaction making notifications may run (CELERY_TASK_TIME_LIMIT): a row it made
may commit after newer ids were seen, never later than this after the newest one seen."""


def late_ids(user: User, last_id: int) -> list[int]:
    """Ids below `last_id` that may have committed after it: made less than LATE_SECONDS
    before the notification `last_id` names. Ids grow at INSERT, not at COMMIT: a slow
    transaction's notification can appear under an older id than one already delivered."""
    anchor = (
        Notification.objects.filter(user=user, id__lte=last_id)
        .order_by("-id")
        .values_list("created_at", flat=True)
        .first()
    )
    if anchor is None:
        return []
    return list(
        Notification.objects.filter(
            user=user,
            id__lt=last_id,
            created_at__gte=anchor - datetime.timedelta(seconds=LATE_SECONDS),
        )
        .order_by("id")
        .values_list("id", flat=True)[:CATCH_UP_PAGE]
    )


def catch_up(
    user: User, last_id: int | None, seen: frozenset[int] = frozenset()
) -> tuple[list[dict[str, Any]], int, int]:
    """(missed notifications, unread count, newest notification id).

    Missed: those of `late_ids` the page has not shown (`seen`: live.js sends the ids it
    showed lately), then those after `last_id`, oldest first.
    """
    items: list[dict[str, Any]] = []
    if last_id is not None:
        labels = kind_labels()
        late = [pk for pk in late_ids(user, last_id) if pk not in seen]
        if late:
            rows = _rows(Notification.objects.filter(id__in=late, user=user))
            items += [notification_item(row, labels) for row in _deliverable(rows)]
        cursor = last_id
        while len(items) < CATCH_UP_MAX:
            page = since(user, cursor, limit=CATCH_UP_PAGE)
            if not page:
                break
            rows = _rows(Notification.objects.filter(id__in=[n.pk for n in page], user=user))
            items += [notification_item(row, labels) for row in _deliverable(rows)]
            cursor = page[-1].pk
            if len(page) < CATCH_UP_PAGE:
                break
    unread, newest = unread_and_newest(user.pk)  # one query, two index lookups
    return items, unread, newest


def activity_item(entry: ActivityEntry) -> dict[str, Any]:
    return {
        "type": "activity",
        "space_id": entry.space_id,
        "id": entry.pk,
        "verb": entry.verb,
        "actor": entry.actor.display_name if entry.actor is not None else None,
        "summary": entry.summary,
        "created_at": entry.created_at.isoformat(),
    }


def can_view_space(user: User, tenant: Tenant, space_id: int) -> bool:
    """`space_abilities(...).view`, as the space's page decides it (access_space)."""
    from entente.spaces.models import Space
    from entente.spaces.selectors import access_space

    membership = membership_on(user, tenant)
    with schema_context(tenant.schema_name):
        try:
            access_space(membership, space_id, tenant=tenant)
        except Space.DoesNotExist:
            return False
    return True


def watch(
    user: User, tenant: Tenant, space_id: int, last_id: int | None
) -> list[dict[str, Any]] | None:
    """The activity missed in a space after `last_id` (oldest first), or None: may not see it."""
    if not can_view_space(user, tenant, space_id):
        return None
    if last_id is None:
        return []
    with schema_context(tenant.schema_name):
        entries = (
            ActivityEntry.objects.filter(space_id=space_id, id__gt=last_id)
            .select_related("actor")
            .order_by("id")[:ACTIVITY_CATCH_UP_MAX]
        )
        return [activity_item(entry) for entry in entries]


def activity_for_watchers(
    schema: str, space_id: int, entry_id: int, watchers: list[tuple[User, Tenant]]
) -> tuple[dict[str, Any] | None, list[bool]]:
    """An activity entry, once, and whether each watcher may still see its space."""
    with schema_context(schema):
        entry = (
            ActivityEntry.objects.filter(pk=entry_id, space_id=space_id)
            .select_related("actor")
            .first()
        )
    if entry is None:
        return None, [False] * len(watchers)
    item = activity_item(entry)
    return item, [
        tenant.schema_name == schema and can_view_space(user, tenant, space_id)
        for user, tenant in watchers
    ]
