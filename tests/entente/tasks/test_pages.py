"""Task pages, per role: the status each person gets AND what the database holds afterwards.

`world` is a private space of Legé: editor, commenter and reader are its members; « staff » is
an agent of Legé outside the space, « guest » a citizen (a guest cannot take part in a private
space even with a role in it), « outsider » an administrator of Paulx.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from entente.activity.models import ActivityEntry
from entente.documents.models import Document
from entente.tasks.models import Label, Task, TaskAttachment, TaskComment, TaskCommentRevision
from entente.tasks.services import add_attachment, add_comment
from tests.support.acting import seeding

from .conftest import COMMENTERS, EDITORS, VIEWERS, World

ACTORS = ("editor", "commenter", "reader", "staff", "guest", "outsider", "anonymous")


def expected(role: str, allowed: set[str], *, ok: int = 200, refused: int = 403) -> int:
    """The status for `role`: members of the space who lack the ability get `refused`; people
    who cannot see the space get 404 (its existence is not disclosed); other tenants 403 and
    anonymous people are sent to log in (302)."""
    if role == "anonymous":
        return 302
    if role == "outsider":
        return 403
    if role in allowed:
        return ok
    if role in VIEWERS:
        return refused
    return 404


def in_tenant(world: World, query: Callable[[], Any]) -> Any:
    with world.enter():
        return query()


@pytest.mark.parametrize("role", ACTORS)
def test_board(world: World, role: str) -> None:
    response = world.client(role).get(f"/espaces/{world.space.pk}/tableau/")
    assert response.status_code == expected(role, VIEWERS)
    if response.status_code == 200:
        body = response.content.decode()
        assert world.task.title in body
        assert ('name="status"' in body) == (role in EDITORS)  # « Déplacer vers… » for editors


@pytest.mark.parametrize("role", ACTORS)
def test_task_page(world: World, role: str) -> None:
    response = world.client(role).get(f"/taches/{world.task.pk}/")
    assert response.status_code == expected(role, VIEWERS)
    if response.status_code == 200:
        body = response.content.decode()
        assert world.task.title in body
        assert "Historique" in body
        assert ("Modifier la tâche" in body) == (role in EDITORS)
        assert (f'action="/taches/{world.task.pk}/commentaires/"' in body) == (role in COMMENTERS)
    else:
        assert world.task.title not in response.content.decode()


@pytest.mark.parametrize("role", ACTORS)
def test_create_task(world: World, role: str) -> None:
    client = world.client(role)
    url = f"/espaces/{world.space.pk}/taches/nouvelle/"
    assert client.get(url).status_code == expected(role, EDITORS)
    response = client.post(
        url,
        {
            "title": "Commander du sel de déneigement",
            "status": "todo",
            "priority": "3",
            "due_date": "2026-12-01",
            "assignees": [world.people["reader"].pk],
            "recurrence_interval": "1",
        },
    )
    assert response.status_code == expected(role, EDITORS, ok=302)
    made = in_tenant(
        world, lambda: list(Task.objects.filter(title="Commander du sel de déneigement"))
    )
    assert len(made) == (1 if role in EDITORS else 0)
    if made:
        assert response["Location"] == f"/taches/{made[0].pk}/"
        assert in_tenant(
            world, lambda: list(made[0].assignments.values_list("user_id", flat=True))
        ) == [world.people["reader"].pk]


def test_create_form_errors_are_explained(world: World) -> None:
    response = world.client("editor").post(
        f"/espaces/{world.space.pk}/taches/nouvelle/",
        {"title": "", "status": "todo", "priority": "2", "recurrence_frequency": "weekly"},
    )
    assert response.status_code == 200
    assert "Donnez un titre à la tâche." in response.content.decode()


def test_assigning_someone_who_cannot_see_the_space_is_refused(world: World) -> None:
    response = world.client("editor").post(
        f"/espaces/{world.space.pk}/taches/nouvelle/",
        {
            "title": "Secret",
            "status": "todo",
            "priority": "2",
            "assignees": [world.people["staff"].pk],
        },
    )
    assert response.status_code == 200  # the form comes back with the error
    assert in_tenant(world, lambda: Task.objects.filter(title="Secret").exists()) is False


@pytest.mark.parametrize("role", ACTORS)
def test_edit_task_records_history(world: World, role: str) -> None:
    response = world.client(role).post(
        f"/taches/{world.task.pk}/",
        {
            "title": "Reboucher le nid-de-poule (urgent)",
            "status": "in_progress",
            "priority": "4",
            "due_date": "2026-12-05",
            "assignees": [world.people["editor"].pk, world.people["commenter"].pk],
            "recurrence_interval": "1",
        },
    )
    assert response.status_code == expected(role, EDITORS, ok=302)
    task = in_tenant(world, lambda: Task.objects.get(pk=world.task.pk))
    if role in EDITORS:
        assert task.title == "Reboucher le nid-de-poule (urgent)"
        assert task.status == "in_progress"
        entry = in_tenant(
            world,
            lambda: ActivityEntry.objects.get(object_id=task.pk, verb="task.updated"),
        )
        assert entry.changes["status"] == ["todo", "in_progress"]
        assert entry.changes["priority"] == [2, 4]
        assert entry.changes["assignees"] == [
            [world.people["editor"].pk],
            sorted([world.people["editor"].pk, world.people["commenter"].pk]),
        ]
        page = world.client(role).get(f"/taches/{task.pk}/").content.decode()
        assert "Statut : À faire → En cours" in page
        assert "Paul Briand" in page
    else:
        assert task.title == world.task.title
        assert task.status == "todo"


@pytest.mark.parametrize("role", ACTORS)
def test_move_without_javascript(world: World, role: str) -> None:
    response = world.client(role).post(f"/taches/{world.task.pk}/statut/", {"status": "waiting"})
    assert response.status_code == expected(role, EDITORS, ok=302)
    status = in_tenant(world, lambda: Task.objects.get(pk=world.task.pk).status)
    assert status == ("waiting" if role in EDITORS else "todo")


def test_move_with_htmx_returns_the_board(world: World) -> None:
    response = world.client("editor").post(
        f"/taches/{world.task.pk}/statut/", {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="tableau"' in body
    assert "Tâche déplacée vers « Terminée »." in body
    task = in_tenant(world, lambda: Task.objects.get(pk=world.task.pk))
    assert task.status == "done"
    assert task.completed_at is not None


def test_move_to_an_unknown_status_is_refused(world: World) -> None:
    response = world.client("editor").post(f"/taches/{world.task.pk}/statut/", {"status": "x"})
    assert response.status_code == 400
    assert in_tenant(world, lambda: Task.objects.get(pk=world.task.pk).status) == "todo"


@pytest.mark.parametrize("role", ACTORS)
def test_delete(world: World, role: str) -> None:
    response = world.client(role).post(f"/taches/{world.task.pk}/supprimer/")
    assert response.status_code == expected(role, EDITORS, ok=302)
    exists = in_tenant(world, lambda: Task.objects.filter(pk=world.task.pk).exists())
    assert exists is (role not in EDITORS)


@pytest.mark.parametrize("role", ACTORS)
def test_comment(world: World, role: str) -> None:
    response = world.client(role).post(
        f"/taches/{world.task.pk}/commentaires/", {"body": "J'y passe demain @claire.morand"}
    )
    assert response.status_code == expected(role, COMMENTERS, ok=302)
    comments = in_tenant(world, lambda: list(TaskComment.objects.filter(task=world.task)))
    assert len(comments) == (1 if role in COMMENTERS else 0)
    if comments:
        assert comments[0].author_id == world.people[role].pk


@pytest.mark.parametrize("role", ACTORS)
def test_edit_comment_keeps_history(world: World, role: str) -> None:
    with world.enter():
        comment = add_comment(seeding(world.people["commenter"]), world.task, body="Premier jet")
    response = world.client(role).post(
        f"/taches/{world.task.pk}/commentaires/{comment.pk}/modifier/", {"body": "Version corrigée"}
    )
    author_only = {"commenter"}
    assert response.status_code == expected(role, author_only, ok=302)
    with world.enter():
        comment.refresh_from_db()
        revisions = list(TaskCommentRevision.objects.filter(comment=comment))
    if role in author_only:
        assert comment.body == "Version corrigée"
        assert [revision.body for revision in revisions] == ["Premier jet"]
        page = world.client(role).get(f"/taches/{world.task.pk}/").content.decode()
        assert "Versions précédentes" in page
    else:
        assert comment.body == "Premier jet"
        assert revisions == []


@pytest.mark.parametrize("role", ACTORS)
def test_upload_attachment(world: World, role: str, settings: object) -> None:
    upload = SimpleUploadedFile("devis.pdf", b"%PDF-1.4 devis", content_type="application/pdf")
    response = world.client(role).post(f"/taches/{world.task.pk}/pieces-jointes/", {"file": upload})
    assert response.status_code == expected(role, EDITORS, ok=302)
    attachments = in_tenant(world, lambda: list(TaskAttachment.objects.filter(task=world.task)))
    assert len(attachments) == (1 if role in EDITORS else 0)
    if attachments:
        # a document of the space, in the task's folder, owning the file (issue 13)
        assert attachments[0].file.name.startswith(f"documents/{world.tenant.schema_name}/")
        assert attachments[0].size == len(b"%PDF-1.4 devis")
        with world.enter():
            document = attachments[0].document
            assert document is not None
            assert document.folder.space_id == world.space.pk
            assert document.folder.name.startswith(f"n° {world.task.pk} — ")
            assert document.current.file.name == attachments[0].file.name


def test_upload_over_the_limit_is_refused(world: World, settings: object) -> None:
    settings.TASK_ATTACHMENT_MAX_BYTES = 10  # type: ignore[attr-defined]
    upload = SimpleUploadedFile("gros.bin", b"x" * 11)
    response = world.client("editor").post(
        f"/taches/{world.task.pk}/pieces-jointes/", {"file": upload}, follow=True
    )
    assert "Fichier trop lourd" in response.content.decode()
    assert in_tenant(world, lambda: TaskAttachment.objects.count()) == 0


def test_a_hostile_attachment_is_refused_with_nothing_stored(world: World) -> None:
    """A task's file is a document: the same checks (markup, a lying extension) apply."""
    for name, content in (("plan.html", b"<script>alert(1)</script>"), ("photo.jpg", b"jpeg")):
        response = world.client("editor").post(
            f"/taches/{world.task.pk}/pieces-jointes/",
            {"file": SimpleUploadedFile(name, content)},
            follow=True,
        )
        assert "refusé" in response.content.decode()
    assert in_tenant(world, lambda: TaskAttachment.objects.count()) == 0


