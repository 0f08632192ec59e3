"""The collectivité's archive tree through the API (/api/v1/documents/archive/…): its staff
read, its admins manage; a guest does not see it (404), another tenant's people get 403."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from entente.accounts.models import Role
from entente.documents.models import Document
from tests.entente.documents.conftest import PDF_BYTES, World

ARCHIVE = "/api/v1/documents/archive/"


def test_staff_read_the_archive_and_admins_manage_it(
    world: World, make_user: Any, client_for: Any, settings: Any
) -> None:
    admin = client_for(world.tenant, make_user(tenant=world.tenant, role=Role.ADMIN))
    created = admin.post(f"{ARCHIVE}folders/", {"name": "Délibérations"})
    assert created.status_code == 201
    folder_id = created.json()["id"]
    uploaded = admin.post(
        f"{ARCHIVE}folders/{folder_id}/files/", {"file": SimpleUploadedFile("CM.pdf", PDF_BYTES)}
    )
    assert uploaded.status_code == 201
    download = uploaded.json()["current"]["download_url"]
    assert download.startswith(ARCHIVE)
    with world.enter():
        assert Document.objects.get(pk=uploaded.json()["id"]).folder.space_id is None

    staff = world.client("staff")  # an agent of the tenant, in no space
    tree = staff.get(ARCHIVE)
    assert tree.status_code == 200
    assert [f["name"] for f in tree.json()["folders"]] == ["Délibérations"]
    assert tree.json()["abilities"]["edit"] is False
    assert staff.get(download)["Content-Type"] == "application/pdf"
    refused = staff.post(
        f"{ARCHIVE}folders/{folder_id}/files/", {"file": SimpleUploadedFile("X.pdf", PDF_BYTES)}
    )
    assert refused.status_code == 403
    assert set(refused.json()) >= {"detail", "code"}
    assert world.client("guest").get(ARCHIVE).status_code == 404
    assert world.client("outsider").get(ARCHIVE).status_code == 403
    assert world.client("anonymous").get(ARCHIVE).status_code == 401
    # an archive folder under a space's URL, a space's file under the archive's: absent
    space = f"/api/v1/spaces/{world.space.pk}/documents/"
    assert world.client("editor").get(f"{space}folders/{folder_id}/").status_code == 404
    assert staff.get(f"{ARCHIVE}files/{world.document.pk}/").status_code == 404
    assert admin.get(f"{ARCHIVE}files/{world.document.pk}/").status_code == 404


def test_the_archive_routes_are_in_the_openapi_schema(world: World) -> None:
    schema = world.client("editor").get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    assert {
        "/api/v1/documents/archive/",
        "/api/v1/documents/archive/folders/{id}/files/",
        "/api/v1/documents/archive/bin/",
    } <= set(schema["paths"])
