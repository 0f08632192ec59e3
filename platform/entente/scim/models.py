"""A collectivité's SCIM token, and the people its directory provisions (public schema: people
and memberships live there, and the token is read before any tenant schema matters)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScimToken(models.Model):
    """One bearer token per collectivité, kept as a hash; shown once, when made."""

    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, related_name="scim_token"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("début du jeton"), max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton SCIM")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.tenant_id})"


class ScimUser(models.Model):
    """A person as the collectivité's directory sees them: its `externalId`, whether it keeps
    them active (deactivated: no membership, the record stays so it may come back)."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scim_records"
    )
    external_id = models.CharField(max_length=255, blank=True)
    active = models.BooleanField(default=True)
    role = models.CharField(max_length=16, default="agent")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="scim_user_unique_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} ({self.tenant_id}, {'actif' if self.active else 'désactivé'})"
