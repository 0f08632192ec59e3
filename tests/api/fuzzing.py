"""schemathesis over the whole OpenAPI with every check on, writes included: the support of
`test_openapi_fuzzing.py` (agent) and `test_openapi_fuzzing_roles.py` (citizen, élu and CC
agent), two files of about the same length so that two workers share them. No server error,
no answer outside the schema (status, content type, headers, body), schema-violating data
refused (ST201) and schema-valid data accepted (ST202: a 2xx, or a 401/403/404/409 the schema
states).

Body fields that name another object (`space`, `assignees`, `labels`…) get, in valid cases, an
id the actor has (`with_known_references`): the schema can say « integer », not « a space you
may write in ». Everything else is what hypothesis draws.

Each operation is one test per role; hypothesis draws `FUZZ_EXAMPLES` examples (3 in
`make test`, 10 for the roles without the coverage phase), with the explicit examples and the
schema's coverage cases. `make fuzz` runs it with more and prints how many requests each role
sent. The requests go through Django's WSGI handler in the test's own process and transaction
(nothing is left behind), with the bearer token a script would use (no CSRF dance); the actor
has something to reach: a space with a task and a label.
"""

from __future__ import annotations

import datetime
import os
import sys
from collections import Counter
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
from entente.citizens.models import CitizenSection, PublicProjectSettings
from entente.spaces.models import Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Label
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.support.acting import seeding

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))


def _raw_schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_raw_schema())
# In-process: every request, and those the checks replay (without auth…), go to Django.
schema.app = WSGIHandler()
# The coverage phase walks the schema's boundaries (each length, bound, missing field…), which
# the API checks the same way for every role: the agent runs it; the citizen, the élu and the
# CC agent run the explicit and random examples only, in `make test` (`make fuzz`: every phase).
role_schema = schemathesis.openapi.from_dict(_raw_schema())
role_schema.app = schema.app
role_schema.config.phases.coverage.enabled = "FUZZ_EXAMPLES" in os.environ


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


def make_actor(
    role: str,
    tenant_a: Tenant,
    make_user: Any,
    visibility: str = Visibility.PUBLIC_PROJECT,
) -> dict[str, Any]:
    user: User = make_user(tenant=tenant_a, role=role, full_name=f"Fuzz {role}")
    owner: User = make_user(tenant=tenant_a, role=Role.ADMIN)
    with tenant_context(tenant_a):
        space = Space.objects.create(
            name="Projet fuzz", kind=SpaceKind.PROJECT, visibility=visibility
        )
        SpaceMembership.objects.create(space=space, user=owner, role=SpaceRole.EDITOR)
        space_role = SpaceRole.EDITOR if role != Role.GUEST else SpaceRole.COMMENTER
        SpaceMembership.objects.create(space=space, user=user, role=space_role)
        if role == Role.GUEST:  # every section open: the citizen reaches all a citizen may
            PublicProjectSettings.objects.create(space=space, open_sections=CitizenSection.values)
        label = Label.objects.create(name="Fuzz", color="#1f6feb")
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
        "known": {"space": space.pk, "person": user.pk, "label": label.pk},
        "role": f"{role}@{tenant_a.slug}",
    }


# Body fields that name another object: the schema can say « an integer », not « the id of a
# space you may write in ». Valid cases get the actor's own (as a client would pick one from a
# list); invalid ones keep what hypothesis drew.
SPACE_REFERENCES = frozenset({"space", "space_id"})
PERSON_REFERENCES = frozenset({"assignee_id", "user_id", "assignees", "observers"})
LABEL_REFERENCES = frozenset({"labels"})


def _kind_of(name: str) -> str | None:
    for kind, names in (
        ("space", SPACE_REFERENCES),
        ("person", PERSON_REFERENCES),
        ("label", LABEL_REFERENCES),
    ):
        if name in names:
            return kind
    return None


# Communes linked to the collectivité: none here (an empty scope is every linked commune).
EMPTIED = frozenset({"federation_scope"})


def _known(value: Any, name: str, known: dict[str, int]) -> Any:
    if name in EMPTIED and isinstance(value, list):
        return []
    kind = _kind_of(name)
    if kind is not None:
        if isinstance(value, int) and not isinstance(value, bool):
            return known[kind]
        if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
            return [known[kind]]
    return with_known_references(value, known)


def with_known_references(body: Any, known: dict[str, int]) -> Any:
    if isinstance(body, dict):
        return {key: _known(value, key, known) for key, value in body.items()}
    if isinstance(body, list):
        return [with_known_references(item, known) for item in body]
    return body


SENT: Counter[str] = Counter()


def as_actor(case: Any, actor: dict[str, Any]) -> dict[str, Any]:
    """Prepare `case` for `actor` (their own ids in valid bodies; the count) and return the
    arguments of `case.call_and_validate`."""
    if case.meta is not None and case.meta.generation.mode.is_positive:
        case.body = with_known_references(case.body, actor["known"])
    SENT[actor["role"]] += 1
    return {"headers": actor["headers"], "base_url": actor["base_url"]}


@pytest.fixture(scope="module", autouse=True)
def _requests_sent() -> Iterator[None]:
    """The figure `make fuzz` prints (with -s): requests per role, checks replayed apart."""
    yield
    if SENT:
        figures = ", ".join(f"{role} {count}" for role, count in sorted(SENT.items()))
        sys.stdout.write(f"\nschemathesis: {sum(SENT.values())} requests ({figures})\n")


@pytest.fixture
def agent(tenant_a: Tenant, make_user: Any) -> dict[str, Any]:
    return make_actor(Role.AGENT, tenant_a, make_user)


@pytest.fixture
def citizen(tenant_a: Tenant, make_user: Any) -> dict[str, Any]:
    return make_actor(Role.GUEST, tenant_a, make_user)


@pytest.fixture
def elected(tenant_a: Tenant, make_user: Any) -> dict[str, Any]:
    return make_actor(Role.ELECTED, tenant_a, make_user, visibility=Visibility.TENANT)


@pytest.fixture
def cc_agent(tenant_epci: Tenant, make_user: Any) -> dict[str, Any]:
    """An agent of the communauté de communes, in a space shared with its member communes."""
    return make_actor(Role.AGENT, tenant_epci, make_user, visibility=Visibility.FEDERATION)


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
# Without the coverage phase, more random examples for the same cost.
ROLE_SETTINGS = settings(FUZZ_SETTINGS, max_examples=int(os.environ.get("FUZZ_EXAMPLES", "10")))
