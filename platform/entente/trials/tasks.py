"""The periodic task that applies trial dates (CELERY_BEAT_SCHEDULE: `trials-apply-dates`)."""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import get_public_schema_name, schema_context

from . import services

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def apply_trial_dates() -> dict[str, int]:
    """Reminders and expiries due now. Idempotent: reminders are claimed once, expiry is a no-op
    for a tenant already expired, so a retried or doubled run changes nothing."""
    with schema_context(get_public_schema_name()):
        report = services.apply_trial_dates()
    logger.info(
        "Trial dates applied: %d reminder(s), %d expiry(ies), %d failed mail(s)",
        len(report.reminders),
        len(report.expired),
        len(report.failed),
    )
    return {
        "reminders": len(report.reminders),
        "expired": len(report.expired),
        "failed": len(report.failed),
    }
