"""Background work of notifications: creation from events, e-mails, digests, due dates.

All are idempotent: creation by dedup keys, the e-mail at once by claiming `emailed_at`
before sending, digests by a DigestRun row unique per person and period, due dates by a key
per task and due date. Retries (acks_late, backoff) are therefore harmless.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, tenant_context

from entente.outbox.retry import outage_retry
from tenants.models import Tenant

from . import digests, services

logger = logging.getLogger(__name__)

RETRY: dict[str, Any] = outage_retry()
"""Capped backoff for hours (TASK_RETRY_FOR_SECONDS): a database outage delays, loses nothing."""


@shared_task(**RETRY)
def create_notifications(
    event_name: str,
    tenant_schema: str,
    user_ids: list[int],
    payload: dict[str, Any],
    space_id: int | None = None,
    event_key: str = "",
) -> list[int]:
    """The notifications of one event (plain data, so the message survives any restart).

    Events reach `create_for_event` through the outbox now (`subscribers.on_event`); this task
    stays for messages sent before, and for callers that have no transaction to write in.
    """
    with schema_context(get_public_schema_name()):
        made = services.create_for_event(
            event_name, tenant_schema, user_ids, payload, space_id, event_key
        )
    return [n.pk for n in made]


@shared_task(**RETRY)
def send_notification_emails(notification_ids: list[int]) -> int:
    """The e-mail at once of each notification; one already e-mailed is never sent again."""
    with schema_context(get_public_schema_name()):
        return digests.send_at_once(notification_ids)


@shared_task(**RETRY)
def send_digests(frequency: str) -> int:
    """Beat: the daily (or weekly) digest of everyone who has one due. Idempotent per period."""
    with schema_context(get_public_schema_name()):
        return digests.send_digests(frequency, now=timezone.now())


@shared_task(**RETRY)
def notify_due_tasks() -> int:
    """In the schema the message carries: tasks due tomorrow and overdue ones."""
    from django.db import connection

    tenant = Tenant.objects.get(schema_name=connection.schema_name)  # type: ignore[attr-defined]
    return services.notify_due_tasks(tenant, timezone.localdate())


@shared_task(ignore_result=True)
def notify_due_tasks_everywhere() -> int:
    """Beat, daily: one `notify_due_tasks` per open tenant."""
    sent = 0
    for tenant in Tenant.objects.exclude(schema_name=get_public_schema_name()).iterator():
        if not tenant.is_open:
            continue
        with tenant_context(tenant):
            notify_due_tasks.delay()
        sent += 1
    return sent
