"""The task API, per role: status AND database state. Roles as in tests/entente/tasks/conftest."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from entente.tasks import labels, services
from entente.tasks.models import Label, Task, TaskAttachment, TaskComment
from tests.entente.tasks.conftest import COMMENTERS, EDITORS, VIEWERS, World
from tests.support.acting import seeding

ACTORS = ("editor", "commenter", "reader", "staff", "guest", "outsider", "anonymous")


def expected(role: str, allowed: set[str], *, ok: int = 200, hidden: int = 404) -> int:
    if role == "anonymous":
        return 401
    if role == "outsider":
        return 403
    if role in allowed:
        return ok
    return 403 if role in VIEWERS else hidden


def in_tenant(world: World, query: Any) -> Any:
    with world.enter():
        return query()


@pytest.mark.parametrize("role", ACTORS)
def test_list(world: World, role: str) -> None:
    response = world.client(role).get("/api/v1/tasks/", {"space": world.space.pk})
    if role in {"anonymous", "outsider"}:
        assert response.status_code == expected(role, set())
        return
    assert response.status_code == 200
    ids = [task["id"] for task in response.json()["results"]]
    assert ids == ([world.task.pk] if role in VIEWERS else [])


def test_list_filters_ordering_and_pagination(world: World, settings: Any) -> None:
    editor = world.people["editor"]
    with world.enter():
        label = labels.create_label(seeding(editor), name="Écoles")
        early = services.create_task(
            seeding(editor),
            space=world.space,
            title="Tôt",
            due_date=datetime.date(2026, 1, 5),
            priority=4,
            label_ids=[label.pk],
        )
        late = services.create_task(
            seeding(editor),
            space=world.space,
            title="Tard",
            due_date=datetime.date(2026, 6, 5),
            status="waiting",
        )
    client = world.client("editor")

    def ids(**params: Any) -> list[int]:
        response = client.get("/api/v1/tasks/", params)
        assert response.status_code == 200, response.content
        return [task["id"] for task in response.json()["results"]]

    assert ids(label=label.pk) == [early.pk]
    assert ids(status="waiting") == [late.pk]
    assert ids(status="todo,waiting", due_after="2026-01-01", ordering="-due_date") == [
        late.pk,
        early.pk,
    ]
    assert ids(due_before="2026-02-01") == [early.pk]
    assert ids(assignee="me") == [world.task.pk]
    assert ids(ordering="-priority")[0] == early.pk
    assert client.get("/api/v1/tasks/", {"ordering": "nope"}).status_code == 400
    assert client.get("/api/v1/tasks/", {"due_before": "demain"}).status_code == 400
    page = client.get("/api/v1/tasks/", {"page_size": 1}).json()
    assert page["count"] == 3


@pytest.mark.parametrize("role", ACTORS)
def test_create(world: World, role: str) -> None:
    response = world.client(role).post(
        "/api/v1/tasks/",
        {
            "space": world.space.pk,
            "title": "Tailler les haies",
            "assignees": [world.people["reader"].pk],
        },
        content_type="application/json",
    )
    # People who cannot see the space learn nothing more than « unknown space » (400).
    assert response.status_code == expected(role, EDITORS, ok=201, hidden=400)
    made = in_tenant(world, lambda: list(Task.objects.filter(title="Tailler les haies")))
    assert len(made) == (1 if role in EDITORS else 0)
    if made:
        assert response.json()["assignees"] == [world.people["reader"].pk]


def test_create_explains_errors(world: World) -> None:
    client = world.client("editor")
    response = client.post(
        "/api/v1/tasks/",
        {"space": world.space.pk, "title": "X", "recurrence_frequency": "weekly", "due": "1/12"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "inconnu" in response.json()["errors"]["due"][0]  # a typo is said, not dropped
    response = client.post(
        "/api/v1/tasks/",
        {"space": world.space.pk, "title": "X", "assignees": [world.people["staff"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "assignees" in response.json()["errors"]


def test_a_repeating_task_without_due_date_starts_today(world: World) -> None:
    response = world.client("editor").post(
        "/api/v1/tasks/",
        {"space": world.space.pk, "title": "X", "recurrence_frequency": "weekly"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["due_date"] == timezone.localdate().isoformat()


def test_a_duplicate_label_is_a_conflict(world: World) -> None:
    client = world.client("editor")
    first = client.post("/api/v1/labels/", {"name": "Voirie"}, content_type="application/json")
    assert first.status_code == 201
    again = client.post("/api/v1/labels/", {"name": "voirie"}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert "existe déjà" in again.json()["errors"]["name"][0]


@pytest.mark.parametrize("role", ACTORS)
def test_retrieve(world: World, role: str) -> None:
    response = world.client(role).get(f"/api/v1/tasks/{world.task.pk}/")
    assert response.status_code == expected(role, VIEWERS)
    if response.status_code == 200:
        assert response.json()["title"] == world.task.title
    else:
        assert world.task.title not in response.content.decode()


@pytest.mark.parametrize("role", ACTORS)
def test_update(world: World, role: str) -> None:
    response = world.client(role).patch(
        f"/api/v1/tasks/{world.task.pk}/",
        {"status": "in_progress", "due_date": "2026-12-31"},
        content_type="application/json",
    )
    assert response.status_code == expected(role, EDITORS)
    task = in_tenant(world, lambda: Task.objects.get(pk=world.task.pk))
    if role in EDITORS:
        assert (task.status, task.due_date) == ("in_progress", datetime.date(2026, 12, 31))
    else:
        assert (task.status, task.due_date) == ("todo", None)


@pytest.mark.parametrize("role", ACTORS)
def test_delete(world: World, role: str) -> None:
    response = world.client(role).delete(f"/api/v1/tasks/{world.task.pk}/")
    assert response.status_code == expected(role, EDITORS, ok=204)
    exists = in_tenant(world, lambda: Task.objects.filter(pk=world.task.pk).exists())
    assert exists is (role not in EDITORS)


@pytest.mark.parametrize("role", ACTORS)
def test_comments(world: World, role: str) -> None:
    url = f"/api/v1/tasks/{world.task.pk}/comments/"
    response = world.client(role).post(url, {"body": "Vu."}, content_type="application/json")
    assert response.status_code == expected(role, COMMENTERS, ok=201)
    count = in_tenant(world, lambda: TaskComment.objects.filter(task=world.task).count())
    assert count == (1 if role in COMMENTERS else 0)
    listing = world.client(role).get(url)
    assert listing.status_code == expected(role, VIEWERS)
    if listing.status_code == 200:
        assert len(listing.json()["results"]) == count


@pytest.mark.parametrize("role", ACTORS)
def test_comment_edit_by_author_only(world: World, role: str) -> None:
    with world.enter():
        comment = services.add_comment(seeding(world.people["commenter"]), world.task, body="Avant")
    response = world.client(role).patch(
        f"/api/v1/tasks/{world.task.pk}/comments/{comment.pk}/",
        {"body": "Après"},
        content_type="application/json",
    )
    assert response.status_code == expected(role, {"commenter"})
    with world.enter():
        comment.refresh_from_db()
    assert comment.body == ("Après" if role == "commenter" else "Avant")
    if role == "commenter":
        assert [r["body"] for r in response.json()["revisions"]] == ["Avant"]


@pytest.mark.parametrize("role", ACTORS)
def test_attachments(world: World, role: str) -> None:
    url = f"/api/v1/tasks/{world.task.pk}/attachments/"
    upload = SimpleUploadedFile("note.txt", b"bonjour", content_type="text/plain")
    response = world.client(role).post(url, {"file": upload})
    assert response.status_code == expected(role, EDITORS, ok=201)
    stored = in_tenant(world, lambda: list(TaskAttachment.objects.filter(task=world.task)))
    assert len(stored) == (1 if role in EDITORS else 0)
    if not stored:
        with world.enter():
            stored = [
                services.add_attachment(
                    seeding(world.people["editor"]),
                    world.task,
                    upload=SimpleUploadedFile("note.txt", b"bonjour"),
                )
            ]
    download = world.client(role).get(f"{url}{stored[0].pk}/")
    assert download.status_code == expected(role, VIEWERS)
    if download.status_code == 200:
        assert b"".join(download.streaming_content) == b"bonjour"  # type: ignore[attr-defined]
    removal = world.client(role).delete(f"{url}{stored[0].pk}/")
    assert removal.status_code == expected(role, EDITORS, ok=204)
    remaining = in_tenant(world, lambda: TaskAttachment.objects.filter(task=world.task).count())
    assert remaining == (0 if role in EDITORS else 1)


@pytest.mark.parametrize("role", ACTORS)
def test_labels(world: World, role: str) -> None:
    client = world.client(role)
    response = client.post(
        "/api/v1/labels/",
        {"name": "Urbanisme", "color": "#2e7d32"},
        content_type="application/json",
    )
    tenant_staff = {"editor", "commenter", "reader", "staff"}  # agents; guests may not
    if role in {"anonymous", "outsider"}:
        assert response.status_code == expected(role, set())
        assert in_tenant(world, lambda: Label.objects.count()) == 0
        return
    assert response.status_code == (201 if role in tenant_staff else 403)
    if role not in tenant_staff:
        assert in_tenant(world, lambda: Label.objects.count()) == 0
        return
    label = response.json()
    assert label["text_color"] == "#ffffff"
    assert client.get("/api/v1/labels/").json() == [label]
    # Only tenant administrators rename and delete.
    assert (
        client.patch(
            f"/api/v1/labels/{label['id']}/", {"name": "Autre"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/labels/{label['id']}/").status_code == 403
    assert in_tenant(world, lambda: Label.objects.get(pk=label["id"]).name) == "Urbanisme"


def test_admins_manage_labels(world: World, make_user: Any, client_for: Any) -> None:
    admin = make_user("maire@lege.test", tenant=world.tenant, role="admin")
    client = client_for(world.tenant, admin)
    label = client.post("/api/v1/labels/", {"name": "Eau"}, content_type="application/json").json()
    response = client.patch(
        f"/api/v1/labels/{label['id']}/", {"color": "#ffd700"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["text_color"] == "#000000"
    assert client.delete(f"/api/v1/labels/{label['id']}/").status_code == 204
    assert in_tenant(world, lambda: Label.objects.filter(pk=label["id"]).exists()) is False


@pytest.mark.parametrize("role", ACTORS)
def test_my_tasks(world: World, role: str) -> None:
    response = world.client(role).get("/api/v1/me/tasks/")
    if role in {"anonymous", "outsider"}:
        assert response.status_code == expected(role, set())
        return
    assert response.status_code == 200
    ids = [task["id"] for task in response.json()["results"]]
    assert ids == ([world.task.pk] if role == "editor" else [])
    assert world.client(role).post("/api/v1/me/tasks/", {}).status_code == 405


def test_openapi_schema_lists_the_task_endpoints(world: World) -> None:
    response = world.client("editor").get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ("/api/v1/tasks/", "/api/v1/tasks/{id}/", "/api/v1/me/tasks/", "/api/v1/labels/"):
        assert path in paths
