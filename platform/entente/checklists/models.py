"""Procedure templates and the checklists launched from them (tenant schema).

A template is a reusable procedure (preparing a municipal council, an election day…): ordered
items, each with a default assignee and a due offset in days from a reference date (the
council's date, the election day). Launching it in a space copies its items into a Checklist
whose items are tasks, so a template can change afterwards without touching what was launched.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField, TimestampedModel


class AssigneeRole(models.TextChoices):
    """Tenant roles an item may be assigned to: resolved at launch to the space's members."""

    ADMIN = "admin", _("Les administrateurs de l'espace")
    AGENT = "agent", _("Les agents de l'espace")
    ELECTED = "elected", _("Les élus de l'espace")


class ProcedureTemplate(TimestampedModel):
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # People live in the public schema (see docs/architecture.md, "Schemas").
    created_by = PersonField(null=True, related_name="+")

    class Meta:
        verbose_name = _("modèle de procédure")
        verbose_name_plural = _("modèles de procédure")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(ProcedureTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("intitulé"), max_length=300)
    notes = models.TextField(_("précisions"), blank=True)
    assignee = PersonField(
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsable"),
    )
    assignee_role = models.CharField(
        _("rôle responsable"), max_length=16, choices=AssigneeRole.choices, blank=True
    )
    due_offset_days = models.IntegerField(
        _("échéance (jours par rapport à la date de référence)"), default=0
    )

    class Meta:
        verbose_name = _("étape de modèle")
        verbose_name_plural = _("étapes de modèle")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~(models.Q(assignee__isnull=False) & ~models.Q(assignee_role="")),
                name="template_item_one_assignee_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def offset_label(self) -> str:
        return offset_label(self.due_offset_days)


def offset_label(days: int) -> str:
    """D-30, D0, D+90: how procedures are written in town halls."""
    if days == 0:
        return "J0"
    return f"J{days:+d}"


class Checklist(TimestampedModel):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="checklists")
    template = models.ForeignKey(
        ProcedureTemplate, on_delete=models.SET_NULL, null=True, related_name="checklists"
    )
    name = models.CharField(_("nom"), max_length=200)
    reference_date = models.DateField(_("date de référence"))
    created_by = PersonField(null=True, related_name="+")

    class Meta:
        verbose_name = _("liste de contrôle")
        verbose_name_plural = _("listes de contrôle")
        ordering = ["-reference_date", "-id"]
        indexes = [models.Index(fields=["space", "reference_date"])]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    """A launched step: a copy of the template item, and the task that carries the work."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("intitulé"), max_length=300)
    due_offset_days = models.IntegerField(default=0)
    task = models.OneToOneField(
        "tasks.Task", on_delete=models.SET_NULL, null=True, related_name="checklist_item"
    )

    class Meta:
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def offset_label(self) -> str:
        return offset_label(self.due_offset_days)
