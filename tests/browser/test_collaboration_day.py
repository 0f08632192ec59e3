"""In a real browser, an agent's everyday work: a space, a task, a mention, a procedure.

An agent of Legé creates a space, a task in it with a due date and an assignee, comments on it
mentioning a colleague, launches the procedure "preparing a municipal council" and marks one
of its steps done. Each step is checked in the database too.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.checklists.demo import seed_procedure_templates
from entente.checklists.models import Checklist
from entente.core.richtext import mention_handle
from entente.spaces.models import Space
from entente.tasks.models import Task, TaskComment, TaskStatus
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]


def test_an_agents_day_from_space_to_procedure(
    page: Any, committed_user: Any, tenant_a: Any
) -> None:
    agent = committed_user({"tenant_a": "agent"}, full_name="Sandrine Gautier")
    colleague = committed_user({"tenant_a": "agent"}, full_name="Damien Moreau")
    with tenant_context(tenant_a):
        seed_procedure_templates(None)
    due = datetime.date.today() + datetime.timedelta(days=10)

    with live_asgi_server() as port:
        site = f"http://lege.entente.localhost:{port}"
        page.goto(f"{site}/comptes/login/")
        page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(agent.email)
        page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
            "mot-de-passe-solide-42"
        )
        page.get_by_role("button", name=re.compile("connexion|connecter", re.I)).click()
        page.wait_for_load_state()

        # A space.
        page.goto(f"{site}/espaces/nouveau/")
        page.get_by_label(re.compile("^Nom", re.I)).fill("Fête du village 2027")
        page.get_by_role("button", name="Créer l'espace").click()
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().strip() == "Fête du village 2027"
        with tenant_context(tenant_a):
            space = Space.objects.get(name="Fête du village 2027")

        # A task with a due date and an assignee.
        page.get_by_role("link", name="Nouvelle tâche").click()
        page.get_by_label(re.compile("^Titre", re.I)).fill("Réserver la salle des fêtes")
        page.get_by_label(re.compile("^Échéance", re.I)).fill(due.isoformat())
        page.get_by_label(re.compile("Damien Moreau")).first.check()
        page.get_by_role("button", name="Créer la tâche").click()
        page.wait_for_load_state()
        with tenant_context(tenant_a):
            task = Task.objects.get(space=space, title="Réserver la salle des fêtes")
            assert task.due_date == due
            assert list(task.assignments.values_list("user_id", flat=True)) == [colleague.pk]

        # A comment that mentions the colleague.
        handle = mention_handle(colleague.email)
        page.get_by_label("Votre commentaire").fill(f"@{handle} peux-tu appeler la mairie ?")
        page.get_by_role("button", name=re.compile("commenter|publier|envoyer", re.I)).click()
        page.wait_for_load_state()
        assert page.get_by_text("peux-tu appeler la mairie").first.is_visible()
        with tenant_context(tenant_a):
            assert TaskComment.objects.filter(task=task, body__contains="appeler").exists()

        # Launch the procedure of a municipal council, then complete its first step.
        page.goto(f"{site}/espaces/{space.pk}/")
        page.get_by_role("link", name="Lancer une procédure").click()
        row = page.locator("li", has_text="conseil municipal").first
        row.get_by_role("link", name="Lancer").click()
        page.get_by_label("Date de référence").fill(due.isoformat())
        page.get_by_label("Espace").select_option(str(space.pk))
        page.get_by_role("button", name="Lancer et créer les tâches").click()
        page.wait_for_load_state()
        assert re.search(r"0 étape\(s\) faite\(s\) sur \d+", page.content())
        page.get_by_role("button", name="Marquer comme faite").first.click()
        page.wait_for_load_state()
        assert re.search(r"1 étape\(s\) faite\(s\) sur \d+", page.content())
        with tenant_context(tenant_a):
            checklist = Checklist.objects.get(space=space)
            done = Task.objects.filter(checklist_item__checklist=checklist, status=TaskStatus.DONE)
            assert done.count() == 1
