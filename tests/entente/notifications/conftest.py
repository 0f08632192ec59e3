"""Notifications tests: the world of the tasks tests, Celery run inline, events collected."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from entente.config.celery_app import app
from entente.core import events
from tests.entente.tasks.conftest import World, _media_root, world  # noqa: F401


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks sent with `.delay()` run at once, in this process (the real task functions)."""
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    events.subscribe(seen.append)
    yield seen
    events.unsubscribe(seen.append)
