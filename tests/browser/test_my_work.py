"""In a real browser: « Mon travail » shows, side by side, a task of the person's commune and a task
of a CC Sud Retz Atlantique space they joined through their commune's federation link, each
marked with its collectivité, and each link leads to the task on its own host."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Task, TaskAssignment
from tenants.models import FederationLink, Tenant
from tests.conftest import SESSION_TENANTS
from tests.support.federation import link
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
PASSWORD = "mot-de-passe-solide-42"


def _tenant(key: str) -> Tenant:
    return Tenant.objects.get(official_code=SESSION_TENANTS[key]["official_code"])


@pytest.fixture
def julien_s_work(committed_user: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    julien = committed_user({"tenant_a": Role.AGENT}, full_name="Julien Besnard")
    mayor = committed_user({"tenant_a": Role.ADMIN}, full_name="Maire de Legé")
    cc_admin = committed_user({"tenant_epci": Role.ADMIN}, full_name="Admin CC")
    made: list[tuple[Tenant, int]] = []
    with django_db_blocker.unblock():
        lege, epci = _tenant("tenant_a"), _tenant("tenant_epci")
        link(epci, lege, cc_admin, mayor)
        soon = timezone.localdate() + datetime.timedelta(days=2)
        with tenant_context(lege):
            roads = Space.objects.create(name="Voirie communale", visibility=Visibility.TENANT)
            mine = Task.objects.create(
                space=roads, title="Reboucher les nids-de-poule", due_date=soon
            )
            TaskAssignment.objects.create(task=mine, user=julien)
            made.append((lege, roads.pk))
        with tenant_context(epci):
            tourism = Space.objects.create(
                name="Tourisme et patrimoine", visibility=Visibility.FEDERATION
            )
            SpaceMembership.objects.create(
                space=tourism, user=julien, role=SpaceRole.EDITOR, via_tenant_id=lege.pk
            )
            theirs = Task.objects.create(space=tourism, title="Mettre à jour le guide des balades")
            TaskAssignment.objects.create(task=theirs, user=julien)
            made.append((epci, tourism.pk))
    yield {"julien": julien, "lege": lege, "epci": epci, "task": theirs}
    with django_db_blocker.unblock():
        for tenant, space_id in made:
            with tenant_context(tenant):
                Space.objects.filter(pk=space_id).delete()
        FederationLink.objects.filter(epci=epci, commune=lege).delete()


def test_my_work_shows_my_commune_and_the_cc_side_by_side(
    page: Any, julien_s_work: dict[str, Any]
) -> None:
    lege, epci, task = julien_s_work["lege"], julien_s_work["epci"], julien_s_work["task"]
    with live_asgi_server() as port:
        page.goto(f"http://entente.localhost:{port}/comptes/login/")
        page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(julien_s_work["julien"].email)
        page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(PASSWORD)
        page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
        page.wait_for_load_state()

        page.goto(f"http://{lege.primary_host}:{port}/")
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Mon travail"
        ).click()
        page.wait_for_url(re.compile(r"/mon-travail/$"))
        assert page.get_by_role("heading", level=1).inner_text() == "Mon travail"
        items = page.locator(".work-item")
        assert items.count() == 2
        assert "Reboucher les nids-de-poule" in items.nth(0).inner_text()  # due in 2 days: first
        assert "Legé" in items.nth(0).inner_text()
        assert "Mettre à jour le guide des balades" in items.nth(1).inner_text()
        assert "CC Sud Retz Atlantique (via Legé)" in items.nth(1).inner_text()

        page.get_by_role("link", name="Mettre à jour le guide des balades").click()
        page.wait_for_url(re.compile(rf"{re.escape(epci.primary_host)}:{port}/taches/{task.pk}/$"))
        assert "Mettre à jour le guide des balades" in page.locator("h1").first.inner_text()
