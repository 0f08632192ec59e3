"""RGPD records (public schema): a person's own exports, erasures done, tenants deleted.

None of them holds a name or an e-mail: an erasure or a deleted tenant leaves a trace that it
was done, not what it removed.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    RUNNING = "running", _("En préparation")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")


class PersonalExport(models.Model):
    """A ZIP of a person's own data across every tenant they reach, built by Celery."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_exports"
    )
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default="pending")
    progress = models.PositiveSmallIntegerField(default=0)  # percent
    file = models.CharField(max_length=300, blank=True)  # name in the default storage
    size = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export personnel")
        verbose_name_plural = _("exports personnels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"


class ErasureRecord(models.Model):
    """That an account was erased, when and on whose request: no name, no e-mail."""

    user_id = models.BigIntegerField()
    requested_by = models.CharField(max_length=16)  # "self" or "support"
    staff_id = models.BigIntegerField(null=True, blank=True)
    tenants = models.PositiveIntegerField(default=0)
    rows_scrubbed = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("effacement")
        verbose_name_plural = _("effacements")

    def __str__(self) -> str:
        return f"erasure of {self.user_id}"


class DeletedTenant(models.Model):
    """A closed tenant whose schema, files and index entries were deleted after the notice."""

    tenant_id = models.BigIntegerField()
    slug = models.CharField(max_length=63)
    name = models.CharField(max_length=200)
    official_code = models.CharField(max_length=16)
    kind = models.CharField(max_length=16)
    closing_on = models.DateField(null=True)
    deleted_at = models.DateTimeField(auto_now_add=True)
    files = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("collectivité supprimée")
        verbose_name_plural = _("collectivités supprimées")

    def __str__(self) -> str:
        return self.slug
