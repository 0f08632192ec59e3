"""Writes of documents. Every write authorizes itself from the acting membership.

Callers (pages, API, demo, tests) pass the membership the person acts with
(`request.membership`: their own, a federated stand-in, a support reader); the service loads
the folder's abilities through `permissions` and refuses with `PermissionDenied` (a French
reason). No service takes an ability flag from its caller. Each write runs in a transaction,
records an activity entry and, for new versions, an event the notification handler answers.
Files are written to the storage before the row that names them, and removed after the commit
that forgets them, so a failure leaves at worst an orphan file, never a row without its file.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.accounts.models import Membership
from entente.activity.services import record_activity
from entente.core.errors import DUPLICATE
from entente.core.events import Event, publish_on_commit
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, abilities_of

from . import uploads
from .models import Document, Folder, FolderRight, FolderRole, Follower, Version, version_path
from .permissions import ancestry, folder_abilities
from .selectors import name_taken, tree_root

NEW_VERSION = "new_version"
KEEP_BOTH = "keep_both"


class NameTakenError(ValidationError):
    """A file of that name is already in the folder: the person chooses (new version, or both)."""

    def __init__(self, existing: Document) -> None:
        super().__init__(
            _(
                "Un fichier « %(name)s » existe déjà dans ce dossier : choisissez « nouvelle "
                "version » ou « garder les deux »."
            )
            % {"name": existing.name},
            code="name_taken",
        )
        self.existing = existing


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _abilities(membership: Membership | None, folder: Folder) -> SpaceAbilities:
    return folder_abilities(membership, folder)


def _writable(membership: Membership | None, folder: Folder) -> SpaceAbilities:
    """The abilities in a folder that must be live (not in the bin) to be written to."""
    abilities = _abilities(membership, folder)
    if not abilities.view:
        raise PermissionDenied(_("Ce dossier n'existe pas ou ne vous est pas accessible."))
    if any(ancestor.deleted for ancestor in ancestry(folder)):
        raise ValidationError(_("Ce dossier est dans la corbeille : restaurez-le d'abord."))
    return abilities


def _require_edit(membership: Membership | None, folder: Folder, message: str) -> None:
    _require(_writable(membership, folder).edit, message)


def _to_bin(membership: Membership | None, obj: Folder | Document) -> None:
    """Into the bin (what a folder holds goes with it), recorded in the activity."""
    obj.deleted_at = timezone.now()
    obj.deleted_by_id = _actor_id(membership)
    obj.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    if isinstance(obj, Folder):
        _record(
            membership, "folder.deleted", obj, _("Dossier « %s » mis à la corbeille") % obj.name
        )
    else:
        _record(
            membership, "document.deleted", obj, _("Fichier « %s » mis à la corbeille") % obj.name
        )


def _out_of_bin(obj: Folder | Document, taken: Iterable[str]) -> None:
    """Back from the bin under a free name (a namesake may have come meanwhile)."""
    obj.name = _free_name(taken, obj.name)
    obj.deleted_at = None
    obj.deleted_by = None
    obj.save(update_fields=["name", "deleted_at", "deleted_by", "updated_at"])


def _schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def _actor_id(membership: Membership | None) -> int | None:
    return membership.user_id if membership is not None else None


def _record(membership: Membership | None, verb: str, obj: Folder | Document, summary: str) -> None:
    folder = obj if isinstance(obj, Folder) else obj.folder
    record_activity(
        actor=membership.user if membership is not None else None,
        verb=verb,
        object_type="folder" if isinstance(obj, Folder) else "document",
        object_id=obj.pk,
        summary=summary,
        space_id=folder.space_id,
    )


# -- Folders -------------------------------------------------------------------------------------


def _folder_name(folder_parent: Folder, raw: str, *, exclude: int | None = None) -> str:
    name = uploads.clean_name(raw)
    taken = folder_parent.children.filter(deleted_at__isnull=True, name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        message = _("Un dossier porte déjà ce nom ici : choisissez-en un autre.")
        raise ValidationError({"name": ValidationError(message, code=DUPLICATE)})
    return name


@transaction.atomic
def create_folder(*, membership: Membership | None, parent: Folder, name: str) -> Folder:
    _require_edit(membership, parent, _("Votre rôle ne permet pas de créer un dossier ici."))
    folder = Folder.objects.create(
        space=parent.space,
        parent=parent,
        name=_folder_name(parent, name),
        created_by_id=_actor_id(membership),
    )
    _record(membership, "folder.created", folder, _("Dossier « %s » créé") % folder.name)
    return folder


@transaction.atomic
def rename_folder(*, membership: Membership | None, folder: Folder, name: str) -> Folder:
    _require_edit(membership, folder, _("Votre rôle ne permet pas de renommer ce dossier."))
    if folder.parent is None:
        raise ValidationError(_("La racine porte le nom de l'espace : elle ne se renomme pas."))
    folder.name = _folder_name(folder.parent, name, exclude=folder.pk)
    folder.save(update_fields=["name", "updated_at"])
    _record(membership, "folder.renamed", folder, _("Dossier renommé en « %s »") % folder.name)
    return folder


@transaction.atomic
def move_folder(*, membership: Membership | None, folder: Folder, target: Folder) -> Folder:
    """Move a folder (and all under it) into `target`, in the same tree, never into itself."""
    _require_edit(membership, folder, _("Votre rôle ne permet pas de déplacer ce dossier."))
    _require_edit(membership, target, _("Votre rôle ne permet pas d'écrire dans ce dossier."))
    if folder.parent is None:
        raise ValidationError(_("La racine ne se déplace pas."))
    if target.space_id != folder.space_id:
        raise ValidationError({"target": _("Un dossier ne quitte pas son arborescence.")})
    if folder.pk in {ancestor.pk for ancestor in ancestry(target)}:
        raise ValidationError({"target": _("Un dossier ne peut pas aller dans lui-même.")})
    folder.name = _folder_name(target, folder.name, exclude=folder.pk)
    folder.parent = target
    folder.save(update_fields=["parent", "name", "updated_at"])
    _record(
        membership,
        "folder.moved",
        folder,
        _("Dossier « %(name)s » déplacé dans « %(target)s »")
        % {"name": folder.name, "target": target.name},
    )
    return folder


@transaction.atomic
def delete_folder(*, membership: Membership | None, folder: Folder) -> Folder:
    """To the bin, with everything under it."""
    _require_edit(membership, folder, _("Votre rôle ne permet pas de supprimer ce dossier."))
    if folder.parent is None:
        raise ValidationError(_("La racine ne se supprime pas."))
    _to_bin(membership, folder)
    return folder


def bin_days() -> int:
    return int(settings.ENTENTE_DOCUMENTS_BIN_DAYS)


def _bin_deadline() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=settings.ENTENTE_DOCUMENTS_BIN_DAYS)


def _check_restorable(deleted_at: datetime.datetime | None) -> None:
    if deleted_at is None:
        raise ValidationError(_("Cet élément n'est pas dans la corbeille."))
    if deleted_at < _bin_deadline():
        raise ValidationError(_("Cet élément a dépassé son délai dans la corbeille."))


def _free_name(taken: Iterable[str], name: str) -> str:
    """`name`, or `name (2).ext`, `name (3).ext`… whichever is free."""
    lowered = {existing.lower() for existing in taken}
    if name.lower() not in lowered:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, dot, ext = name, "", ""
    number = 2
    while True:
        candidate = f"{stem} ({number}){dot}{ext}"
        if candidate.lower() not in lowered:
            return candidate
        number += 1


@transaction.atomic
def restore_folder(*, membership: Membership | None, folder: Folder) -> Folder:
    assert folder.parent is not None or folder.deleted_at is None
    _check_restorable(folder.deleted_at)
    parent = folder.parent
    assert parent is not None
    _require_edit(membership, parent, _("Seuls les éditeurs restaurent depuis la corbeille."))
    siblings = parent.children.filter(deleted_at__isnull=True).values_list("name", flat=True)
    _out_of_bin(folder, siblings)
    _record(membership, "folder.restored", folder, _("Dossier « %s » restauré") % folder.name)
    return folder


def _person(user_id: int | None) -> dict[str, Any]:
    """The rule's person as a lookup: one person, or everyone else (NULL)."""
    return {"user__isnull": True} if user_id is None else {"user_id": user_id}


