"""Reads of documents, in the current tenant's schema, always through the person's abilities.

`access_folder` / `access_document` / `access_version` answer the same `DoesNotExist` for what
does not exist and what the person may not see (another tenant's id is simply absent from this
schema), so pages and API answer 404 for both and nobody learns which ids exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities

from .models import Document, Folder, Version
from .permissions import Ancestor, ancestry, folder_abilities, tree_abilities


@dataclass(frozen=True)
class FolderAccess:
    folder: Folder
    abilities: SpaceAbilities
    in_bin: bool  # the folder or one of its ancestors was deleted
    path: list[Folder]  # from the root down to the folder, for the breadcrumb


def tree_root(space: Space | None) -> Folder:
    """The root of a space's tree (or of the archive, `space=None`), made on first use."""
    root = Folder.objects.filter(space=space, parent__isnull=True).first()
    if root is None:
        root, _created = Folder.objects.get_or_create(
            space=space,
            parent=None,
            defaults={"name": space.name if space is not None else _("Archives")},
        )
    return root


def _access(membership: Membership | None, folder: Folder, *, bin_ok: bool) -> FolderAccess:
    chain = ancestry(folder)
    base = tree_abilities(membership, folder.space)
    abilities = folder_abilities(membership, folder, base=base, chain=chain)
    in_bin = any(ancestor.deleted for ancestor in chain)
    if not abilities.view or (in_bin and not bin_ok):
        raise Folder.DoesNotExist
    by_pk = {f.pk: f for f in Folder.objects.filter(pk__in=[a.pk for a in chain])}
    path = [by_pk[a.pk] for a in reversed(chain) if a.pk in by_pk]
    return FolderAccess(folder=folder, abilities=abilities, in_bin=in_bin, path=path)


def access_folder(
    membership: Membership | None, folder_id: int, *, bin_ok: bool = False
) -> FolderAccess:
    folder = Folder.objects.select_related("space").filter(pk=folder_id).first()
    if folder is None or membership is None:
        raise Folder.DoesNotExist
    return _access(membership, folder, bin_ok=bin_ok)


def access_tree(membership: Membership | None, space: Space | None) -> FolderAccess:
    """The root of a tree, as this person reaches it (`Folder.DoesNotExist` if not at all)."""
    if not tree_abilities(membership, space).view:
        raise Folder.DoesNotExist
    root = tree_root(space)
    root.space = space
    return _access(membership, root, bin_ok=False)


@dataclass(frozen=True)
class DocumentAccess:
    document: Document
    folder: FolderAccess

    @property
    def abilities(self) -> SpaceAbilities:
        return self.folder.abilities

    @property
    def in_bin(self) -> bool:
        return self.folder.in_bin or self.document.deleted_at is not None


def access_document(
    membership: Membership | None, document_id: int, *, bin_ok: bool = False
) -> DocumentAccess:
    document = (
        Document.objects.select_related("folder__space", "current").filter(pk=document_id).first()
    )
    if document is None or membership is None:
        raise Document.DoesNotExist
    try:
        folder = _access(membership, document.folder, bin_ok=bin_ok)
    except Folder.DoesNotExist:
        raise Document.DoesNotExist from None
    if document.deleted_at is not None and not bin_ok:
        raise Document.DoesNotExist
    return DocumentAccess(document=document, folder=folder)


def access_version(
    membership: Membership | None, version_id: int
) -> tuple[Version, DocumentAccess]:
    version = Version.objects.filter(pk=version_id).first()
    if version is None:
        raise Version.DoesNotExist
    try:
        return version, access_document(membership, version.document_id)
    except Document.DoesNotExist:
        raise Version.DoesNotExist from None


def subfolders(folder: Folder) -> QuerySet[Folder]:
    """Live subfolders; those a rule closes to the person are filtered by `visible_subfolders`."""
    return folder.children.filter(deleted_at__isnull=True)


def visible_subfolders(membership: Membership, access: FolderAccess) -> list[Folder]:
    children: list[Folder] = list(subfolders(access.folder))
    if access.abilities.manage:
        return children
    chain = ancestry(access.folder)
    return [
        child
        for child in children
        if folder_abilities(
            membership,
            child,
            base=tree_abilities(membership, access.folder.space),
            chain=[Ancestor(child.pk, False), *chain],
        ).view
    ]


def files_in(folder: Folder) -> QuerySet[Document]:
    return (
        folder.documents.filter(deleted_at__isnull=True)
        .select_related("current")
        .order_by("name", "pk")
    )


def versions_of(document: Document) -> QuerySet[Version]:
    return document.versions.order_by("-number")


def bin_of(space: Space | None) -> tuple[list[Folder], list[Document]]:
    """What was deleted in a tree: the folders and files deleted themselves (not what went with
    a deleted folder), newest first."""
    root = tree_root(space)
    folders = list(
        Folder.objects.filter(space=space, deleted_at__isnull=False)
        .exclude(pk=root.pk)
        .order_by("-deleted_at")
    )
    documents = list(
        Document.objects.filter(folder__space=space, deleted_at__isnull=False)
        .select_related("current", "folder")
        .order_by("-deleted_at")
    )
    return folders, documents


def name_taken(folder: Folder, name: str) -> Document | None:
    return folder.documents.filter(deleted_at__isnull=True, name__iexact=name).first()
