"""schemathesis over the whole OpenAPI, as an agent and as a citizen, writes included, with
every check but one: server errors, status codes, content types, headers, response schemas,
undeclared methods, authentication ignored, schema-violating data refused… The one left out
(`NOT_YET`, below) still fails and is named there: some schema-valid requests get a 400.

Each operation is one test per role; hypothesis draws a few examples (`MAX_EXAMPLES`, with the
explicit examples and the schema's coverage cases), so the module runs in about a minute of CPU.
The requests go through Django's WSGI handler in the test's own process and transaction
(nothing is left behind), with the bearer token a script would use (no CSRF dance); the actor
has something to reach: a public project with a task.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django_tenants.utils import tenant_context
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings

from entente.accounts.models import Role, User
from entente.accounts.services import create_api_token
from entente.spaces.models import Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.support.acting import seeding

MAX_EXAMPLES = 6


def _raw_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_raw_schema())
# In-process: every request, and those the checks replay (without auth…), go to Django.
schema.app = WSGIHandler()


@pytest.fixture
def wsgi_app() -> Iterator[WSGIHandler]:
    """Like the test client, leave the test's connection (and its transaction) open around each
    request that Django's handler serves."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield schema.app
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def make_actor(role: str, tenant_a: Tenant, make_user: Any) -> dict[str, Any]:
    user: User = make_user(tenant=tenant_a, role=role, full_name=f"Fuzz {role}")
    owner: User = make_user(tenant=tenant_a, role=Role.ADMIN)
    with tenant_context(tenant_a):
        space = Space.objects.create(
            name="Projet fuzz", kind=SpaceKind.PROJECT, visibility=Visibility.PUBLIC_PROJECT
        )
        SpaceMembership.objects.create(space=space, user=owner, role=SpaceRole.EDITOR)
        space_role = SpaceRole.EDITOR if role != Role.GUEST else SpaceRole.COMMENTER
        SpaceMembership.objects.create(space=space, user=user, role=space_role)
        create_task(
            seeding(owner),
            space=space,
            title="Tâche fuzz",
            assignee_ids=[owner.pk],
            due_date=datetime.date(2026, 12, 31),
        )
    token = create_api_token(user, name="fuzz")
    return {
        "headers": {"Authorization": f"Bearer {token.raw}"},
        "base_url": f"http://{tenant_a.primary_host}",
    }


@pytest.fixture
def agent(tenant_a: Tenant, make_user: Any) -> dict[str, Any]:
    return make_actor(Role.AGENT, tenant_a, make_user)


@pytest.fixture
def citizen(tenant_a: Tenant, make_user: Any) -> dict[str, Any]:
    return make_actor(Role.GUEST, tenant_a, make_user)


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)


# Left out until the API and its schema agree on unknown ids and bounds (issue 24, not done
# yet): ids of things one cannot see in a body or query answer 400 where the schema lets one
# expect 2xx or 404 (tasks' `space`, notification preferences' `space_id`, read-all's `tenant`),
# search's `page=0`/`page_size=0` are refused where the schema sets no minimum, and two bodies of
# free-form keys are refused (ST202). Schema-violating data is refused (ST201): text fields take
# strings only (api/fields.py), empty dates and `?flag=null` are a 400.
NOT_YET = [schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_as_an_agent(case: Any, agent: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(
        headers=agent["headers"], base_url=agent["base_url"], excluded_checks=NOT_YET
    )


@schema.parametrize()
@FUZZ_SETTINGS
@pytest.mark.django_db
def test_as_a_citizen(case: Any, citizen: dict[str, Any], wsgi_app: WSGIHandler) -> None:
    case.call_and_validate(
        headers=citizen["headers"], base_url=citizen["base_url"], excluded_checks=NOT_YET
    )
