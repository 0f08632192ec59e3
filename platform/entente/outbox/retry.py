"""Celery options for tasks that need the database or the broker: retried through an outage.

Six retries with backoff gave up within 45 s while PostgreSQL was away (issue 23). Here the
backoff doubles up to `TASK_RETRY_MAX_SECONDS` and the retries last `TASK_RETRY_FOR_SECONDS`
(hours) in all; such tasks must be idempotent, as acks_late redelivers them too.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings


def retries_for(seconds: float, cap: float) -> int:
    """How many retries of a backoff doubling from 1 s up to `cap` fill `seconds`."""
    doubling = math.ceil(math.log2(max(cap, 1.0)))  # 1, 2, 4 … until the cap
    spent_doubling = 2**doubling - 1
    return doubling + max(math.ceil((seconds - spent_doubling) / cap), 0)


def outage_retry(**options: Any) -> dict[str, Any]:
    """Task options: `@shared_task(**outage_retry())`."""
    cap = int(settings.TASK_RETRY_MAX_SECONDS)
    return {
        "acks_late": True,
        "autoretry_for": (Exception,),
        "retry_backoff": True,
        "retry_backoff_max": cap,
        "retry_jitter": False,  # the count above is the duration; jitter would halve it
        "max_retries": retries_for(settings.TASK_RETRY_FOR_SECONDS, cap),
        "ignore_result": True,
        **options,
    }
