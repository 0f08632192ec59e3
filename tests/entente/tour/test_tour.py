"""The guided tour a newcomer is offered on the home page: its stops are the pages their own
navigation shows, each opens for them, and once taken or declined it is no longer offered."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from entente.accounts.models import Role, User
from entente.core.navigation import registered_entries
from entente.core.tour import tour_stops
from entente.privacy.services import _public_rows
from tenants.models import FederationLink, FederationState, Tenant

pytestmark = pytest.mark.django_db

NEXT = re.compile(r'<a class="button" href="(/visite/etape-\d+/)" rel="next">')
OPEN = re.compile(r'<a class="button button--secondary" href="([^"]+)">Ouvrir « ([^»]+) »</a>')


def _offer(html: str) -> str:
    start = html.find('id="tour-offer-title"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def _walk(client: Client) -> list[tuple[str, str]]:
    """Follow the tour by its links only, from the home page's offer to the last step, and open
    the page each step shows (no dead end: each answers the person): each step's label and
    the address it opens."""
    home = client.get("/").content.decode()
    assert 'href="/visite/"' in _offer(home)
    response = client.get("/visite/", follow=True)
    seen = []
    while True:
        assert response.status_code == 200, response.request["PATH_INFO"]
        html = response.content.decode()
        found = OPEN.search(html)
        assert found, html
        seen.append((found.group(2), found.group(1)))
        following = NEXT.search(html)
        if following is None:
            assert "Terminer la visite" in html
            break
        response = client.get(following.group(1))
    for label, href in seen:
        assert client.get(href).status_code == 200, (label, href)
    return seen


def test_an_agent_walks_the_tour_and_every_page_it_shows_opens_for_them(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    client = client_for(tenant_a, agent)
    stops = _walk(client)
    labels = [label for label, _href in stops]
    assert labels[:3] == ["Mon travail", "Espaces", "Mes tâches"]
    assert {"Mon calendrier", "Procédures", "Rechercher", "Notifications", "Équipe"} <= set(labels)
    assert "Mes séances" not in labels  # an élu's page
    offer = _offer(client.get("/").content.decode())
    assert f"Une visite en {len(stops)} étapes" in offer


def test_an_elected_official_is_shown_their_sessions(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    client = client_for(tenant_a, make_user(tenant=tenant_a, role=Role.ELECTED))
    assert "Mes séances" in [label for label, _href in _walk(client)]


def test_finishing_the_tour_ends_the_offer_and_it_stays_in_the_account_menu(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    client = client_for(tenant_a, agent)
    done = client.post("/visite/fermer/", {"finished": "1"}, follow=True)
    html = done.content.decode()
    assert done.redirect_chain == [("/", 302)]
    assert "Visite terminée. Vous pouvez la refaire depuis le menu de votre compte." in html
    assert not _offer(html)
    assert '<a href="/visite/"' in html  # « Visite guidée », in the account menu
    agent.refresh_from_db()
    closed_at = agent.tour_closed_at
    assert closed_at is not None
    assert client.get("/visite/etape-1/").status_code == 200  # it can be taken again
    client.post("/visite/fermer/")  # closing again keeps the first date
    agent.refresh_from_db()
    assert agent.tour_closed_at == closed_at
    assert _public_rows(agent)["profile.json"]["tour_closed_at"] == closed_at  # in « Mes données »


def test_no_thanks_declines_it_for_every_collectivite(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Any, client_for: Any
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    html = client_for(tenant_a, agent).post("/visite/fermer/", follow=True).content.decode()
    assert "La visite ne vous sera plus proposée. Elle reste dans le menu de votre compte." in html
    # One person, one tour: in another collectivité of theirs, it is not offered again.
    agent.memberships.create(tenant=tenant_b, role=Role.AGENT)
    assert not _offer(client_for(tenant_b, agent).get("/").content.decode())


def test_a_step_that_does_not_exist_leads_to_the_nearest_one(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    client = client_for(tenant_a, make_user(tenant=tenant_a, role=Role.AGENT))
    total = len(_walk(client))
    assert client.get("/visite/etape-0/")["Location"] == "/visite/etape-1/"
    assert client.get("/visite/etape-99/")["Location"] == f"/visite/etape-{total}/"
    assert client.get("/visite/fermer/").status_code == 405


def test_citizens_and_federated_staff_are_not_offered_it_and_are_refused(
    tenant_a: Tenant, tenant_epci: Tenant, make_user: Any, client_for: Any
) -> None:
    citizen = make_user(tenant=tenant_a, role=Role.GUEST)
    citizen_client = client_for(tenant_a, citizen)
    FederationLink.objects.create(epci=tenant_epci, commune=tenant_a, state=FederationState.ACTIVE)
    federated_client = client_for(tenant_epci, make_user(tenant=tenant_a, role=Role.AGENT))
    for client in (citizen_client, federated_client):
        assert not _offer(client.get("/").content.decode())
        for method, path in (("get", "/visite/"), ("get", "/visite/etape-1/")):
            response = getattr(client, method)(path)
            assert response.status_code == 403
            assert "La visite guidée est proposée aux agents" in response.content.decode()
        assert client.post("/visite/fermer/").status_code == 403
    assert User.objects.get(pk=citizen.pk).tour_closed_at is None


def test_every_stop_names_a_registered_navigation_entry() -> None:
    """A stop whose entry is renamed or removed would silently never show."""
    stops = tour_stops()
    assert len(stops) >= 8
    for stop in stops:
        keys = {entry.key for entry in registered_entries(stop.menu)}
        assert stop.entry in keys, (stop.key, stop.menu, stop.entry)
