"""The routing channel's clock and another process's writes, for the tests of the per-process
caches that ride on it (tenants.routing; the membership, federated and reach caches)."""

from __future__ import annotations

import pytest

from tenants import routing


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """The routing channel's clock, moved by the test instead of waiting."""
    fake = FakeClock()
    monkeypatch.setattr(routing, "clock", fake)
    return fake


def publish_from_another_process(changes: dict[str, list[str]] | None) -> None:
    """What another process writes to the shared cache once its change commits."""
    shared = routing._shared_cache()
    shared.add(routing.GENERATION_KEY, 0, timeout=None)
    generation = shared.incr(routing.GENERATION_KEY)
    if changes is not None:
        shared.set(routing.CHANGES_KEY.format(generation=generation), changes, timeout=60)
