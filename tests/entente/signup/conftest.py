"""Machecoul-Saint-Même: a commune with no tenant yet, in the CC Sud Retz Atlantique; helpers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from entente.reference.selectors import Collectivity
from entente.signup import services
from entente.signup.models import Signup
from entente.signup.selectors import collectivity_by_code

MACHECOUL = "44087"


@pytest.fixture
def machecoul(official_data: None, db: None) -> Collectivity:
    collectivity = collectivity_by_code("commune", MACHECOUL)
    assert collectivity is not None
    return collectivity


@pytest.fixture
def fresh_ip() -> str:
    """An address of its own per test: rate-limit counters live in Redis across tests."""
    number = uuid.uuid4().int
    return f"10.{number % 250}.{(number >> 8) % 250}.{(number >> 16) % 250 + 1}"


@pytest.fixture
def fresh_email() -> Callable[[], str]:
    return lambda: f"agent-{uuid.uuid4().hex[:10]}@mairie-test.fr"


@pytest.fixture
def sent_tasks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The provisioning tasks sent (ids), instead of a broker: the worker is tested elsewhere."""
    from entente.signup import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.provision_signup_task, "delay", sent.append)
    return sent


@pytest.fixture
def start(
    machecoul: Collectivity,
    fresh_ip: str,
    fresh_email: Callable[[], str],
    django_capture_on_commit_callbacks: Any,
) -> Callable[..., Signup]:
    def make(collectivity: Collectivity | None = None, **fields: Any) -> Signup:
        values: dict[str, Any] = {
            "collectivity": collectivity or machecoul,
            "full_name": "Anne Lebreton",
            "email": fresh_email(),
            "function": "Secrétaire de mairie",
            "ip_address": fresh_ip,
        }
        values.update(fields)
        with django_capture_on_commit_callbacks(execute=True):
            return services.start_signup(**values)

    return make


def link_in(body: str) -> str:
    """The one http(s) link of a plain-text e-mail."""
    links = [word for word in body.split() if word.startswith("http")]
    assert len(links) == 1, body
    return links[0]


def token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]
