"""The federation links in the administration: read-only, with the support action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client

from tenants.models import FederationEvent, FederationLink, FederationState

pytestmark = pytest.mark.usefixtures("official_data")


@pytest.fixture
def support(make_user: Callable[..., Any], client_for: Callable[..., Client]) -> Client:
    user = make_user("support@entente.test", is_staff=True, is_superuser=True)
    return client_for(None, user)


def test_the_list_and_the_history_show(
    support: Client, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(FederationState.ACTIVE)
    listing = support.get("/admin/tenants/federationlink/")
    assert listing.status_code == 200
    assert "Legé" in listing.content.decode()
    page = support.get(f"/admin/tenants/federationlink/{link.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Invitation envoyée" in html  # the history's first event
    assert 'name="state"' not in html  # the state is read-only


def test_links_are_neither_added_nor_deleted_by_hand(
    support: Client, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(FederationState.ACTIVE)
    assert support.get("/admin/tenants/federationlink/add/").status_code == 403
    assert support.post(f"/admin/tenants/federationlink/{link.pk}/delete/").status_code == 403
    assert FederationLink.objects.filter(pk=link.pk).exists()


def test_support_ends_links_through_the_service_with_a_reason(
    support: Client, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(FederationState.ACTIVE)
    selection = {"action": "end_links", ACTION_CHECKBOX_NAME: [str(link.pk)]}

    confirm = support.post("/admin/tenants/federationlink/", selection)
    assert confirm.status_code == 200
    assert "Motif" in confirm.content.decode()
    link.refresh_from_db()
    assert link.state == FederationState.ACTIVE

    done = support.post(
        "/admin/tenants/federationlink/",
        {**selection, "apply": "1", "note": "Demande écrite de la commune"},
    )
    assert done.status_code == 302
    link.refresh_from_db()
    assert link.state == FederationState.ENDED
    event = FederationEvent.objects.filter(link=link).last()
    assert event is not None
    assert (event.acting_tenant, event.note) == (None, "Demande écrite de la commune")
    assert event.actor is not None
    assert event.actor.email == "support@entente.test"


def test_the_reference_lists_are_searchable_without_accents(support: Client) -> None:
    response = support.get("/admin/reference/commune/", {"q": "lege"})
    assert response.status_code == 200
    assert "Legé" in response.content.decode()
    assert support.get("/admin/reference/commune/44081/change/").status_code == 200


def test_the_admin_index_lists_the_applications(support: Client) -> None:
    """django-tenants' admin templates expect a tenant on the request; the bare domain has none."""
    response = support.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/admin/tenants/federationlink/" in html
    assert "/admin/reference/commune/" in html
