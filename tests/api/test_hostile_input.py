"""Every route under /api/ × every method it allows × five actors × hostile input: never a 500,
always JSON.

Routes come from the URL resolver (a new route is in this test the day it is added) and the
fields to spoil from the OpenAPI of the same routes (every query parameter and body field it
states, plus the pagination's). Hostile values: NUL and other control bytes, a 10 MB string, a
100 kB one, negative, zero and huge numbers, every wrong JSON type, malformed nested lists, and
ids in the path that are huge or zero. Ids otherwise point at real objects (a task with a
comment and an attachment, a label, a template, a checklist, a discussion, an invitation) so
that requests get past the space checks into the serializers and services.

Actors: an admin, an agent, a citizen of the project, an anonymous person and an admin of
another commune. Whatever the answer, it is not a 5xx, and it is JSON (except the successful
download of an attachment or of a document's version, the schema's YAML and the documentation
page).
"""

from __future__ import annotations

import datetime
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import tenant_context
from drf_spectacular.generators import SchemaGenerator

from entente.accounts.models import Role, User
from entente.accounts.services import add_member
from entente.checklists.services import ItemSpec, create_template, launch_template
from entente.citizens.services import invite_citizens
from entente.core.db import connection
from entente.discussions.services import add_comment as add_thread_comment
from entente.discussions.services import create_thread
from entente.spaces.models import Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Label
from entente.tasks.services import add_attachment, create_task
from entente.tasks.services import add_comment as add_task_comment
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS, ensure_session_tenants
from tests.support.acting import seeding

JSON = "application/json"
ACTORS = ("anonymous", "outsider", "citizen", "agent", "admin")
DOOR_REFUSED = {"anonymous", "outsider"}
HUGE = 10**20  # beyond bigint
INT4_OVERFLOW = 2**31
TEN_MB = "x" * (10 * 1024 * 1024)
HUNDRED_KB = "é" * 50_000
NUL = "a\x00b"
CONTROL = "a\x01\x1fb"
# Every JSON type, wrong for most fields, and the nested lists the serializers choke on.
WRONG_TYPES: tuple[Any, ...] = (
    NUL,
    CONTROL,
    -1,
    0,
    HUGE,
    -HUGE,
    1.5e308,
    True,
    None,
    "",
    "pas-un-nombre",
    [],
    {},
    ["x"],
    [None],
    [[[]]],
    [{"title": 5, "items": {"a": []}}],
    [{}],
    {"a": [{"b": None}]},
    [HUGE],
)
ONE_FIELD_VALUES: tuple[Any, ...] = (NUL, -1, HUGE, "", None, [], {}, [None], [[[]]], [{}])
QUERY_VALUES = (NUL, CONTROL, "-1", "0", str(HUGE), "[]", "{}", "a,b,,", HUNDRED_KB, "%00")
# Successful answers that are not JSON by design.
EXPENSIVE = {"api-schema", "api-docs"}
NOT_JSON_ON_SUCCESS = {
    "api-schema",
    "api-docs",
    "api-task-attachment-detail",
    "api-document-version-download",  # the file itself, as any download
    "api-archive-document-version-download",
}


@dataclass(frozen=True)
class ApiRoute:
    name: str
    pattern: str  # Django's, e.g. "api/v1/tasks/<int:pk>/"
    methods: tuple[str, ...]

    @property
    def openapi_path(self) -> str:
        # drf-spectacular names a `pk` `id` (SCHEMA_COERCE_PATH_PK).
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", self.pattern).replace("{pk}", "{id}")

    @property
    def params(self) -> list[str]:
        return re.findall(r"<(?:\w+:)?(\w+)>", self.pattern)


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _methods(entry: URLPattern) -> tuple[str, ...]:
    view_class = getattr(entry.callback, "cls", None) or getattr(entry.callback, "view_class", None)
    assert view_class is not None, f"{entry.pattern}: not a class-based view"
    names = {m for m in view_class.http_method_names if m != "trace" and hasattr(view_class, m)}
    if "get" in names:
        names.add("head")  # Django answers HEAD with GET
    return tuple(sorted({m.upper() for m in names} | {"OPTIONS"}))


