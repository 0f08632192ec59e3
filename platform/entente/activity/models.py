"""The activity log of a tenant (tenant schema): who did what, where, when.

One append-only table serves a space's activity feed, an object's history of changes (a
task's), and the audit trail of a tenant's content. Services write it in the same transaction
as the change they record.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField


class ActivityEntry(models.Model):
    space = models.ForeignKey(
        "spaces.Space", on_delete=models.CASCADE, null=True, blank=True, related_name="activity"
    )
    # People live in the public schema (see docs/architecture.md, "Schemas").
    actor = PersonField(null=True, related_name="+")
    verb = models.CharField(_("action"), max_length=64)  # e.g. "task.created", "task.updated"
    object_type = models.CharField(max_length=64)  # e.g. "task", "space", "checklist"
    object_id = models.BigIntegerField(null=True, blank=True)
    summary = models.CharField(_("résumé"), max_length=500)
    # What changed: {"field": [old, new], …} for updates; anything useful otherwise.
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("activité")
        verbose_name_plural = _("activités")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["space", "-created_at"]),
            models.Index(fields=["object_type", "object_id", "-created_at"]),
        ]

    def __str__(self) -> str:
        return self.summary
