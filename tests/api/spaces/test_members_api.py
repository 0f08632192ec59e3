"""`/api/v1/spaces/<id>/members/…` and `/activity/`: every actor, status and database state."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from entente.activity.models import ActivityEntry
from entente.spaces.models import SpaceMembership, SpaceRole
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db

VIEWERS = ("editor", "commenter", "reader", "admin")
MANAGERS = ("editor", "admin")


def refused(response: Any, actor: str) -> None:
    expected = {"anonymous": 401, "outsider": 403}.get(actor, 404)
    assert response.status_code == expected, (actor, response.status_code, response.content)


@pytest.mark.parametrize("actor", ACTORS)
def test_list_members(actor: str, actors: SpaceActors) -> None:
    response = actors.client(actor).get(reverse("api-space-member-list", args=[actors.space.pk]))
    if actor not in VIEWERS:
        refused(response, actor)
        return
    assert response.status_code == 200
    rows = {row["user"]["id"]: row["role"] for row in response.json()["results"]}
    assert rows[actors.people["editor"].pk] == "editor"
    assert rows[actors.people["reader"].pk] == "reader"


@pytest.mark.parametrize("actor", ACTORS)
def test_add_member(actor: str, actors: SpaceActors) -> None:
    staff = actors.people["staff"]
    response = actors.client(actor).post(
        reverse("api-space-member-list", args=[actors.space.pk]),
        {"user_id": staff.pk, "role": "commenter"},
        content_type="application/json",
    )
    with actors.inside():
        added = SpaceMembership.objects.filter(space=actors.space, user=staff).first()
    if actor in MANAGERS:
        assert response.status_code == 201, response.content
        assert added is not None
        assert added.role == SpaceRole.COMMENTER
        assert response.json()["user"]["id"] == staff.pk
    else:
        assert added is None
        if actor in {"commenter", "reader"}:
            assert response.status_code == 403
        else:
            refused(response, actor)


def test_people_outside_the_tenant_cannot_be_added(actors: SpaceActors) -> None:
    outsider = actors.people["outsider"]
    response = actors.client("admin").post(
        reverse("api-space-member-list", args=[actors.space.pk]),
        {"user_id": outsider.pk, "role": "reader"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "user_id" in response.json()["errors"]
    with actors.inside():
        assert not SpaceMembership.objects.filter(user=outsider).exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_change_role(actor: str, actors: SpaceActors) -> None:
    reader = actors.people["reader"]
    response = actors.client(actor).patch(
        reverse("api-space-member-detail", args=[actors.space.pk, reader.pk]),
        {"role": "editor"},
        content_type="application/json",
    )
    with actors.inside():
        role = SpaceMembership.objects.get(space=actors.space, user=reader).role
    if actor in MANAGERS:
        assert response.status_code == 200, response.content
        assert role == response.json()["role"] == "editor"
    else:
        assert role == "reader"
        if actor in {"commenter", "reader"}:
            assert response.status_code == 403
        else:
            refused(response, actor)


def test_demoting_the_last_editor_is_refused_with_a_reason(actors: SpaceActors) -> None:
    editor = actors.people["editor"]
    response = actors.client("admin").patch(
        reverse("api-space-member-detail", args=[actors.space.pk, editor.pk]),
        {"role": "reader"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "au moins un éditeur" in response.json()["errors"]["non_field_errors"][0]
    assert "au moins un éditeur" in response.json()["detail"]
    with actors.inside():
        assert SpaceMembership.objects.get(space=actors.space, user=editor).role == "editor"


@pytest.mark.parametrize("actor", ACTORS)
def test_remove_member(actor: str, actors: SpaceActors) -> None:
    commenter = actors.people["commenter"]
    response = actors.client(actor).delete(
        reverse("api-space-member-detail", args=[actors.space.pk, commenter.pk])
    )
    with actors.inside():
        still = SpaceMembership.objects.filter(space=actors.space, user=commenter).exists()
    if actor in MANAGERS or actor == "commenter":  # the commenter leaves
        assert response.status_code == 204
        assert not still
    else:
        assert still
        if actor == "reader":
            assert response.status_code == 403
        else:
            refused(response, actor)


def test_unknown_member_is_404(actors: SpaceActors) -> None:
    response = actors.client("admin").delete(
        reverse("api-space-member-detail", args=[actors.space.pk, actors.people["staff"].pk])
    )
    assert response.status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_activity(actor: str, actors: SpaceActors) -> None:
    actors.client("admin").patch(
        reverse("api-space-detail", args=[actors.space.pk]),
        {"description": "Accueil du public"},
        content_type="application/json",
    )
    response = actors.client(actor).get(reverse("api-space-activity", args=[actors.space.pk]))
    if actor not in VIEWERS:
        refused(response, actor)
        return
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["verb"] for row in rows] == ["space.updated"]
    assert rows[0]["actor"]["id"] == actors.people["admin"].pk
    with actors.inside():
        assert ActivityEntry.objects.filter(space=actors.space).count() == 1


def test_activity_filters(actors: SpaceActors) -> None:
    client = actors.client("admin")
    client.patch(
        reverse("api-space-detail", args=[actors.space.pk]),
        {"description": "x"},
        content_type="application/json",
    )
    client.post(
        reverse("api-space-member-list", args=[actors.space.pk]),
        {"user_id": actors.people["staff"].pk, "role": "reader"},
        content_type="application/json",
    )
    url = reverse("api-space-activity", args=[actors.space.pk])
    verbs = [r["verb"] for r in client.get(url, {"verb": "space.member_added"}).json()["results"]]
    assert verbs == ["space.member_added"]
    assert len(client.get(url).json()["results"]) == 2
