"""Documents in search (`entente.search.registry`): a file's name, note and extracted text.

Registered in `DocumentsConfig.ready()` when the search app is installed. Entries carry the
space's facts and the section "documents", so that a citizen finds a file only where the
section is open to them; files in the archive tree (no space) are for the tenant's staff.
Folder rules (`FolderRight`) narrow a space further: a file under a folder closed by a rule is
left out of the index (so nobody finds it), at the cost of staying unfindable for those the
rule opens it to.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from entente.search.registry import Entry, SearchKind, entry_of

from .models import Document, FolderRight, FolderRole
from .permissions import ancestry
from .text import extract_text


def _closed(document: Document) -> bool:
    chain = ancestry(document.folder)
    if any(ancestor.deleted for ancestor in chain):
        return True
    return FolderRight.objects.filter(
        folder_id__in=[ancestor.pk for ancestor in chain], user__isnull=True, role=FolderRole.NONE
    ).exists()


def _entries(ids: Sequence[int]) -> list[Entry]:
    documents = Document.objects.filter(pk__in=ids, deleted_at__isnull=True).select_related(
        "folder__space", "current"
    )
    entries = []
    for document in documents:
        if _closed(document):
            continue
        space = document.folder.space
        entries.append(
            entry_of(
                document,
                kind="document",
                title=document.name,
                body=document.current.note if document.current is not None else "",
                url=reverse("documents:file", args=[document.pk]),
                space=space,
                section="documents" if space is not None else "",
                file=document.current,
            )
        )
    return entries


def _text(file: Any) -> str:
    return extract_text(file) if file is not None else ""


KINDS = (
    SearchKind(
        kind="document",
        label=_("Document"),
        entries=_entries,
        all_ids=lambda: Document.objects.filter(deleted_at__isnull=True).values_list(
            "pk", flat=True
        ),
        verbs=("document.",),
        object_types=("document",),
        order=40,
    ),
)
