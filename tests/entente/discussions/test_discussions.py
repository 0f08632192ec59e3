"""Discussions: pages per actor, mentions announced after commit, edits kept as revisions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entente.core import events
from entente.discussions import services
from entente.discussions.models import Comment, CommentRevision, Thread
from entente.spaces.permissions import SpaceAbilities
from tests.support.acting import member, seeding
from tests.support.actors import ACTORS, SpaceActors

CAN = SpaceAbilities(view=True, comment=True)


@pytest.fixture
def published() -> Any:
    seen: list[events.Event] = []
    events.subscribe(seen.append)
    yield seen
    events.unsubscribe(seen.append)


def _thread(actors: SpaceActors, body: str = "Bonjour à tous") -> Thread:
    with actors.inside():
        return services.create_thread(
            seeding(actors.people["editor"]),
            space=actors.space,
            title="Préparation du marché de Noël",
            body=body,
        )


def test_mentions_reach_people_who_see_the_space_after_commit(
    actors: SpaceActors, published: list[events.Event], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread = _thread(
            actors, "@paul.girard et @hors.espace, et @lea.martin@mairie-lege.fr : avis ?"
        )
    mentioned = [e for e in published if e.name == "discussion.mentioned"]
    assert len(mentioned) == 1
    # The staff member outside the private space cannot read it: not mentioned.
    assert mentioned[0].user_ids == tuple(
        sorted([actors.people["commenter"].pk, actors.people["reader"].pk])
    )
    assert mentioned[0].payload["thread_id"] == thread.pk
    assert mentioned[0].tenant_schema == actors.tenant.schema_name


def test_nothing_is_announced_when_the_write_rolls_back(
    actors: SpaceActors, published: list[events.Event], django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValidationError),
        actors.inside(),
    ):
        services.create_thread(
            seeding(actors.people["editor"]), space=actors.space, title="", body="@paul.girard"
        )
    assert [e for e in published if e.name == "discussion.mentioned"] == []


def test_formatting_is_sanitised_and_plain_text_keeps_paragraphs(actors: SpaceActors) -> None:
    thread = _thread(
        actors,
        '<p><strong>Urgent</strong><script>alert(1)</script><a href="javascript:x">lien</a></p>',
    )
    with actors.inside():
        body = thread.comments.get().body
        plain = services.add_comment(
            seeding(actors.people["editor"]), thread, body="ligne 1\nligne 2\n\n<b"
        )
    assert "<strong>Urgent</strong>" in body
    assert "script" not in body
    assert "javascript" not in body
    assert plain.body.startswith("<p>ligne 1<br>ligne 2</p>")


def test_edits_keep_every_previous_version_and_announce_only_new_mentions(
    actors: SpaceActors, published: list[events.Event], django_capture_on_commit_callbacks: Any
) -> None:
    thread = _thread(actors, "Première version @paul.girard")
    with actors.inside():
        comment = thread.comments.get()
        with django_capture_on_commit_callbacks(execute=True):
            services.edit_comment(
                seeding(actors.people["editor"]), comment, body="Deuxième @paul.girard @lea.martin"
            )
            services.edit_comment(seeding(actors.people["editor"]), comment, body="Troisième")
        comment.refresh_from_db()
        revisions = list(
            CommentRevision.objects.filter(comment=comment)
            .order_by("id")
            .values_list("body", flat=True)
        )
        with pytest.raises(PermissionDenied):
            services.edit_comment(seeding(actors.people["commenter"]), comment, body="Pas à moi")
    assert comment.body == "<p>Troisième</p>"
    assert comment.edited_at is not None
    assert revisions == [
        "<p>Première version @paul.girard</p>",
        "<p>Deuxième @paul.girard @lea.martin</p>",
    ]
    announced = [e.user_ids for e in published if e.name == "discussion.mentioned"]
    assert announced == [(actors.people["reader"].pk,)]  # the edit's newcomer only


LIST = {"editor": 200, "commenter": 200, "reader": 200, "admin": 200, "staff": 404, "guest": 404}
POSTERS = {"editor", "commenter", "admin"}


def _refused(response: Any, actor: str) -> None:
    if actor == "anonymous":
        assert response.status_code == 302
        assert "/comptes/login/" in response["Location"]
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("actor", ACTORS)
def test_reading_pages(actors: SpaceActors, actor: str) -> None:
    thread = _thread(actors)
    with actors.inside():
        comment = thread.comments.get()
        services.edit_comment(seeding(actors.people["editor"]), comment, body="Texte corrigé")
    base = f"/espaces/{actors.space.pk}/discussions/"
    for path in (
        base,
        f"{base}{thread.pk}/",
        f"{base}{thread.pk}/messages/{comment.pk}/historique/",
    ):
        response = actors.client(actor).get(path)
        if actor in LIST:
            assert response.status_code == LIST[actor], path
            assert (thread.title in response.content.decode()) == (LIST[actor] == 200)
        else:
            _refused(response, actor)
            assert thread.title not in response.content.decode()
    if actor == "reader":
        history = (
            actors.client(actor)
            .get(f"{base}{thread.pk}/messages/{comment.pk}/historique/")
            .content.decode()
        )
        assert "Bonjour à tous" in history
        assert "Texte corrigé" in history


@pytest.mark.parametrize("actor", ACTORS)
def test_opening_a_thread(actors: SpaceActors, actor: str) -> None:
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/discussions/",
        {"title": "Voirie", "body": "Nids-de-poule rue des Écoles"},
    )
    with actors.inside():
        thread = Thread.objects.filter(title="Voirie").first()
    if actor in POSTERS:
        assert response.status_code == 302
        assert thread is not None
        assert response["Location"] == f"/espaces/{actors.space.pk}/discussions/{thread.pk}/"
    else:
        assert thread is None
        if actor in {"staff", "guest"}:
            assert response.status_code == 404
        elif actor == "reader":
            assert response.status_code == 403
        else:
            _refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_posting_a_comment_with_htmx(actors: SpaceActors, actor: str) -> None:
    thread = _thread(actors)
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/discussions/{thread.pk}/messages/",
        {"body": "Je m'en occupe @claire.morand"},
        HTTP_HX_REQUEST="true",
    )
    with actors.inside():
        posted = Comment.objects.filter(thread=thread, body__contains="Je m").first()
    if actor in POSTERS:
        assert response.status_code == 200
        assert posted is not None
        assert 'id="thread-comments"' in response.content.decode()
        assert "Je m&#x27;en occupe" in response.content.decode()
        expected = (
            [] if actor == "editor" else [actors.people["editor"].pk]
        )  # nobody mentions themselves
        assert posted.mentioned_ids == expected
    else:
        assert posted is None
        if actor in {"staff", "guest"}:
            assert response.status_code == 404
        elif actor == "reader":
            assert response.status_code == 403
        else:
            _refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_editing_a_comment_page(actors: SpaceActors, actor: str) -> None:
    """Only the author edits; everyone else is refused and the text stays."""
    thread = _thread(actors)
    with actors.inside():
        comment = thread.comments.get()
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/discussions/{thread.pk}/messages/{comment.pk}/modifier/",
        {"body": "Réécrit"},
    )
    with actors.inside():
        comment.refresh_from_db()
        revisions = CommentRevision.objects.filter(comment=comment).count()
    if actor == "editor":
        assert response.status_code == 302
        assert (comment.body, revisions) == ("<p>Réécrit</p>", 1)
    else:
        assert (comment.body, revisions) == ("<p>Bonjour à tous</p>", 0)
        expected = {"staff": 404, "guest": 404, "commenter": 403, "reader": 403, "admin": 403}
        if actor in expected:
            assert response.status_code == expected[actor]
        else:
            _refused(response, actor)


POSTERS = {"editor", "commenter", "admin"}


@pytest.mark.parametrize("actor", [a for a in ACTORS if a != "anonymous"])
def test_the_services_decide_who_posts_from_the_acting_membership(
    actors: SpaceActors, actor: str
) -> None:
    """No caller hands abilities in: the membership alone decides, whichever face calls."""
    thread = _thread(actors)
    tenant = actors.other_tenant if actor == "outsider" else actors.tenant
    with actors.inside():
        acting = member(actors.people[actor], tenant)
        if actor in POSTERS:
            services.add_comment(acting, thread, body="Vu")
            services.create_thread(acting, space=actors.space, title="Sujet", body="Texte")
        else:
            with pytest.raises(PermissionDenied):
                services.add_comment(acting, thread, body="Vu")
            with pytest.raises(PermissionDenied):
                services.create_thread(acting, space=actors.space, title="Sujet", body="Texte")
        assert thread.comments.count() == (2 if actor in POSTERS else 1)
        assert Thread.objects.filter(space=actors.space).count() == (2 if actor in POSTERS else 1)
