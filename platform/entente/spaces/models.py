"""Spaces: where a tenant's work happens (team spaces, projects, thematic spaces).

Tenant schema. The collaboration issue fills them with tasks, checklists and discussions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from entente.core.models import TimestampedModel


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
    kind = models.CharField(_("type"), max_length=16, choices=SpaceKind.choices, default=SpaceKind.TEAM)
    visibility = models.CharField(
        _("visibilité"), max_length=16, choices=Visibility.choices, default=Visibility.TENANT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("espace")
        verbose_name_plural = _("espaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
