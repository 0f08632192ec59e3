"""The vendor console's records (public schema): support accesses and the audit log.

A tenant's admins grant `SupportGrant`s; vendor staff read the tenant's content only while one
is running, and every page they open is an `AuditEntry` that the tenant's admins can read too.
Console actions on tenants are audit entries as well (their state changes are also
`tenants.TenantEvent`s, written by `tenants.lifecycle`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant


class SupportGrant(models.Model):
    """Vendor staff may read this tenant's content from `created_at` until `expires_at`."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="support_grants")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("accordé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("accès support")
        verbose_name_plural = _("accès support")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-expires_at"])]

    def __str__(self) -> str:
        return f"{self.tenant_id} → {self.expires_at:%Y-%m-%d %H:%M}"

    def is_active(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class AuditAction(models.TextChoices):
    TRIAL_EXTENDED = "trial_extended", _("Essai prolongé")
    CONVERTED = "converted", _("Passage à une offre payante")
    SET_READ_ONLY = "set_read_only", _("Mise en lecture seule")
    SUSPENDED = "suspended", _("Suspension")
    REACTIVATED = "reactivated", _("Réactivation")
    CLOSING_STARTED = "closing_started", _("Fermeture engagée")
    SUPPORT_GRANTED = "support_granted", _("Accès support accordé")
    SUPPORT_REVOKED = "support_revoked", _("Accès support révoqué")
    SUPPORT_OPENED = "support_opened", _("Accès support ouvert par l'équipe")
    SUPPORT_PAGE_VIEWED = "support_page_viewed", _("Page consultée par le support")
    EVENT_REPLAYED = "event_replayed", _("Événement abandonné relancé")


SUPPORT_ACTIONS = frozenset(
    {
        AuditAction.SUPPORT_GRANTED,
        AuditAction.SUPPORT_REVOKED,
        AuditAction.SUPPORT_OPENED,
        AuditAction.SUPPORT_PAGE_VIEWED,
    }
)


class AuditEntry(models.Model):
    """Who did what to which tenant, when and why. Append-only."""

    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32, choices=AuditAction.choices)
    reason = models.TextField(_("raison"), blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)
    grant = models.ForeignKey(
        SupportGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="entries"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("entrée du journal d'audit")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"]),
            models.Index(fields=["action", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.tenant_id}"