def api_routes() -> list[ApiRoute]:
    routes = []
    for pattern, entry in _walk(get_resolver(settings.ROOT_URLCONF).url_patterns):
        if pattern.startswith("api/"):
            assert entry.name, f"{pattern}: an API route needs a name"
            routes.append(ApiRoute(entry.name, pattern, _methods(entry)))
    return routes


ROUTES = api_routes()


@cache
def openapi() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def fields_of(route: ApiRoute, method: str) -> tuple[list[str], list[str]]:
    """(query parameters, body fields) the OpenAPI states for this operation."""
    schema = openapi()
    operation = schema["paths"].get(route.openapi_path, {}).get(method.lower(), {})
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    body: list[str] = []
    for content in operation.get("requestBody", {}).get("content", {}).values():
        properties = _resolve(schema, content.get("schema", {})).get("properties", {})
        body += [name for name in properties if name not in body]
    return sorted({*query, "page", "page_size", "ordering"}), body


@dataclass
class World:
    tenant: Tenant
    people: dict[str, User]
    ids: dict[str, int]


def _person(label: str, tenant: Tenant | None, role: str) -> User:
    user = User.objects.create_user(
        f"hostile-{label}@example.fr", "mot-de-passe-solide-42", full_name=f"Personne {label}"
    )
    if tenant is not None:
        add_member(tenant, user, role)
    return user


