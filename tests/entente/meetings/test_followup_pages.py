"""Carry-over of open tasks, documents on agenda items, the minutes' PDF, « Mes séances »."""

from __future__ import annotations

import datetime
import io
import json
import os
import zipfile

import pytest
from django.utils import timezone
from pypdf import PdfReader

from entente.documents import services as documents
from entente.documents.selectors import tree_root
from entente.meetings import minutes, pdf, services
from entente.meetings.minutes import TaskSpec
from entente.meetings.models import AgendaDocument, AgendaItem, Attendance, Meeting
from entente.meetings.services import MeetingSpec
from entente.tasks.models import Task, TaskStatus
from tenants.export import build_archive
from tests.support.acting import member
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db
PAST = datetime.datetime(2026, 1, 12, 18, 0, tzinfo=datetime.UTC)


def _council(actors: SpaceActors, when: datetime.datetime, title: str) -> Meeting:
    return services.create_meeting(
        member(actors.people["editor"], actors.tenant),
        space=actors.space,
        spec=MeetingSpec(title, when, series="conseil", place="Salle du conseil"),
    )


def test_open_tasks_of_the_previous_council_are_listed_and_carried_over(
    actors: SpaceActors,
) -> None:
    editor, reader = actors.people["editor"], actors.people["reader"]
    with actors.inside():
        acting = member(editor, actors.tenant)
        before = _council(actors, PAST, "Conseil de janvier")
        item = services.add_agenda_item(acting, before, title="Voirie")
        open_one = minutes.record_decision(
            acting,
            item,
            text="Refaire la rue",
            votes=(10, 0, 1),
            task=TaskSpec("Demander trois devis", reader.pk, datetime.date(2026, 3, 1)),
        )
        done = minutes.record_decision(
            acting, item, text="Élaguer", votes=(11, 0, 0), task=TaskSpec("Élaguer les tilleuls")
        )
        assert done.task_id is not None
        Task.objects.filter(pk=done.task_id).update(status=TaskStatus.DONE)
        after = _council(actors, PAST + datetime.timedelta(days=30), "Conseil de février")
    url = f"/espaces/{actors.space.pk}/reunions/{after.pk}/"
    page = actors.client("editor").get(url).content.decode()
    assert "Demander trois devis" in page
    assert "Élaguer les tilleuls" not in page
    assert actors.client("reader").post(url + "report/").status_code == 403
    assert actors.client("staff").post(url + "report/").status_code == 404
    assert actors.client("editor").post(url + "report/").status_code == 302
    actors.client("editor").post(url + "report/")  # twice: still one follow-up item
    with actors.inside():
        carried = list(AgendaItem.objects.filter(meeting=after))
    assert len(carried) == 1
    assert carried[0].title.startswith("Suivi des décisions de la séance du 12 janvier 2026")
    assert "Demander trois devis" in carried[0].notes
    assert open_one.task_id is not None


def test_documents_of_the_space_attach_to_an_item(actors: SpaceActors) -> None:
    with actors.inside():
        acting = member(actors.people["editor"], actors.tenant)
        meeting = _council(actors, PAST, "Conseil de janvier")
        item = services.add_agenda_item(acting, meeting, title="Budget")
        version = documents.upload(
            membership=acting,
            folder=tree_root(actors.space),
            name="Budget primitif.pdf",
            content=io.BytesIO(b"%PDF-1.4 budget"),
        )
    url = f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/points/{item.pk}/documents/"
    doc = {"document": version.document_id}
    assert actors.client("reader").post(url, doc).status_code == 403
    assert actors.client("editor").post(url, doc).status_code == 302
    assert actors.client("editor").post(url, {"document": 999999}).status_code == 302  # refused
    with actors.inside():
        assert list(AgendaDocument.objects.values_list("document_id", flat=True)) == [
            version.document_id
        ]
    page = actors.client("reader").get(f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/")
    assert "Budget primitif.pdf" in page.content.decode()
    actors.client("editor").post(url, {**doc, "remove": "1"})
    with actors.inside():
        assert not AgendaDocument.objects.exists()


def _pdf_or_skip() -> None:
    reason = pdf.available()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"weasyprint (Pango) required under CI=true: {reason}")
        pytest.skip(f"weasyprint cannot run here (Pango missing?): {reason}")


