"""One inbox per person across every tenant they work in (public schema, ARCHITECTURE.md §3-5).

A notification's id is its event id: ids only grow, so a websocket client that reconnects
with the last id it saw receives exactly what it missed (`selectors.since`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant


class NotificationKind(models.TextChoices):
    TASK_ASSIGNED = "task_assigned", _("Tâche qui m'est confiée")
    MENTIONED = "mentioned", _("Mention")
    FOLLOWED_ACTIVITY = "followed_activity", _("Commentaire ou changement sur ce que je suis")
    DUE_SOON = "due_soon", _("Échéance demain")
    OVERDUE = "overdue", _("Tâche en retard")
    SPACE_INVITED = "space_invited", _("Invitation dans un espace")
    FEDERATION = "federation", _("Intercommunalité (invitation ou réponse)")
    JOIN_REQUEST = "join_request", _("Demande d'adhésion")
    TRIAL_REMINDER = "trial_reminder", _("Rappel de fin d'essai")
    MEETING_CONVOCATION = "meeting_convocation", _("Convocation à une réunion")
    MEETING_AGENDA = "meeting_agenda", _("Ordre du jour modifié")
    MINUTES_TO_APPROVE = "minutes_to_approve", _("Procès-verbal à approuver")
    MINUTES_APPROVED = "minutes_approved", _("Procès-verbal approuvé")
    TEAM = "team", _("Équipe : invitation ou arrivée d'un collègue")


class Notification(models.Model):
    """Something that concerns one person, in one tenant, linking to its object.

    `dedup_key` makes creation idempotent: the Celery task that creates notifications may run
    twice for the same event (at-least-once delivery), the unique constraint keeps one row.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=32, choices=NotificationKind.choices)
    title = models.CharField(_("titre"), max_length=300)
    body = models.TextField(_("détail"), blank=True)
    url = models.CharField(_("lien"), max_length=500, blank=True)  # absolute, on the tenant's host
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    space_id = models.IntegerField(null=True, blank=True)  # in the tenant's schema
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.IntegerField(null=True, blank=True)
    dedup_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    read_at = models.DateTimeField(_("lue le"), null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # sent at once or in a digest
    # How the person wanted it when it was made (their preference then): the e-mail task and
    # the digests pick the rows by this, so a later change of preference does not resend.
    delivery = models.CharField(max_length=16, default="app")

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedup_key"],
                condition=~models.Q(dedup_key=""),
                name="notification_once_per_key",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-id"], name="notification_inbox"),
            models.Index(
                fields=["user", "tenant"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["delivery", "user"],
                condition=models.Q(emailed_at__isnull=True) & ~models.Q(delivery="app"),
                name="notification_to_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.title[:40]}"


class Delivery(models.TextChoices):
    APP = "app", _("Dans l'application seulement")
    EMAIL = "email", _("Par e-mail, tout de suite")
    DAILY = "daily", _("Dans un résumé quotidien")
    WEEKLY = "weekly", _("Dans un résumé hebdomadaire")
    NONE = "none", _("Jamais")


class NotificationPreference(models.Model):
    """How a person wants one kind of notification, everywhere or in one space of one tenant.

    The most precise row wins: (kind, tenant, space) over (kind) alone; without a row, the
    default of the kind applies (`entente.notifications.preferences`).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("type"), max_length=32, choices=NotificationKind.choices)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    space_id = models.IntegerField(null=True, blank=True)
    delivery = models.CharField(
        _("réception"), max_length=16, choices=Delivery.choices, default=Delivery.APP
    )

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "tenant", "space_id"],
                nulls_distinct=False,
                name="notification_preference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.delivery}"


class DigestRun(models.Model):
    """A digest sent to one person for one period: written before sending, never twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=16)  # "daily" or "weekly"
    period_start = models.DateField()
    notifications = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "frequency", "period_start"], name="digest_once_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.frequency} {self.period_start}"
