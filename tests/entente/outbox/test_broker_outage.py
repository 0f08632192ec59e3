"""A broker away at commit time loses nothing: a real worker relays the events once it is back.

Data is committed (the worker is another process): the person by a module fixture, which
removes what the test made; the events by a thread of their own, outside the test's
transaction. They go through `publish_on_commit` as every service's do; the wake-ups sent after
each commit find no broker, as during a Redis outage, and are lost. Once the broker is back,
one sweep (what beat sends every OUTBOX_SWEEP_SECONDS) makes every notification, once.
"""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from entente.accounts.models import Membership, Role, User
from entente.core.events import Event, publish_on_commit
from entente.notifications.models import Notification, NotificationKind
from entente.outbox.models import OutboxEvent, OutboxState
from entente.outbox.tasks import relay_outbox
from tenants.models import Tenant
from tests.entente.outbox.conftest import broker_away
from tests.entente.test_celery_worker import send_ping, wait_for_answers
from tests.support.threads import run_in_a_thread

pytestmark = pytest.mark.django_db
EVENTS = 20
WAIT_SECONDS = 90


@pytest.fixture(scope="module")
def admin(
    committed_tenants: dict[str, Tenant], django_db_blocker: Any
) -> Iterator[tuple[User, Tenant]]:
    tenant = committed_tenants["tenant_a"]
    with django_db_blocker.unblock():
        user = User.objects.create_user(
            email=f"admin-{uuid.uuid4().hex[:8]}@lege.test", full_name="Anne Admin"
        )
        Membership.objects.create(user=user, tenant=tenant, role=Role.ADMIN)
        connection.close()
    try:
        yield user, tenant
    finally:
        with django_db_blocker.unblock():
            Notification.objects.filter(user=user).delete()
            OutboxEvent.objects.filter(payload__admin_test=user.pk).delete()
            user.delete()
            connection.close()


def _committed(write: Callable[[], None]) -> None:
    """Run `write` on a connection of its own, outside the test's transaction: it commits."""
    run_in_a_thread(write)


def _reminders(user: User) -> int:
    return Notification.objects.filter(user=user, kind=NotificationKind.TRIAL_REMINDER).count()


@pytest.mark.django_db(transaction=False)
def test_events_written_while_the_broker_is_away_are_handled_once_it_is_back(
    worker: tuple[subprocess.Popen[bytes], Path],
    admin: tuple[User, Tenant],
    django_db_blocker: Any,
    settings: Any,
) -> None:
    user, tenant = admin
    settings.OUTBOX_RELAY = "celery"
    # The worker is up and has consumed its start-up sweep (one pool process, in order).
    wait_for_answers([send_ping(tenant.schema_name)], worker)
    wait_for_answers([send_ping(tenant.schema_name)], worker)

    def write_while_the_broker_is_away() -> None:
        for n in range(EVENTS):
            with transaction.atomic():  # as a service does: the change, its event, one commit
                publish_on_commit(
                    Event(
                        "trial.reminder",
                        tenant.schema_name,
                        {"kind": "reminder", "days_left": 7, "deadline": f"d{n}",
                         "admin_test": user.pk},
                    )
                )  # fmt: skip

    with django_db_blocker.unblock(), broker_away():
        _committed(write_while_the_broker_is_away)
        rows = list(OutboxEvent.objects.filter(payload__admin_test=user.pk))
        assert len(rows) == EVENTS
        assert {row.state for row in rows} == {OutboxState.PENDING}
        assert _reminders(user) == 0

    with django_db_blocker.unblock(), schema_context("public"):
        relay_outbox.delay()  # the broker is back: beat's next sweep
        deadline = time.monotonic() + WAIT_SECONDS
        while OutboxEvent.objects.filter(
            payload__admin_test=user.pk, state=OutboxState.PENDING
        ).exists():
            if worker[0].poll() is not None or time.monotonic() > deadline:
                pytest.fail("The worker did not relay the outbox:\n" + worker[1].read_text())
            time.sleep(0.1)
        states = set(
            OutboxEvent.objects.filter(payload__admin_test=user.pk).values_list("state", flat=True)
        )
        assert states == {OutboxState.DONE}
        assert _reminders(user) == EVENTS
        # A second sweep finds nothing to do and makes nothing twice.
        relay_outbox.delay()
        wait_for_answers([send_ping(tenant.schema_name)], worker)
        assert _reminders(user) == EVENTS
        connection.close()
