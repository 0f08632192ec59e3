"""A council's space for the browser tests of meetings (tests/browser/test_council.py and
test_elected_link.py): « Conseil municipal », a private space of Legé with an agent (editor)
and an élu (commenter), committed so that a live server sees it; deleted after the test, with
the meetings and tasks made in it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.meetings.models import Meeting
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Task
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS


@pytest.fixture
def council(committed_user: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    agent = committed_user({"tenant_a": "agent"}, full_name="Claire Morand")
    elected = committed_user({"tenant_a": "elected"}, full_name="Paul Girard")
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_a"]["official_code"])
        with tenant_context(tenant):
            space = Space.objects.create(name="Conseil municipal", visibility=Visibility.PRIVATE)
            SpaceMembership.objects.create(space=space, user=agent, role=SpaceRole.EDITOR)
            SpaceMembership.objects.create(space=space, user=elected, role=SpaceRole.COMMENTER)
    yield {"agent": agent, "elected": elected, "tenant": tenant, "space": space}
    with django_db_blocker.unblock(), tenant_context(tenant):
        Task.objects.filter(space=space).delete()
        Meeting.objects.filter(space=space).delete()
        Space.objects.filter(pk=space.pk).delete()
