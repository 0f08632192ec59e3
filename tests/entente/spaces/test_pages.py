"""Space pages on a tenant host, crossed with every actor: status codes and database state."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from entente.accounts.models import Role
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.spaces.sections import SpaceSection, register_section, unregister_section
from entente.spaces.services import create_space
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db

VIEWERS = ("editor", "commenter", "reader", "admin")
MANAGERS = ("editor", "admin")


def url(name: str, *args: Any) -> str:
    return reverse(f"spaces:{name}", args=args)


def refused(response: Any, actor: str) -> None:
    """What each outsider of a private space gets: the same as for a space that does not exist."""
    if actor == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/login/")
    elif actor == "outsider":
        assert response.status_code == 403
    else:
        assert response.status_code in {403, 404}, response.status_code


@pytest.mark.parametrize("actor", ACTORS)
def test_space_home(actor: str, actors: SpaceActors) -> None:
    response = actors.client(actor).get(url("detail", actors.space.pk))
    if actor in VIEWERS:
        assert response.status_code == 200
        html = response.content.decode()
        assert "Secrétariat de mairie" in html
        assert 'id="section-members"' in html
        assert 'id="section-activity"' in html
        assert ('href="{}"'.format(url("settings", actors.space.pk)) in html) == (actor in MANAGERS)
    else:
        refused(response, actor)
        if actor in {"staff", "guest"}:
            assert response.status_code == 404  # same as a missing space


def test_a_missing_space_answers_404(actors: SpaceActors) -> None:
    response = actors.client("admin").get(url("detail", actors.space.pk + 1000))
    assert response.status_code == 404


@pytest.mark.parametrize("actor", ACTORS)
def test_space_list_shows_only_what_one_may_see(actor: str, actors: SpaceActors) -> None:
    with actors.inside():
        create_space(seeding(), name="Fêtes et cérémonies", visibility=Visibility.TENANT)
    response = actors.client(actor).get(url("list"))
    if actor in {"anonymous", "outsider"}:
        refused(response, actor)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert ("Secrétariat de mairie" in html) == (actor in VIEWERS)
    assert ("Fêtes et cérémonies" in html) == (actor != "guest")


def test_space_list_filters_by_kind_and_archived(actors: SpaceActors) -> None:
    with actors.inside():
        create_space(seeding(), name="Projet école", kind="project")
        old = create_space(seeding(), name="Ancien comité")
        Space.objects.filter(pk=old.pk).update(archived_at="2026-01-01T00:00:00Z")
    client = actors.client("admin")
    html = client.get(url("list"), {"kind": "project"}).content.decode()
    assert "Projet école" in html
    assert "Secrétariat de mairie" not in html
    html = client.get(url("list"), {"archived": "on"}).content.decode()
    assert "Ancien comité" in html
    assert "Projet école" not in html
    partial = client.get(url("list"), {"kind": "team"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<h1>" not in partial
    assert "Secrétariat de mairie" in partial


@pytest.mark.parametrize("actor", ACTORS)
def test_create_space(actor: str, actors: SpaceActors) -> None:
    data = {
        "name": f"Espace de {actor}",
        "kind": "team",
        "visibility": "private",
        "description": "",
    }
    response = actors.client(actor).post(url("create"), data)
    with actors.inside():
        created = Space.objects.filter(name=data["name"]).first()
    if actor in {"anonymous", "outsider"}:
        refused(response, actor)
        assert created is None
    elif actor == "guest":
        assert response.status_code == 403
        assert created is None
    else:
        assert response.status_code == 302
        assert created is not None
        assert response["Location"] == url("detail", created.pk)
        with actors.inside():
            assert SpaceMembership.objects.get(space=created).user == actors.people[actor]


def test_create_form_shows_errors_in_french(actors: SpaceActors) -> None:
    response = actors.client("staff").post(
        url("create"), {"name": "", "kind": "team", "visibility": "tenant"}
    )
    assert response.status_code == 400
    assert "Donnez un nom à l&#x27;espace." in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_settings(actor: str, actors: SpaceActors) -> None:
    client = actors.client(actor)
    data = {
        "name": "Accueil de la mairie",
        "kind": "team",
        "visibility": "private",
        "description": "x",
    }
    get = client.get(url("settings", actors.space.pk))
    post = client.post(url("settings", actors.space.pk), data)
    with actors.inside():
        name = Space.objects.get(pk=actors.space.pk).name
    if actor in MANAGERS:
        assert get.status_code == 200
        assert post.status_code == 302
        assert name == "Accueil de la mairie"
    else:
        assert name == "Secrétariat de mairie"
        if actor in {"commenter", "reader"}:
            assert (get.status_code, post.status_code) == (403, 403)
        else:
            refused(get, actor)
            refused(post, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_archive_and_restore(actor: str, actors: SpaceActors) -> None:
    client = actors.client(actor)
    response = client.post(url("archive", actors.space.pk))
    with actors.inside():
        archived = Space.objects.get(pk=actors.space.pk).archived_at is not None
    if actor in MANAGERS:
        assert response.status_code == 302
        assert archived
        restore = client.post(url("restore", actors.space.pk))
        assert restore.status_code == 302
        with actors.inside():
            assert Space.objects.get(pk=actors.space.pk).archived_at is None
    else:
        assert not archived
        if actor in {"commenter", "reader"}:
            assert response.status_code == 403
        else:
            refused(response, actor)


def test_archive_is_post_only(actors: SpaceActors) -> None:
    assert actors.client("admin").get(url("archive", actors.space.pk)).status_code == 405


@pytest.mark.parametrize("actor", ACTORS)
def test_members_page_and_adding(actor: str, actors: SpaceActors) -> None:
    client = actors.client(actor)
    get = client.get(url("members", actors.space.pk))
    staff = actors.people["staff"]
    post = client.post(url("members", actors.space.pk), {"user": staff.pk, "role": "reader"})
    with actors.inside():
        added = SpaceMembership.objects.filter(space=actors.space, user=staff).exists()
    if actor in VIEWERS:
        assert get.status_code == 200
        assert "Claire Morand" in get.content.decode()
        assert ("Ajouter un membre" in get.content.decode()) == (actor in MANAGERS)
    if actor in MANAGERS:
        assert post.status_code == 302
        assert added
    else:
        assert not added
        if actor in {"commenter", "reader"}:
            assert post.status_code == 403
        else:
            refused(get, actor)
            refused(post, actor)


def test_the_add_form_offers_only_people_of_the_tenant(actors: SpaceActors) -> None:
    html = actors.client("editor").get(url("members", actors.space.pk)).content.decode()
    assert f'<option value="{actors.people["staff"].pk}"' in html
    assert f'<option value="{actors.people["outsider"].pk}"' not in html
    assert f'<option value="{actors.people["reader"].pk}"' not in html  # already a member
    response = actors.client("editor").post(
        url("members", actors.space.pk), {"user": actors.people["outsider"].pk, "role": "reader"}
    )
    assert response.status_code == 400
    with actors.inside():
        assert not SpaceMembership.objects.filter(user=actors.people["outsider"]).exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_role_change(actor: str, actors: SpaceActors) -> None:
    with actors.inside():
        member = SpaceMembership.objects.get(space=actors.space, user=actors.people["reader"])
    response = actors.client(actor).post(
        url("member_role", actors.space.pk, member.pk), {f"m{member.pk}-role": "commenter"}
    )
    with actors.inside():
        role = SpaceMembership.objects.get(pk=member.pk).role
    if actor in MANAGERS:
        assert response.status_code == 302
        assert role == SpaceRole.COMMENTER
    else:
        assert role == SpaceRole.READER
        if actor in {"commenter", "reader"}:
            assert response.status_code == 403
        else:
            refused(response, actor)


def test_role_change_with_htmx_returns_the_row(actors: SpaceActors) -> None:
    with actors.inside():
        member = SpaceMembership.objects.get(space=actors.space, user=actors.people["editor"])
    client = actors.client("admin")
    response = client.post(
        url("member_role", actors.space.pk, member.pk),
        {f"m{member.pk}-role": "reader"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400  # the last editor
    assert "au moins un éditeur" in response.content.decode()
    assert response.content.decode().startswith("<tr")


@pytest.mark.parametrize("actor", ACTORS)
def test_member_removal(actor: str, actors: SpaceActors) -> None:
    with actors.inside():
        member = SpaceMembership.objects.get(space=actors.space, user=actors.people["commenter"])
    response = actors.client(actor).post(url("member_remove", actors.space.pk, member.pk))
    with actors.inside():
        still = SpaceMembership.objects.filter(pk=member.pk).exists()
    if actor in MANAGERS or actor == "commenter":  # the commenter leaves
        assert response.status_code == 302
        assert not still
    else:
        assert still
        if actor == "reader":
            assert response.status_code == 403
        else:
            refused(response, actor)


def test_a_member_of_another_space_cannot_be_reached_through_this_one(actors: SpaceActors) -> None:
    with actors.inside():
        other = create_space(seeding(actors.people["admin"]), name="Autre")
        stranger = SpaceMembership.objects.create(
            space=other, user=actors.people["staff"], role="reader"
        )
    response = actors.client("editor").post(url("member_remove", actors.space.pk, stranger.pk))
    assert response.status_code == 404
    with actors.inside():
        assert SpaceMembership.objects.filter(pk=stranger.pk).exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_dashboard_lists_my_spaces_under_the_tenant_name(actor: str, actors: SpaceActors) -> None:
    response = actors.client(actor).get("/")
    if actor in {"anonymous", "outsider"}:
        refused(response, actor)
        return
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{actors.tenant.name}</h1>" in html
    assert ("Secrétariat de mairie" in html) == (actor in VIEWERS)
    assert ('href="{}"'.format(url("create")) in html) == (actor != "guest")


def test_sections_registered_by_other_apps_are_rendered_and_missing_ones_skipped(
    actors: SpaceActors,
) -> None:
    """Another app's section gets the checked access; a missing template drops the section."""
    seen: list[tuple[int, str | None]] = []

    def context(request: Any, access: Any) -> dict[str, Any]:
        seen.append((access.space.pk, access.role))
        return {"members": []}  # the template below then says "no member yet"

    register_section(
        SpaceSection(
            key="test-present",
            title="Section présente",
            template="spaces/_section_members.html",
            context=context,
            order=1,
        )
    )
    register_section(SpaceSection(key="test-missing", title="Absente", template="nowhere/x.html"))
    try:
        response = actors.client("reader").get(url("detail", actors.space.pk))
    finally:
        unregister_section("test-present")
        unregister_section("test-missing")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="section-test-present"' in html
    assert "Section présente" in html
    assert "Absente" not in html
    assert seen == [(actors.space.pk, "reader")]
    assert html.index("section-test-present") < html.index('id="section-members"')


def test_guest_sees_a_public_project_they_belong_to(actors: SpaceActors, make_user: Any) -> None:
    citizen = make_user(tenant=actors.tenant, role=Role.GUEST)
    with tenant_context(actors.tenant):
        project = create_space(seeding(), name="Budget participatif", visibility="public_project")
        SpaceMembership.objects.create(space=project, user=citizen, role="commenter")
    client: Client = actors.client_for(actors.tenant, citizen)
    assert client.get(url("detail", project.pk)).status_code == 200
    assert client.get(url("settings", project.pk)).status_code == 403


def test_dashboard_lists_the_spaces_i_belong_to_first(actors: SpaceActors) -> None:
    with actors.inside():
        create_space(seeding(), name="Animations")  # before "Secrétariat" by name
    html = actors.client("reader").get("/").content.decode()
    assert html.index("Secrétariat de mairie") < html.index("Animations")
