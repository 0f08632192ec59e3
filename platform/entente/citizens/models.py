"""Invited citizens: invitations to public projects and what each project opens to them.

Tenant schema. The citizen's account and their guest membership live in the public schema
(`accounts.User`, `accounts.Membership` with role guest); their place in the project is a
`spaces.SpaceMembership` (commenter).
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField
from entente.spaces.models import Space


class CitizenSection(models.TextChoices):
    """The sections of a project that its editors may open to citizens."""

    DISCUSSIONS = "discussions", _("Discussions")
    TASKS = "tasks", _("Tâches")
    CHECKLISTS = "checklists", _("Listes et documents")
    DOCUMENTS = "documents", _("Fichiers (documents)")


DEFAULT_OPEN_SECTIONS = [CitizenSection.DISCUSSIONS.value]


class PublicProjectSettings(models.Model):
    """What a public project shows its citizens; without a row, discussions only."""

    space = models.OneToOneField(Space, on_delete=models.CASCADE, related_name="citizen_settings")
    open_sections = ArrayField(
        models.CharField(max_length=32, choices=CitizenSection.choices),
        default=list,
        blank=True,
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = PersonField(null=True, related_name="+")

    class Meta:
        verbose_name = _("ouverture d'un projet aux citoyens")
        verbose_name_plural = _("ouvertures de projets aux citoyens")

    def __str__(self) -> str:
        return f"{self.space}: {', '.join(self.open_sections)}"


class InvitationState(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REVOKED = "revoked", _("Révoquée")
    EXPIRED = "expired", _("Expirée")


class CitizenInvitation(models.Model):
    """An e-mail invitation to a public project. Only the SHA-256 of its token is kept."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="citizen_invitations")
    email = models.EmailField(_("adresse e-mail"))
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
        verbose_name = _("invitation d'un citoyen")
        verbose_name_plural = _("invitations de citoyens")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # One open invitation per address and project: inviting again re-sends it.
            models.UniqueConstraint(
                "space",
                Lower("email"),
                condition=models.Q(revoked_at__isnull=True, accepted_at__isnull=True),
                name="citizen_invitation_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.space}"

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