@pytest.mark.parametrize("role", ACTORS)
def test_download_attachment(world: World, role: str) -> None:
    with world.enter():
        attachment = add_attachment(
            seeding(world.people["editor"]),
            world.task,
            upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan"),
        )
    response = world.client(role).get(f"/taches/{world.task.pk}/pieces-jointes/{attachment.pk}/")
    assert response.status_code == expected(role, VIEWERS)
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 plan"  # type: ignore[attr-defined]
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
    # Never from MEDIA_URL, whoever asks.
    assert world.client(role).get(f"/media/{attachment.file.name}").status_code in {302, 403, 404}


@pytest.mark.parametrize("role", ACTORS)
def test_delete_attachment(world: World, role: str) -> None:
    with world.enter():
        attachment = add_attachment(
            seeding(world.people["editor"]),
            world.task,
            upload=SimpleUploadedFile("photo.pdf", b"%PDF-1.4 photo"),
        )
    response = world.client(role).post(
        f"/taches/{world.task.pk}/pieces-jointes/{attachment.pk}/supprimer/"
    )
    assert response.status_code == expected(role, EDITORS, ok=302)
    exists = in_tenant(world, lambda: TaskAttachment.objects.filter(pk=attachment.pk).exists())
    assert exists is (role not in EDITORS)
    # the task lets go of it; the document stays in the space's tree, with its file
    kept = in_tenant(world, lambda: Document.objects.filter(task_attachments=None).count())
    assert kept == (1 if role in EDITORS else 0)


