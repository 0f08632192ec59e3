"""Reads of the inbox that the live connection makes at every page's hello."""

from __future__ import annotations

from typing import Any

from django.db.models import Max

from entente.notifications import selectors, services
from entente.notifications.models import Notification, NotificationKind


def _make(user: Any, count: int) -> list[Notification]:
    return Notification.objects.bulk_create(
        Notification(user=user, kind=NotificationKind.MENTIONED, title=f"n{i}")
        for i in range(count)
    )


def test_unread_and_newest_agree_with_the_orm_in_one_query(
    make_user: Any, django_assert_num_queries: Any
) -> None:
    alice, bob, nobody = make_user(), make_user(), make_user()
    made = _make(alice, 5)
    _make(bob, 3)  # never counted for Alice, though newer
    services.mark_read(alice, made[1].pk)
    with django_assert_num_queries(1):
        answer = selectors.unread_and_newest(alice.pk)
    newest = Notification.objects.filter(user=alice).aggregate(m=Max("id"))["m"]
    assert answer == (selectors.unread_count(alice), newest) == (4, made[-1].pk)
    assert selectors.unread_and_newest(nobody.pk) == (0, 0)
    services.mark_all_read(alice)
    assert selectors.unread_and_newest(alice.pk) == (0, made[-1].pk)
