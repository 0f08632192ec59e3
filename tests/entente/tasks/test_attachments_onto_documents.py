"""The data migration that moves the attachments of before onto documents (issue 13)."""

from __future__ import annotations

import hashlib
import importlib

from django.apps import apps
from django.core.files.base import ContentFile

from entente.documents.models import Document
from entente.tasks.models import TaskAttachment
from tests.entente.tasks.conftest import World

migration = importlib.import_module("entente.tasks.migrations.0003_attachments_onto_documents")


def test_an_old_attachment_becomes_a_document_of_its_space_owning_the_same_file(
    world: World,
) -> None:
    content = b"%PDF-1.4 ancien devis"
    with world.enter():
        old = TaskAttachment(task=world.task, name="devis.pdf", size=len(content))
        old.file.save("devis.pdf", ContentFile(content), save=True)
        twin = TaskAttachment(task=world.task, name="devis.pdf", size=len(content))
        twin.file.save("devis.pdf", ContentFile(content), save=True)
        migration.forwards(apps, None)
        migration.forwards(apps, None)  # rerun: nothing more
        old.refresh_from_db()
        twin.refresh_from_db()
        document = old.document
        assert document is not None
        assert twin.document is not None
        version, parent = document.current, document.folder.parent
        assert version is not None
        assert parent is not None
        assert version.file.name == old.file.name
        assert version.sha256 == hashlib.sha256(content).hexdigest()
        assert document.folder.space_id == world.space.pk
        assert parent.name == "Pièces jointes des tâches"
        assert twin.document.name == "devis (2).pdf"
        assert Document.objects.count() == 2
    # the task's page still lists and serves it
    page = world.client("editor").get(f"/taches/{world.task.pk}/").content.decode()
    assert "devis.pdf" in page
    download = world.client("editor").get(f"/taches/{world.task.pk}/pieces-jointes/{old.pk}/")
    assert b"".join(download.streaming_content) == content  # type: ignore[attr-defined]