@pytest.mark.parametrize("role", ACTORS)
def test_my_tasks_page(world: World, role: str) -> None:
    response = world.client(role).get("/taches/")
    if role == "anonymous":
        assert response.status_code == 302
        return
    if role == "outsider":
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert (world.task.title in response.content.decode()) == (role == "editor")


def test_my_tasks_filters_and_sorts(world: World) -> None:
    editor = world.people["editor"]
    with world.enter():
        from entente.tasks.services import create_task

        late = create_task(
            seeding(world.people["reader"]),
            space=world.space,
            title="Tâche en retard",
            due_date=timezone.localdate() - datetime.timedelta(days=3),
            assignee_ids=[editor.pk],
            observer_ids=[world.people["commenter"].pk],
        )
    client = world.client("editor")
    overdue = client.get("/taches/", {"due": "overdue"}).content.decode()
    assert late.title in overdue
    assert world.task.title not in overdue
    created = client.get("/taches/", {"relation": "created"}).content.decode()
    assert world.task.title in created
    assert late.title not in created
    observed = world.client("commenter").get("/taches/", {"relation": "observed"}).content.decode()
    assert late.title in observed
    done_only = client.get("/taches/", {"status": ["done"]}).content.decode()
    assert late.title not in done_only
    by_priority = client.get("/taches/", {"sort": "priority", "space": str(world.space.pk)})
    assert by_priority.status_code == 200


