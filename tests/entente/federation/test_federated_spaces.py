"""Federation in use: staff of a linked commune work in the EPCI's federation spaces.

Through a stand-in membership on the EPCI's host (entente.accounts.acting) they see only the
federation spaces open to their commune that they joined; they find the others in the
directory, join the open ones, ask for the others; ending the link removes them at once.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.acting import federated_membership
from entente.accounts.models import Role, User
from entente.core.events import Event, subscribe, unsubscribe
from entente.federation import spaces as federation_spaces
from entente.federation.services import end_link
from entente.spaces.models import (
    JoinPolicy,
    JoinRequestState,
    Space,
    SpaceJoinRequest,
    SpaceMembership,
    Visibility,
)
from entente.tasks.models import Task, TaskComment
from entente.tasks.services import add_comment, create_task
from tenants.models import Tenant
from tests.support.federation import World, federation_space, link, make_world

ClientFor = Callable[..., Client]


@pytest.fixture
def world(
    make_user: Callable[..., User], tenant_epci: Tenant, tenant_a: Tenant, tenant_b: Tenant
) -> World:
    world = make_world(make_user, tenant_epci, tenant_a, tenant_b)
    editor = world.epci_editor
    world.spaces = {
        "open": federation_space(
            tenant_epci, "Tourisme intercommunal", editor=editor, description="Saison 2026"
        ),
        "asked": federation_space(
            tenant_epci, "Voirie intercommunale", policy=JoinPolicy.ON_REQUEST, editor=editor
        ),
        "tenant": federation_space(
            tenant_epci, "Budget interne CANARI", visibility=Visibility.TENANT, editor=editor
        ),
        "private": federation_space(
            tenant_epci, "Ressources humaines CANARI", visibility=Visibility.PRIVATE, editor=editor
        ),
    }
    return world


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _join(world: World, key: str = "open", user: User | None = None) -> SpaceMembership:
    user = user or world.lege_agent
    with tenant_context(world.epci):
        stand_in = federated_membership(user, world.epci)
        assert stand_in is not None
        return federation_spaces.join_space(stand_in, world.spaces[key])


def _stand_in(world: World, user: User) -> Any:
    with tenant_context(world.epci):
        return federated_membership(user, world.epci)


# -- Who gets in ----------------------------------------------------------------------------------


def test_federated_staff_see_only_the_federation_spaces_they_joined(
    world: World, client_for: ClientFor
) -> None:
    _join(world)
    client = client_for(world.epci, world.lege_agent)
    for path in ("/", "/espaces/", "/taches/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "CANARI" not in _text(response), path
    home = _text(client.get("/"))
    assert "Tourisme intercommunal" in home
    assert "Voirie intercommunale" not in home  # in the directory, not joined
    assert client.get(f"/espaces/{world.spaces['open'].pk}/").status_code == 200
    for key in ("asked", "tenant", "private"):
        assert client.get(f"/espaces/{world.spaces[key].pk}/").status_code == 404, key


def test_federated_staff_reach_no_admin_page_and_create_nothing(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.epci, world.lege_agent)
    assert client.get("/espaces/nouveau/").status_code == 403
    assert client.post("/espaces/nouveau/", {"name": "X", "kind": "team"}).status_code == 403
    assert client.get("/federation/").status_code == 403
    assert client.get("/administration/export/").status_code == 403
    assert client.get("/administration/demandes/").status_code == 403
    with tenant_context(world.epci):
        assert not Space.objects.filter(name="X").exists()


@pytest.mark.parametrize("who", ["lege_guest", "paulx_agent"])
def test_guests_of_a_linked_commune_and_staff_of_an_unlinked_one_are_refused(
    world: World, client_for: ClientFor, who: str
) -> None:
    person = getattr(world, who)
    assert _stand_in(world, person) is None
    for path in ("/", "/federation/espaces/", "/api/v1/federation/spaces/"):
        response = client_for(world.epci, person).get(path)
        assert response.status_code == 403, (path, response.status_code)
        assert "Tourisme" not in _text(response)


def test_the_commune_itself_gives_no_stand_in(world: World) -> None:
    with tenant_context(world.lege):
        assert federated_membership(world.lege_agent, world.paulx) is None
        assert federated_membership(world.paulx_agent, world.lege) is None


def test_ending_the_link_closes_the_door_at_once_and_removes_memberships(
    world: World, client_for: ClientFor
) -> None:
    joined = _join(world)
    assert joined.via_tenant_id == world.lege.pk
    client = client_for(world.epci, world.lege_agent)
    assert client.get(f"/espaces/{world.spaces['open'].pk}/").status_code == 200  # cached now
    with tenant_context(world.epci):
        stand_in = federated_membership(world.lege_agent, world.epci)
        assert stand_in is not None
        task = create_task(
            space=world.spaces["open"],
            actor=world.lege_agent,
            abilities=federation_spaces.space_abilities(
                stand_in, world.spaces["open"], "editor", tenant=world.epci
            ),
            title="Brochure de l'été",
        )
        add_comment(
            task,
            actor=world.lege_agent,
            abilities=federation_spaces.space_abilities(
                stand_in, world.spaces["open"], "editor", tenant=world.epci
            ),
            body="Je m'en occupe.",
        )
        federation_spaces.ask_to_join(stand_in, world.spaces["asked"], message="Merci")

    end_link(world.lege_link, actor=world.lege_admin, acting_tenant=world.lege, note="Fin")

    assert client.get(f"/espaces/{world.spaces['open'].pk}/").status_code == 403
    assert client.get("/").status_code == 403
    with tenant_context(world.epci):
        assert not SpaceMembership.objects.filter(user_id=world.lege_agent.pk).exists()
        pending = SpaceJoinRequest.objects.get(user_id=world.lege_agent.pk)
        assert pending.state == JoinRequestState.REFUSED
        # Their work stays, attributed.
        assert Task.objects.get(pk=task.pk).created_by_id == world.lege_agent.pk
        assert TaskComment.objects.get(task=task).author_id == world.lege_agent.pk
        # The EPCI's own editor is untouched.
        assert SpaceMembership.objects.filter(user_id=world.epci_editor.pk).count() == 4


def test_ending_one_link_keeps_people_who_have_another_way_in(
    world: World, make_user: Callable[..., User]
) -> None:
    paulx_admin = make_user(tenant=world.paulx, role=Role.ADMIN)
    link(world.epci, world.paulx, world.epci_admin, paulx_admin)
    from entente.accounts.services import add_member

    add_member(world.paulx, world.lege_agent, Role.AGENT)  # also staff of Paulx
    joined = _join(world)
    assert joined.via_tenant_id == world.lege.pk  # Legé comes first by name
    end_link(world.lege_link, actor=world.epci_admin, acting_tenant=world.epci)
    with tenant_context(world.epci):
        kept = SpaceMembership.objects.get(pk=joined.pk)
    assert kept.via_tenant_id == world.paulx.pk
    assert _stand_in(world, world.lege_agent) is not None


def test_the_console_staff_end_removes_memberships_too(
    world: World, make_user: Callable[..., User]
) -> None:
    _join(world)
    staff = make_user(is_staff=True)
    end_link(world.lege_link, actor=staff, acting_tenant=None, note="Demande de la commune")
    with tenant_context(world.epci):
        assert not SpaceMembership.objects.filter(user_id=world.lege_agent.pk).exists()


# -- A space for a subset of communes ----------------------------------------------------------


def test_a_space_scoped_to_other_communes_stays_closed(
    world: World, make_user: Callable[..., User], client_for: ClientFor
) -> None:
    paulx_admin = make_user(tenant=world.paulx, role=Role.ADMIN)
    link(world.epci, world.paulx, world.epci_admin, paulx_admin)
    scoped = federation_space(
        world.epci, "Marais de Paulx", scope=[world.paulx.pk], editor=world.epci_editor
    )
    client = client_for(world.epci, world.lege_agent)
    assert "Marais de Paulx" not in _text(client.get("/federation/espaces/"))
    assert client.post(f"/federation/espaces/{scoped.pk}/rejoindre/").status_code == 404
    with tenant_context(world.epci):
        # Even a membership slipped in by hand opens nothing outside the scope.
        SpaceMembership.objects.create(space=scoped, user=world.lege_agent, via_tenant_id=1)
    assert client.get(f"/espaces/{scoped.pk}/").status_code == 404
    # Paulx's staff, in scope, find it.
    paulx_agent_client = client_for(world.epci, world.paulx_agent)
    assert "Marais de Paulx" in _text(paulx_agent_client.get("/federation/espaces/"))


def test_only_linked_communes_can_be_in_a_scope(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        federation_space(world.epci, "Hors périmètre", scope=[world.paulx.pk])


def test_the_space_form_offers_scope_and_policy_only_on_an_epci(
    world: World, client_for: ClientFor
) -> None:
    page = _text(client_for(world.epci, world.epci_editor).get("/espaces/nouveau/"))
    assert "Communes auxquelles l'espace est ouvert" in page
    assert "Legé" in page
    assert "Paulx" not in page  # not linked
    response = client_for(world.epci, world.epci_editor).post(
        "/espaces/nouveau/",
        {
            "name": "Enfance Legé",
            "kind": "thematic",
            "visibility": "federation",
            "join_policy": "open",
            "federation_scope": [str(world.lege.pk)],
        },
    )
    assert response.status_code == 302
    with tenant_context(world.epci):
        made = Space.objects.get(name="Enfance Legé")
    assert made.federation_scope == [world.lege.pk]
    assert made.join_policy == JoinPolicy.OPEN
    commune_page = _text(client_for(world.lege, world.lege_admin).get("/espaces/nouveau/"))
    assert "Communes auxquelles" not in commune_page


# -- Directory, join, ask, approve, refuse ------------------------------------------------------


@pytest.fixture
def events() -> Any:
    seen: list[Event] = []
    subscribe(seen.append)
    yield seen
    unsubscribe(seen.append)


def test_the_commune_home_links_to_the_epci_directory(world: World, client_for: ClientFor) -> None:
    page = _text(client_for(world.lege, world.lege_agent).get("/"))
    assert f"Espaces intercommunaux de {world.epci.name}" in page
    assert f"{world.epci.primary_host}" in page
    assert "/federation/espaces/" in page
    guest_page = _text(client_for(world.lege, world.lege_guest).get("/"))
    assert "Espaces intercommunaux" not in guest_page


def test_directory_join_and_ask_without_javascript(
    world: World,
    client_for: ClientFor,
    events: list[Event],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(world.epci, world.lege_agent)
    page = _text(client.get("/federation/espaces/"))
    assert "Tourisme intercommunal" in page
    assert "Saison 2026" in page
    assert "Voirie intercommunale" in page
    assert "CANARI" not in page
    assert "Rejoindre" in page
    assert "Demander à rejoindre" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/federation/espaces/{world.spaces['open'].pk}/rejoindre/")
    assert response.status_code == 302
    with tenant_context(world.epci):
        joined = SpaceMembership.objects.get(space=world.spaces["open"], user=world.lege_agent)
    assert joined.via_tenant_id == world.lege.pk
    added = [e for e in events if e.name == "space.member_added"]
    assert added
    assert world.epci_editor.pk in added[0].user_ids

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/federation/espaces/{world.spaces['asked'].pk}/demander/",
            {"message": "Je suis chargé de la voirie à Legé."},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert "Demande en attente" in _text(response)
    asked = [e for e in events if e.name == "space.join_requested"]
    assert asked
    assert asked[0].user_ids == (world.epci_editor.pk,)
    page = _text(client.get("/federation/espaces/"))
    assert "Vous êtes membre" in page
    assert "Demande en attente" in page


def test_joining_an_on_request_space_directly_is_refused(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.epci, world.lege_agent)
    client.post(f"/federation/espaces/{world.spaces['asked'].pk}/rejoindre/")
    with tenant_context(world.epci):
        assert not SpaceMembership.objects.filter(user_id=world.lege_agent.pk).exists()


def test_managers_approve_and_refuse_requests(
    world: World, make_user: Callable[..., User], client_for: ClientFor
) -> None:
    other = make_user(tenant=world.lege, role=Role.ELECTED, full_name="Élise Élue")
    for person in (world.lege_agent, other):
        with tenant_context(world.epci):
            stand_in = _stand_in(world, person)
            assert stand_in is not None
            federation_spaces.ask_to_join(stand_in, world.spaces["asked"])
    space_id = world.spaces["asked"].pk
    manager = client_for(world.epci, world.epci_editor)
    page = _text(manager.get(f"/federation/espaces/{space_id}/demandes/"))
    assert "Julien Besnard (Legé)" in page
    assert "Élise Élue (Legé)" in page
    with tenant_context(world.epci):
        first, second = SpaceJoinRequest.objects.filter(space_id=space_id).order_by("pk")
    # The requester cannot answer their own request.
    requester = client_for(world.epci, world.lege_agent)
    assert (
        requester.post(f"/federation/espaces/{space_id}/demandes/{first.pk}/accepter/").status_code
        == 404
    )
    manager.post(f"/federation/espaces/{space_id}/demandes/{first.pk}/accepter/")
    manager.post(f"/federation/espaces/{space_id}/demandes/{second.pk}/refuser/")
    with tenant_context(world.epci):
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.state == JoinRequestState.APPROVED
        assert first.decided_by_id == world.epci_editor.pk
        assert second.state == JoinRequestState.REFUSED
        member = SpaceMembership.objects.get(space_id=space_id, user=world.lege_agent)
        assert member.via_tenant_id == world.lege.pk
        assert not SpaceMembership.objects.filter(space_id=space_id, user=other).exists()
    assert requester.get(f"/espaces/{space_id}/").status_code == 200


def test_federated_editors_do_not_manage_the_space(world: World, client_for: ClientFor) -> None:
    _join(world)
    client = client_for(world.epci, world.lege_agent)
    space_id = world.spaces["open"].pk
    assert client.get(f"/espaces/{space_id}/parametres/").status_code == 403
    assert client.get(f"/federation/espaces/{space_id}/demandes/").status_code == 403
    assert client.post(f"/espaces/{space_id}/archiver/").status_code in {302, 403}
    with tenant_context(world.epci):
        assert Space.objects.get(pk=space_id).archived_at is None


def test_leaving_through_the_directory(world: World, client_for: ClientFor) -> None:
    _join(world)
    client = client_for(world.epci, world.lege_agent)
    client.post(f"/federation/espaces/{world.spaces['open'].pk}/quitter/")
    with tenant_context(world.epci):
        assert not SpaceMembership.objects.filter(user_id=world.lege_agent.pk).exists()


# -- Names with their commune -------------------------------------------------------------------


def test_names_are_shown_with_the_commune(world: World, client_for: ClientFor) -> None:
    _join(world)
    space = world.spaces["open"]
    manager = client_for(world.epci, world.epci_editor)
    members = _text(manager.get(f"/espaces/{space.pk}/membres/"))
    assert "Julien Besnard (Legé)" in members
    assert "Claire Morand (" not in members  # the CC's own people need no commune
    form = _text(manager.get(f"/espaces/{space.pk}/taches/nouvelle/"))
    assert "Julien Besnard (Legé)" in form
    response = manager.post(
        f"/espaces/{space.pk}/taches/nouvelle/",
        {
            "title": "Préparer le guide",
            "status": "todo",
            "priority": "2",
            "assignees": [str(world.lege_agent.pk)],
        },
    )
    assert response.status_code in {200, 302}, _text(response)[:2000]
    with tenant_context(world.epci):
        task = Task.objects.get(title="Préparer le guide")
        assert list(task.assignments.values_list("user_id", flat=True)) == [world.lege_agent.pk]
    detail = _text(manager.get(f"/taches/{task.pk}/"))
    assert "Julien Besnard (Legé)" in detail
    # And the person sees it in their tasks on the CC's host.
    mine = _text(client_for(world.epci, world.lege_agent).get("/taches/"))
    assert "Préparer le guide" in mine


# -- Freshness across processes -----------------------------------------------------------------


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_link_ended_by_another_process_closes_the_door_at_the_next_recheck(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process ends the link and publishes the change (as `_record` does after commit);
    this process forgets its cached answer at its next look at the shared cache (≤ 1 s)."""
    from entente.accounts.acting import FEDERATION, epci_key
    from tenants import routing
    from tenants.models import FederationLink, FederationState

    clock = _Clock()
    monkeypatch.setattr(routing, "clock", clock)
    routing.refresh()  # learn the current generation
    assert _stand_in(world, world.lege_agent) is not None  # cached
    # The other process's write: no signal reaches this one.
    FederationLink.objects.filter(pk=world.lege_link.pk).update(state=FederationState.ENDED)
    assert _stand_in(world, world.lege_agent) is not None  # still the cached answer
    shared = routing._shared_cache()
    shared.add(routing.GENERATION_KEY, 0, timeout=None)
    generation = shared.incr(routing.GENERATION_KEY)
    shared.set(
        routing.CHANGES_KEY.format(generation=generation),
        {FEDERATION: [epci_key(world.epci.pk)]},
        timeout=60,
    )
    clock.now += routing.RECHECK_SECONDS
    assert _stand_in(world, world.lege_agent) is None


def test_a_commune_membership_removed_closes_the_door_at_once(world: World) -> None:
    from entente.accounts.services import remove_member

    assert _stand_in(world, world.lege_agent) is not None
    remove_member(world.lege, world.lege_agent)
    assert _stand_in(world, world.lege_agent) is None


def test_federated_members_can_be_mentioned_and_assigned(world: World) -> None:
    from entente.discussions.services import mentionable_people
    from entente.tasks.selectors import people_who_can_view

    _join(world)
    with tenant_context(world.epci):
        space = world.spaces["open"]
        assert world.lege_agent.pk in mentionable_people(space)
        assert world.lege_agent in people_who_can_view(space, world.epci)
        # Not in a space they did not join.
        assert world.lege_agent.pk not in mentionable_people(world.spaces["asked"])
