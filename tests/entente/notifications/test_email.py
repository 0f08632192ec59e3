"""E-mails of notifications through a real SMTP server: at once, and digests sent once."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.utils import timezone

from entente.notifications import preferences, services
from entente.notifications.digests import period_start, send_digests
from entente.notifications.models import Delivery, DigestRun, Notification, NotificationKind
from entente.notifications.tasks import send_digests as send_digests_task
from tests.support.smtp import Mailbox

from .conftest import World

pytestmark = pytest.mark.usefixtures("eager")


def _mention(world: World, key: str, *people: str) -> None:
    services.create_for_event(
        "task.mentioned",
        world.tenant.schema_name,
        [world.people[p].pk for p in people],
        {"task_id": world.task.pk, "actor_id": world.people["editor"].pk},
        world.space.pk,
        key,
    )


def test_a_daily_digest_is_sent_once_even_if_the_task_runs_twice(
    world: World, smtp_server: Mailbox
) -> None:
    reader, commenter = world.people["reader"], world.people["commenter"]
    preferences.set_preference(reader.pk, NotificationKind.MENTIONED, Delivery.DAILY)
    preferences.set_preference(commenter.pk, NotificationKind.MENTIONED, Delivery.WEEKLY)
    _mention(world, "one", "reader", "commenter")
    _mention(world, "two", "reader")

    assert send_digests_task.apply(args=("daily",)).get() == 1
    assert send_digests_task.apply(args=("daily",)).get() == 0  # the same day: nothing more

    [message] = smtp_server.wait_for(reader.email)
    time.sleep(0.3)  # a second message, if one were sent, would have arrived by now
    assert len(smtp_server.to(reader.email)) == 1
    assert message["Subject"].strip() == "[Entente] Votre résumé du jour : 2 notifications"
    text = Mailbox.text_of(message)
    assert "== Legé ==" in text
    assert text.count("vous a mentionné dans la tâche") == 2
    assert f"/taches/{world.task.pk}/" in text
    assert not Notification.objects.filter(user=reader, emailed_at__isnull=True).exists()
    run = DigestRun.objects.get(user=reader)
    assert (run.frequency, run.notifications) == ("daily", 2)
    assert run.sent_at is not None
    # the weekly person is not in the daily digest
    assert smtp_server.to(commenter.email) == []
    assert send_digests("weekly", now=timezone.now()) == 1
    assert send_digests("weekly", now=timezone.now()) == 0
    [weekly] = smtp_server.wait_for(commenter.email)
    assert "semaine" in weekly["Subject"]


def test_a_claimed_period_is_never_sent_again(world: World, smtp_server: Mailbox) -> None:
    """Another run (concurrent, or earlier) holds this period: this one sends nothing."""
    reader = world.people["reader"]
    preferences.set_preference(reader.pk, NotificationKind.MENTIONED, Delivery.DAILY)
    _mention(world, "one", "reader")
    now = timezone.now()
    DigestRun.objects.create(
        user=reader, frequency="daily", period_start=period_start("daily", now)
    )
    assert send_digests("daily", now=now) == 0
    assert smtp_server.messages == []
    # the next day, the pending one goes out
    assert send_digests("daily", now=now + datetime.timedelta(days=1)) == 1
    assert len(smtp_server.wait_for(reader.email)) == 1


def test_weekly_periods_start_on_monday() -> None:
    wednesday = timezone.make_aware(datetime.datetime(2026, 11, 25, 9, 0))
    assert period_start("weekly", wednesday) == datetime.date(2026, 11, 23)
    assert period_start("daily", wednesday) == datetime.date(2026, 11, 25)


def test_email_at_once_over_smtp(
    world: World, smtp_server: Mailbox, django_capture_on_commit_callbacks: Any
) -> None:
    reader = world.people["reader"]
    preferences.set_preference(reader.pk, NotificationKind.MENTIONED, Delivery.EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        _mention(world, "one", "reader")
    [message] = smtp_server.wait_for(reader.email)
    assert message["Subject"].strip().startswith("[Entente] Claire Morand vous a mentionné")
    assert "Dans Legé :" in Mailbox.text_of(message)
