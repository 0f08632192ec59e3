"""Every tenant route, walked by a federated stand-in on the EPCI's host: nothing leaks.

The stand-in (staff of Legé, linked to the CC) joined one federation space. The CC also has a
tenant-visible space, a private one, and a task in each, all named with a canary; each route of
the tenant URL configuration, its ids filled with those spaces' and tasks', answered by GET and
POST, must never show the canary, and nothing of the CC's may change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

import tests.test_isolation_matrix as matrix
from entente.accounts.acting import federated_membership
from entente.accounts.models import User
from entente.federation import spaces as federation_spaces
from entente.spaces.models import Space, Visibility
from entente.spaces.permissions import SpaceAbilities
from entente.tasks.models import Task
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.support.federation import federation_space, make_world

CANARY = "CANARI-FEDERATION"
EVERYTHING = SpaceAbilities(view=True, comment=True, edit=True, manage=True)
ROUTES = [
    route
    for route in matrix.routes_of(matrix.TENANT_URLCONF)
    if matrix.policy_for(route, matrix.TENANT_ROUTES) in {matrix.MEMBERS, matrix.TENANT_ADMINS}
]


def _paths(route: matrix.Route, space_ids: list[int], task_ids: list[int]) -> list[str]:
    if "<" not in route.pattern:
        return [route.path]
    paths = []
    for space_id, task_id in zip(space_ids, task_ids, strict=True):
        path = route.pattern.replace("<int:space_id>", str(space_id))
        path = path.replace("<int:pk>", str(task_id))
        paths.append("/" + re.sub(r"<[^>]+>", "1", path))
    return paths


@pytest.fixture
def setting(
    make_user: Callable[..., User], tenant_epci: Tenant, tenant_a: Tenant, tenant_b: Tenant
) -> dict[str, Any]:
    world = make_world(make_user, tenant_epci, tenant_a, tenant_b)
    joined = federation_space(tenant_epci, "Tourisme", editor=world.epci_editor)
    hidden = [
        federation_space(tenant_epci, CANARY, visibility=v, editor=world.epci_editor)
        for v in (Visibility.TENANT, Visibility.PRIVATE)
    ]
    with tenant_context(tenant_epci):
        stand_in = federated_membership(world.lege_agent, tenant_epci)
        assert stand_in is not None
        federation_spaces.join_space(stand_in, joined)
        tasks = [
            create_task(space=space, actor=world.epci_editor, abilities=EVERYTHING, title=CANARY)
            for space in hidden
        ]
    return {"world": world, "spaces": hidden, "tasks": tasks}


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_a_federated_stand_in_reads_and_changes_nothing_outside_its_spaces(
    route: matrix.Route, setting: dict[str, Any], client_for: Callable[..., Client]
) -> None:
    world = setting["world"]
    client = client_for(world.epci, world.lege_agent)
    space_ids = [space.pk for space in setting["spaces"]]
    task_ids = [task.pk for task in setting["tasks"]]
    for path in _paths(route, space_ids, task_ids):
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            body = response.content.decode(errors="replace")
            assert CANARY not in body, (method, path, response.status_code)
    with tenant_context(world.epci):
        assert Space.objects.filter(name=CANARY, archived_at__isnull=True).count() == 2
        assert Task.objects.filter(title=CANARY).count() == 2
        assert (
            not Space.objects.exclude(created_by=world.epci_editor)
            .exclude(created_by__isnull=True)
            .exists()
        )
