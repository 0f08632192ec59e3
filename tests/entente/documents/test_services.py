"""Document services, per role: what each person may write, and the database and storage after.

`world` (conftest) is a private space of Legé holding « Marchés publics/Cahier des charges.pdf »
(version 1, by the editor).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import os
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from entente.activity.models import ActivityEntry
from entente.documents import selectors, services
from entente.documents.models import Document, Folder, FolderRole, Version

from .conftest import EDITORS, PDF_BYTES, PNG_BYTES, ROLES, World, pdf, stored_files


@pytest.mark.parametrize("role", ROLES)
def test_upload_per_role(world: World, role: str, settings: Any) -> None:
    """Only editors of the space deposit files; the others are refused and nothing is stored."""
    before = stored_files(settings)
    with world.enter():
        membership = world.membership(role)
        if role in EDITORS:
            version = services.upload(
                membership=membership, folder=world.folder, name="Devis.pdf", content=pdf("d")
            )
            assert version.document.name == "Devis.pdf"
            assert version.sha256 == hashlib.sha256(PDF_BYTES + b"d").hexdigest()
            assert version.size == len(PDF_BYTES) + 1
            assert version.content_type == "application/pdf"
            assert str(version.file.name).startswith(f"documents/{world.tenant.schema_name}/")
            assert len(stored_files(settings)) == len(before) + 1
        else:
            with pytest.raises(PermissionDenied):
                services.upload(
                    membership=membership, folder=world.folder, name="Devis.pdf", content=pdf()
                )
            assert not Document.objects.filter(name="Devis.pdf").exists()
            assert stored_files(settings) == before


def test_same_name_asks_then_new_version_or_keep_both(world: World) -> None:
    with world.enter():
        editor = world.membership("editor")
        name = "cahier des charges.PDF"
        with pytest.raises(services.NameTakenError):
            services.upload(membership=editor, folder=world.folder, name=name, content=pdf())
        version = services.upload(
            membership=editor,
            folder=world.folder,
            name=name,
            content=pdf("v2"),
            note="Relu par la DGS",
            on_conflict=services.NEW_VERSION,
        )
        assert version.document_id == world.document.pk
        assert version.number == 2
        assert version.note == "Relu par la DGS"
        both = services.upload(
            membership=editor,
            folder=world.folder,
            name="Cahier des charges.pdf",
            content=pdf("autre"),
            on_conflict=services.KEEP_BOTH,
        )
        assert both.document.name == "Cahier des charges (2).pdf"
        assert Document.objects.filter(folder=world.folder).count() == 2


def test_restore_of_a_version_is_a_new_version(world: World) -> None:
    with world.enter():
        editor = world.membership("editor")
        services.add_version(membership=editor, document=world.document, content=pdf("v2"))
        first = Version.objects.get(document=world.document, number=1)
        restored = services.restore_version(membership=editor, version=first)
        assert restored.number == 3
        assert restored.restored_from_id == first.pk
        assert restored.sha256 == first.sha256
        assert restored.file.name != first.file.name
        with restored.file.open("rb") as handle:
            assert handle.read() == PDF_BYTES + b"v1"
        world.document.refresh_from_db()
        assert world.document.current_id == restored.pk
        assert ActivityEntry.objects.filter(verb="document.version_restored").exists()
        with pytest.raises(PermissionDenied):
            services.restore_version(membership=world.membership("reader"), version=first)
        assert world.document.versions.count() == 3


def test_bin_restore_by_editors_within_the_delay(world: World, settings: Any) -> None:
    with world.enter():
        editor, reader = world.membership("editor"), world.membership("reader")
        with pytest.raises(PermissionDenied):
            services.delete_document(membership=reader, document=world.document)
        services.delete_document(membership=editor, document=world.document)
        with pytest.raises(Document.DoesNotExist):
            selectors.access_document(reader, world.document.pk)
        assert list(selectors.files_in(world.folder)) == []
        with pytest.raises(PermissionDenied):
            services.restore_document(membership=reader, document=world.document)
        services.restore_document(membership=editor, document=world.document)
        assert selectors.access_document(reader, world.document.pk).document == world.document
        # Past the delay, the bin keeps it no more.
        services.delete_document(membership=editor, document=world.document)
        Document.objects.filter(pk=world.document.pk).update(
            deleted_at=timezone.now()
            - datetime.timedelta(days=settings.ENTENTE_DOCUMENTS_BIN_DAYS + 1)
        )
        world.document.refresh_from_db()
        with pytest.raises(ValidationError):
            services.restore_document(membership=editor, document=world.document)


def test_a_deleted_folder_takes_its_files_and_comes_back_with_them(world: World) -> None:
    with world.enter():
        editor = world.membership("editor")
        services.delete_folder(membership=editor, folder=world.folder)
        with pytest.raises(Document.DoesNotExist):
            selectors.access_document(editor, world.document.pk)
        with pytest.raises(ValidationError):
            services.upload(membership=editor, folder=world.folder, name="x.pdf", content=pdf())
        folders, _documents = selectors.bin_of(world.space)
        assert folders == [world.folder]
        services.restore_folder(membership=editor, folder=world.folder)
        assert selectors.access_document(editor, world.document.pk).document == world.document


def test_purge_removes_rows_and_files_after_the_delay(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with world.enter():
        editor = world.membership("editor")
        kept = services.upload(
            membership=editor, folder=world.root, name="Garder.pdf", content=pdf()
        )
        services.add_version(membership=editor, document=world.document, content=pdf("v2"))
        services.delete_folder(membership=editor, folder=world.folder)
        paths = [v.file.path for v in Version.objects.filter(document=world.document)]
        assert services.purge_bin() == 0  # not yet: still within the delay
        later = timezone.now() + datetime.timedelta(days=settings.ENTENTE_DOCUMENTS_BIN_DAYS + 1)
        with django_capture_on_commit_callbacks(execute=True):
            removed = services.purge_bin(now=later)
        assert removed == 2
        assert not Folder.objects.filter(pk=world.folder.pk).exists()
        assert not Document.objects.filter(pk=world.document.pk).exists()
        assert not any(os.path.exists(path) for path in paths)
        assert Document.objects.filter(pk=kept.document_id).exists()
        assert os.path.exists(kept.file.path)


def test_moves_stay_in_the_tree_and_never_into_themselves(world: World) -> None:
    with world.enter():
        editor = world.membership("editor")
        other = services.create_folder(membership=editor, parent=world.root, name="Archives 2025")
        services.move_document(membership=editor, document=world.document, target=other)
        world.document.refresh_from_db()
        assert world.document.folder_id == other.pk
        services.move_folder(membership=editor, folder=other, target=world.folder)
        other.refresh_from_db()
        assert other.parent_id == world.folder.pk
        with pytest.raises(ValidationError):
            services.move_folder(membership=editor, folder=world.folder, target=other)
        with pytest.raises(PermissionDenied):
            services.move_document(
                membership=world.membership("reader"), document=world.document, target=world.root
            )
        world.document.refresh_from_db()
        assert world.document.folder_id == other.pk


def test_folder_rights_override_the_space_role(world: World) -> None:
    """A reader made editor of one folder writes there only; a rule of « none » closes a folder
    to everyone but the person it names; the space's editors stay above the rules."""
    with world.enter():
        editor = world.membership("editor")
        reader, commenter = world.membership("reader"), world.membership("commenter")
        services.set_folder_right(
            membership=editor, folder=world.folder, user_id=reader.user_id, role=FolderRole.EDITOR
        )
        services.upload(membership=reader, folder=world.folder, name="Offre.pdf", content=pdf())
        with pytest.raises(PermissionDenied):
            services.upload(membership=reader, folder=world.root, name="Offre.pdf", content=pdf())
        sub = services.create_folder(membership=reader, parent=world.folder, name="Offres")
        services.set_folder_right(
            membership=editor, folder=world.folder, user_id=None, role=FolderRole.NONE
        )
        with pytest.raises(Folder.DoesNotExist):
            selectors.access_folder(commenter, world.folder.pk)
        with pytest.raises(Folder.DoesNotExist):
            selectors.access_folder(commenter, sub.pk)  # inherited
        with pytest.raises(Document.DoesNotExist):
            selectors.access_document(commenter, world.document.pk)
        assert selectors.access_folder(reader, sub.pk).abilities.edit  # their own rule wins
        assert selectors.access_folder(editor, sub.pk).abilities.manage
        root = selectors.access_folder(commenter, world.root.pk)
        assert world.folder not in selectors.visible_subfolders(commenter, root)
        with pytest.raises(PermissionDenied):
            services.set_folder_right(
                membership=reader, folder=world.folder, user_id=None, role=FolderRole.EDITOR
            )


