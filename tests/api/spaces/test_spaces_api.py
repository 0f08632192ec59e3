"""`/api/v1/spaces/` and `/api/v1/spaces/<id>/`: every actor, status code and database state."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from entente.activity.models import ActivityEntry
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.services import create_space
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db

VIEWERS = ("editor", "commenter", "reader", "admin")
MANAGERS = ("editor", "admin")


def refused(response: Any, actor: str, *, hidden: int = 404) -> None:
    """Anonymous 401, other tenants 403, members who may not see the space `hidden` (404)."""
    expected = {"anonymous": 401, "outsider": 403}.get(actor, hidden)
    assert response.status_code == expected, (actor, response.status_code, response.content)


@pytest.mark.parametrize("actor", ACTORS)
def test_list(actor: str, actors: SpaceActors) -> None:
    with actors.inside():
        create_space(seeding(), name="Fêtes")
    response = actors.client(actor).get(reverse("api-space-list"))
    if actor in {"anonymous", "outsider"}:
        refused(response, actor)
        return
    assert response.status_code == 200
    names = {row["name"] for row in response.json()["results"]}
    assert ("Secrétariat de mairie" in names) == (actor in VIEWERS)
    assert ("Fêtes" in names) == (actor != "guest")


def test_list_gives_my_role_and_abilities(actors: SpaceActors) -> None:
    rows = actors.client("reader").get(reverse("api-space-list")).json()["results"]
    row = next(row for row in rows if row["id"] == actors.space.pk)
    assert row["my_role"] == "reader"
    assert row["abilities"] == {"view": True, "comment": False, "edit": False, "manage": False}


def test_list_filters_orders_and_paginates(actors: SpaceActors) -> None:
    with actors.inside():
        create_space(seeding(), name="Bâtiments", kind="project")
        archived = create_space(seeding(), name="Ancien")
        Space.objects.filter(pk=archived.pk).update(archived_at="2026-01-01T00:00:00Z")
    client = actors.client("admin")

    def names(**q):
        return [r["name"] for r in client.get(reverse("api-space-list"), q).json()["results"]]

    assert names(kind="project") == ["Bâtiments"]
    assert names(archived="true") == ["Ancien"]
    assert "Ancien" not in names()
    assert names(ordering="-name") == sorted(names(), reverse=True)
    page = client.get(reverse("api-space-list"), {"page_size": 1}).json()
    assert len(page["results"]) == 1
    assert page["count"] >= 2
    assert page["next"]


@pytest.mark.parametrize("actor", ACTORS)
def test_create(actor: str, actors: SpaceActors) -> None:
    response = actors.client(actor).post(
        reverse("api-space-list"),
        {"name": f"Créé par {actor}", "visibility": "private"},
        content_type="application/json",
    )
    with actors.inside():
        space = Space.objects.filter(name=f"Créé par {actor}").first()
    if actor in {"anonymous", "outsider", "guest"}:
        refused(response, actor, hidden=403)
        assert space is None
        return
    assert response.status_code == 201, response.content
    assert space is not None
    assert response.json()["id"] == space.pk
    assert response.json()["my_role"] == "editor"
    with actors.inside():
        assert SpaceMembership.objects.get(space=space).user == actors.people[actor]


def test_create_validates_in_french(actors: SpaceActors) -> None:
    response = actors.client("staff").post(
        reverse("api-space-list"), {"name": "   ", "kind": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"name", "kind"}
    response = actors.client("staff").post(
        reverse("api-space-list"), {"name": "   "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["name"] == ["Donnez un nom à l'espace."]


@pytest.mark.parametrize("actor", ACTORS)
def test_retrieve(actor: str, actors: SpaceActors) -> None:
    response = actors.client(actor).get(reverse("api-space-detail", args=[actors.space.pk]))
    if actor in VIEWERS:
        assert response.status_code == 200
        assert response.json()["name"] == "Secrétariat de mairie"
    else:
        refused(response, actor)


def test_missing_and_hidden_spaces_look_the_same(actors: SpaceActors) -> None:
    missing = actors.client("staff").get(reverse("api-space-detail", args=[actors.space.pk + 999]))
    hidden = actors.client("staff").get(reverse("api-space-detail", args=[actors.space.pk]))
    assert missing.status_code == hidden.status_code == 404
    assert missing.json() == hidden.json()


@pytest.mark.parametrize("actor", ACTORS)
def test_update(actor: str, actors: SpaceActors) -> None:
    response = actors.client(actor).patch(
        reverse("api-space-detail", args=[actors.space.pk]),
        {"name": "Accueil"},
        content_type="application/json",
    )
    with actors.inside():
        name = Space.objects.get(pk=actors.space.pk).name
    if actor in MANAGERS:
        assert response.status_code == 200
        assert response.json()["name"] == name == "Accueil"
        with actors.inside():
            assert ActivityEntry.objects.filter(space=actors.space, verb="space.updated").exists()
    else:
        assert name == "Secrétariat de mairie"
        if actor in {"commenter", "reader"}:
            assert response.status_code == 403
        else:
            refused(response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_delete_archives_and_restore(actor: str, actors: SpaceActors) -> None:
    client = actors.client(actor)
    response = client.delete(reverse("api-space-detail", args=[actors.space.pk]))
    with actors.inside():
        archived_at = Space.objects.get(pk=actors.space.pk).archived_at
    if actor not in MANAGERS:
        assert archived_at is None
        if actor in {"commenter", "reader"}:
            assert response.status_code == 403
        else:
            refused(response, actor)
        return
    assert response.status_code == 204
    assert archived_at is not None  # archived, not deleted
    again = client.delete(reverse("api-space-detail", args=[actors.space.pk]))
    assert again.status_code == 400
    assert again.json() == {
        "detail": "Cet espace est déjà archivé.",
        "code": "invalid",
        "errors": {"non_field_errors": ["Cet espace est déjà archivé."]},
    }
    restored = client.post(reverse("api-space-restore", args=[actors.space.pk]))
    assert restored.status_code == 200
    assert restored.json()["archived_at"] is None
    with actors.inside():
        assert Space.objects.get(pk=actors.space.pk).archived_at is None


def test_readers_cannot_restore(actors: SpaceActors) -> None:
    with actors.inside():
        Space.objects.filter(pk=actors.space.pk).update(archived_at="2026-01-01T00:00:00Z")
    response = actors.client("reader").post(reverse("api-space-restore", args=[actors.space.pk]))
    assert response.status_code == 403
    with actors.inside():
        assert Space.objects.get(pk=actors.space.pk).archived_at is not None
