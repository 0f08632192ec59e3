"""The outbox in one process: rows written with the change, relayed, retried, given up, replayed.

The relay runs here (`relay_batch`), as the Celery task would; test_broker_outage.py runs it in
a real worker while the broker is away.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context
from prometheus_client.parser import text_string_to_metric_families

from entente.accounts.models import User
from entente.console import services as console
from entente.console.models import AuditAction, AuditEntry
from entente.core import events
from entente.notifications.models import Notification, NotificationKind
from entente.outbox import relay, selectors
from entente.outbox.models import OutboxEvent, OutboxState
from entente.outbox.retry import retries_for
from entente.tasks import services as tasks
from tests.entente.outbox.conftest import World, broker_away
from tests.support.acting import seeding

pytestmark = pytest.mark.django_db


@pytest.fixture
def relay_by_hand(settings: Any) -> Iterator[None]:
    """The wake-up after commit is lost (no broker): the test calls the relay itself."""
    settings.OUTBOX_RELAY = "celery"
    with broker_away():
        yield


class FailingSubscriber:
    """A retried subscriber that fails until `fixed` (a handler whose dependency is away)."""

    def __init__(self) -> None:
        self.calls: list[events.Event] = []
        self.fixed = False

    def __call__(self, event: events.Event) -> None:
        self.calls.append(event)
        if not self.fixed:
            raise RuntimeError("handler away")


@pytest.fixture
def failing_subscriber() -> Iterator[FailingSubscriber]:
    subscriber = FailingSubscriber()
    events.subscribe(subscriber)
    yield subscriber
    events.unsubscribe(subscriber)


def _assign(world: World, *people: User) -> None:
    with world.enter():
        tasks.update_task(
            seeding(world.people["editor"]),
            world.task,
            assignee_ids=[p.pk for p in people],
        )


def _assigned(person: User) -> int:
    return Notification.objects.filter(user=person, kind=NotificationKind.TASK_ASSIGNED).count()


def _pending(name: str) -> list[OutboxEvent]:
    return list(OutboxEvent.objects.filter(name=name, state=OutboxState.PENDING).order_by("id"))


def test_an_event_is_a_row_of_the_writing_transaction(world: World) -> None:
    before = OutboxEvent.objects.count()
    _assign(world, world.people["commenter"])
    [row] = OutboxEvent.objects.filter(name="task.assigned").order_by("-id")[:1]
    assert (row.tenant_schema, row.state, row.attempts) == (
        world.tenant.schema_name,
        OutboxState.PENDING,
        0,
    )
    assert row.payload["task_id"] == world.task.pk
    assert row.user_ids == [world.people["commenter"].pk]
    assert row.space_id == world.space.pk
    assert len(row.key) == 32
    assert OutboxEvent.objects.count() > before


def test_a_rolled_back_transaction_leaves_no_row(world: World) -> None:
    before = OutboxEvent.objects.count()
    inside: list[int] = []

    def write_then_fail() -> None:
        with transaction.atomic():
            _assign(world, world.people["commenter"])
            inside.append(OutboxEvent.objects.count())  # written, inside the transaction
            raise RuntimeError("the write fails after the event was recorded")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert inside[0] > before
    assert OutboxEvent.objects.count() == before


@pytest.mark.usefixtures("relay_by_hand")
def test_the_relay_makes_the_notification_and_marks_the_row_done(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    commenter = world.people["commenter"]
    with django_capture_on_commit_callbacks(execute=True):  # the wake-up finds no broker
        _assign(world, commenter)
    [row] = _pending("task.assigned")
    assert _assigned(commenter) == 0

    assert relay.relay_batch() >= 1

    row.refresh_from_db()
    assert (row.state, row.attempts, row.handled_at is not None) == (OutboxState.DONE, 1, True)
    assert _assigned(commenter) == 1


@pytest.mark.usefixtures("relay_by_hand")
def test_a_row_handled_twice_acts_once(world: World) -> None:
    commenter = world.people["commenter"]
    _assign(world, commenter)
    [row] = _pending("task.assigned")
    relay.relay_batch(ids=[row.pk])
    # As if a worker died after the notifications were made, before the row was marked done.
    OutboxEvent.objects.filter(pk=row.pk).update(state=OutboxState.PENDING)
    relay.relay_batch(ids=[row.pk])

    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.DONE, 2)
    assert _assigned(commenter) == 1


def test_the_retry_wait_doubles_up_to_its_cap(settings: Any) -> None:
    settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS = 2, 60
    waits = [relay.retry_delay(n).total_seconds() for n in range(1, 10)]
    assert waits == [2, 4, 8, 16, 32, 60, 60, 60, 60]
    assert relay.retry_delay(10_000).total_seconds() == 60


def test_task_retries_last_as_long_as_the_setting_says() -> None:
    """1 + 2 + … + 256 s, then 300 s at a time: 80 retries fill six hours, not 45 seconds."""
    count = retries_for(6 * 3600, 300)
    spent = sum(min(2**n, 300) for n in range(count))
    assert count == 80
    assert 6 * 3600 <= spent < 6 * 3600 + 300


@pytest.mark.usefixtures("relay_by_hand")
def test_a_failure_is_retried_later_then_given_up(
    world: World, failing_subscriber: FailingSubscriber, settings: Any
) -> None:
    commenter = world.people["commenter"]
    _assign(world, commenter)
    [row] = _pending("task.assigned")

    relay.relay_batch(ids=[row.pk])

    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 1)
    assert row.next_attempt_at > timezone.now()
    assert row.last_error.startswith("DeliveryError: task.assigned: FailingSubscriber")
    # Rolled back with the failure: the notification will be made by the attempt that succeeds.
    assert _assigned(commenter) == 0
    assert [e.key for e in failing_subscriber.calls] == [row.key]
    assert relay.relay_batch(ids=[row.pk]) == 0  # not due yet

    past = timezone.now() - datetime.timedelta(seconds=1)
    OutboxEvent.objects.filter(pk=row.pk).update(next_attempt_at=past, retry_until=past)
    relay.relay_batch(ids=[row.pk])

    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.DEAD, 2)
    assert selectors.backlog()["dead"] >= 1
    assert row in selectors.dead_letters()


@pytest.mark.usefixtures("relay_by_hand")
def test_a_dead_letter_replayed_from_the_console_is_handled_once(
    world: World, failing_subscriber: FailingSubscriber, make_user: Any
) -> None:
    commenter = world.people["commenter"]
    _assign(world, commenter)
    [row] = _pending("task.assigned")
    OutboxEvent.objects.filter(pk=row.pk).update(retry_until=timezone.now())
    relay.relay_batch(ids=[row.pk])
    row.refresh_from_db()
    assert row.state == OutboxState.DEAD
    failing_subscriber.fixed = True
    staff = make_user("support@entente.test")

    console.replay_dead_letter(row, actor=staff)
    relay.relay_batch(ids=[row.pk])

    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.DONE, 1)
    assert _assigned(commenter) == 1
    entry = AuditEntry.objects.get(action=AuditAction.EVENT_REPLAYED)
    assert (entry.actor, entry.data["outbox_id"], entry.data["name"]) == (
        staff,
        row.pk,
        "task.assigned",
    )


def test_done_rows_are_pruned_after_the_setting(world: World, settings: Any) -> None:
    settings.OUTBOX_KEEP_DONE_SECONDS = 3600
    now = timezone.now()
    with tenant_context(world.tenant):
        _assign(world, world.people["commenter"])
    old, recent = OutboxEvent.objects.order_by("-id")[:2]
    OutboxEvent.objects.filter(pk=old.pk).update(
        state=OutboxState.DONE, handled_at=now - datetime.timedelta(hours=2)
    )
    OutboxEvent.objects.filter(pk=recent.pk).update(
        state=OutboxState.DONE, handled_at=now - datetime.timedelta(minutes=5)
    )

    assert relay.prune_done() >= 1

    assert not OutboxEvent.objects.filter(pk=old.pk).exists()
    assert OutboxEvent.objects.filter(pk=recent.pk).exists()


@pytest.mark.usefixtures("relay_by_hand")
def test_metrics_count_pending_stuck_and_dead_rows(world: World, settings: Any) -> None:
    settings.METRICS_TOKEN = "a-metrics-token-of-at-least-32-characters"
    _assign(world, world.people["commenter"])
    rows = _pending("task.assigned") + _pending("activity.recorded")
    assert len(rows) >= 2
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    OutboxEvent.objects.filter(pk=rows[0].pk).update(created_at=long_ago)
    OutboxEvent.objects.filter(pk=rows[1].pk).update(state=OutboxState.DEAD)
    expected = selectors.backlog()
    assert expected["stuck"] >= 1
    assert expected["dead"] >= 1

    response = Client(HTTP_HOST="entente.localhost").get(
        "/metrics", headers={"Authorization": f"Bearer {settings.METRICS_TOKEN}"}
    )

    found = {
        sample.labels["state"]: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
        if sample.name == "entente_outbox_events"
    }
    assert found == {state: float(count) for state, count in expected.items()}
