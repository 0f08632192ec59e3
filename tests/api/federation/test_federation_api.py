"""`/api/v1/federation/…` and a space's join requests, with real sessions on the EPCI's host."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import User
from entente.accounts.services import create_api_token
from entente.federation.services import end_link
from entente.spaces.models import JoinPolicy, JoinRequestState, SpaceMembership
from tenants.models import Tenant
from tests.support.federation import World, federation_space, make_world

ClientFor = Callable[..., Client]


@pytest.fixture
def world(
    make_user: Callable[..., User], tenant_epci: Tenant, tenant_a: Tenant, tenant_b: Tenant
) -> World:
    world = make_world(make_user, tenant_epci, tenant_a, tenant_b)
    world.spaces = {
        "open": federation_space(tenant_epci, "Tourisme", editor=world.epci_editor),
        "asked": federation_space(
            tenant_epci, "Voirie", policy=JoinPolicy.ON_REQUEST, editor=world.epci_editor
        ),
    }
    return world


def test_directory_lists_what_the_person_may_join(world: World, client_for: ClientFor) -> None:
    response = client_for(world.epci, world.lege_agent).get("/api/v1/federation/spaces/")
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    assert set(rows) == {"Tourisme", "Voirie"}
    assert rows["Tourisme"]["join_policy"] == "open"
    assert rows["Tourisme"]["members"] == 1
    assert rows["Voirie"]["is_member"] is False


def test_directory_refuses_people_of_unlinked_communes(world: World, client_for: ClientFor) -> None:
    response = client_for(world.epci, world.paulx_agent).get("/api/v1/federation/spaces/")
    assert response.status_code == 403


def test_join_then_read_the_space_through_the_api(world: World, client_for: ClientFor) -> None:
    client = client_for(world.epci, world.lege_agent)
    space_id = world.spaces["open"].pk
    response = client.post(f"/api/v1/federation/spaces/{space_id}/join/")
    assert response.status_code == 201, response.content
    assert response.json()["via_tenant"] == world.lege.pk
    listed = client.get("/api/v1/spaces/").json()
    names = [row["name"] for row in listed.get("results", listed)]
    assert names == ["Tourisme"]
    assert client.get(f"/api/v1/spaces/{space_id}/").status_code == 200
    assert client.get(f"/api/v1/spaces/{world.spaces['asked'].pk}/").status_code == 404
    again = client.post(f"/api/v1/federation/spaces/{space_id}/join/")
    assert again.status_code == 400


def test_ask_then_managers_list_approve_and_refuse(
    world: World, make_user: Callable[..., User], client_for: ClientFor
) -> None:
    space_id = world.spaces["asked"].pk
    asker = client_for(world.epci, world.lege_agent)
    response = asker.post(
        f"/api/v1/federation/spaces/{space_id}/ask/", {"message": "Bonjour"}, "application/json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["via_commune"] == "Legé"
    request_id = response.json()["id"]
    assert asker.get(f"/api/v1/spaces/{space_id}/join-requests/").status_code == 404
    manager = client_for(world.epci, world.epci_editor)
    listed = manager.get(f"/api/v1/spaces/{space_id}/join-requests/")
    assert listed.status_code == 200
    assert [row["user_name"] for row in listed.json()] == ["Julien Besnard"]
    approved = manager.post(f"/api/v1/spaces/{space_id}/join-requests/{request_id}/approve/")
    assert approved.status_code == 200
    assert approved.json()["state"] == JoinRequestState.APPROVED
    with tenant_context(world.epci):
        assert SpaceMembership.objects.filter(space_id=space_id, user=world.lege_agent).exists()

    other = make_user(tenant=world.lege, full_name="Autre Agent")
    made = client_for(world.epci, other).post(f"/api/v1/federation/spaces/{space_id}/ask/")
    refused = manager.post(f"/api/v1/spaces/{space_id}/join-requests/{made.json()['id']}/refuse/")
    assert refused.json()["state"] == JoinRequestState.REFUSED
    with tenant_context(world.epci):
        assert not SpaceMembership.objects.filter(space_id=space_id, user=other).exists()


def test_after_the_link_ends_the_api_refuses(world: World, client_for: ClientFor) -> None:
    client = client_for(world.epci, world.lege_agent)
    assert (
        client.post(f"/api/v1/federation/spaces/{world.spaces['open'].pk}/join/").status_code == 201
    )
    end_link(world.lege_link, actor=world.epci_admin, acting_tenant=world.epci)
    assert client.get("/api/v1/federation/spaces/").status_code == 403
    assert client.get(f"/api/v1/spaces/{world.spaces['open'].pk}/").status_code == 403
    with tenant_context(world.epci):
        assert not SpaceMembership.objects.filter(user=world.lege_agent).exists()


def test_on_a_commune_the_directory_does_not_exist(world: World, client_for: ClientFor) -> None:
    response = client_for(world.lege, world.lege_agent).get("/api/v1/federation/spaces/")
    assert response.status_code == 404


def test_bearer_tokens_reach_as_the_stand_in(world: World) -> None:
    """A personal token acts as its person: on the EPCI's host, as their stand-in."""
    token = create_api_token(world.lege_agent, name="script").raw
    client = Client(HTTP_HOST=world.epci.primary_host)
    response = client.get("/api/v1/federation/spaces/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200


def test_an_epci_opens_a_space_to_some_communes_through_the_api(
    world: World, client_for: ClientFor
) -> None:
    client = client_for(world.epci, world.epci_editor)
    response = client.post(
        "/api/v1/spaces/",
        {
            "name": "Sentiers",
            "kind": "thematic",
            "visibility": "federation",
            "join_policy": "open",
            "federation_scope": [world.lege.pk],
        },
        "application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["federation_scope"] == [world.lege.pk]
    refused = client.post(
        "/api/v1/spaces/",
        {"name": "Hors", "visibility": "federation", "federation_scope": [world.paulx.pk]},
        "application/json",
    )
    assert refused.status_code == 400