def _build_world() -> World:
    ensure_session_tenants()
    tenant = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_a"]["official_code"])
    other = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_b"]["official_code"])
    people = {
        "admin": _person("admin", tenant, Role.ADMIN),
        "agent": _person("agent", tenant, Role.AGENT),
        "citizen": _person("citizen", tenant, Role.GUEST),
        "outsider": _person("outsider", other, Role.ADMIN),
    }
    admin = people["admin"]
    with tenant_context(tenant):
        space = Space.objects.create(
            name="Concours photo", kind=SpaceKind.PROJECT, visibility=Visibility.PUBLIC_PROJECT
        )
        for key, role in (("admin", SpaceRole.EDITOR), ("citizen", SpaceRole.COMMENTER)):
            SpaceMembership.objects.create(space=space, user=people[key], role=role)
        label = Label.objects.create(name="Voirie")
        task = create_task(
            seeding(admin),
            space=space,
            title="Tondre le stade",
            assignee_ids=[admin.pk],
            label_ids=[label.pk],
        )
        comment = add_task_comment(seeding(admin), task, body="Demain")
        attachment = add_attachment(
            seeding(admin),
            task,
            upload=ContentFile(b"%PDF-1.4 plan", name="plan.pdf"),
        )
        template = create_template(
            seeding(admin),
            name="Mariage",
            items=[ItemSpec(title="Publier les bans")],
        )
        checklist = launch_template(
            seeding(admin),
            template,
            space=space,
            reference_date=datetime.date(2026, 6, 1),
        )
        thread = create_thread(seeding(admin), space=space, title="Jury", body="Qui ?")
        thread_comment = add_thread_comment(seeding(admin), thread, body="Moi")
        membership = admin.memberships.get(tenant=tenant)
        invitation = invite_citizens(membership, space, ["habitante@example.fr"], tenant=tenant)
    connection.set_schema_to_public()
    return World(
        tenant=tenant,
        people=people,
        ids={
            "space": space.pk,
            "task": task.pk,
            "task_comment": comment.pk,
            "attachment": attachment.pk,
            "label": label.pk,
            "template": template.pk,
            "checklist": checklist.pk,
            "thread": thread.pk,
            "thread_comment": thread_comment.pk,
            "invitation": invitation[0].invitation.pk,
            "user": people["citizen"].pk,
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once, in a transaction that each test runs inside (as savepoints), rolled back."""
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]
    media = tempfile.mkdtemp(prefix="entente-hostile-")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()
            shutil.rmtree(media, ignore_errors=True)


PK_OF = {  # the object a route's `pk` names, by the route's name
    "api-task": "task",
    "api-label": "label",
    "api-checklist-template": "template",
    "api-checklist": "checklist",
    "api-thread": "thread",
    "api-comment": "thread",
    "api-citizen-invitation": "invitation",
}
PARAM_OF = {
    "space_id": "space",
    "comment_id": "task_comment",
    "attachment_id": "attachment",
    "user_id": "user",
    "request_id": "user",
}


def real_kwargs(route: ApiRoute, world: World) -> dict[str, int]:
    kwargs = {}
    for param in route.params:
        if param == "pk":
            kind = next((k for p, k in PK_OF.items() if route.name.startswith(p)), "task")
        else:
            kind = PARAM_OF.get(param, "task")
        if param == "comment_id" and route.name.startswith("api-comment"):
            kind = "thread_comment"
        kwargs[param] = world.ids[kind]
    return kwargs


def paths_of(route: ApiRoute, world: World) -> list[str]:
    """The route with real ids, then with ids no table holds (huge, beyond int4, zero), then a
    negative id (no `<int:>` converter takes it: an unknown path)."""
    if not route.params:
        return [reverse(route.name)]
    real = real_kwargs(route, world)
    paths = [reverse(route.name, kwargs=real)]
    for hostile in (HUGE, INT4_OVERFLOW, 0):
        paths.append(reverse(route.name, kwargs=dict.fromkeys(real, hostile)))
    paths.append(re.sub(r"/\d+/", "/-1/", paths[0], count=1))
    return paths


def bodies_of(fields: list[str], actor: str) -> list[Any]:
    """Those refused at the door (anonymous, outsider) get one spoilt body; the others every
    field at once with each wrong value and JSON that is not an object; the admin, who gets
    furthest, also each field alone with each wrong value (a PATCH takes it to the service)."""
    if actor in DOOR_REFUSED:
        return [dict.fromkeys(fields, NUL)]
    bodies: list[Any] = [dict.fromkeys(fields, value) for value in WRONG_TYPES]
    bodies += [[], "texte", None, 12]
    if actor == "admin":
        bodies += [{field: value} for field in fields for value in ONE_FIELD_VALUES]
    return bodies


def query_values(route: ApiRoute, method: str, actor: str) -> tuple[str, ...]:
    """All of them, but for the actors refused at the door, HEAD and OPTIONS (GET's and the
    door's code) and the schema (the same document whatever the query; 1 s to make): NUL."""
    if actor in DOOR_REFUSED or method in {"HEAD", "OPTIONS"} or route.name in EXPENSIVE:
        return QUERY_VALUES[:1]
    return QUERY_VALUES


def client_of(world: World, actor: str) -> Client:
    client = Client(HTTP_HOST=world.tenant.primary_host, raise_request_exception=False)
    if actor != "anonymous":
        client.force_login(world.people[actor])
    return client


def problem(route: ApiRoute, method: str, path: str, response: Any, sent: str) -> str | None:
    content_type = response.get("Content-Type", "")
    if response.status_code >= 500:
        return f"{method} {path} {sent}: {response.status_code}"
    if response.status_code < 300 and route.name in NOT_JSON_ON_SUCCESS:
        return None
    if response.status_code == 204 or method == "HEAD":
        return None
    if not content_type.startswith("application/json"):
        return f"{method} {path} {sent}: {response.status_code} in {content_type!r}"
    try:
        body = json.loads(response.content)
    except ValueError:
        return f"{method} {path} {sent}: {response.status_code}, body not JSON"
    if response.status_code >= 400 and not (
        isinstance(body, dict) and isinstance(body.get("detail"), str) and "code" in body
    ):
        return f"{method} {path} {sent}: {response.status_code}, not the error shape: {body!r:.200}"
    return None


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=True) if not isinstance(value, str) else repr(value)
    return text if len(text) < 80 else f"{text[:60]}…({len(text)} car.)"


CASES = [(route, method) for route in ROUTES for method in route.methods]


@pytest.mark.parametrize(("route", "method"), CASES, ids=[f"{r.name}-{m}" for r, m in CASES])
def test_no_input_makes_a_server_error_or_an_answer_other_than_json(
    route: ApiRoute, method: str, world: World, db: None
) -> None:
    query_fields, body_fields = fields_of(route, method)
    problems: list[str] = []

    def check(client: Client, path: str, sent: str, **kwargs: Any) -> None:
        response = client.generic(method, path, **kwargs)
        found = problem(route, method, path, response, sent)
        if found:
            problems.append(found)

    for actor in ACTORS:
        client = client_of(world, actor)
        paths = paths_of(route, world)
        for path in paths:
            check(client, path, f"[{actor}]")
        real_path = paths[0]
        for value in query_values(route, method, actor):
            query = "&".join(f"{name}={value}" for name in query_fields)
            if value == "%00":
                check(client, f"{real_path}?{query}", f"[{actor}] query %00")
            else:
                check(
                    client,
                    real_path,
                    f"[{actor}] query {_short(value)}",
                    QUERY_STRING="&".join(
                        f"{name}={value.replace('&', '')}" for name in query_fields
                    ),
                )
        if method in {"POST", "PUT", "PATCH"}:
            for body in bodies_of(body_fields, actor):
                check(
                    client,
                    real_path,
                    f"[{actor}] body {_short(body)}",
                    data=json.dumps(body),
                    content_type=JSON,
                )
            first = body_fields[0] if body_fields else "x"
            form = "application/x-www-form-urlencoded"
            check(
                client, real_path, f"[{actor}] form NUL", data=f"{first}=a%00b", content_type=form
            )
            broken = '{"a": ['
            check(client, real_path, f"[{actor}] broken JSON", data=broken, content_type=JSON)
    if method in {"POST", "PUT", "PATCH"}:
        admin = client_of(world, "admin")
        big = dict.fromkeys(body_fields or ["x"], TEN_MB)
        check(
            admin,
            paths_of(route, world)[0],
            "[admin] body of 10 MB strings",
            data=json.dumps(big),
            content_type=JSON,
        )
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


def test_every_api_route_is_in_the_openapi() -> None:
    """A route the schema does not describe could not be fuzzed by its fields (nor used by a
    generated client)."""
    documented = set(openapi()["paths"])
    served = {r.openapi_path for r in ROUTES if r.name not in {"api-schema", "api-docs"}}
    assert served - documented == set()


def test_an_unknown_path_under_api_is_a_json_404(world: World, db: None) -> None:
    response = client_of(world, "admin").get("/api/v1/nulle-part/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["detail"].startswith("Cette adresse n'existe pas")


def test_a_nul_byte_in_a_filter_is_a_400_in_french(world: World, db: None) -> None:
    response = client_of(world, "agent").get("/api/v1/me/tasks/", {"status": "todo\x00"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "Caractère de contrôle" in response.json()["errors"]["status"][0]


def test_options_describes_a_task_without_a_queryset(world: World, db: None) -> None:
    response = client_of(world, "agent").options(f"/api/v1/tasks/{world.ids['task']}/")
    assert response.status_code == 200
    assert "PATCH" in response["Allow"]


def test_an_invalid_host_under_api_is_a_json_400(db: None) -> None:
    response = Client(HTTP_HOST="g(#QHR(", raise_request_exception=False).get("/api/v1/spaces/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "bad_request"


def test_a_server_error_under_api_is_json_even_with_debug(
    world: World, db: None, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """Never Django's debug page (its traceback, its settings) under /api/, even with DEBUG."""
    from api.v1.spaces import views

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("panne simulée")

    settings.DEBUG = True
    monkeypatch.setattr(views.SpaceList, "get_queryset", broken)
    response = client_of(world, "agent").get("/api/v1/spaces/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Erreur du serveur : l'équipe technique est prévenue. Réessayez plus tard.",
        "code": "server_error",
    }
    assert "panne simulée" not in response.content.decode()
