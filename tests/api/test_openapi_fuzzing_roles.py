"""schemathesis as a citizen, an élu and an agent of the communauté de communes, every check;
the coverage phase is the agent's in `make test`, everyone's in `make fuzz` (see
tests/api/fuzzing.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler

from tests.api.fuzzing import (
    ROLE_SETTINGS,
    _requests_sent,
    as_actor,
    cc_agent,
    citizen,
    elected,
    role_schema,
    wsgi_app,
)

__all__ = ["_requests_sent", "cc_agent", "citizen", "elected", "wsgi_app"]  # fixtures, used by name


@role_schema.parametrize()
@ROLE_SETTINGS
@pytest.mark.django_db
def test_as_a_citizen(case: Any, citizen: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(**as_actor(case, citizen))


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
