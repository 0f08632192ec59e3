"""Writing events to the outbox and relaying them to their subscribers.

`record` runs inside the publisher's transaction: one INSERT, and an on-commit hook that wakes
the relay (a Celery task, `OUTBOX_RELAY = "celery"`; or this very process, `"inline"`, as the
tests do). Losing the wake-up is harmless: beat sends a sweep every `OUTBOX_SWEEP_SECONDS` and a
worker sends one when it starts, so a broker outage only delays what was written meanwhile.

`relay_batch` claims due rows with `SELECT … FOR UPDATE SKIP LOCKED` and handles them inside
that transaction, each in a savepoint: what a subscriber writes (notifications) commits with
the row marked done, or not at all. A relay killed mid-way holds nothing once its connection
drops, so its rows are due again at once; two relays never take the same row. A failing row
is tried again after a capped exponential backoff until `OUTBOX_RETRY_FOR_SECONDS` after it was
written (hours: as long as an outage may last), then it is a dead letter, shown in the vendor
console, which may replay it.
"""

from __future__ import annotations

import datetime
import logging
import time
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from entente.core import events
from entente.core.events import Event

from .models import OutboxEvent, OutboxState

logger = logging.getLogger(__name__)


def retry_delay(attempts: int) -> datetime.timedelta:
    """The wait before attempt `attempts + 1`: doubling from the base, never above the cap."""
    base = float(settings.OUTBOX_RETRY_BASE_SECONDS)
    cap = float(settings.OUTBOX_RETRY_MAX_SECONDS)
    exponent = min(max(attempts - 1, 0), 32)
    return datetime.timedelta(seconds=min(base * 2**exponent, cap))


def record(event: Event) -> None:
    """Write `event` as an outbox row in the current transaction (`events.publish_on_commit`)."""
    now = timezone.now()
    row = OutboxEvent.objects.create(
        key=uuid.uuid4().hex,
        name=event.name,
        tenant_schema=event.tenant_schema,
        payload=event.payload,
        space_id=event.space_id,
        user_ids=list(event.user_ids),
        next_attempt_at=now,
        retry_until=now + datetime.timedelta(seconds=settings.OUTBOX_RETRY_FOR_SECONDS),
        created_at=now,
    )
    _wake_after_commit(row.pk)


class _Wake:
    """One on-commit hook per transaction (and savepoint level) for all the rows it wrote."""

    def __init__(self, row_id: int) -> None:
        self.ids = [row_id]
        self.fired = False

    def __call__(self) -> None:
        self.fired = True
        _wake(self.ids)


def _wake_after_commit(row_id: int) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: the row is committed already
        _wake([row_id])
        return
    # A hook registered at the same savepoint level shares this row's fate: join it. (Django
    # drops a savepoint's hooks when it rolls back, and with them the ids they hold.)
    level = set(connection.savepoint_ids)
    for savepoints, hook, _robust in connection.run_on_commit:
        # (A hook already run stays in the list under tests' captureOnCommitCallbacks.)
        if isinstance(hook, _Wake) and savepoints == level and not hook.fired:
            hook.ids.append(row_id)
            return
    transaction.on_commit(_Wake(row_id))


BROKER_PAUSE_SECONDS = 5.0
"""After a failed wake-up, this process sends none for this long: a broker that is away costs
one request per process the connection attempt (redis-py retries for seconds), not every one."""
_broker_away_until = 0.0


def _wake(ids: list[int]) -> None:
    """After a commit: hand the rows to the relay (here, or a Celery task that takes all)."""
    global _broker_away_until
    if settings.OUTBOX_RELAY == "inline":
        relay_batch(ids=ids)
        return
    if time.monotonic() < _broker_away_until:
        return  # the sweep relays them once the broker is back
    from .tasks import relay_outbox

    try:
        with schema_context(get_public_schema_name()):
            relay_outbox.apply_async(retry=False, expires=settings.OUTBOX_SWEEP_SECONDS * 12)
    except Exception as error:  # the broker is away: the sweep delivers once it is back
        _broker_away_until = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning("Outbox: wake-up not sent (%s); the sweep will relay rows %s", error, ids)


def relay_batch(*, ids: Iterable[int] | None = None, limit: int | None = None) -> int:
    """Handle the due rows (only `ids` if given), oldest first; returns how many were tried."""
    limit = limit or settings.OUTBOX_BATCH_SIZE
    with schema_context(get_public_schema_name()), transaction.atomic():
        due = OutboxEvent.objects.select_for_update(skip_locked=True).filter(
            state=OutboxState.PENDING, next_attempt_at__lte=timezone.now()
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        rows = list(due.order_by("id")[:limit])
        for row in rows:
            _handle(row)
    return len(rows)


def relay_until_empty(*, seconds: float | None = None) -> int:
    """Batches until nothing is due or `seconds` have passed (a drain after an outage)."""
    deadline = time.monotonic() + (seconds or settings.OUTBOX_RELAY_SECONDS)
    handled = 0
    while time.monotonic() < deadline:
        tried = relay_batch()
        handled += tried
        if tried == 0:
            break
    return handled


def _handle(row: OutboxEvent) -> None:
    event = Event(
        name=row.name,
        tenant_schema=row.tenant_schema,
        payload=row.payload,
        space_id=row.space_id,
        user_ids=tuple(row.user_ids),
        key=row.key,
    )
    row.attempts += 1
    try:
        with transaction.atomic():
            events.deliver(event)
    except Exception as error:
        now = timezone.now()
        row.last_error = f"{type(error).__name__}: {error}"[:2000]
        if now >= row.retry_until:
            row.state = OutboxState.DEAD
            logger.error("Outbox: %s #%s is a dead letter after %s attempts: %s",
                         row.name, row.pk, row.attempts, row.last_error)  # fmt: skip
        else:
            row.next_attempt_at = now + retry_delay(row.attempts)
        row.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
    else:
        row.state = OutboxState.DONE
        row.handled_at = timezone.now()
        row.save(update_fields=["attempts", "state", "handled_at"])
    finally:
        connections[DEFAULT_DB_ALIAS].set_schema_to_public()  # type: ignore[attr-defined]


def prune_done() -> int:
    """Delete rows handled more than `OUTBOX_KEEP_DONE_SECONDS` ago."""
    before = timezone.now() - datetime.timedelta(seconds=settings.OUTBOX_KEEP_DONE_SECONDS)
    with schema_context(get_public_schema_name()):
        deleted, _ = OutboxEvent.objects.filter(
            state=OutboxState.DONE, handled_at__lt=before
        ).delete()
    return deleted
