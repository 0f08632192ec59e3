"""In a real browser, a first-time agent succeeds without training, counted.

From the invitation e-mail an admin sent, a new agent of Legé creates their account, a space,
a task with a due date, attaches a document to it, launches a procedure and invites a
colleague, whose e-mail arrives. Every click and every field is counted and printed (target:
12 clicks at most); a page answering an error on the way (a dead end) fails the test. The same
journey is then made with the keyboard alone, on a phone-sized screen.
"""

from __future__ import annotations

import datetime
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.checklists.demo import seed_procedure_templates
from entente.checklists.models import Checklist
from entente.tasks.models import Task
from entente.team import services as team
from entente.team.selectors import open_invitations
from tests.support.live import LIVE_DB, live_asgi_server
from tests.support.smtp import Mailbox

pytestmark = [pytest.mark.browser, LIVE_DB]

PASSWORD = "un-mot-de-passe-bien-long-42"
LINK = re.compile(r"https?://[^/\s]+(/invitation/collegue/[^/\s]+/)")
MAX_CLICKS = 12
PHONE = {"width": 360, "height": 740}


@dataclass
class Journey:
    """A page whose clicks, fields and key presses are counted, and whose dead ends are kept."""

    page: Any
    clicks: int = 0
    fields: int = 0
    keys: int = 0
    dead_ends: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.on("response", self._watch)

    def _watch(self, response: Any) -> None:
        if response.request.is_navigation_request() and response.status >= 400:
            self.dead_ends.append(f"{response.status} {response.url}")

    def follow(self, url: str) -> None:
        """The link of an e-mail: one click, outside the site."""
        self.page.goto(url)
        self.clicks += 1

    def click(self, target: Any) -> None:
        target.click()
        self.clicks += 1
        self.page.wait_for_load_state()

    def fill(self, target: Any, value: str) -> None:
        target.fill(value)
        self.fields += 1

    # -- The keyboard alone ------------------------------------------------------------------

    def tab_to(self, target: Any, most: int = 80) -> None:
        """Press Tab until `target` has the focus (as a keyboard user walks the page)."""
        handle = target.element_handle()
        for _ in range(most):
            self.page.keyboard.press("Tab")
            self.keys += 1
            if self.page.evaluate("(el) => document.activeElement === el", handle):
                return
        raise AssertionError(f"Tab never reaches {target}: a keyboard user is stuck")

    def press(self, target: Any, key: str = "Enter", *, navigates: bool = True) -> None:
        self.tab_to(target)
        if navigates:
            with self.page.expect_navigation():
                self.page.keyboard.press(key)
        else:
            self.page.keyboard.press(key)
        self.keys += 1

    def type_into(self, target: Any, text: str) -> None:
        self.tab_to(target)
        self.page.keyboard.type(text)
        self.keys += len(text)
        self.fields += 1


def _invite_the_newcomer(tenant: Any, admin: User, smtp_server: Mailbox) -> tuple[str, str]:
    """The admin's invitation, sent through the real SMTP server: (address, the link's path)."""
    address = f"nouvelle-{uuid.uuid4().hex[:8]}@mairie.test"
    with tenant_context(tenant):
        team.invite_colleagues(
            Membership.objects.get(user=admin, tenant=tenant), tenant, [address], role=Role.AGENT
        )
    [mail] = smtp_server.wait_for(address)
    match = LINK.search(smtp_server.text_of(mail))
    assert match, smtp_server.text_of(mail)
    return address, match.group(1)


@pytest.fixture
def commune(committed_user: Any, tenant_a: Any) -> Any:
    """Legé, where an admin already set procedures up."""
    admin = committed_user({"tenant_a": "admin"}, full_name="Anne Admin")
    with tenant_context(tenant_a):
        seed_procedure_templates(None)
    return admin


def _check_the_work(tenant: Any, address: str, task_title: str, colleague: str) -> None:
    newcomer = User.objects.get(email=address)
    assert Membership.objects.get(user=newcomer, tenant=tenant).role == Role.AGENT
    with tenant_context(tenant):
        task = Task.objects.get(title=task_title)
        assert task.due_date is not None
        assert task.attachments.count() == 1
        assert Checklist.objects.filter(space=task.space).exists()
    with tenant_context(tenant):
        assert open_invitations().filter(email=colleague).exists()


def _report(kind: str, journey: Journey) -> None:
    sys.stdout.write(
        f"\nfirst-time agent ({kind}): {journey.clicks} clicks, {journey.fields} fields, "
        f"{journey.keys} key presses, {len(journey.dead_ends)} dead ends\n"
    )