def test_space_home_shows_the_tasks_section(world: World) -> None:
    response = world.client("reader").get(f"/espaces/{world.space.pk}/")
    assert response.status_code == 200
    assert world.task.title in response.content.decode()


@pytest.mark.parametrize("role", ACTORS)
def test_labels_page(world: World, role: str) -> None:
    client = world.client(role)
    response = client.post("/taches/etiquettes/", {"name": "Cimetière", "color": "#5d4037"})
    if role in {"anonymous", "outsider"}:
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert in_tenant(world, lambda: Label.objects.count()) == 0
        return
    staff = role != "guest"  # agents may add labels; guests (citizens) do not even see the list
    assert response.status_code == (302 if staff else 404)
    assert in_tenant(world, lambda: Label.objects.filter(name="Cimetière").count()) == (
        1 if staff else 0
    )
    page = client.get("/taches/etiquettes/")
    assert page.status_code == (200 if staff else 404)
    if staff:
        label = in_tenant(world, lambda: Label.objects.get(name="Cimetière"))
        assert 'data-label-text-color="#ffffff"' in page.content.decode()  # white on brown
        # Only administrators rename and delete.
        refused = client.post(f"/taches/etiquettes/{label.pk}/", {"delete": "1"})
        assert refused.status_code == 403
        assert in_tenant(world, lambda: Label.objects.filter(pk=label.pk).exists())


def test_administrators_rename_and_delete_labels(
    world: World, make_user: Any, client_for: Any
) -> None:
    admin = make_user("maire@lege.test", tenant=world.tenant, role="admin")
    client = client_for(world.tenant, admin)
    client.post("/taches/etiquettes/", {"name": "Fêtes", "color": "#ff8f00"})
    label = in_tenant(world, lambda: Label.objects.get(name="Fêtes"))
    response = client.post(
        f"/taches/etiquettes/{label.pk}/", {"name": "Fêtes et cérémonies", "color": "#ff8f00"}
    )
    assert response.status_code == 302
    assert in_tenant(world, lambda: Label.objects.get(pk=label.pk).name) == "Fêtes et cérémonies"
    assert client.post(f"/taches/etiquettes/{label.pk}/", {"delete": "1"}).status_code == 302
    assert in_tenant(world, lambda: Label.objects.filter(pk=label.pk).exists()) is False