@transaction.atomic
def set_folder_right(
    *, membership: Membership | None, folder: Folder, user_id: int | None, role: str | None
) -> FolderRight | None:
    """Give `user_id` (None: everyone else in the space) `role` here and below; None removes it."""
    _require(
        _writable(membership, folder).manage,
        _("Seuls les éditeurs de l'espace et les administrateurs règlent les droits."),
    )
    if role is None:
        FolderRight.objects.filter(folder=folder, **_person(user_id)).delete()
        return None
    if role not in FolderRole.values:
        raise ValidationError({"role": _("Choisissez un rôle de la liste.")})
    right, _created = FolderRight.objects.update_or_create(
        folder=folder, **_person(user_id), defaults={"role": role}
    )
    return right


# -- Files and versions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    path: str
    size: int
    sha256: str
    content_type: str


def _store(name: str, handle: IO[bytes]) -> Stored:
    """Check the content, then write it under a tenant-prefixed random path (hashing on the way)."""
    content_type = uploads.check_content(name, handle)
    digest = hashlib.sha256()
    size = 0
    handle.seek(0)
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    if size > uploads.max_bytes():
        raise ValidationError(uploads.too_large_message())
    handle.seek(0)
    path = default_storage.save(version_path(None, name), File(handle))
    return Stored(path=path, size=size, sha256=digest.hexdigest(), content_type=content_type)


