"""In a real browser: an agent of Machecoul-Saint-Même joins a thematic space of the CC Sud Retz
Atlantique from its directory, a CC editor assigns them a task there, and they see it in
« Mon travail » beside a task from their commune.

Julien has one membership only, in Machecoul-Saint-Même; the CC reaches him through the
commune's active federation link (a stand-in membership on the CC's host). The CC's editor
sees him as « Julien Besnard (Machecoul-Saint-Même) » among the people to assign.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Role
from entente.accounts.services import add_member
from entente.spaces.models import Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.services import create_space
from entente.tasks.models import Task
from entente.tasks.services import create_task
from tenants.models import Tenant, TenantKind
from tenants.provisioning import create_tenant, drop_schema, schema_name_for
from tests.conftest import SESSION_TENANTS
from tests.support.acting import seeding
from tests.support.federation import link
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
PASSWORD = "mot-de-passe-solide-42"
SLUG = "machecoul-saint-meme-test"
EVERYTHING = SpaceAbilities(view=True, comment=True, edit=True, manage=True)


@pytest.fixture
def cc(committed_user: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    julien = committed_user({}, full_name="Julien Besnard")
    claire = committed_user({"tenant_epci": Role.AGENT}, full_name="Claire Morand")
    cc_admin = committed_user({"tenant_epci": Role.ADMIN}, full_name="Admin CC")
    mayor = committed_user({}, full_name="Maire de Machecoul")
    with django_db_blocker.unblock():
        drop_schema(schema_name_for(SLUG))
        machecoul = create_tenant(
            name="Machecoul-Saint-Même",
            kind=TenantKind.COMMUNE,
            official_code="44087",
            slug=SLUG,
        )
        add_member(machecoul, julien, Role.AGENT)
        add_member(machecoul, mayor, Role.ADMIN)
        with tenant_context(machecoul):
            own = create_space(seeding(mayor), name="Services techniques")
            SpaceMembership.objects.create(space=own, user=julien, role=SpaceRole.EDITOR)
            create_task(
                seeding(mayor),
                space=own,
                title="Réparer le portail de l'école",
                assignee_ids=[julien.pk],
            )
        epci = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_epci"]["official_code"])
        link(epci, machecoul, cc_admin, mayor)
        with tenant_context(epci):
            space = create_space(
                seeding(claire),
                name="Tourisme et patrimoine",
                kind=SpaceKind.THEMATIC,
                visibility=Visibility.FEDERATION,
                description="Guides, balades et saison estivale",
                join_policy="open",
            )
            SpaceMembership.objects.create(space=space, user=claire, role=SpaceRole.EDITOR)
    yield {"julien": julien, "claire": claire, "epci": epci, "machecoul": machecoul, "space": space}
    with django_db_blocker.unblock():
        with tenant_context(epci):
            Space.objects.filter(pk=space.pk).delete()
        Tenant.objects.filter(pk=machecoul.pk).delete()
        drop_schema(schema_name_for(SLUG))


def _log_in(page: Any, port: int | str, email: str) -> None:
    page.goto(f"http://entente.localhost:{port}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(PASSWORD)
    page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
    page.wait_for_load_state()


def test_an_agent_of_machecoul_joins_a_cc_space_and_gets_a_task(
    page: Any, browser: Any, cc: dict[str, Any], django_db_blocker: Any
) -> None:
    epci, machecoul, space = cc["epci"], cc["machecoul"], cc["space"]
    with live_asgi_server() as port:
        _log_in(page, port, cc["julien"].email)
        page.goto(f"http://{machecoul.primary_host}:{port}/")
        page.get_by_role("link", name="Espaces intercommunaux de CC Sud Retz Atlantique").click()
        page.wait_for_url(re.compile(rf"{re.escape(epci.primary_host)}.*/federation/espaces/"))
        page.get_by_role("button", name=re.compile("Rejoindre — Tourisme et patrimoine")).click()
        page.get_by_text("Vous êtes membre").wait_for()
        with django_db_blocker.unblock(), tenant_context(epci):
            joined = SpaceMembership.objects.get(space=space, user=cc["julien"])
        assert joined.via_tenant_id == machecoul.pk

        # A CC editor, in another browser session, assigns him a task in the space.
        context = browser.new_context(locale="fr-FR")
        context.set_default_timeout(15_000)
        editor = context.new_page()
        _log_in(editor, port, cc["claire"].email)
        editor.goto(f"http://{epci.primary_host}:{port}/espaces/{space.pk}/taches/nouvelle/")
        assert "Julien Besnard (Machecoul-Saint-Même)" in editor.content()
        editor.get_by_label("Titre").fill("Mettre à jour le guide des balades")
        editor.locator(f"input[name=assignees][value='{cc['julien'].pk}']").check()
        editor.get_by_role("button", name="Créer la tâche").click()
        editor.wait_for_load_state()
        context.close()
        with django_db_blocker.unblock(), tenant_context(epci):
            task = Task.objects.get(title="Mettre à jour le guide des balades")
            assignees = list(task.assignments.values_list("user_id", flat=True))
        assert assignees == [cc["julien"].pk]

        # Julien finds it on the CC's host, in the space and in his tasks there.
        page.goto(f"http://{epci.primary_host}:{port}/taches/")
        page.get_by_text("Mettre à jour le guide des balades").first.wait_for()
        page.goto(f"http://{epci.primary_host}:{port}/taches/{task.pk}/")
        assert "Julien Besnard (Machecoul-Saint-Même)" in page.content()

        # « Mon travail », from his commune's host: the CC's task beside his commune's.
        page.goto(f"http://{machecoul.primary_host}:{port}/mon-travail/")
        page.get_by_text("Mettre à jour le guide des balades").first.wait_for()
        work = html.unescape(page.content())
        assert "Réparer le portail de l'école" in work
        assert "CC Sud Retz Atlantique" in work
