"""Page-level usage, buffered in Redis and written to the log in batches by a beat task.

A page pays one RPUSH (no database write, no broker message): capture must add ≤ 1 ms to a
request. The buffer is best effort, as audience measurement may be: a Redis outage drops the
page-level events of its duration (logged), never the page. Events the services publish go
through the outbox instead (`entente.analytics.capture`), with its guarantees.
"""

from __future__ import annotations

import json
import logging
import uuid
from functools import cache
from typing import Any

import redis
from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)


@cache
def buffer_key() -> str:
    """Under the cache's prefix: each deployment (and each test run) has its own buffer."""
    return f"{settings.CACHES['default'].get('KEY_PREFIX', 'entente')}:analytics:usage"


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=0.5)


def push(tenant_schema: str, user_id: int, name: str, kind: str) -> None:
    entry = {
        "key": uuid.uuid4().hex,
        "tenant": tenant_schema,
        "user_id": user_id,
        "name": name,
        "kind": kind,
        "at": timezone.now().isoformat(),
    }
    try:
        _client().rpush(buffer_key(), json.dumps(entry))
    except redis.RedisError:
        logger.warning("Usage buffer unavailable: %s dropped", name, exc_info=True)


def pop(limit: int) -> list[dict[str, Any]]:
    """Up to `limit` buffered entries, oldest first (they leave the buffer)."""
    raw: Any = _client().lpop(buffer_key(), limit)
    return [json.loads(item) for item in raw or []]