def _add_version(
    membership: Membership | None,
    document: Document,
    stored: Stored,
    *,
    note: str = "",
    restored_from: Version | None = None,
) -> Version:
    last = document.versions.select_for_update().order_by("-number").first()
    version = Version.objects.create(
        document=document,
        number=(last.number + 1) if last is not None else 1,
        file=stored.path,
        size=stored.size,
        sha256=stored.sha256,
        content_type=stored.content_type,
        author_id=_actor_id(membership),
        note=note.strip()[:500],
        restored_from=restored_from,
    )
    document.current = version
    document.save(update_fields=["current", "updated_at"])
    if membership is not None:
        Follower.objects.get_or_create(document=document, user_id=membership.user_id)
    if version.number > 1:
        followers = tuple(
            sorted(
                set(document.followers.values_list("user_id", flat=True)) - {_actor_id(membership)}
            )
        )
        if followers:
            publish_on_commit(
                Event(
                    name="document.version_added",
                    tenant_schema=_schema(),
                    space_id=document.folder.space_id,
                    user_ids=followers,
                    payload={
                        "document_id": document.pk,
                        "version_id": version.pk,
                        "actor_id": _actor_id(membership),
                    },
                )
            )
    return version


def _next_version(
    membership: Membership | None,
    document: Document,
    stored: Stored,
    *,
    note: str = "",
    restored_from: Version | None = None,
) -> Version:
    """A new version of an existing file (the row locked), recorded in the activity."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    version = _add_version(membership, locked, stored, note=note, restored_from=restored_from)
    if restored_from is None:
        verb = "document.version_added"
        summary = _("Nouvelle version de « %(name)s » (v%(number)s)")
    else:
        verb = "document.version_restored"
        summary = _("Version %(old)s de « %(name)s » restaurée (v%(number)s)")
    values = {"name": locked.name, "number": version.number}
    if restored_from is not None:
        values["old"] = restored_from.number
    _record(membership, verb, locked, summary % values)
    return version


def _live_document(membership: Membership | None, document: Document, message: str) -> None:
    """A version is added only to a file out of the bin, by whoever may edit its folder."""
    _require_edit(membership, document.folder, message)
    if document.deleted_at is not None:
        raise ValidationError(_("Ce fichier est dans la corbeille : restaurez-le d'abord."))


@contextmanager
def _removing_on_failure(stored: Stored) -> Iterator[None]:
    """The stored file goes if the rows naming it cannot be written."""
    try:
        yield
    except BaseException:
        default_storage.delete(stored.path)
        raise


def upload(
    *,
    membership: Membership | None,
    folder: Folder,
    name: str,
    content: IO[bytes],
    note: str = "",
    on_conflict: str = "",
) -> Version:
    """Add a file to `folder`. When the name exists: `on_conflict` "new_version" adds a version to
    that file, "keep_both" stores it under a free name (`rapport (2).pdf`); else NameTakenError."""
    _require_edit(membership, folder, _("Votre rôle ne permet pas de déposer des fichiers ici."))
    clean = uploads.clean_name(name)
    existing = name_taken(folder, clean)
    if existing is not None and on_conflict not in {NEW_VERSION, KEEP_BOTH}:
        raise NameTakenError(existing)
    stored = _store(clean, content)
    with _removing_on_failure(stored), transaction.atomic():
        if existing is not None and on_conflict == NEW_VERSION:
            return _next_version(membership, existing, stored, note=note)
        taken = folder.documents.filter(deleted_at__isnull=True).values_list("name", flat=True)
        document = Document.objects.create(
            folder=folder, name=_free_name(taken, clean), created_by_id=_actor_id(membership)
        )
        version = _add_version(membership, document, stored, note=note)
        _record(
            membership, "document.created", document, _("Fichier « %s » déposé") % document.name
        )
        return version


def add_version(
    *, membership: Membership | None, document: Document, content: IO[bytes], note: str = ""
) -> Version:
    """A new version of `document` (its name is kept; the content must be of the same kind)."""
    _live_document(membership, document, _("Votre rôle ne permet pas d'ajouter une version."))
    stored = _store(document.name, content)
    with _removing_on_failure(stored), transaction.atomic():
        return _next_version(membership, document, stored, note=note)


def restore_version(*, membership: Membership | None, version: Version, note: str = "") -> Version:
    """Make an old version current again: a new version with its content (history is kept)."""
    document = version.document
    _live_document(membership, document, _("Votre rôle ne permet pas de restaurer une version."))
    with version.file.open("rb") as handle:
        stored = _store(document.name, handle)
    text = note or _("Restauration de la version %s") % version.number
    with _removing_on_failure(stored), transaction.atomic():
        return _next_version(membership, document, stored, note=text, restored_from=version)


@transaction.atomic
def rename_document(*, membership: Membership | None, document: Document, name: str) -> Document:
    _require_edit(
        membership, document.folder, _("Votre rôle ne permet pas de renommer ce fichier.")
    )
    clean = uploads.clean_name(name)
    if uploads.extension(clean) != uploads.extension(document.name):
        raise ValidationError(
            {"name": _("Gardez l'extension du fichier (.%s).") % uploads.extension(document.name)}
        )
    existing = name_taken(document.folder, clean)
    if existing is not None and existing.pk != document.pk:
        message = _("Un fichier porte déjà ce nom ici : choisissez-en un autre.")
        raise ValidationError({"name": ValidationError(message, code=DUPLICATE)})
    document.name = clean
    document.save(update_fields=["name", "updated_at"])
    _record(
        membership, "document.renamed", document, _("Fichier renommé en « %s »") % document.name
    )
    return document


@transaction.atomic
def move_document(*, membership: Membership | None, document: Document, target: Folder) -> Document:
    _require_edit(
        membership, document.folder, _("Votre rôle ne permet pas de déplacer ce fichier.")
    )
    _require_edit(membership, target, _("Votre rôle ne permet pas d'écrire dans ce dossier."))
    if target.space_id != document.folder.space_id:
        raise ValidationError({"target": _("Un fichier ne quitte pas son arborescence.")})
    taken = (
        target.documents.filter(deleted_at__isnull=True)
        .exclude(pk=document.pk)
        .values_list("name", flat=True)
    )
    document.name = _free_name(taken, document.name)
    document.folder = target
    document.save(update_fields=["folder", "name", "updated_at"])
    _record(
        membership,
        "document.moved",
        document,
        _("Fichier « %(name)s » déplacé dans « %(target)s »")
        % {"name": document.name, "target": target.name},
    )
    return document


@transaction.atomic
def delete_document(*, membership: Membership | None, document: Document) -> Document:
    _require_edit(
        membership, document.folder, _("Votre rôle ne permet pas de supprimer ce fichier.")
    )
    _to_bin(membership, document)
    return document


@transaction.atomic
def restore_document(*, membership: Membership | None, document: Document) -> Document:
    _check_restorable(document.deleted_at)
    _require_edit(
        membership, document.folder, _("Seuls les éditeurs restaurent depuis la corbeille.")
    )
    taken = document.folder.documents.filter(deleted_at__isnull=True).values_list("name", flat=True)
    _out_of_bin(document, taken)
    _record(membership, "document.restored", document, _("Fichier « %s » restauré") % document.name)
    return document


@transaction.atomic
def follow(*, membership: Membership, document: Document, on: bool = True) -> None:
    _require(
        _abilities(membership, document.folder).view, _("Ce fichier ne vous est pas accessible.")
    )
    if on:
        Follower.objects.get_or_create(document=document, user_id=membership.user_id)
    else:
        Follower.objects.filter(document=document, user_id=membership.user_id).delete()


# -- The purge (system) --------------------------------------------------------------------------


def purge_bin(*, now: datetime.datetime | None = None) -> int:
    """Remove for good what has been in the bin longer than ENTENTE_DOCUMENTS_BIN_DAYS, files
    included (after the commit: a rollback keeps them). Returns the number of versions removed."""
    deadline = (now or timezone.now()) - datetime.timedelta(
        days=settings.ENTENTE_DOCUMENTS_BIN_DAYS
    )
    with transaction.atomic():
        folders = list(Folder.objects.filter(deleted_at__lt=deadline).values_list("pk", flat=True))
        subtree = _descendants(folders)
        documents = Document.objects.filter(deleted_at__lt=deadline) | Document.objects.filter(
            folder_id__in=subtree
        )
        versions = Version.objects.filter(document__in=documents)
        paths = list(versions.values_list("file", flat=True))
        Document.objects.filter(pk__in=documents.values("pk")).update(current=None)
        versions.delete()
        Document.objects.filter(pk__in=list(documents.values_list("pk", flat=True))).delete()
        Folder.objects.filter(pk__in=folders).delete()
        transaction.on_commit(lambda: _delete_files(paths))
    return len(paths)


def _delete_files(paths: Iterable[str]) -> None:
    for path in paths:
        default_storage.delete(path)


def _descendants(folder_ids: list[int]) -> list[int]:
    """The folders and everything under them."""
    found = list(folder_ids)
    frontier = list(folder_ids)
    while frontier:
        frontier = list(Folder.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        found.extend(frontier)
    return found


# -- Task attachments ----------------------------------------------------------------------------

TASKS_FOLDER = "Pièces jointes des tâches"


def task_folder(space: Space, task_id: int, task_title: str) -> Folder:
    """The folder of a task's files: « Pièces jointes des tâches / n° <id> — <title> » in the
    space's tree, made on first use (kept when the task is renamed: found by its number)."""
    root = tree_root(space)
    parent = Folder.objects.filter(parent=root, name=TASKS_FOLDER, deleted_at=None).first()
    if parent is None:
        parent = Folder.objects.create(space=space, parent=root, name=TASKS_FOLDER)
    prefix = f"n° {task_id} — "
    folder = Folder.objects.filter(parent=parent, name__startswith=prefix, deleted_at=None).first()
    if folder is None:
        name = (prefix + " ".join(task_title.split()))[:200].replace("/", "-")
        folder = Folder.objects.create(space=space, parent=parent, name=name)
    return folder


