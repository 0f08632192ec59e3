"""Wiring at start-up: `publish_on_commit` writes here, /metrics counts the backlog, a starting
worker sweeps at once."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def _sweep_on_worker_ready(**kwargs: Any) -> None:
    """A worker back after an outage relays the backlog without waiting for beat."""
    from .tasks import relay_outbox

    try:
        relay_outbox.apply_async(retry=False)
    except Exception as error:
        logger.warning("Outbox: no sweep at worker start (%s)", error)


def connect() -> None:
    from celery.signals import worker_ready

    from entente.core.events import use_recorder
    from entente.core.metrics import register_scrape_collector

    from .metrics import OutboxCollector
    from .relay import record

    use_recorder(record)
    register_scrape_collector(OutboxCollector)
    worker_ready.connect(_sweep_on_worker_ready, dispatch_uid="outbox.worker_ready")
