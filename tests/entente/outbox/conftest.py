"""Outbox tests: the world of the tasks tests, a real worker, a broker away as during an outage."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from entente.config.celery_app import app
from tests.entente.tasks.conftest import World, _media_root, world  # noqa: F401
from tests.entente.test_celery_worker import committed_tenants, worker  # noqa: F401

DEAD_BROKER = "redis+socket:///nonexistent/entente-broker.sock"


def _forget_connections() -> None:
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_away() -> Iterator[None]:
    """This process's Celery sends to a socket nobody listens on (what a dead Redis answers)."""
    before = app.conf.broker_url
    app.conf.broker_url = DEAD_BROKER
    _forget_connections()
    try:
        yield
    finally:
        app.conf.broker_url = before
        _forget_connections()
