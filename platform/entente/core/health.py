"""Readiness checks: each returns ok and a short detail, never raises.

/readyz is public (the ingress routes it like any page), so a failure shows only the kind of
error; the full message, which may name servers or accounts, goes to the log.

The database and Redis are checked here; what lives above `entente.core` adds its own check
with `register_check` from its `AppConfig.ready()` (the template schema: `tenants`), since
`entente.core` never imports `tenants` (import-linter, pyproject.toml).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)


class CheckFailedError(Exception):
    """A check's own verdict, whose message is safe to show."""


def _timed(name: str, check: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except CheckFailedError as error:
        detail, ok = str(error), False
        logger.warning("Readiness check %s failed: %s", name, error)
    except Exception as error:  # a readiness probe reports, it does not crash
        detail, ok = type(error).__name__, False
        logger.warning("Readiness check %s failed", name, exc_info=True)
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "connected"


def _redis() -> str:
    cache.set("readyz", "1", timeout=5)
    if cache.get("readyz") != "1":
        raise CheckFailedError("cache round-trip failed")
    return "connected"


_registered_checks: dict[str, Callable[[], str]] = {}


def register_check(name: str, check: Callable[[], str]) -> None:
    """Add `name` to /readyz: `check()` returns a short detail or raises (CheckFailedError)."""
    _registered_checks[name] = check


def readiness_checks() -> dict[str, dict[str, Any]]:
    checks = {"database": _timed("database", _database), "redis": _timed("redis", _redis)}
    for name, check in _registered_checks.items():
        checks[name] = _timed(name, check)
    return checks