def attach_to_task(
    acting: Acting, *, space: Space, task_id: int, task_title: str, name: str, content: IO[bytes]
) -> Version:
    """A file attached to a task becomes a document of its space, in the task's folder: the
    same checks as any upload (type by content, hostile names and markup refused), its
    versions, bin and search. The caller (`entente.tasks.services.add_attachment`) decided
    that `acting` may change the task; this checks that they may write in the space."""
    _require(
        abilities_of(acting, space).edit,
        _("Votre rôle ne permet pas de déposer des fichiers ici."),
    )
    membership = acting if isinstance(acting, Membership) else None
    clean = uploads.clean_name(name)
    stored = _store(clean, content)
    with _removing_on_failure(stored), transaction.atomic():
        folder = task_folder(space, task_id, task_title)
        taken = folder.documents.filter(deleted_at__isnull=True).values_list("name", flat=True)
        document = Document.objects.create(
            folder=folder, name=_free_name(taken, clean), created_by_id=_acting_user_id(acting)
        )
        version = _add_version(membership, document, stored)
        if membership is None and _acting_user_id(acting) is not None:
            Version.objects.filter(pk=version.pk).update(author_id=_acting_user_id(acting))
        _record(
            membership, "document.created", document, _("Fichier « %s » déposé") % document.name
        )
        return version


def _acting_user_id(acting: Acting) -> int | None:
    user = getattr(acting, "user", None)
    return getattr(user, "pk", None)