def test_approved_minutes_as_pdf_parsed_back(actors: SpaceActors) -> None:
    _pdf_or_skip()
    editor, commenter, reader = (actors.people[k] for k in ("editor", "commenter", "reader"))
    with actors.inside():
        acting = member(editor, actors.tenant)
        meeting = _council(actors, PAST, "Conseil de janvier")
        item = services.add_agenda_item(acting, meeting, title="Budget primitif")
        services.set_attendance(acting, meeting, person_id=reader.pk, status=Attendance.EXCUSED)
        services.set_attendance(acting, meeting, person_id=editor.pk, status=Attendance.PRESENT)
        minutes.write_item_minutes(acting, item, text="Présentation du budget.")
        minutes.record_decision(acting, item, text="Budget adopté", votes=(12, 1, 2))
        minutes.submit_minutes(acting, meeting, approver_ids=[commenter.pk])
        minutes.approve_minutes(member(commenter, actors.tenant), meeting)
    url = f"/espaces/{actors.space.pk}/reunions/{meeting.pk}/proces-verbal.pdf"
    assert actors.client("staff").get(url).status_code == 404
    response = actors.client("reader").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for words in (
        actors.tenant.name,
        "Conseil de janvier",
        "Budget primitif",
        "Présentation du budget",
        "Budget adopté",
        "Excusé",
        "Léa Martin",
        "Claire Morand",
        "Approuvé le",
    ):
        assert words in text, words


def test_the_elected_page_shows_the_next_council_and_what_awaits_them(
    actors: SpaceActors,
) -> None:
    editor, commenter = actors.people["editor"], actors.people["commenter"]
    with actors.inside():
        acting = member(editor, actors.tenant)
        soon = _council(actors, timezone.now() + datetime.timedelta(days=3), "Conseil d'avril")
        services.add_agenda_item(acting, soon, title="Plan local d'urbanisme")
        services.send_convocation(acting, soon)
        done = _council(actors, timezone.now() - datetime.timedelta(days=3), "Conseil de mars")
        item = services.add_agenda_item(acting, done, title="Cantine")
        minutes.record_decision(acting, item, text="Tarif unique de la cantine", votes=(9, 0, 0))
        minutes.submit_minutes(acting, done, approver_ids=[commenter.pk])
    page = actors.client("commenter").get("/mes-seances/")
    body = page.content.decode()
    assert page.status_code == 200
    for words in ("Conseil d&#x27;avril", "Plan local d&#x27;urbanisme", "Convocation reçue"):
        assert words in body, words
    assert "Procès-verbal : Conseil de mars" in body
    assert "Tarif unique de la cantine" in body
    assert 'href="/mes-seances/"' in body  # the élu's menu offers it
    assert actors.client("editor").get("/mes-seances/").status_code == 403  # an agent
    assert 'href="/mes-seances/"' not in actors.client("editor").get("/").content.decode()
    assert actors.client("outsider").get("/mes-seances/").status_code == 403

    # The tenant export holds the meetings, their agenda, minutes, decisions and approvals.
    archive = zipfile.ZipFile(io.BytesIO(build_archive(actors.tenant)))
    meetings = json.loads(archive.read("meetings.json"))
    decisions = json.loads(archive.read("meeting_decisions.json"))
    approvals = json.loads(archive.read("meeting_approvals.json"))
    assert {m["title"] for m in meetings} == {"Conseil d'avril", "Conseil de mars"}
    assert [d["text"] for d in decisions] == ["Tarif unique de la cantine"]
    assert [a["person_id"] for a in approvals] == [commenter.pk]
    assert "Plan local d'urbanisme" in archive.read("meeting_agenda_items.json").decode()
