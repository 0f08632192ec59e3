"""The /federation/ pages: an EPCI's members with invitations, a commune's invitations and links."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from entente.accounts.models import Role
from entente.reference.selectors import members_of_epci
from tenants.models import FederationEvent, FederationLink, FederationState, Tenant, TenantKind

from .conftest import People

pytestmark = pytest.mark.usefixtures("official_data")

ClientFor = Callable[..., Client]


def _text(response: Any) -> str:
    """The page's HTML with entities decoded, so assertions read like the page."""
    return html.unescape(response.content.decode())


def _page(client: Client, path: str = "/federation/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return _text(response)


# -- The EPCI's page ---------------------------------------------------------------------------


def test_the_epci_admin_sees_the_official_members_and_can_invite(
    people: People, tenant_epci: Tenant, client_for: ClientFor
) -> None:
    html = _page(client_for(tenant_epci, people.epci_admin))
    for name in ["Machecoul-Saint-Même", "Legé", "Corcoué-sur-Logne", "La Marne", "Touvois"]:
        assert name in html
    assert "Code officiel géographique : <strong>8</strong>" in html
    # Legé at least (tenant_b has another code); a full run may hold other member communes.
    codes = [commune.insee_code for commune in members_of_epci(tenant_epci.official_code)]
    on_entente = [
        tenant
        for tenant in Tenant.objects.filter(kind=TenantKind.COMMUNE, official_code__in=codes)
        if tenant.is_open
    ]
    assert "44081" in {tenant.official_code for tenant in on_entente}
    assert f"Dont sur Entente : <strong>{len(on_entente)}</strong>" in html
    assert "Liées à l'intercommunalité : <strong>0</strong>" in html
    assert 'name="code" value="44081"' in html  # Legé can be invited
    assert 'name="code" value="44087"' not in html  # Machecoul has no Entente space yet
    assert "Doit d'abord ouvrir son espace Entente" in html
    assert "Inviter une autre commune" in html


def test_the_epci_agent_reads_without_buttons(
    people: People, tenant_epci: Tenant, client_for: ClientFor
) -> None:
    html = _page(client_for(tenant_epci, people.epci_agent))
    assert "Legé" in html
    assert "lecture seule" in html
    assert 'name="code"' not in html
    assert "Inviter une autre commune" not in html


def test_the_epci_admin_invites_from_the_page(
    people: People, tenant_epci: Tenant, tenant_a: Tenant, client_for: ClientFor
) -> None:
    client = client_for(tenant_epci, people.epci_admin)
    response = client.post("/federation/inviter/", {"code": "44081"}, follow=True)
    assert response.redirect_chain == [("/federation/", 302)]
    html = _text(response)
    assert "Invitation envoyée à Legé" in html
    assert "en attente de réponse" in html
    assert "Retirer l'invitation" in html
    link = FederationLink.objects.get(epci=tenant_epci, commune=tenant_a)
    assert link.state == FederationState.INVITED
    assert FederationEvent.objects.get(link=link).actor == people.epci_admin


@pytest.mark.parametrize("who", ["epci_agent", "commune_admin"])
def test_others_cannot_invite(
    people: People, tenant_epci: Tenant, tenant_a: Tenant, client_for: ClientFor, who: str
) -> None:
    """An EPCI agent gets 403; the commune's admin is not even a member of the EPCI's host."""
    response = client_for(tenant_epci, people[who]).post("/federation/inviter/", {"code": "44081"})
    assert response.status_code == 403
    assert not FederationLink.objects.exists()


def test_a_commune_admin_cannot_invite_from_their_own_host(
    people: People, tenant_a: Tenant, client_for: ClientFor
) -> None:
    response = client_for(tenant_a, people.commune_admin).post(
        "/federation/inviter/", {"code": "44081"}
    )
    assert response.status_code == 403
    assert not FederationLink.objects.exists()


def test_inviting_a_commune_not_yet_on_entente_says_so(
    people: People, tenant_epci: Tenant, client_for: ClientFor
) -> None:
    response = client_for(tenant_epci, people.epci_admin).post(
        "/federation/inviter/", {"code": "44087"}, follow=True
    )
    assert "Aucune commune de code INSEE 44087 n'est encore inscrite" in (_text(response))
    assert not FederationLink.objects.exists()


@pytest.mark.parametrize("code", ["", "4408", "ABCDE"])
def test_a_malformed_code_is_explained(
    people: People, tenant_epci: Tenant, client_for: ClientFor, code: str
) -> None:
    response = client_for(tenant_epci, people.epci_admin).post(
        "/federation/inviter/", {"code": code}, follow=True
    )
    assert "code INSEE" in _text(response)
    assert not FederationLink.objects.exists()


def test_inviting_off_the_list_needs_the_box_ticked(
    people: People, tenant_epci: Tenant, nantes: Tenant, client_for: ClientFor
) -> None:
    client = client_for(tenant_epci, people.epci_admin)
    refused = client.post("/federation/inviter/", {"code": "44109"}, follow=True)
    assert "ne figure pas parmi les communes membres" in _text(refused)
    assert not FederationLink.objects.exists()

    accepted = client.post(
        "/federation/inviter/", {"code": "44109", "allow_unlisted": "on"}, follow=True
    )
    html = _text(accepted)
    assert "Invitation envoyée à Nantes" in html
    assert "hors liste officielle" in html
    assert FederationLink.objects.get(commune=nantes).state == FederationState.INVITED


def test_the_epci_admin_withdraws_an_invitation(
    people: People,
    tenant_epci: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.INVITED)
    client = client_for(tenant_epci, people.epci_admin)
    confirm = _page(client, f"/federation/liens/{link.pk}/mettre-fin/")
    assert "Retirer l'invitation" in confirm
    response = client.post(f"/federation/liens/{link.pk}/mettre-fin/", follow=True)
    assert "L'invitation de Legé a été retirée" in _text(response)
    link.refresh_from_db()
    assert link.state == FederationState.ENDED


# -- The commune's page ---------------------------------------------------------------------------


def test_the_commune_admin_sees_the_invitation_with_its_buttons(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.INVITED)
    html = _page(client_for(tenant_a, people.commune_admin))
    assert "CC Sud Retz Atlantique</strong> propose à votre commune de se lier" in html
    assert f"/federation/liens/{link.pk}/accepter/" in html
    assert f"/federation/liens/{link.pk}/refuser/" in html


def test_the_commune_agent_reads_without_buttons(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.INVITED)
    html = _page(client_for(tenant_a, people.commune_agent))
    assert "CC Sud Retz Atlantique</strong> propose à votre commune de se lier" in html
    assert "lecture seule" in html
    assert f"/federation/liens/{link.pk}/accepter/" not in html


def test_the_commune_admin_accepts_after_confirming(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.INVITED)
    client = client_for(tenant_a, people.commune_admin)
    assert "espaces intercommunaux" in _page(client, f"/federation/liens/{link.pk}/accepter/")
    link.refresh_from_db()
    assert link.state == FederationState.INVITED  # GET only asks

    response = client.post(f"/federation/liens/{link.pk}/accepter/", follow=True)
    html = _text(response)
    assert "Legé et CC Sud Retz Atlantique sont maintenant liées" in html
    assert "Liée à <strong>CC Sud Retz Atlantique</strong>" in html
    assert f"/federation/liens/{link.pk}/mettre-fin/" in html
    link.refresh_from_db()
    assert link.state == FederationState.ACTIVE


def test_the_commune_admin_refuses_with_a_reason(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.INVITED)
    response = client_for(tenant_a, people.commune_admin).post(
        f"/federation/liens/{link.pk}/refuser/", {"note": "Conseil municipal contre"}, follow=True
    )
    assert "Vous avez refusé l'invitation" in _text(response)
    assert "invitation refusée" in _text(response)
    event = FederationEvent.objects.filter(link=link).last()
    assert event is not None
    assert (event.to_state, event.note) == (FederationState.REFUSED, "Conseil municipal contre")


def test_the_commune_admin_ends_an_active_link(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.ACTIVE)
    response = client_for(tenant_a, people.commune_admin).post(
        f"/federation/liens/{link.pk}/mettre-fin/", follow=True
    )
    assert "a pris fin" in _text(response)
    link.refresh_from_db()
    assert link.state == FederationState.ENDED
    assert FederationEvent.objects.filter(link=link).last().acting_tenant == tenant_a  # type: ignore[union-attr]


@pytest.mark.parametrize("verb", ["accepter", "refuser", "mettre-fin"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_commune_agent_gets_403(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
    verb: str,
    method: str,
) -> None:
    link = link_in(FederationState.INVITED if verb != "mettre-fin" else FederationState.ACTIVE)
    state = link.state
    response = getattr(client_for(tenant_a, people.commune_agent), method)(
        f"/federation/liens/{link.pk}/{verb}/"
    )
    assert response.status_code == 403
    assert "Action réservée" in _text(response)
    link.refresh_from_db()
    assert link.state == state


@pytest.mark.parametrize("verb", ["accepter", "refuser"])
def test_the_epci_admin_cannot_answer_for_the_commune(
    people: People,
    tenant_epci: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
    verb: str,
) -> None:
    link = link_in(FederationState.INVITED)
    response = client_for(tenant_epci, people.epci_admin).post(
        f"/federation/liens/{link.pk}/{verb}/"
    )
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.state == FederationState.INVITED


def test_another_tenants_link_is_not_found(
    people: People,
    tenant_b: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    """From Paulx's host, Legé's link does not exist, even for Paulx's admin."""
    link = link_in(FederationState.ACTIVE)
    response = client_for(tenant_b, people.outsider).post(
        f"/federation/liens/{link.pk}/mettre-fin/"
    )
    assert response.status_code == 404
    link.refresh_from_db()
    assert link.state == FederationState.ACTIVE


def test_an_invalid_transition_is_explained_not_applied(
    people: People,
    tenant_a: Tenant,
    client_for: ClientFor,
    link_in: Callable[[str], FederationLink],
) -> None:
    link = link_in(FederationState.ACTIVE)
    client = client_for(tenant_a, people.commune_admin)
    assert "n'est plus possible" in _page(client, f"/federation/liens/{link.pk}/accepter/")
    response = client.post(f"/federation/liens/{link.pk}/accepter/", follow=True)
    assert "Legé est déjà liée à CC Sud Retz Atlantique" in _text(response)
    assert FederationEvent.objects.filter(link=link).count() == 2


# -- Who reaches the pages at all ---------------------------------------------------------------


def test_a_guest_gets_403(
    make_user: Callable[..., Any], tenant_a: Tenant, client_for: ClientFor
) -> None:
    guest = make_user(tenant=tenant_a, role=Role.GUEST)
    assert client_for(tenant_a, guest).get("/federation/").status_code == 403


def test_a_non_member_gets_403(people: People, tenant_epci: Tenant, client_for: ClientFor) -> None:
    response = client_for(tenant_epci, people.outsider).get("/federation/")
    assert response.status_code == 403


def test_anonymous_is_sent_to_log_in(tenant_epci: Tenant, client_for: ClientFor) -> None:
    response = client_for(tenant_epci).get("/federation/")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


def test_inviting_takes_a_post(people: People, tenant_epci: Tenant, client_for: ClientFor) -> None:
    assert client_for(tenant_epci, people.epci_admin).get("/federation/inviter/").status_code == 405


def test_the_bare_domain_has_no_federation_page(client_for: ClientFor) -> None:
    assert client_for(None).get("/federation/").status_code == 404
