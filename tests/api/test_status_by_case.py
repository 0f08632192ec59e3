"""The same status for the same case on every space-scoped route (api.base's rules).

Across tasks, checklists, discussions, spaces and federation (join requests) routes:

- a member of another tenant: 403 (not a member of this one);
- a space, or an object in a space, the person may not see: 404, exactly as one that does not
  exist and one that belongs to another tenant (its id means nothing in this tenant's schema);
- a space they see but may not change: 403 with the reason;
- a space named in a request body: 400 on `space` when unknown or unseen, 403 when read-only.

Each write case also checks that nothing was written, in either tenant.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.activity.models import ActivityEntry
from entente.checklists.models import Checklist, ProcedureTemplate
from entente.discussions.models import Comment, Thread
from entente.spaces.models import Space, SpaceJoinRequest, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Task, TaskComment
from tenants.models import Tenant
from tests.support.actors import SpaceActors, actors  # noqa: F401  (fixture)
from tests.support.federation import federation_space, make_world

MISSING = 2_000_000_000


@dataclass(frozen=True)
class Targets:
    """The ids a route is called with."""

    space: int
    task: int
    thread: int
    checklist: int
    join_request: int


def _objects_in(space: Space, requester: Any) -> dict[str, int]:
    task = Task.objects.create(space=space, title="Reboucher le nid-de-poule")
    thread = Thread.objects.create(space=space, title="Fête de la musique")
    Comment.objects.create(thread=thread, body="<p>Qui s'en occupe ?</p>")
    checklist = Checklist.objects.create(
        space=space, name="Mariage Dupont", reference_date=datetime.date(2026, 6, 20)
    )
    join_request = SpaceJoinRequest.objects.create(space=space, user=requester)
    return {
        "space": space.pk,
        "task": task.pk,
        "thread": thread.pk,
        "checklist": checklist.pk,
        "join_request": join_request.pk,
    }


def _foreign_targets(tenant: Tenant, own: Targets, requester: Any) -> Targets:
    """Objects of the other tenant whose ids exist nowhere in the first one (ids are per schema,
    so they may coincide: make more until none does)."""
    with tenant_context(tenant):
        for attempt in range(20):
            space = Space.objects.create(name=f"Voirie de Paulx {attempt}")
            ids = _objects_in(space, requester)
            if all(ids[name] != getattr(own, name) for name in ids):
                return Targets(**ids)
    raise AssertionError("no free id in 20 attempts")  # pragma: no cover


@dataclass
class StatusWorld:
    actors: SpaceActors
    targets: dict[str, Targets]

    def client(self, actor: str) -> Client:
        return self.actors.client(actor)


@pytest.fixture
def world(actors: SpaceActors) -> StatusWorld:  # noqa: F811
    requester = actors.people["staff"]
    with actors.inside():
        ProcedureTemplate.objects.create(name="Mariage")
        own = Targets(**_objects_in(actors.space, requester))
    foreign = _foreign_targets(actors.other_tenant, own, requester)
    missing = Targets(MISSING, MISSING, MISSING, MISSING, MISSING)
    return StatusWorld(actors, {"own": own, "foreign": foreign, "missing": missing})


def _state(tenant: Tenant) -> dict[str, Any]:
    """Everything the routes below could write in a tenant."""
    with tenant_context(tenant):
        return {
            "spaces": list(Space.objects.order_by("pk").values_list("pk", "name", "archived_at")),
            "members": sorted(SpaceMembership.objects.values_list("space_id", "user_id", "role")),
            "tasks": list(Task.objects.order_by("pk").values_list("pk", "title", "status")),
            "task_comments": TaskComment.objects.count(),
            "threads": list(Thread.objects.order_by("pk").values_list("pk", "title")),
            "comments": list(Comment.objects.order_by("pk").values_list("pk", "body")),
            "checklists": Checklist.objects.count(),
            "join_requests": sorted(SpaceJoinRequest.objects.values_list("pk", "state")),
            "activity": ActivityEntry.objects.count(),
        }


def _snapshot(world: StatusWorld) -> tuple[dict[str, Any], dict[str, Any]]:
    return _state(world.actors.tenant), _state(world.actors.other_tenant)


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    return getattr(client, method)(url, body or {}, content_type="application/json")


# (method, URL, body): every route names its space, or an object in it, in the URL.
WRITE_ROUTES: dict[str, tuple[str, str, dict[str, Any] | None]] = {
    "task.update": ("patch", "/api/v1/tasks/{task}/", {"title": "Changé"}),
    "task.delete": ("delete", "/api/v1/tasks/{task}/", None),
    "task.comment": ("post", "/api/v1/tasks/{task}/comments/", {"body": "Vu."}),
    "discussion.open": (
        "post",
        "/api/v1/spaces/{space}/discussions/",
        {"title": "Nouveau sujet", "body": "Bonjour"},
    ),
    "discussion.comment": (
        "post",
        "/api/v1/spaces/{space}/discussions/{thread}/comments/",
        {"body": "D'accord"},
    ),
    "space.update": ("patch", "/api/v1/spaces/{space}/", {"name": "Renommé"}),
    "space.archive": ("delete", "/api/v1/spaces/{space}/", None),
    "space.add_member": ("post", "/api/v1/spaces/{space}/members/", {"role": "reader"}),
    "federation.approve": (
        "post",
        "/api/v1/spaces/{space}/join-requests/{join_request}/approve/",
        None,
    ),
    "federation.refuse": (
        "post",
        "/api/v1/spaces/{space}/join-requests/{join_request}/refuse/",
        None,
    ),
}
READ_ROUTES: dict[str, str] = {
    "task.detail": "/api/v1/tasks/{task}/",
    "task.comments": "/api/v1/tasks/{task}/comments/",
    "checklist.list": "/api/v1/spaces/{space}/checklists/",
    "checklist.detail": "/api/v1/spaces/{space}/checklists/{checklist}/",
    "discussion.list": "/api/v1/spaces/{space}/discussions/",
    "discussion.detail": "/api/v1/spaces/{space}/discussions/{thread}/",
    "space.detail": "/api/v1/spaces/{space}/",
    "space.members": "/api/v1/spaces/{space}/members/",
}
# case → (actor, whose ids, status, a word the answer must contain)
WRITE_CASES: dict[str, tuple[str, str, int, str]] = {
    "not a member": ("outsider", "own", 403, "membre"),
    "space not visible": ("staff", "own", 404, ""),
    "does not exist": ("editor", "missing", 404, ""),
    "object of another tenant": ("editor", "foreign", 404, ""),
    "visible but read-only": ("reader", "own", 403, "espace"),
}
READ_CASES: dict[str, tuple[str, str, int]] = {
    "not a member": ("outsider", "own", 403),
    "space not visible": ("staff", "own", 404),
    "does not exist": ("editor", "missing", 404),
    "object of another tenant": ("editor", "foreign", 404),
    "visible": ("reader", "own", 200),
}


@pytest.mark.parametrize("case", list(WRITE_CASES))
@pytest.mark.parametrize("route", list(WRITE_ROUTES))
def test_a_write_answers_the_same_status_for_the_same_case(
    world: StatusWorld, route: str, case: str
) -> None:
    method, url, body = WRITE_ROUTES[route]
    actor, whose, status, word = WRITE_CASES[case]
    if route == "space.add_member":
        body = {"user_id": world.actors.people["staff"].pk, "role": "reader"}
    before = _snapshot(world)
    response = _call(world.client(actor), method, url.format(**vars(world.targets[whose])), body)
    assert response.status_code == status, response.content
    assert word in str(response.json())
    if status == 404:
        # The same answer whether it does not exist, is hidden or is another tenant's.
        missing = WRITE_ROUTES[route][1].format(**vars(world.targets["missing"]))
        unknown = _call(world.client("editor"), method, missing, body)
        assert response.json() == unknown.json()
    assert _snapshot(world) == before


@pytest.mark.parametrize("case", list(READ_CASES))
@pytest.mark.parametrize("route", list(READ_ROUTES))
def test_a_read_answers_the_same_status_for_the_same_case(
    world: StatusWorld, route: str, case: str
) -> None:
    actor, whose, status = READ_CASES[case]
    url = READ_ROUTES[route].format(**vars(world.targets[whose]))
    response = world.client(actor).get(url)
    assert response.status_code == status, response.content


# -- A space named in the body ----------------------------------------------------------------

BODY_ROUTES: dict[str, Callable[[StatusWorld, int], tuple[str, dict[str, Any]]]] = {
    "task.create": lambda world, space: (
        "/api/v1/tasks/",
        {"space": space, "title": "Tailler les haies"},
    ),
    "checklist.launch": lambda world, space: (
        f"/api/v1/checklist-templates/{_template_id(world)}/launch/",
        {"space": space, "reference_date": "2026-12-31", "name": "Mariage Martin"},
    ),
}
BODY_CASES: dict[str, tuple[str, str, int, str]] = {
    "not a member": ("outsider", "own", 403, "membre"),
    "space not visible": ("staff", "own", 400, "space"),
    "does not exist": ("editor", "missing", 400, "space"),
    "space of another tenant": ("editor", "foreign", 400, "space"),
    "visible but read-only": ("reader", "own", 403, "espace"),
}


def _template_id(world: StatusWorld) -> int:
    with world.actors.inside():
        return ProcedureTemplate.objects.get(name="Mariage").pk


@pytest.mark.parametrize("case", list(BODY_CASES))
@pytest.mark.parametrize("route", list(BODY_ROUTES))
def test_a_space_named_in_the_body_answers_the_same_status_for_the_same_case(
    world: StatusWorld, route: str, case: str
) -> None:
    actor, whose, status, word = BODY_CASES[case]
    url, body = BODY_ROUTES[route](world, world.targets[whose].space)
    before = _snapshot(world)
    response = world.client(actor).post(url, body, content_type="application/json")
    assert response.status_code == status, response.content
    assert word in str(response.json())
    if status == 400:  # unknown and unseen spaces read alike: nobody learns which ids exist
        _url, unknown_body = BODY_ROUTES[route](world, MISSING)
        unknown = world.client("editor").post(url, unknown_body, content_type="application/json")
        assert response.json() == unknown.json()
    assert _snapshot(world) == before


def test_an_editor_is_let_through_by_the_same_routes(world: StatusWorld) -> None:
    """The cases above fail for the right reason: the same calls succeed for the space's editor."""
    own = world.targets["own"]
    client = world.client("editor")
    response = _call(client, "patch", f"/api/v1/tasks/{own.task}/", {"title": "Changé"})
    assert response.status_code == 200
    response = _call(client, "post", f"/api/v1/spaces/{own.space}/discussions/", None)
    assert response.status_code == 400  # reached the serializer: title and body are required
    response = client.post(
        "/api/v1/tasks/", {"space": own.space, "title": "Haies"}, content_type="application/json"
    )
    assert response.status_code == 201
    with world.actors.inside():
        assert Task.objects.filter(pk=own.task, title="Changé").exists()
        assert Task.objects.filter(space_id=own.space, title="Haies").exists()


