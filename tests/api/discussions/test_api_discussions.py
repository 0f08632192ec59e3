"""/api/v1/spaces/<id>/discussions/…, per actor: status codes and the database afterwards."""

from __future__ import annotations

import pytest

from entente.discussions import services
from entente.discussions.models import Comment, CommentRevision, Thread
from entente.spaces.permissions import SpaceAbilities
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

CAN = SpaceAbilities(view=True, comment=True)
READ = {
    "editor": 200,
    "commenter": 200,
    "reader": 200,
    "admin": 200,
    "staff": 404,
    "guest": 404,
    "anonymous": 401,
    "outsider": 403,
}
POST = {**READ, "editor": 201, "commenter": 201, "admin": 201, "reader": 403}


def _thread(actors: SpaceActors) -> Thread:
    with actors.inside():
        return services.create_thread(
            seeding(actors.people["editor"]),
            space=actors.space,
            title="Budget 2027",
            body="Premières pistes",
        )


@pytest.mark.parametrize("actor", ACTORS)
def test_read_threads_and_comments(actors: SpaceActors, actor: str) -> None:
    thread = _thread(actors)
    base = f"/api/v1/spaces/{actors.space.pk}/discussions/"
    with actors.inside():
        comment = thread.comments.get()
    for url in (
        base,
        f"{base}{thread.pk}/",
        f"{base}{thread.pk}/comments/",
        f"{base}{thread.pk}/comments/{comment.pk}/",
    ):
        response = actors.client(actor).get(url)
        assert response.status_code == READ[actor], url
        assert (
            "Budget 2027" in response.content.decode()
            or "Premières pistes" in response.content.decode()
        ) == (READ[actor] == 200)


@pytest.mark.parametrize("actor", ACTORS)
def test_open_a_thread(actors: SpaceActors, actor: str) -> None:
    response = actors.client(actor).post(
        f"/api/v1/spaces/{actors.space.pk}/discussions/",
        {"title": "Cantine", "body": "Menus de janvier, @claire.morand ?"},
        content_type="application/json",
    )
    assert response.status_code == POST[actor]
    with actors.inside():
        assert Thread.objects.filter(title="Cantine").exists() == (POST[actor] == 201)


@pytest.mark.parametrize("actor", ACTORS)
def test_post_a_comment(actors: SpaceActors, actor: str) -> None:
    thread = _thread(actors)
    response = actors.client(actor).post(
        f"/api/v1/spaces/{actors.space.pk}/discussions/{thread.pk}/comments/",
        {"body": "<em>D'accord</em> @paul.girard"},
        content_type="application/json",
    )
    assert response.status_code == POST[actor]
    with actors.inside():
        posted = Comment.objects.filter(thread=thread, body__contains="accord").first()
    assert (posted is not None) == (POST[actor] == 201)
    if posted is not None and actor != "commenter":
        assert posted.body == "<em>D'accord</em> @paul.girard"
        assert posted.mentioned_ids == [actors.people["commenter"].pk]


EDIT = {**READ, "editor": 200, "commenter": 403, "reader": 403, "admin": 403}


@pytest.mark.parametrize("actor", ACTORS)
def test_edit_a_comment_keeps_the_previous_text(actors: SpaceActors, actor: str) -> None:
    thread = _thread(actors)
    with actors.inside():
        comment = thread.comments.get()
    response = actors.client(actor).patch(
        f"/api/v1/spaces/{actors.space.pk}/discussions/{thread.pk}/comments/{comment.pk}/",
        {"body": "Pistes révisées"},
        content_type="application/json",
    )
    assert response.status_code == EDIT[actor]
    with actors.inside():
        comment.refresh_from_db()
        revisions = list(
            CommentRevision.objects.filter(comment=comment).values_list("body", flat=True)
        )
    if EDIT[actor] == 200:
        assert comment.body == "<p>Pistes révisées</p>"
        assert revisions == ["<p>Premières pistes</p>"]
        assert [r["body"] for r in response.json()["revisions"]] == ["<p>Premières pistes</p>"]
    else:
        assert comment.body == "<p>Premières pistes</p>"
        assert revisions == []
