"""Documents (tenant schema): each space's folder tree, the collectivité's archive tree, files
with every version kept, per-folder rights and a bin.

A folder with `space=None` belongs to the tenant-wide archive tree. A deleted folder or file
keeps its rows (`deleted_at`): what lies under a deleted folder is in the bin with it, so a
restore brings the whole subtree back and the purge (`services.purge_bin`) removes it, files
included. Version files live in the storage under a tenant-prefixed random name
(`version_path`): the name a person gave is never a path.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import connection, models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField, TimestampedModel


class FolderRole(models.TextChoices):
    EDITOR = "editor", _("Éditeur")
    COMMENTER = "commenter", _("Commentateur")
    READER = "reader", _("Lecteur")
    NONE = "none", _("Aucun accès")


class Folder(TimestampedModel):
    space = models.ForeignKey(
        "spaces.Space", null=True, blank=True, on_delete=models.CASCADE, related_name="folders"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name = models.CharField(_("nom"), max_length=200)
    created_by = PersonField(null=True, related_name="+")
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_by = PersonField(null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = [Lower("name"), "pk"]
        constraints = [
            # One root per tree (a space's, or the archive's with space NULL).
            models.UniqueConstraint(
                "space",
                condition=models.Q(parent__isnull=True),
                name="documents_one_root_per_tree",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                "parent",
                Lower("name"),
                condition=models.Q(deleted_at__isnull=True),
                name="documents_folder_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_root(self) -> bool:
        return self.parent_id is None


class FolderRight(models.Model):
    """A role in one folder and everything under it, overriding the space role.

    `user=None` is the rule for everyone else in the space. The nearest folder with a rule
    decides; at one folder, a person's own rule wins over everyone's (`permissions`).
    """

    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="rights")
    user = PersonField(null=True, blank=True, related_name="+")
    role = models.CharField(_("rôle"), max_length=16, choices=FolderRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("droit sur un dossier")
        verbose_name_plural = _("droits sur les dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["folder", "user"], name="documents_right_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.folder_id}: {self.user_id or '*'} → {self.role}"


class Document(TimestampedModel):
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("nom"), max_length=200)
    created_by = PersonField(null=True, related_name="+")
    current = models.ForeignKey(
        "Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_by = PersonField(null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("fichier")
        verbose_name_plural = _("fichiers")
        ordering = [Lower("name"), "pk"]
        constraints = [
            models.UniqueConstraint(
                "folder",
                Lower("name"),
                condition=models.Q(deleted_at__isnull=True),
                name="documents_file_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def version_path(instance: Version | None, filename: str) -> str:
    """`documents/<schema>/<random>`: tenant-prefixed, and never the name a person gave."""
    schema = getattr(connection, "schema_name", "public")
    token = uuid.uuid4().hex
    return f"documents/{schema}/{token[:2]}/{token}"


class Version(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_path, max_length=300)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=120)
    author = PersonField(null=True, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    restored_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documents_version_number_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"


class Follower(models.Model):
    """Someone told of each new version of a file (its authors follow it on their own)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="followers")
    user = PersonField(related_name="+")

    class Meta:
        verbose_name = _("abonné à un fichier")
        verbose_name_plural = _("abonnés à un fichier")
        constraints = [
            models.UniqueConstraint(fields=["document", "user"], name="documents_follower_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.document_id}"


def model_fields(instance: models.Model) -> dict[str, Any]:
    """A row as plain values (the export)."""
    return {
        field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields
    }