def test_a_federated_stand_in_meets_the_same_rules(
    make_user: Callable[..., Any],
    tenant_epci: Tenant,
    tenant_a: Tenant,
    tenant_b: Tenant,
    client_for: Callable[..., Client],
) -> None:
    """On an EPCI's host, staff of a linked commune: spaces outside the federation are 404, as
    missing ones; a federation space they joined as readers refuses its management with 403."""
    federated = make_world(make_user, tenant_epci, tenant_a, tenant_b)
    editor = federated.epci_editor
    joined = federation_space(tenant_epci, "Tourisme", editor=editor)
    private = federation_space(tenant_epci, "RH", visibility=Visibility.PRIVATE, editor=editor)
    with tenant_context(tenant_epci):
        SpaceMembership.objects.create(
            space=joined,
            user=federated.lege_agent,
            role=SpaceRole.READER,
            via_tenant_id=tenant_a.pk,
        )
        asked = SpaceJoinRequest.objects.create(space=joined, user=federated.paulx_agent)
    client = client_for(tenant_epci, federated.lege_agent)
    before = _state(tenant_epci)
    assert client.get(f"/api/v1/spaces/{joined.pk}/").status_code == 200
    for space_id in (private.pk, MISSING):
        assert client.get(f"/api/v1/spaces/{space_id}/").status_code == 404
        assert client.post(f"/api/v1/federation/spaces/{space_id}/join/").status_code == 404
    assert client.get(f"/api/v1/spaces/{joined.pk}/join-requests/").status_code == 403
    approve = f"/api/v1/spaces/{joined.pk}/join-requests/{asked.pk}/approve/"
    assert client.post(approve).status_code == 403
    assert (
        client.patch(
            f"/api/v1/spaces/{joined.pk}/", {"name": "X"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert _state(tenant_epci) == before
