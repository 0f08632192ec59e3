"""Analytics tests: the tasks tests' world, Celery inline so that the outbox delivers."""

from __future__ import annotations

from tests.entente.notifications.conftest import eager  # noqa: F401
from tests.entente.tasks.conftest import World, _media_root, world  # noqa: F401
