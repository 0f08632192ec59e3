"""In a real browser: the header's search box suggests as you type (HTMX), the keyboard moves
through the suggestions (ARIA combobox), Enter opens one, even on another collectivité's host;
and the form alone (Enter with no suggestion chosen) opens the results page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Role
from entente.search.models import SearchEntry
from entente.search.services import reindex_tenant
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Task
from tenants.models import FederationLink, Tenant
from tests.conftest import SESSION_TENANTS
from tests.support.federation import link
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
PASSWORD = "mot-de-passe-solide-42"


def _tenant(key: str) -> Tenant:
    return Tenant.objects.get(official_code=SESSION_TENANTS[key]["official_code"])


@pytest.fixture
def indexed(committed_user: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    agent = committed_user({"tenant_a": Role.AGENT}, full_name="Julien Besnard")
    mayor = committed_user({"tenant_a": Role.ADMIN}, full_name="Maire de Legé")
    cc_admin = committed_user({"tenant_epci": Role.ADMIN}, full_name="Admin CC")
    made: list[tuple[Tenant, int]] = []
    with django_db_blocker.unblock():
        lege, epci = _tenant("tenant_a"), _tenant("tenant_epci")
        link(epci, lege, cc_admin, mayor)
        with tenant_context(epci):
            tourism = Space.objects.create(name="Tourisme", visibility=Visibility.FEDERATION)
            SpaceMembership.objects.create(
                space=tourism, user=agent, role=SpaceRole.EDITOR, via_tenant_id=lege.pk
            )
            task = Task.objects.create(space=tourism, title="Balisage des sentiers de randonnée")
            made.append((epci, tourism.pk))
        for tenant in (lege, epci):
            reindex_tenant(tenant)
    yield {"agent": agent, "lege": lege, "epci": epci, "task": task}
    with django_db_blocker.unblock():
        for tenant, space_id in made:
            with tenant_context(tenant):
                Space.objects.filter(pk=space_id).delete()
        FederationLink.objects.filter(epci=epci, commune=lege).delete()
        SearchEntry.objects.filter(tenant_id__in=[lege.pk, epci.pk]).delete()


def test_suggestions_by_keyboard_lead_to_the_cc(page: Any, indexed: dict[str, Any]) -> None:
    lege, epci, task = indexed["lege"], indexed["epci"], indexed["task"]
    with live_asgi_server() as port:
        page.goto(f"http://entente.localhost:{port}/comptes/login/")
        page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(indexed["agent"].email)
        page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(PASSWORD)
        page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
        page.wait_for_load_state()

        page.goto(f"http://{lege.primary_host}:{port}/")
        box = page.get_by_role("combobox", name="Rechercher dans vos collectivités")
        box.press_sequentially("balisa", delay=30)
        option = page.get_by_role("option").filter(has_text="Balisage des sentiers")
        option.wait_for()
        assert "CC Sud Retz Atlantique" in option.inner_text()
        assert box.get_attribute("aria-expanded") == "true"
        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == "recherche-option-1"
        box.press("Enter")
        page.wait_for_url(re.compile(rf"{re.escape(epci.primary_host)}:{port}/taches/{task.pk}/$"))

        page.goto(f"http://{lege.primary_host}:{port}/")
        box = page.get_by_role("combobox", name="Rechercher dans vos collectivités")
        box.fill("randonnee")
        box.press("Enter")  # no suggestion chosen: the form itself
        page.wait_for_url(re.compile(r"/recherche/\?q=randonnee$"))
        assert "Balisage des sentiers" in page.locator(".search-results").inner_text()
