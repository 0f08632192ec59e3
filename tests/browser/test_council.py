"""In a real browser: an agent prepares a council (meeting, agenda), writes the minutes and a
decision that creates a task, submits them to an élu who approves them, then downloads the
PDF; the élu, on a 360 px screen, finds the next council on « Mes séances »."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from entente.meetings import pdf
from entente.tasks.models import Task
from tests.support.council import council
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
__all__ = ["council"]  # a fixture, used by name


def _log_in(page: Any, port: str, email: str) -> None:
    page.goto(f"http://entente.localhost:{port}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
        "mot-de-passe-solide-42"
    )
    page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
    page.wait_for_load_state()


def test_a_council_from_agenda_to_the_approved_minutes_pdf(
    page: Any, browser: Any, council: dict[str, Any], django_db_blocker: Any
) -> None:
    if pdf.available():
        pytest.skip(f"weasyprint cannot run here: {pdf.available()}")
    host, space = council["tenant"].primary_host, council["space"]
    with live_asgi_server() as port:
        base = f"http://{host}:{port}/espaces/{space.pk}/reunions/"
        _log_in(page, port, council["agent"].email)
        page.goto(base + "nouvelle/")
        page.get_by_label("Intitulé").fill("Conseil du printemps")
        page.get_by_label("Série").select_option("conseil")
        soon = timezone.localdate() + datetime.timedelta(days=7)
        page.get_by_label("Début").fill(f"{soon.isoformat()}T18:30")
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_role("heading", name="Conseil du printemps").wait_for()

        page.get_by_label("Intitulé du point").fill("Travaux de voirie")
        page.get_by_role("button", name="Ajouter", exact=True).click()
        page.get_by_text("Point ajouté à l'ordre du jour.").wait_for()

        page.get_by_text("Compte rendu et décisions de « Travaux de voirie »").click()
        page.get_by_label("Compte rendu du point").fill("La rue des Écoles est à refaire.")
        page.get_by_role("button", name="Enregistrer le compte rendu").click()
        page.get_by_text("Compte rendu enregistré.").wait_for()
        page.get_by_text("Compte rendu et décisions de « Travaux de voirie »").click()
        page.get_by_label(re.compile(r"^Décision\b")).fill("Refaire la rue des Écoles")
        page.get_by_label(re.compile(r"^Pour\b")).fill("12")
        page.get_by_label(re.compile(r"^Contre\b")).fill("1")
        page.get_by_label(re.compile(r"^Abstentions\b")).fill("2")
        page.get_by_label("Tâche à créer (facultatif)").fill("Demander trois devis")
        page.get_by_label("Confiée à").select_option(label="Paul Girard")
        page.get_by_label("Échéance").fill((soon + datetime.timedelta(days=30)).isoformat())
        page.get_by_role("button", name="Enregistrer la décision").click()
        page.get_by_role("link", name="la tâche créée").wait_for()

        page.get_by_label("Paul Girard").check()
        page.get_by_role("button", name="Soumettre", exact=True).click()
        page.get_by_text("Procès-verbal soumis à approbation.").wait_for()
        meeting_url = page.url

        # The élu approves, on a phone-sized screen, from « Mes séances ».
        phone = browser.new_context(
            locale="fr-FR", viewport={"width": 360, "height": 740}, accept_downloads=True
        )
        phone.set_default_timeout(15_000)
        elected = phone.new_page()
        try:
            _log_in(elected, port, council["elected"].email)
            elected.goto(f"http://{host}:{port}/mes-seances/")
            elected.get_by_text("Conseil du printemps").first.wait_for()
            width = elected.evaluate("document.documentElement.scrollWidth")
            assert width <= 360  # no sideways scrolling on a phone
            elected.get_by_role("link", name="Procès-verbal : Conseil du printemps").click()
            elected.get_by_role("button", name="J'approuve le procès-verbal").click()
            elected.get_by_text("Votre approbation est enregistrée.").wait_for()
            assert elected.url == meeting_url
            with elected.expect_download() as info:
                elected.get_by_role("link", name="Télécharger le procès-verbal (PDF)").click()
            document = Path(info.value.path()).read_bytes()
        finally:
            phone.close()
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(document)).pages)
    assert "Conseil du printemps" in text
    assert "Refaire la rue des Écoles" in text
    assert "Approuvé le" in text
    with django_db_blocker.unblock(), tenant_context(council["tenant"]):
        task = Task.objects.get(space=space, title="Demander trois devis")
        assert list(task.assignments.values_list("user_id", flat=True)) == [council["elected"].pk]
