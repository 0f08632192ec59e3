"""A person's own export across every tenant they reach: built by the Celery task, its progress
polled, the link sent by real SMTP, downloadable by that person only, until it expires."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from entente.accounts.models import User
from entente.privacy import services
from entente.privacy.models import ExportStatus, PersonalExport
from tests.support.smtp import Mailbox

from .test_erasure import EMAIL, NAME, person  # noqa: F401 - the fixture


@pytest.fixture
def built(person: User, smtp_server: Mailbox) -> PersonalExport:  # noqa: F811
    made = services.request_personal_export(person)
    assert services.request_personal_export(person) == made  # one at a time
    return services.build_personal_export(made.pk)  # the task's body, as the worker runs it


def test_the_zip_holds_every_kind_of_their_data_in_every_tenant(
    built: PersonalExport, tenant_a, tenant_b, smtp_server: Mailbox
) -> None:
    assert built.status == ExportStatus.READY
    assert built.progress == 100
    archive = zipfile.ZipFile(default_storage.open(built.file, "rb"))
    names = set(archive.namelist())
    profile = json.loads(archive.read("profile.json"))
    assert (profile["email"], profile["full_name"]) == (EMAIL, NAME)
    assert {"api_tokens.json", "notifications.json", "memberships.json"} <= names
    [linked] = json.loads(archive.read("identity_providers.json"))
    assert (linked["provider"], linked["uid"]) == ("proconnect", "pc-4512")
    assert json.loads(archive.read("second_factors.json")) == []
    [directory] = json.loads(archive.read("directory_records.json"))
    assert (directory["tenant__name"], directory["external_id"]) == (tenant_a.name, EMAIL)
    for tenant in (tenant_a, tenant_b):
        mine = {n.split("/", 1)[1] for n in names if n.startswith(f"{tenant.slug}/")}
        assert {"tasks.json", "task_comments.json", "task_attachments.json"} <= mine
        assert {"document_versions.json", "discussion_comments.json", "spaces.json"} <= mine
        assert any(n.startswith("files/task_attachments/") for n in mine)
        assert any(n.startswith("files/document_versions/") for n in mine)
    [mail] = smtp_server.to(EMAIL)
    assert f"/mon-compte/donnees/{built.token}/telecharger/" in Mailbox.text_of(mail)


def test_only_the_person_downloads_it_and_only_until_it_expires(
    built: PersonalExport,
    person: User,  # noqa: F811
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    link = f"/mon-compte/donnees/{built.token}/telecharger/"
    mine = client_for(None, person)
    response = mine.get(link)
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert client_for(None, make_user()).get(link).status_code == 404
    assert client_for(None).get(link).status_code == 302  # to log in
    page = mine.get("/mon-compte/donnees/")
    assert link in page.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert mine.get(link).status_code == 404
        assert services.purge_expired() == (1, 0)
    assert not default_storage.exists(built.file)


def test_the_page_polls_the_progress_while_it_is_built(
    person: User,  # noqa: F811
    client_for: Callable[..., Client],
    make_user: Callable[..., User],
    django_capture_on_commit_callbacks,
) -> None:
    client = client_for(None, person)
    with django_capture_on_commit_callbacks() as queued:
        assert client.post("/mon-compte/donnees/exporter/").status_code == 302
    assert len(queued) == 1  # the Celery task, sent once committed
    made = PersonalExport.objects.get(user=person)
    page = client.get("/mon-compte/donnees/").content.decode()
    progress = f"/mon-compte/donnees/exports/{made.pk}/progression/"
    assert progress in page
    assert "<progress" in client.get(progress).content.decode()
    assert client_for(None, make_user()).get(progress).status_code == 404