def test_a_first_time_agent_does_a_days_first_things_in_twelve_clicks(
    page: Any, commune: Any, tenant_a: Any, smtp_server: Mailbox, tmp_path: Path
) -> None:
    address, link = _invite_the_newcomer(tenant_a, commune, smtp_server)
    colleague = f"collegue-{uuid.uuid4().hex[:8]}@mairie.test"
    due = datetime.date.today() + datetime.timedelta(days=10)
    document = tmp_path / "devis-salle.pdf"
    document.write_bytes(b"%PDF-1.4\n% devis\n")
    journey = Journey(page)
    with live_asgi_server(EMAIL_URL=smtp_server.smtp_url()) as port:
        site = f"http://lege.entente.localhost:{port}"
        journey.follow(site + link)
        journey.fill(page.get_by_label("Votre nom"), "Nina Nouvelle")
        journey.fill(page.get_by_label("Choisissez un mot de passe"), PASSWORD)
        journey.click(page.get_by_role("button", name="Créer mon compte et rejoindre l'équipe"))
        assert "Bienvenue dans l'équipe" in page.content().replace("&#x27;", "'")

        journey.click(page.get_by_role("link", name="Créer un espace"))
        journey.fill(page.get_by_label(re.compile("^Nom", re.I)), "Fête du village")
        journey.click(page.get_by_role("button", name="Créer l'espace"))

        journey.click(page.get_by_role("link", name="Nouvelle tâche"))
        journey.fill(page.get_by_label(re.compile("^Titre", re.I)), "Réserver la salle")
        journey.fill(page.get_by_label(re.compile("^Échéance", re.I)), due.isoformat())
        journey.click(page.get_by_role("button", name="Créer la tâche"))

        page.get_by_label("Fichier à joindre").set_input_files(str(document))
        journey.fields += 1
        journey.click(page.get_by_role("button", name="Joindre", exact=True))
        assert "Fichier joint." in page.content()

        journey.click(page.get_by_role("link", name="Procédures", exact=True))
        journey.click(page.get_by_role("link", name="Lancer", exact=True).first)
        journey.fill(page.get_by_label("Date de référence"), due.isoformat())
        journey.click(page.get_by_role("button", name="Lancer et créer les tâches"))

        journey.click(page.get_by_role("link", name="Équipe", exact=True))
        journey.fill(page.get_by_label("Adresses e-mail de vos collègues"), colleague)
        journey.click(page.get_by_role("button", name="Envoyer les invitations"))
        assert f"Invitation envoyée à {colleague}." in page.content()
        assert smtp_server.wait_for(colleague)
    _report("mouse", journey)
    assert journey.dead_ends == []
    assert journey.clicks <= MAX_CLICKS
    _check_the_work(tenant_a, address, "Réserver la salle", colleague)


def test_the_same_journey_with_the_keyboard_alone_on_a_phone(
    browser: Any, commune: Any, tenant_a: Any, smtp_server: Mailbox, tmp_path: Path
) -> None:
    address, link = _invite_the_newcomer(tenant_a, commune, smtp_server)
    colleague = f"collegue-{uuid.uuid4().hex[:8]}@mairie.test"
    document = tmp_path / "devis-salle.pdf"
    document.write_bytes(b"%PDF-1.4\n% devis\n")
    context = browser.new_context(locale="fr-FR", viewport=PHONE, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    journey = Journey(page)
    by_label: Callable[..., Any] = page.get_by_label
    try:
        with live_asgi_server(EMAIL_URL=smtp_server.smtp_url()) as port:
            site = f"http://lege.entente.localhost:{port}"
            journey.follow(site + link)
            journey.type_into(by_label("Votre nom"), "Karim Clavier")
            journey.type_into(by_label("Choisissez un mot de passe"), PASSWORD)
            journey.press(page.get_by_role("button", name=re.compile("Créer mon compte")))
            assert "Bienvenue dans l'équipe" in page.content().replace("&#x27;", "'")

            journey.press(page.get_by_role("link", name="Créer un espace"))
            journey.type_into(page.get_by_label(re.compile("^Nom", re.I)), "Marché de Noël")
            journey.press(page.get_by_role("button", name="Créer l'espace"))

            journey.press(page.get_by_role("link", name="Nouvelle tâche"))
            journey.type_into(page.get_by_label(re.compile("^Titre", re.I)), "Louer les chalets")
            # Chromium orders a date field's parts by its own language, not the page's: with
            # the day equal to the month, the same keys mean the same date either way.
            due = datetime.date(datetime.date.today().year + 1, 5, 5)
            due_field = page.get_by_label(re.compile("^Échéance", re.I))
            journey.type_into(due_field, due.strftime("%d%m%Y"))
            journey.press(page.get_by_role("button", name="Créer la tâche"))
            with tenant_context(tenant_a):
                assert Task.objects.get(title="Louer les chalets").due_date == due

            with page.expect_file_chooser() as chooser:
                journey.press(page.get_by_label("Fichier à joindre"), " ", navigates=False)
            chooser.value.set_files(str(document))
            journey.press(page.get_by_role("button", name="Joindre", exact=True))
            assert "Fichier joint." in page.content()

            journey.press(page.get_by_role("link", name="Procédures", exact=True))
            journey.press(page.get_by_role("link", name="Lancer", exact=True).first)
            journey.type_into(page.get_by_label("Date de référence"), due.strftime("%d%m%Y"))
            journey.press(page.get_by_role("button", name="Lancer et créer les tâches"))

            journey.press(page.get_by_role("link", name="Équipe", exact=True))
            journey.type_into(page.get_by_label("Adresses e-mail de vos collègues"), colleague)
            journey.press(page.get_by_role("button", name="Envoyer les invitations"))
            assert f"Invitation envoyée à {colleague}." in page.content()
            # Nothing is wider than the phone's screen on the last page either.
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()
    _report("keyboard, 360 px", journey)
    assert journey.dead_ends == []
    _check_the_work(tenant_a, address, "Louer les chalets", colleague)
