"""Trial e-mails already sent (public schema), so that the periodic task never sends one twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant


class ReminderKind(models.TextChoices):
    DAYS_7 = "d7", _("J-7")
    DAYS_1 = "d1", _("J-1")
    EXPIRED = "expired", _("Fin de l'essai")
    CLOSING = "closing", _("Annonce de fermeture")


class TrialReminder(models.Model):
    """One e-mail about one deadline of one tenant.

    Unique on (tenant, kind, deadline): a trial that is extended gets its reminders again for
    its new end, never twice for the same one. The row is written before the mail is sent and
    removed if sending fails, so the next run tries again.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="trial_reminders")
    kind = models.CharField(_("type"), max_length=16, choices=ReminderKind.choices)
    deadline = models.DateTimeField(_("échéance"))
    recipients = models.PositiveIntegerField(_("destinataires"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rappel d'essai")
        verbose_name_plural = _("rappels d'essai")
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "deadline"], name="trial_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id} {self.kind} {self.deadline:%Y-%m-%d}"
