"""Spaces: where a tenant's work happens (team spaces, projects, thematic spaces).

Tenant schema. The collaboration issue fills them with tasks, checklists and discussions.
"""

from __future__ import annotations

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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membre d'un espace")
        verbose_name_plural = _("membres d'un espace")
        constraints = [
            models.UniqueConstraint(fields=["space", "user"], name="space_membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} — {self.space} ({self.get_role_display()})"
