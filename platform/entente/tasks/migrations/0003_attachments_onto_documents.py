"""Existing task attachments become documents of their space (issue 13).

Each attachment without a document gets one, in « Pièces jointes des tâches / n° <id> — <title> »
of its space's tree, with one version naming the same stored file (nothing is copied: the
document owns the file from now on). The SHA-256 is computed from the file when it is there.
Run per tenant schema; the template schema has no rows, so new tenants pay nothing.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import migrations

TASKS_FOLDER = "Pièces jointes des tâches"


def _digest(storage: Any, name: str) -> str:
    digest = hashlib.sha256()
    try:
        with storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError):
        return ""
    return digest.hexdigest()


def forwards(apps: Any, schema_editor: Any) -> None:
    attachment_model = apps.get_model("tasks", "TaskAttachment")
    folder_model = apps.get_model("documents", "Folder")
    document_model = apps.get_model("documents", "Document")
    version_model = apps.get_model("documents", "Version")
    follower_model = apps.get_model("documents", "Follower")
    pending = attachment_model.objects.filter(document__isnull=True).select_related(
        "task__space"
    )
    for attachment in pending.order_by("task_id", "created_at", "pk").iterator():
        space = attachment.task.space
        root = folder_model.objects.filter(space=space, parent__isnull=True).first()
        if root is None:
            root = folder_model.objects.create(space=space, parent=None, name=space.name[:200])
        parent = folder_model.objects.filter(
            parent=root, name=TASKS_FOLDER, deleted_at__isnull=True
        ).first() or folder_model.objects.create(space=space, parent=root, name=TASKS_FOLDER)
        prefix = f"n° {attachment.task_id} — "
        folder = folder_model.objects.filter(
            parent=parent, name__startswith=prefix, deleted_at__isnull=True
        ).first()
        if folder is None:
            title = " ".join(attachment.task.title.split())
            folder = folder_model.objects.create(
                space=space, parent=parent, name=(prefix + title)[:200].replace("/", "-")
            )
        taken = set(
            document_model.objects.filter(folder=folder, deleted_at__isnull=True).values_list(
                "name", flat=True
            )
        )
        name, n = attachment.name[:200] or "fichier", 1
        stem, dot, ext = name.rpartition(".")
        while name in taken:
            n += 1
            name = f"{stem} ({n}).{ext}" if dot else f"{attachment.name} ({n})"
        document = document_model.objects.create(
            folder=folder, name=name, created_by_id=attachment.uploaded_by_id
        )
        version = version_model.objects.create(
            document=document,
            number=1,
            file=attachment.file.name,
            size=attachment.size,
            sha256=_digest(attachment.file.storage, attachment.file.name),
            content_type=attachment.content_type or "application/octet-stream",
            author_id=attachment.uploaded_by_id,
            note="",
        )
        document.current = version
        document.save(update_fields=["current"])
        if attachment.uploaded_by_id:
            follower_model.objects.get_or_create(
                document=document, user_id=attachment.uploaded_by_id
            )
        attachment.document = document
        attachment.save(update_fields=["document"])


class Migration(migrations.Migration):
    dependencies = [
        ("tasks", "0002_attachment_document"),
        ("documents", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
