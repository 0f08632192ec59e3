"""Spaces: where a tenant's work happens (team spaces, projects, thematic spaces).

Tenant schema. The collaboration issue fills them with tasks, checklists and discussions.
"""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField, TimestampedModel


class SpaceKind(models.TextChoices):
    TEAM = "team", _("Espace d'équipe")
    PROJECT = "project", _("Projet")
    THEMATIC = "thematic", _("Espace thématique")


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Privé (ses membres)")
    TENANT = "tenant", _("Toute la collectivité")
    FEDERATION = "federation", _("Intercommunal")
    PUBLIC_PROJECT = "public_project", _("Projet ouvert aux citoyens")


class JoinPolicy(models.TextChoices):
    """How staff of federated communes join a federation space (ARCHITECTURE.md §3)."""

    OPEN = "open", _("Ouvert : on le rejoint directement")
    ON_REQUEST = "on_request", _("Sur demande : ses éditeurs acceptent")


class Space(TimestampedModel):
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("type"), max_length=16, choices=SpaceKind.choices, default=SpaceKind.TEAM
    )
    visibility = models.CharField(
        _("visibilité"), max_length=16, choices=Visibility.choices, default=Visibility.TENANT
    )
    # People live in the public schema: Django's deletion collector cannot follow them into
    # tenant schemas, so the database constraint guards instead (see docs/architecture.md).
    created_by = PersonField(null=True, related_name="+")
    archived_at = models.DateTimeField(null=True, blank=True)
    # Federation visibility only: how communes' staff join, and which linked communes (tenant
    # ids, public schema) the space is open to; empty means every linked commune.
    join_policy = models.CharField(
        _("adhésion"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.ON_REQUEST
    )
    federation_scope = ArrayField(
        models.PositiveIntegerField(), default=list, blank=True, verbose_name=_("communes")
    )

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SpaceRole(models.TextChoices):
    EDITOR = "editor", _("Éditeur")
    COMMENTER = "commenter", _("Commentateur")
    READER = "reader", _("Lecteur")


class SpaceMembership(models.Model):
    """A person's role in one space. Tenant admins need none to manage every space."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="memberships")
    user = PersonField(related_name="+")
    role = models.CharField(
        _("rôle"), max_length=16, choices=SpaceRole.choices, default=SpaceRole.EDITOR
    )
    # The member commune (tenant id) through which a federated person joined; None for the
    # tenant's own members. Ending that commune's link removes the membership.
    via_tenant_id = models.PositiveIntegerField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'un espace")
        verbose_name_plural = _("membres d'un espace")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="space_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} — {self.space} ({self.get_role_display()})"


class JoinRequestState(models.TextChoices):
    PENDING = "pending", _("En attente")
    APPROVED = "approved", _("Acceptée")
    REFUSED = "refused", _("Refusée")
    WITHDRAWN = "withdrawn", _("Retirée")


class SpaceJoinRequest(models.Model):
    """Someone (usually staff of a federated commune) asks to join a space "on request"."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="join_requests")
    user = PersonField(related_name="+")
    via_tenant_id = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    state = models.CharField(
        _("état"),
        max_length=16,
        choices=JoinRequestState.choices,
        default=JoinRequestState.PENDING,
    )
    decided_by = PersonField(null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("demande d'adhésion")
        verbose_name_plural = _("demandes d'adhésion")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["space", "user"],
                condition=models.Q(state="pending"),
                name="space_join_request_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.space} ({self.get_state_display()})"
