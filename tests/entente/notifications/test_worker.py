"""The whole pipeline with a real Celery worker: a service call, after commit, makes the row.

Nothing eager: the subscriber sends the message to this run's queue, the worker (a subprocess)
runs `create_notifications` in the tenant's schema, then e-mails the person over real SMTP.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from entente.notifications import preferences
from entente.notifications.models import Delivery, Notification, NotificationKind
from entente.tasks import services as tasks
from tests.support.acting import seeding
from tests.support.live import LIVE_DB
from tests.support.smtp import Mailbox
from tests.support.worker import celery_worker

from .conftest import World

pytestmark = [LIVE_DB]
WAIT_SECONDS = 90  # the worker's start-up is in this wait


def test_assigning_a_task_reaches_the_inbox_and_the_mailbox_through_a_worker(
    world: World, smtp_server: Mailbox, tmp_path: Path
) -> None:
    editor, reader = world.people["editor"], world.people["reader"]
    preferences.set_preference(reader.pk, NotificationKind.TASK_ASSIGNED, Delivery.EMAIL)
    with celery_worker(tmp_path, EMAIL_URL=smtp_server.smtp_url()) as (process, log):
        with world.enter():
            tasks.update_task(seeding(editor), world.task, assignee_ids=[editor.pk, reader.pk])
        deadline = time.monotonic() + WAIT_SECONDS
        while not Notification.objects.filter(user=reader).exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"No notification made. Worker log:\n{log.read_text()}")
            time.sleep(0.1)
        [message] = smtp_server.wait_for(reader.email, timeout=WAIT_SECONDS)
    [row] = Notification.objects.filter(user=reader)
    assert row.kind == NotificationKind.TASK_ASSIGNED
    assert row.tenant == world.tenant
    assert "vous a confié la tâche" in message["Subject"]
    row.refresh_from_db()
    assert row.emailed_at is not None
    assert not Notification.objects.filter(user=editor).exists()
