"""schemathesis as an élu and as an agent of the communauté de communes, every check; the
coverage phase is the agent's (tests/api/fuzzing.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler

from tests.api.fuzzing import (
    ROLE_SETTINGS,
    _requests_sent,
    as_actor,
    cc_agent,
    elected,
    role_schema,
    wsgi_app,
)

__all__ = ["_requests_sent", "cc_agent", "elected", "wsgi_app"]  # fixtures, used by name


@role_schema.parametrize()
@ROLE_SETTINGS
@pytest.mark.django_db
def test_as_an_elected_official(case: Any, elected: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(**as_actor(case, elected))


@role_schema.parametrize()
@ROLE_SETTINGS
@pytest.mark.django_db
def test_as_a_cc_agent(case: Any, cc_agent: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(**as_actor(case, cc_agent))
