"""The folder trees, files, versions and rules, and every version's file, for the tenant export
(`tenants.export`). A version's file goes in the ZIP as `files/documents/<version id>-<name>`,
the path its row names (`archive_path`), so a restore finds each file beside its row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tenants.export import register, register_files
from tenants.models import Tenant

from .models import Document, Folder, FolderRight, Version
from .uploads import clean_name


def _archive_path(version_id: int, name: str) -> str:
    return f"{version_id}-{clean_name(name)}"


def export_folders(tenant: Tenant) -> list[dict[str, Any]]:
    fields = ("id", "space_id", "parent_id", "name", "created_by_id", "created_at", "deleted_at")
    return [dict(row) for row in Folder.objects.order_by("pk").values(*fields)]


def export_files(tenant: Tenant) -> list[dict[str, Any]]:
    fields = ("id", "folder_id", "name", "current_id", "created_by_id", "created_at", "deleted_at")
    return [dict(row) for row in Document.objects.order_by("pk").values(*fields)]


def export_versions(tenant: Tenant) -> list[dict[str, Any]]:
    fields = (
        "id", "document_id", "number", "size", "sha256", "content_type", "author_id", "note",
        "restored_from_id", "created_at", "document__name",
    )  # fmt: skip
    rows = []
    for row in Version.objects.order_by("pk").values(*fields):
        name = row.pop("document__name")
        rows.append({**row, "archive_path": f"files/documents/{_archive_path(row['id'], name)}"})
    return rows


def export_rights(tenant: Tenant) -> list[dict[str, Any]]:
    return [
        dict(row)
        for row in FolderRight.objects.order_by("pk").values("folder_id", "user_id", "role")
    ]


def version_files(tenant: Tenant) -> Iterator[tuple[str, str]]:
    for pk, name, stored in Version.objects.order_by("pk").values_list(
        "pk", "document__name", "file"
    ):
        yield _archive_path(pk, name), stored


register("document_folders", export_folders)
register("document_files", export_files)
register("document_versions", export_versions)
register("document_rights", export_rights)
register_files("documents", version_files)
