"""Document pages, per role: the status each person gets AND the database and storage after.

`world` is a private space of Legé: editor, commenter and reader are its members; « staff » is
an agent of Legé outside the space, « guest » a citizen (no access to a private space even
with a role in it), « outsider » an administrator of Paulx, « anonymous » nobody.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from entente.documents.models import Document, Folder, Version

from .conftest import EDITORS, PDF_BYTES, PNG_BYTES, VIEWERS, World, stored_files

ACTORS = ("editor", "commenter", "reader", "staff", "guest", "outsider", "anonymous")


def expected(role: str, allowed: set[str], *, ok: int = 200, refused: int = 403) -> int:
    """Members lacking the ability: `refused`; who cannot see the space: 404; another tenant's
    people: 403 (not a member); anonymous people: sent to log in (302)."""
    if role == "anonymous":
        return 302
    if role == "outsider":
        return 403
    if role in allowed:
        return ok
    if role in VIEWERS:
        return refused
    return 404


@pytest.mark.parametrize("role", ACTORS)
def test_folder_page(world: World, role: str) -> None:
    response = world.client(role).get(f"/documents/dossiers/{world.folder.pk}/")
    assert response.status_code == expected(role, VIEWERS)
    body = response.content.decode()
    assert ("Cahier des charges.pdf" in body) == (role in VIEWERS)
    assert ("Déposer des fichiers" in body) == (role in EDITORS)


@pytest.mark.parametrize("role", ACTORS)
def test_space_documents_leads_to_its_root(world: World, role: str) -> None:
    response = world.client(role).get(f"/espaces/{world.space.pk}/documents/")
    if role in VIEWERS:
        assert response.status_code == 302
        assert response["Location"] == f"/documents/dossiers/{world.root.pk}/"
    else:
        assert response.status_code == expected(role, VIEWERS)


@pytest.mark.parametrize("role", ACTORS)
def test_file_page_and_download(world: World, role: str) -> None:
    client = world.client(role)
    page = client.get(f"/documents/fichiers/{world.document.pk}/")
    assert page.status_code == expected(role, VIEWERS)
    download = client.get(f"/documents/versions/{world.version().pk}/")
    assert download.status_code == expected(role, VIEWERS)
    if role in VIEWERS:
        assert "Versions" in page.content.decode()
        assert b"".join(download.streaming_content) == PDF_BYTES + b"v1"  # type: ignore[attr-defined]
        assert download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith("inline")
        assert download["X-Content-Type-Options"] == "nosniff"
        forced = client.get(f"/documents/versions/{world.version().pk}/?telecharger=1")
        assert forced["Content-Disposition"].startswith("attachment")
    else:
        assert b"%PDF" not in download.content


@pytest.mark.parametrize("role", ACTORS)
def test_upload_page(world: World, role: str, settings: Any) -> None:
    before = stored_files(settings)
    response = world.client(role).post(
        f"/documents/dossiers/{world.folder.pk}/deposer/",
        {
            "files": [
                SimpleUploadedFile("Plan.pdf", PDF_BYTES, "application/pdf"),
                SimpleUploadedFile("Photo.png", PNG_BYTES, "image/png"),
            ]
        },
    )
    assert response.status_code == expected(role, EDITORS, ok=302)
    with world.enter():
        names = set(Document.objects.filter(folder=world.folder).values_list("name", flat=True))
    if role in EDITORS:
        assert {"Plan.pdf", "Photo.png"} <= names
        assert len(stored_files(settings)) == len(before) + 2
    else:
        assert names == {"Cahier des charges.pdf"}
        assert stored_files(settings) == before


def test_same_name_asks_then_makes_a_new_version(world: World) -> None:
    client, url = world.client("editor"), f"/documents/dossiers/{world.folder.pk}/deposer/"
    asked = client.post(url, {"files": SimpleUploadedFile("Cahier des charges.pdf", PDF_BYTES)})
    assert asked.status_code == 409
    assert "nouvelle version" in asked.content.decode()
    done = client.post(
        url,
        {
            "files": SimpleUploadedFile("Cahier des charges.pdf", PDF_BYTES + b"v2"),
            "on_conflict": "new_version",
            "note": "Après relecture",
        },
    )
    assert done.status_code == 302
    with world.enter():
        assert list(world.document.versions.values_list("number", "note")) == [
            (2, "Après relecture"),
            (1, ""),
        ]


@pytest.mark.parametrize("role", ACTORS)
def test_version_restore_page(world: World, role: str) -> None:
    first = world.version()
    world.client("editor").post(
        f"/documents/fichiers/{world.document.pk}/version/",
        {"file": SimpleUploadedFile("x.pdf", PDF_BYTES + b"v2")},
    )
    response = world.client(role).post(f"/documents/versions/{first.pk}/restaurer/")
    assert response.status_code == expected(role, EDITORS, ok=302)
    with world.enter():
        world.document.refresh_from_db()
        current = world.document.current
        assert current is not None
        assert current.number == (3 if role in EDITORS else 2)
        assert (current.restored_from_id == first.pk) == (role in EDITORS)


@pytest.mark.parametrize("role", ACTORS)
def test_delete_and_bin(world: World, role: str) -> None:
    response = world.client(role).post(f"/documents/fichiers/{world.document.pk}/supprimer/")
    assert response.status_code == expected(role, EDITORS, ok=302)
    with world.enter():
        world.document.refresh_from_db()
        assert (world.document.deleted_at is not None) == (role in EDITORS)
    bin_page = world.client(role).get(f"/espaces/{world.space.pk}/documents/corbeille/")
    assert bin_page.status_code == expected(role, EDITORS)
    if role in EDITORS:
        assert "Cahier des charges.pdf" in bin_page.content.decode()
        assert (
            world.client("reader").get(f"/documents/fichiers/{world.document.pk}/").status_code
            == 404
        )
        restored = world.client(role).post(f"/documents/fichiers/{world.document.pk}/restaurer/")
        assert restored.status_code == 302
        with world.enter():
            world.document.refresh_from_db()
            assert world.document.deleted_at is None


@pytest.mark.parametrize("role", ACTORS)
def test_create_folder_page(world: World, role: str) -> None:
    response = world.client(role).post(
        f"/documents/dossiers/{world.root.pk}/nouveau/", {"name": "Délibérations"}
    )
    assert response.status_code == expected(role, EDITORS, ok=302)
    with world.enter():
        assert Folder.objects.filter(name="Délibérations").exists() == (role in EDITORS)


def test_move_a_file_between_folders(world: World) -> None:
    with world.enter():
        target = Folder.objects.create(space=world.space, parent=world.root, name="Archivés")
    response = world.client("editor").post(
        f"/documents/fichiers/{world.document.pk}/deplacer/", {"target": target.pk}
    )
    assert response.status_code == 302
    with world.enter():
        world.document.refresh_from_db()
        assert world.document.folder_id == target.pk


def test_a_closed_folder_is_not_served_even_by_its_ids(world: World) -> None:
    editor = world.client("editor")
    rule = editor.post(
        f"/documents/dossiers/{world.folder.pk}/droits/", {"person": "", "role": "none"}
    )
    assert rule.status_code == 302
    reader = world.client("reader")
    assert reader.get(f"/documents/dossiers/{world.folder.pk}/").status_code == 404
    assert reader.get(f"/documents/fichiers/{world.document.pk}/").status_code == 404
    assert reader.get(f"/documents/versions/{world.version().pk}/").status_code == 404
    assert (
        "Marchés publics"
        not in reader.get(f"/documents/dossiers/{world.root.pk}/").content.decode()
    )
    assert editor.get(f"/documents/versions/{world.version().pk}/").status_code == 200


def test_another_tenants_file_is_never_served(
    world: World, client_for: Any, make_user: Any
) -> None:
    """The ids of Legé's file, asked on Paulx's host by Paulx's administrator: absent there."""
    paulx_admin = world.people["outsider"]
    client: Client = client_for(world.other_tenant, paulx_admin)
    for url in (
        f"/documents/dossiers/{world.folder.pk}/",
        f"/documents/fichiers/{world.document.pk}/",
        f"/documents/versions/{world.version().pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"%PDF" not in response.content


HOSTILE_PAGES = [
    ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
    ("dessin.svg", b"<svg><script>alert(1)</script></svg>", "image/svg+xml"),
    ("photo.png", b"<script>alert(1)</script>", "image/png"),
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n", "text/plain"),
]


@pytest.mark.parametrize(("name", "content", "declared"), HOSTILE_PAGES)
def test_hostile_upload_pages_refuse_and_store_nothing(
    world: World, settings: Any, name: str, content: bytes, declared: str
) -> None:
    before = stored_files(settings)
    response = world.client("editor").post(
        f"/documents/dossiers/{world.folder.pk}/deposer/",
        {"files": SimpleUploadedFile(name, content, declared)},
    )
    assert response.status_code == 400
    assert "refusé" in response.content.decode()
    with world.enter():
        assert Document.objects.filter(folder=world.folder).count() == 1
        assert Version.objects.count() == 1
    assert stored_files(settings) == before


def test_over_the_limit_is_refused_before_the_body_is_read(world: World, settings: Any) -> None:
    settings.ENTENTE_DOCUMENTS_MAX_BYTES = 1024
    before = stored_files(settings)
    response = world.client("editor").post(
        f"/documents/dossiers/{world.folder.pk}/deposer/",
        {"files": SimpleUploadedFile("gros.pdf", PDF_BYTES + b"x" * 200_000)},
    )
    assert response.status_code == 413
    assert (
        "taille maximale de 0 Mo" in response.content.decode()
        or "taille maximale" in response.content.decode()
    )
    with world.enter():
        assert not Document.objects.filter(name="gros.pdf").exists()
    assert stored_files(settings) == before


def test_office_files_are_downloaded_never_inline(world: World) -> None:
    client = world.client("editor")
    client.post(
        f"/documents/dossiers/{world.folder.pk}/deposer/",
        {"files": SimpleUploadedFile("notes.txt", b"Compte rendu du conseil")},
    )
    with world.enter():
        version = Version.objects.get(document__name="notes.txt")
    response = client.get(f"/documents/versions/{version.pk}/")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_large_folder_is_read_page_by_page(world: World, monkeypatch: Any) -> None:
    from entente.documents import views

    monkeypatch.setattr(views, "FILES_PER_PAGE", 1)
    client = world.client("reader")
    with world.enter():
        Document.objects.create(folder=world.folder, name="Annexe.pdf")
    first = client.get(f"/documents/dossiers/{world.folder.pk}/").content.decode()
    second = client.get(f"/documents/dossiers/{world.folder.pk}/?page=2").content.decode()
    assert "Annexe.pdf" in first
    assert "Cahier des charges.pdf" not in first
    assert "Page 1 sur 2" in first
    assert "Cahier des charges.pdf" in second


def test_the_space_page_has_a_documents_section(world: World) -> None:
    body = world.client("reader").get(f"/espaces/{world.space.pk}/").content.decode()
    assert 'id="section-documents"' in body
    assert f"/documents/dossiers/{world.root.pk}/" in body


@pytest.mark.parametrize(
    ("role", "status", "may_upload"),
    [("admin", 302, True), ("agent", 302, False), ("guest", 404, False)],
)
def test_the_archive_tree_is_for_the_collectivites_staff(
    world: World,
    make_user: Any,
    client_for: Any,
    role: str,
    status: int,
    may_upload: bool,
    settings: Any,
) -> None:
    person = make_user(tenant=world.tenant, role=role)
    client = client_for(world.tenant, person)
    response = client.get("/documents/archives/")
    assert response.status_code == status
    if status != 302:
        return
    root_url = response["Location"]
    page = client.get(root_url).content.decode()
    assert "Archives de la collectivité" in page
    assert ("Déposer des fichiers" in page) == may_upload
    before = stored_files(settings)
    upload = client.post(
        f"{root_url}deposer/", {"files": SimpleUploadedFile("Arrêté 2026-001.pdf", PDF_BYTES)}
    )
    assert upload.status_code == (302 if may_upload else 403)
    assert len(stored_files(settings)) == len(before) + (1 if may_upload else 0)
