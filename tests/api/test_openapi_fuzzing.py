"""schemathesis as an agent, every phase and every check (tests/api/fuzzing.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler

from tests.api.fuzzing import (
    FUZZ_SETTINGS,
    _requests_sent,
    agent,
    as_actor,
    schema,
    wsgi_app,
)

__all__ = ["_requests_sent", "agent", "wsgi_app"]  # fixtures, used by name


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_as_an_agent(case: Any, agent: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(**as_actor(case, agent))
