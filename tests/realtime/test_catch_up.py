"""Catch-up cannot skip: a notification committed late, under an older id, is still replayed.

Ids are taken at INSERT: a slow transaction's notification may commit after a newer one was
already delivered live, when the page already holds the newer id.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from entente.notifications.models import Notification, NotificationKind
from realtime import payloads


def _notification(user: Any, tenant: Any, title: str, created_at: datetime.datetime) -> int:
    row = Notification.objects.create(
        user=user, tenant=tenant, kind=NotificationKind.TASK_ASSIGNED, title=title
    )
    Notification.objects.filter(pk=row.pk).update(created_at=created_at)
    return row.pk


def test_catch_up_replays_an_older_id_that_committed_after_the_last_one_seen(
    tenant_a: Any, make_user: Any
) -> None:
    person = make_user(tenant=tenant_a)
    now = timezone.now()
    long_before = _notification(
        person, tenant_a, "Vue il y a longtemps", now - datetime.timedelta(hours=1)
    )
    slow = _notification(
        person, tenant_a, "Transaction lente", now - datetime.timedelta(seconds=20)
    )
    seen = _notification(person, tenant_a, "Déjà vue", now - datetime.timedelta(seconds=5))
    after = _notification(person, tenant_a, "Après", now)
    assert long_before < slow < seen < after

    items, unread, newest = payloads.catch_up(person, seen, frozenset({seen}))

    # `slow` may have committed after `seen` was shown: replayed; `long_before` cannot have.
    assert [item["id"] for item in items] == [slow, after]
    assert (unread, newest) == (4, after)

    # A page that showed `slow` already is not sent it again.
    items, _, _ = payloads.catch_up(person, seen, frozenset({seen, slow}))
    assert [item["id"] for item in items] == [after]


def test_catch_up_from_nothing_seen_replays_nothing(tenant_a: Any, make_user: Any) -> None:
    person = make_user(tenant=tenant_a)
    _notification(person, tenant_a, "Une", timezone.now())
    items, unread, _ = payloads.catch_up(person, None)
    assert (items, unread) == ([], 1)
