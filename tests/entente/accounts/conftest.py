"""Fixtures for the people-and-pages tests."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress

from entente.accounts.models import Role, User
from tenants.models import Tenant

from .support import Visitor


@pytest.fixture
def visitor() -> Visitor:
    return Visitor()


@pytest.fixture
def person(make_user: Callable[..., User]) -> Callable[..., User]:
    """Someone who can log in by the form: their address is verified, as after an invitation."""

    def make(
        email: str | None = None,
        tenant: Tenant | None = None,
        role: str = Role.AGENT,
        **fields: Any,
    ) -> User:
        user = make_user(email, tenant, role, **fields)
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        return user

    return make


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> None:
    """A cache namespace of this test's own.

    allauth counts login failures and confirmation e-mails in the cache (its rate limits), and
    our Redis outlives a test: without this, running the suite twice within minutes would find
    the previous run's counters and refuse the mails. A new prefix, nothing flushed.
    """
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = (
        f"{caches['default'].get('KEY_PREFIX', '')}-{uuid.uuid4().hex}"
    )
    settings.CACHES = caches
