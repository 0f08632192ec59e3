"""The documents API per role: status, database and storage. `world` is the private space of
Legé from tests/entente/documents (editor, commenter, reader; staff outside the space, a
citizen, an administrator of Paulx, anonymous)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from entente.documents.models import Document, Folder, Version
from tests.entente.documents.conftest import PDF_BYTES, VIEWERS, World, stored_files
from tests.support.acting import seeding

ACTORS = ("editor", "commenter", "reader", "staff", "guest", "outsider", "anonymous")
EDITORS = {"editor"}


def expected(role: str, allowed: set[str], *, ok: int = 200) -> int:
    """401 anonymous, 403 another tenant's people, 404 who cannot see the space, 403 members
    who see it but may not do this."""
    if role == "anonymous":
        return 401
    if role == "outsider":
        return 403
    if role in allowed:
        return ok
    if role in VIEWERS:
        return 403
    return 404


def base(world: World) -> str:
    return f"/api/v1/spaces/{world.space.pk}/documents/"


@pytest.mark.parametrize("role", ACTORS)
def test_tree_and_folder(world: World, role: str) -> None:
    client = world.client(role)
    root = client.get(base(world))
    folder = client.get(f"{base(world)}folders/{world.folder.pk}/")
    assert root.status_code == folder.status_code == expected(role, VIEWERS)
    if role in VIEWERS:
        assert [f["name"] for f in root.json()["folders"]] == ["Marchés publics"]
        [file] = folder.json()["files"]
        assert file["name"] == "Cahier des charges.pdf"
        assert file["current"]["number"] == 1
        assert folder.json()["abilities"]["edit"] == (role in EDITORS)


@pytest.mark.parametrize("role", ACTORS)
def test_upload(world: World, role: str, settings: Any) -> None:
    before = stored_files(settings)
    response = world.client(role).post(
        f"{base(world)}folders/{world.folder.pk}/files/",
        {"file": SimpleUploadedFile("Devis.pdf", PDF_BYTES), "note": "Premier devis"},
    )
    assert response.status_code == expected(role, EDITORS, ok=201)
    with world.enter():
        exists = Document.objects.filter(name="Devis.pdf").exists()
    assert exists == (role in EDITORS)
    assert len(stored_files(settings)) == len(before) + (1 if role in EDITORS else 0)
    if role in EDITORS:
        assert response.json()["current"]["note"] == "Premier devis"


def test_upload_conflict_then_new_version_then_restore(world: World) -> None:
    client, url = world.client("editor"), f"{base(world)}folders/{world.folder.pk}/files/"
    taken = client.post(url, {"file": SimpleUploadedFile("Cahier des charges.pdf", PDF_BYTES)})
    assert taken.status_code == 409
    assert taken.json()["existing"] == str(world.document.pk)
    new = client.post(
        url,
        {
            "file": SimpleUploadedFile("Cahier des charges.pdf", PDF_BYTES + b"2"),
            "on_conflict": "new_version",
        },
    )
    assert new.status_code == 201
    versions = client.get(f"{base(world)}files/{world.document.pk}/versions/").json()
    assert [v["number"] for v in versions] == [2, 1]
    first = versions[1]
    restored = client.post(
        f"{base(world)}files/{world.document.pk}/versions/{first['id']}/restore/"
    )
    assert restored.status_code == 201
    assert restored.json()["number"] == 3
    assert restored.json()["sha256"] == first["sha256"]
    download = client.get(restored.json()["download_url"])
    assert b"".join(download.streaming_content) == PDF_BYTES + b"v1"  # type: ignore[attr-defined]
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ACTORS)
def test_download(world: World, role: str) -> None:
    version = world.version()
    url = f"{base(world)}files/{world.document.pk}/versions/{version.pk}/download/"
    response = world.client(role).get(url)
    assert response.status_code == expected(role, VIEWERS)
    if role in VIEWERS:
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", ACTORS)
def test_delete_restore_and_bin(world: World, role: str) -> None:
    client = world.client(role)
    deleted = client.delete(f"{base(world)}files/{world.document.pk}/")
    assert deleted.status_code == expected(role, EDITORS, ok=204)
    bin_list = client.get(f"{base(world)}bin/")
    assert bin_list.status_code == expected(role, EDITORS)
    with world.enter():
        world.document.refresh_from_db()
        assert (world.document.deleted_at is not None) == (role in EDITORS)
    if role in EDITORS:
        assert [f["id"] for f in bin_list.json()["files"]] == [world.document.pk]
        assert (
            world.client("reader").get(f"{base(world)}files/{world.document.pk}/").status_code
            == 404
        )
        assert client.post(f"{base(world)}files/{world.document.pk}/restore/").status_code == 200


@pytest.mark.parametrize("role", ACTORS)
def test_create_rename_and_move_folders(world: World, role: str) -> None:
    client = world.client(role)
    created = client.post(
        f"{base(world)}folders/", {"name": "Délibérations"}, content_type="application/json"
    )
    assert created.status_code == expected(role, EDITORS, ok=201)
    moved = client.patch(
        f"{base(world)}files/{world.document.pk}/",
        {"folder": world.root.pk, "name": "CCTP.pdf"},
        content_type="application/json",
    )
    assert moved.status_code == expected(role, EDITORS)
    with world.enter():
        world.document.refresh_from_db()
        assert Folder.objects.filter(name="Délibérations").exists() == (role in EDITORS)
        assert (world.document.folder_id == world.root.pk) == (role in EDITORS)
        assert (world.document.name == "CCTP.pdf") == (role in EDITORS)


def test_ids_of_another_space_or_tenant_are_404(world: World, client_for: Any) -> None:
    """A file named under another space's URL, or asked on another tenant's host: absent."""
    from entente.spaces.services import create_space

    with world.enter():
        other = create_space(seeding(world.people["editor"]), name="Autre")
    client = world.client("editor")
    assert (
        client.get(f"/api/v1/spaces/{other.pk}/documents/files/{world.document.pk}/").status_code
        == 404
    )
    paulx = client_for(world.other_tenant, world.people["outsider"])
    for url in (
        f"{base(world)}files/{world.document.pk}/",
        f"/api/v1/spaces/1/documents/files/{world.document.pk}/versions/{world.version().pk}/download/",
    ):
        response = paulx.get(url)
        assert response.status_code == 404
        assert b"%PDF" not in b"".join(getattr(response, "streaming_content", [response.content]))


def test_a_folder_rule_closes_a_folder_in_the_api(world: World) -> None:
    editor = world.client("editor")
    rule = editor.post(
        f"{base(world)}folders/{world.folder.pk}/rights/",
        {"user": world.people["reader"].pk, "role": "none"},
        content_type="application/json",
    )
    assert rule.status_code == 204
    reader = world.client("reader")
    assert reader.get(f"{base(world)}folders/{world.folder.pk}/").status_code == 404
    assert reader.get(f"{base(world)}files/{world.document.pk}/").status_code == 404
    assert reader.get(base(world)).json()["folders"] == []
    refused = world.client("commenter").post(
        f"{base(world)}folders/{world.folder.pk}/rights/",
        {"user": None, "role": "editor"},
        content_type="application/json",
    )
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>"),
        ("image.svg", b"<svg><script>alert(1)</script></svg>"),
        ("photo.png", b"<script>alert(1)</script>"),
    ],
)
def test_hostile_uploads_are_400_with_nothing_stored(
    world: World, settings: Any, name: str, content: bytes
) -> None:
    before = stored_files(settings)
    response = world.client("editor").post(
        f"{base(world)}folders/{world.folder.pk}/files/",
        {"file": SimpleUploadedFile(name, content, "image/png")},
    )
    assert response.status_code == 400
    with world.enter():
        assert Version.objects.count() == 1
    assert stored_files(settings) == before


def test_a_path_in_the_name_field_is_refused(world: World, settings: Any) -> None:
    before = stored_files(settings)
    response = world.client("editor").post(
        f"{base(world)}folders/{world.folder.pk}/files/",
        {"file": SimpleUploadedFile("ok.pdf", PDF_BYTES), "name": "../../etc/passwd"},
    )
    assert response.status_code == 400
    assert "/" in str(response.json())
    assert stored_files(settings) == before


def test_over_the_limit_is_413_before_the_body_is_read(world: World, settings: Any) -> None:
    settings.ENTENTE_DOCUMENTS_MAX_BYTES = 1024
    response = world.client("editor").post(
        f"{base(world)}folders/{world.folder.pk}/files/",
        {"file": SimpleUploadedFile("gros.pdf", PDF_BYTES + b"x" * 200_000)},
    )
    assert response.status_code == 413
    assert "taille maximale" in response.json()["detail"]
    with world.enter():
        assert not Document.objects.filter(name="gros.pdf").exists()


def test_the_routes_are_in_the_openapi_schema(world: World) -> None:
    schema = world.client("editor").get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/spaces/{space_id}/documents/",
        "/api/v1/spaces/{space_id}/documents/folders/{id}/files/",
        "/api/v1/spaces/{space_id}/documents/files/{id}/versions/{version_id}/restore/",
        "/api/v1/spaces/{space_id}/documents/bin/",
    ):
        assert path in paths, sorted(p for p in paths if "documents" in p)


def test_a_folders_files_come_by_window(world: World) -> None:
    client = world.client("editor")
    for name in ("A.pdf", "B.pdf", "C.pdf"):
        client.post(
            f"{base(world)}folders/{world.folder.pk}/files/",
            {"file": SimpleUploadedFile(name, PDF_BYTES)},
        )
    url = f"{base(world)}folders/{world.folder.pk}/"
    first = client.get(url, {"limit": 2}).json()
    second = client.get(url, {"limit": 2, "offset": 2}).json()
    assert first["files_count"] == 4
    assert [f["name"] for f in first["files"]] == ["A.pdf", "B.pdf"]
    assert [f["name"] for f in second["files"]] == ["C.pdf", "Cahier des charges.pdf"]
    assert client.get(url, {"limit": "beaucoup"}).status_code == 400
