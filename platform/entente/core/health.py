"""Readiness checks: each returns ok and a short detail, never raises."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection


def _timed(check: Callable[[], str]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = check()
        ok = True
    except Exception as error:  # a readiness probe reports, it does not crash
        detail, ok = f"{type(error).__name__}: {error}", False
    return {"ok": ok, "detail": detail, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "connected"


def _redis() -> str:
    cache.set("readyz", "1", timeout=5)
    if cache.get("readyz") != "1":
        raise RuntimeError("cache round-trip failed")
    return "connected"


def _template_schema() -> str:
    from tenants.template import template_is_current

    if not template_is_current():
        raise RuntimeError("template schema is behind the migrations")
    return "current"


def readiness_checks() -> dict[str, dict[str, Any]]:
    return {
        "database": _timed(_database),
        "redis": _timed(_redis),
        "template_schema": _timed(_template_schema),
    }
