"""In a real browser: a task moves across the board with the keyboard alone, and by dragging.

The « Déplacer vers… » menu of each card works without a mouse (and without JavaScript); the
drag fills that same menu and submits it through HTMX. Both end in the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.spaces.permissions import SpaceAbilities
from entente.tasks.models import Task
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS
from tests.support.acting import seeding
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
EVERYTHING = SpaceAbilities(view=True, comment=True, edit=True, manage=True)


@pytest.fixture
def board(committed_user: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    person = committed_user({"tenant_a": "agent"}, full_name="Claire Morand")
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_a"]["official_code"])
        with tenant_context(tenant):
            space = Space.objects.create(name="Tableau de test", visibility=Visibility.PRIVATE)
            SpaceMembership.objects.create(space=space, user=person, role=SpaceRole.EDITOR)
            task = create_task(seeding(person), space=space, title="Tondre le stade")
    yield {"person": person, "tenant": tenant, "space": space, "task": task}
    with django_db_blocker.unblock(), tenant_context(tenant):
        Space.objects.filter(pk=space.pk).delete()


def _status(board: dict[str, Any], django_db_blocker: Any) -> str:
    with django_db_blocker.unblock(), tenant_context(board["tenant"]):
        return str(Task.objects.get(pk=board["task"].pk).status)


def test_move_with_the_keyboard_then_by_dragging(
    page: Any, board: dict[str, Any], django_db_blocker: Any
) -> None:
    with live_asgi_server() as port:
        page.goto(f"http://entente.localhost:{port}/comptes/login/")
        page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(board["person"].email)
        page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
            "mot-de-passe-solide-42"
        )
        page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
        page.wait_for_load_state()
        host = board["tenant"].primary_host
        page.goto(f"http://{host}:{port}/espaces/{board['space'].pk}/tableau/")

        task_id = board["task"].pk
        menu = page.locator(f"#deplacer-{task_id}")
        menu.focus()
        menu.select_option("in_progress")
        page.keyboard.press("Tab")  # to the « Déplacer » button
        page.keyboard.press("Enter")
        page.locator("#colonne-in_progress").wait_for()
        page.locator(f"[data-status=in_progress] #tache-{task_id}").wait_for()
        assert _status(board, django_db_blocker) == "in_progress"
        assert page.evaluate("document.activeElement.id") == f"deplacer-{task_id}"

        # Grab the card by its edge (its middle holds the menu, which a drag cannot start from).
        page.drag_and_drop(
            f"#tache-{task_id}", "[data-status=done]", source_position={"x": 4, "y": 4}
        )
        page.locator(f"[data-status=done] #tache-{task_id}").wait_for()
        assert _status(board, django_db_blocker) == "done"
