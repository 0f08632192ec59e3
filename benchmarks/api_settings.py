"""Settings of the Entente server of benchmarks/api.py: the test settings with Django's pool.

Under ASGI each request runs in its own thread, so persistent connections (one per thread)
would exhaust the server's connection slots at 32 clients; production uses Django's pool for
the same reason (settings/production.py, DATABASE_POOL). Both benchmarked servers use it.
"""

from __future__ import annotations

import os

from entente.config.settings.test import *  # noqa: F403
from entente.config.settings.test import DATABASES

POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "8"))
DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": POOL_SIZE,
    "max_size": POOL_SIZE,
    "timeout": 10,
}
