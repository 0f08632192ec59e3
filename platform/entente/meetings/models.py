"""Meetings of a space (a council, a bureau, a commission…): attendees and agenda (tenant schema).

A meeting belongs to a space and follows its abilities: the space's editors prepare it, its
members read it. People are referenced with `PersonField` (public schema, no constraint).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField, TimestampedModel


class Series(models.TextChoices):
    """The kinds of recurring bodies a meeting belongs to; blank for a one-off meeting."""

    NONE = "", _("Réunion ponctuelle")
    COUNCIL = "conseil", _("Conseil municipal")
    BUREAU = "bureau", _("Bureau")
    COMMISSION = "commission", _("Commission")
    THEMATIC = "groupe", _("Groupe thématique de la CC")


class Meeting(TimestampedModel):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="meetings")
    series = models.CharField(_("série"), max_length=16, choices=Series.choices, blank=True)
    title = models.CharField(_("intitulé"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    video_url = models.URLField(_("lien de visioconférence"), blank=True)
    created_by = PersonField(null=True, related_name="+")
    convened_at = models.DateTimeField(_("convoquée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("réunion")
        verbose_name_plural = _("réunions")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["space", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.TextChoices):
    INVITED = "invited", _("Invité")
    PRESENT = "present", _("Présent")
    EXCUSED = "excused", _("Excusé")
    ABSENT = "absent", _("Absent")
    PROXY = "proxy", _("A donné pouvoir")


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    person = PersonField(related_name="+", verbose_name=_("personne"))
    status = models.CharField(
        _("présence"), max_length=16, choices=Attendance.choices, default=Attendance.INVITED
    )
    proxy_to = PersonField(
        null=True, blank=True, related_name="+", verbose_name=_("pouvoir donné à")
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="attendee_once"),
            # A proxy names its holder; no other status does.
            models.CheckConstraint(
                condition=models.Q(status="proxy", proxy_to__isnull=False)
                | (~models.Q(status="proxy") & models.Q(proxy_to__isnull=True)),
                name="attendee_proxy_has_holder",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.status})"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("intitulé"), max_length=300)
    notes = models.TextField(_("exposé"), blank=True)
    rapporteur = PersonField(null=True, blank=True, related_name="+", verbose_name=_("rapporteur"))

    class Meta:
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("points de l'ordre du jour")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class AgendaDocument(models.Model):
    """A document of the space's tree attached to an agenda item (to read before the meeting)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="documents")
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="+")
    added_by = PersonField(null=True, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document d'un point")
        verbose_name_plural = _("documents des points")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "document"], name="agenda_document_once"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.document_id}"


# Series whose decisions are voted: for, against and abstentions are recorded.
VOTING_SERIES = frozenset({Series.COUNCIL, Series.BUREAU, Series.COMMISSION})


class MinutesState(models.TextChoices):
    DRAFT = "draft", _("En rédaction")
    SUBMITTED = "submitted", _("Soumis à approbation")
    APPROVED = "approved", _("Approuvé")


class Minutes(models.Model):
    """A meeting's minutes: written per agenda item, then submitted, approved, frozen."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    state = models.CharField(
        _("état"), max_length=16, choices=MinutesState.choices, default=MinutesState.DRAFT
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(null=True, blank=True)
    # When the approved PDF was mailed to the attendees (`sharing`): set once, so that the
    # outbox delivering the event again mails nobody twice.
    shared_at = models.DateTimeField(_("envoyé aux participants le"), null=True, blank=True)
    # When an editor published the extract for a public project's citizens (`extract`).
    published_at = models.DateTimeField(_("extrait publié le"), null=True, blank=True)
    published_by = PersonField(null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("procès-verbal")
        verbose_name_plural = _("procès-verbaux")

    def __str__(self) -> str:
        return f"{self.meeting} ({self.state})"

    @property
    def frozen(self) -> bool:
        return self.state == MinutesState.APPROVED


class ItemMinutes(models.Model):
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="items")
    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("compte rendu"), blank=True)

    class Meta:
        verbose_name = _("compte rendu d'un point")
        verbose_name_plural = _("comptes rendus des points")

    def __str__(self) -> str:
        return str(self.item)


class Decision(models.Model):
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("décision"))
    votes_for = models.PositiveIntegerField(_("pour"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("contre"), null=True, blank=True)
    abstentions = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    task = models.ForeignKey(
        "tasks.Task", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("décision")
        verbose_name_plural = _("décisions")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class Approval(models.Model):
    """One named approver of the minutes (the secretary, the president…)."""

    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="approvals")
    person = PersonField(related_name="+", verbose_name=_("approbateur"))
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("approbation")
        verbose_name_plural = _("approbations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "person"], name="approval_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.approved_at or '-'}"


class FeedToken(models.Model):
    """A person's private iCal feed: the token is shown once, the database keeps its SHA-256.

    Revoking keeps the row (revoked_at) so that a client still polling a revoked address is
    refused rather than told the address never existed.
    """

    person = PersonField(related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flux de calendrier")
        verbose_name_plural = _("flux de calendrier")
        indexes = [models.Index(fields=["person", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} ({'révoqué' if self.revoked_at else 'actif'})"


class ElectedLinkPolicy(models.Model):
    """The tenant's choice for the élus' link (one row at most; without it, the default).

    `sign_in` on: the link in the élus' e-mails opens « Mes séances » without a password
    (`entente.meetings.elected_link`); off: the same link asks for the password once.
    """

    sign_in = models.BooleanField(
        _("le lien des élus ouvre « Mes séances » sans mot de passe"), default=True
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = PersonField(null=True, related_name="+")

    class Meta:
        verbose_name = _("lien des élus")
        verbose_name_plural = _("liens des élus")

    def __str__(self) -> str:
        return "on" if self.sign_in else "off"


class ElectedLinkRevocation(models.Model):
    """A person's links issued before `revoked_at` no longer open anything (one row per person)."""

    person = PersonField(related_name="+")
    revoked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("révocation des liens d'un élu")
        verbose_name_plural = _("révocations des liens d'élus")
        constraints = [
            models.UniqueConstraint(fields=["person"], name="elected_link_revocation_person")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} ({self.revoked_at:%Y-%m-%d})"
