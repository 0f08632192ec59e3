"""Invitations of colleagues into the collectivité (tenant schema).

The person's account and membership live in the public schema (`accounts.User`,
`accounts.Membership`); the invitation, like the citizens' ones, lives with the tenant's own
data: it is exported with it and gone with it.
"""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entente.accounts.models import Role
from entente.core.models import PersonField


class InvitationState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REVOKED = "revoked", _("Annulée")
    EXPIRED = "expired", _("Expirée")


# The roles an invitation may give (a guest is a citizen: invited to a project, not here).
INVITED_ROLES = [(Role.AGENT.value, Role.AGENT.label), (Role.ELECTED.value, Role.ELECTED.label),
                 (Role.ADMIN.value, Role.ADMIN.label)]  # fmt: skip


class ColleagueInvitation(models.Model):
    """An e-mail invitation to join the collectivité with a role. Only the SHA-256 of its token
    is kept."""

    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=16, choices=INVITED_ROLES, default=Role.AGENT)
    message = models.TextField(_("message"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = PersonField(null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(default=timezone.now)
    sent_count = models.PositiveSmallIntegerField(default=1)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = PersonField(null=True, related_name="+")

    class Meta:
        verbose_name = _("invitation d'un collègue")
        verbose_name_plural = _("invitations de collègues")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # One open invitation per address: inviting again sends the same one anew.
            models.UniqueConstraint(
                Lower("email"),
                condition=models.Q(revoked_at__isnull=True, accepted_at__isnull=True),
                name="colleague_invitation_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    def state(self, now: object = None) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= (now or timezone.now()):  # type: ignore[operator]
            return InvitationState.EXPIRED
        return InvitationState.PENDING

    @property
    def state_label(self) -> str:
        return str(self.state().label)