HOSTILE = [
    ("page.html", b"<html><script>alert(1)</script></html>"),
    ("dessin.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("photo.png", b"<html><body><script>alert(1)</script></body></html>"),  # lying type
    ("note.txt", b"<script>alert(document.cookie)</script>"),
    ("rapport.pdf", PNG_BYTES),  # a PNG named .pdf
    ("../../etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
    ("passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
    ("programme.exe", b"MZ\x90\x00"),
]


@pytest.mark.parametrize(("name", "content"), HOSTILE)
def test_hostile_uploads_are_refused_with_nothing_stored(
    world: World, settings: Any, name: str, content: bytes
) -> None:
    before = stored_files(settings)
    with world.enter():
        count = Document.objects.count()
        with pytest.raises(ValidationError) as refused:
            services.upload(
                membership=world.membership("editor"),
                folder=world.folder,
                name=name,
                content=io.BytesIO(content),
            )
        assert refused.value.messages[0]  # a French reason
        assert Document.objects.count() == count
    assert stored_files(settings) == before


def test_over_the_limit_is_refused_with_nothing_stored(world: World, settings: Any) -> None:
    settings.ENTENTE_DOCUMENTS_MAX_BYTES = 1024
    before = stored_files(settings)
    with world.enter():
        with pytest.raises(ValidationError, match="taille maximale"):
            services.upload(
                membership=world.membership("editor"),
                folder=world.folder,
                name="gros.pdf",
                content=io.BytesIO(PDF_BYTES + b"x" * 2048),
            )
        assert not Document.objects.filter(name="gros.pdf").exists()
    assert stored_files(settings) == before


def test_hostile_names_are_cleaned() -> None:
    from entente.documents.uploads import clean_name

    assert clean_name("CON.txt") == "_CON.txt"
    assert clean_name("rap\x00port\x1b.pdf") == "rapport.pdf"
    assert clean_name("  ..compte-rendu.pdf  ") == "compte-rendu.pdf"
    assert clean_name('a<b>:"c".pdf') == "a_b___c_.pdf"
    with pytest.raises(ValidationError):
        clean_name("..\\..\\windows\\system32")


def test_demo_documents_are_seeded_once(world: World) -> None:
    from entente.documents.demo import seed_documents
    from entente.documents.text import extract_text

    with world.enter():
        space = world.space
        Document.objects.filter(folder__space=space).delete()
        made = seed_documents(space, world.membership("editor"))
        assert made > 0
        assert seed_documents(space, world.membership("editor")) == 0
        cctp = Document.objects.get(name="Cahier des clauses techniques.pdf")
        assert cctp.versions.count() == 2
        assert cctp.current is not None
        assert "relue par la DGS" in extract_text(cctp.current)


def test_a_body_sent_without_a_length_is_cut_at_the_limit(settings: Any) -> None:
    """The upload handler counts what arrives and stops past the limit (no Content-Length)."""
    from django.core.files.uploadhandler import StopUpload
    from django.test import RequestFactory

    from entente.documents.uploads import LimitedUploadHandler

    settings.ENTENTE_DOCUMENTS_MAX_BYTES = 1000
    request = RequestFactory().post("/")
    handler = LimitedUploadHandler(request)
    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 600, 600)
    assert request.upload_too_large  # type: ignore[attr-defined]
