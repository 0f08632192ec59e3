"""Documents beyond the space's own members: citizens through the sections rule, staff of linked
communes in a federation space, followers told of new versions, the tenant export, search text."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.citizens.models import PublicProjectSettings
from entente.core import events
from entente.documents import services
from entente.documents.models import Document, Version
from entente.documents.selectors import tree_root
from entente.documents.text import extract_text
from entente.notifications import services as notifications
from entente.notifications.models import Notification
from entente.spaces.models import SpaceMembership, SpaceRole, Visibility
from entente.spaces.services import create_space
from tenants.export import build_archive
from tenants.models import Tenant
from tests.support.acting import seeding
from tests.support.federation import federation_space, link

from .conftest import PDF_BYTES, World, pdf, text_pdf


def _editor(tenant: Tenant, user: User) -> Membership:
    return Membership.objects.select_related("tenant", "user").get(tenant=tenant, user=user)


@pytest.mark.parametrize("opened", [False, True])
def test_citizens_read_a_public_projects_documents_once_opened(
    tenant_a: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
    opened: bool,
) -> None:
    editor = make_user(tenant=tenant_a)
    citizen = make_user(tenant=tenant_a, role=Role.GUEST)
    with tenant_context(tenant_a):
        space = create_space(
            seeding(editor), name="Réaménagement du bourg", visibility=Visibility.PUBLIC_PROJECT
        )
        SpaceMembership.objects.update_or_create(
            space=space, user=editor, defaults={"role": SpaceRole.EDITOR}
        )
        SpaceMembership.objects.create(space=space, user=citizen, role=SpaceRole.EDITOR)
        if opened:
            PublicProjectSettings.objects.create(
                space=space, open_sections=["discussions", "documents"]
            )
        version = services.upload(
            membership=_editor(tenant_a, editor),
            folder=tree_root(space),
            name="Esquisse.pdf",
            content=pdf(),
        )
    client = client_for(tenant_a, citizen)
    page = client.get(f"/documents/fichiers/{version.document_id}/")
    download = client.get(f"/documents/versions/{version.pk}/")
    assert page.status_code == download.status_code == (200 if opened else 404)
    upload = client.post(
        f"/documents/dossiers/{version.document.folder_id}/deposer/",
        {"files": SimpleUploadedFile("Avis.pdf", PDF_BYTES)},
    )
    assert upload.status_code == (403 if opened else 404)  # a citizen comments at most
    with tenant_context(tenant_a):
        assert not Document.objects.filter(name="Avis.pdf").exists()


def test_a_federation_space_shares_its_tree_with_the_communes_who_joined(
    tenant_epci: Tenant,
    tenant_a: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    epci_admin = make_user(tenant=tenant_epci, role=Role.ADMIN)
    lege_admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    link(tenant_epci, tenant_a, epci_admin, lege_admin)
    joined = make_user(tenant=tenant_a, full_name="Julien Besnard")
    not_joined = make_user(tenant=tenant_a)
    space = federation_space(tenant_epci, "Assainissement", editor=epci_admin)
    with tenant_context(tenant_epci):
        SpaceMembership.objects.create(
            space=space, user=joined, role=SpaceRole.EDITOR, via_tenant_id=tenant_a.pk
        )
        root = tree_root(space)
        version = services.upload(
            membership=_editor(tenant_epci, epci_admin),
            folder=root,
            name="Zonage.pdf",
            content=pdf(),
        )
    federated = client_for(tenant_epci, joined)
    assert federated.get(f"/documents/versions/{version.pk}/").status_code == 200
    done = federated.post(
        f"/documents/dossiers/{root.pk}/deposer/",
        {"files": SimpleUploadedFile("Relevé Legé.pdf", PDF_BYTES)},
    )
    assert done.status_code == 302
    stranger = client_for(tenant_epci, not_joined)
    assert stranger.get(f"/documents/versions/{version.pk}/").status_code == 404
    assert stranger.get("/documents/archives/").status_code == 404  # the EPCI's own archive
    with tenant_context(tenant_epci):
        added = Document.objects.get(name="Relevé Legé.pdf")
        assert added.created_by_id == joined.pk


def test_followers_hear_of_a_new_version_but_not_its_author(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    published: list[events.Event] = []
    monkeypatch.setattr(events, "_retried", [published.append])
    monkeypatch.setattr(events, "_best_effort", [])
    with world.enter():
        services.follow(membership=world.membership("reader"), document=world.document)
        with django_capture_on_commit_callbacks(execute=True):
            services.add_version(
                membership=world.membership("editor"), document=world.document, content=pdf("2")
            )
    [event] = [e for e in published if e.name == "document.version_added"]
    assert event.user_ids == (world.people["reader"].pk,)
    made = notifications.create_for_event(
        event.name, event.tenant_schema, list(event.user_ids), event.payload, event.space_id, "k"
    )
    assert len(made) == 1
    notice = Notification.objects.get(user=world.people["reader"], object_type="document")
    assert "version 2" in notice.title
    assert f"/documents/fichiers/{world.document.pk}/" in notice.url
    assert not Notification.objects.filter(user=world.people["editor"], object_type="document")


def test_the_export_holds_the_tree_and_every_versions_file(world: World) -> None:
    with world.enter():
        services.add_version(
            membership=world.membership("editor"), document=world.document, content=pdf("v2")
        )
    archive = zipfile.ZipFile(io.BytesIO(build_archive(world.tenant)))
    versions = json.loads(archive.read("document_versions.json"))
    folders = json.loads(archive.read("document_folders.json"))
    assert {f["name"] for f in folders} >= {"Voirie", "Marchés publics"}
    mine = sorted(
        (v for v in versions if v["document_id"] == world.document.pk), key=lambda v: v["number"]
    )
    assert [archive.read(v["archive_path"]) for v in mine] == [PDF_BYTES + b"v1", PDF_BYTES + b"v2"]


def test_text_is_extracted_from_pdf_docx_odt_and_text(world: World) -> None:
    import docx
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    def docx_bytes() -> bytes:
        document = docx.Document()
        document.add_paragraph("Délibération sur la voirie communale")
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    def odt_bytes() -> bytes:
        document = OpenDocumentText()
        document.text.addElement(P(text="Compte rendu du conseil municipal"))
        buffer = io.BytesIO()
        document.write(buffer)
        return buffer.getvalue()

    with world.enter():
        editor = world.membership("editor")
        texts = {}
        for name, content in (
            ("deliberation.docx", docx_bytes()),
            ("cr.odt", odt_bytes()),
            ("notes.txt", "Réunion de chantier".encode()),
            ("plu.pdf", text_pdf("Plan local urbanisme de Lege")),
        ):
            version = services.upload(
                membership=editor, folder=world.folder, name=name, content=io.BytesIO(content)
            )
            texts[name] = extract_text(version)
        broken = Version.objects.get(document=world.document)  # a PDF with no real pages
        assert extract_text(broken) == ""
    assert "voirie communale" in texts["deliberation.docx"]
    assert "conseil municipal" in texts["cr.odt"]
    assert texts["notes.txt"] == "Réunion de chantier"
    assert "Plan local urbanisme de Lege" in texts["plu.pdf"]
