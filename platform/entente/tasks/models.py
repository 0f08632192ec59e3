"""Tasks (tenant schema): the unit of work of agents and elected officials.

People live in the public schema (see docs/architecture.md, "Schemas"): references to them use
`on_delete=DO_NOTHING` and keep their database constraint.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField, TimestampedModel

from . import recurrence


class TaskStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    WAITING = "waiting", _("En attente")
    DONE = "done", _("Terminée")


class TaskPriority(models.IntegerChoices):
    LOW = 1, _("Basse")
    NORMAL = 2, _("Normale")
    HIGH = 3, _("Haute")
    URGENT = 4, _("Urgente")


class Frequency(models.TextChoices):
    NONE = "", _("Ne se répète pas")
    DAILY = recurrence.DAILY, _("Tous les jours")
    WEEKLY = recurrence.WEEKLY, _("Toutes les semaines")
    MONTHLY = recurrence.MONTHLY, _("Tous les mois (même jour)")
    MONTHLY_WEEKDAY = recurrence.MONTHLY_WEEKDAY, _("Tous les mois (n-ième jour de la semaine)")
    YEARLY = recurrence.YEARLY, _("Tous les ans")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class WeekOfMonth(models.IntegerChoices):
    FIRST = 1, _("1er")
    SECOND = 2, _("2e")
    THIRD = 3, _("3e")
    FOURTH = 4, _("4e")
    FIFTH = 5, _("5e (ou dernier)")
    LAST = -1, _("dernier")


hex_color = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Indiquez une couleur au format #RRGGBB, par exemple #1f6feb.")
)


class Label(models.Model):
    """A coloured label, shared by every space of the tenant."""

    name = models.CharField(_("nom"), max_length=60)
    color = models.CharField(_("couleur"), max_length=7, default="#1f6feb", validators=[hex_color])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("étiquette")
        verbose_name_plural = _("étiquettes")
        ordering = [Lower("name")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="task_label_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def text_color(self) -> str:
        """Black or white, whichever contrasts more with the label (always ≥ 4.5:1)."""
        return readable_text_color(self.color)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_text_color(background: str) -> str:
    black, white = "#000000", "#ffffff"
    if contrast_ratio(background, black) >= contrast_ratio(background, white):
        return black
    return white


class Task(TimestampedModel):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("titre"), max_length=300)
    description = models.TextField(_("description"), blank=True)  # sanitised HTML
    status = models.CharField(
        _("statut"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.TODO
    )
    priority = models.PositiveSmallIntegerField(
        _("priorité"), choices=TaskPriority.choices, default=TaskPriority.NORMAL
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    completed_at = models.DateTimeField(_("terminée le"), null=True, blank=True)
    created_by = PersonField(null=True, related_name="+")
    labels = models.ManyToManyField(
        Label, blank=True, related_name="tasks", verbose_name=_("étiquettes")
    )
    # Recurrence: the rule, and the date occurrences are counted from (no drift at month ends).
    recurrence_frequency = models.CharField(
        _("répétition"), max_length=16, choices=Frequency.choices, default="", blank=True
    )
    recurrence_interval = models.PositiveSmallIntegerField(
        _("intervalle"), default=1, validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    recurrence_weekday = models.PositiveSmallIntegerField(
        _("jour de la semaine"), choices=Weekday.choices, null=True, blank=True
    )
    recurrence_week = models.SmallIntegerField(
        _("semaine du mois"), choices=WeekOfMonth.choices, null=True, blank=True
    )
    recurrence_anchor = models.DateField(null=True, blank=True)
    # The occurrence this one follows. Unique: a task never has two next occurrences, however
    # many workers or clicks race to make it.
    previous = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_occurrence",
    )

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        ordering = ["due_date", "-priority", "id"]
        indexes = [
            models.Index(fields=["space", "status", "due_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["created_by"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_recurring(self) -> bool:
        return bool(self.recurrence_frequency)

    def recurrence_rule(self) -> recurrence.Rule | None:
        if not self.recurrence_frequency:
            return None
        return recurrence.Rule(
            frequency=self.recurrence_frequency,
            interval=self.recurrence_interval,
            weekday=self.recurrence_weekday,
            week=self.recurrence_week,
        )

    def recurrence_text(self) -> str:
        rule = self.recurrence_rule()
        return recurrence.describe(rule) if rule else ""


class TaskAssignment(models.Model):
    """One assignee of a task (a task may have several)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    user = PersonField(related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="task_assignment_unique"),
        ]
        indexes = [models.Index(fields=["user", "task"])]

    def __str__(self) -> str:
        return f"{self.task_id} → {self.user_id}"


class TaskObserver(models.Model):
    """Someone who follows a task without doing it (notified of its changes)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="observations")
    user = PersonField(related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "user"], name="task_observer_unique"),
        ]
        indexes = [models.Index(fields=["user", "task"])]

    def __str__(self) -> str:
        return f"{self.task_id} ◎ {self.user_id}"


class TaskComment(TimestampedModel):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = PersonField(null=True, related_name="+")
    body = models.TextField(_("commentaire"))  # sanitised HTML
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["task", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task_id} #{self.pk}"


class TaskCommentRevision(models.Model):
    """A comment's text before an edit: edits never erase what was said."""

    comment = models.ForeignKey(TaskComment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = PersonField(null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.comment_id} @ {self.created_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: TaskAttachment, filename: str) -> str:
    """Files are kept apart per tenant schema, never under a guessable public URL."""
    schema = getattr(connection, "schema_name", "public")
    return f"tenants/{schema}/tasks/{instance.task_id}/{uuid.uuid4().hex}/{filename}"


class TaskAttachment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=500)
    name = models.CharField(_("nom du fichier"), max_length=255)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=150, blank=True)
    uploaded_by = PersonField(null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The document of the space this file is (in « Pièces jointes des tâches »): `file` then
    # names that document's version file, which the document owns (versions, bin, export).
    document = models.ForeignKey(
        "documents.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="task_attachments",
    )

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        storage, name = self.file.storage, self.file.name
        result = super().delete(*args, **kwargs)
        if name and self.document_id is None:  # a document's file stays with the document
            storage.delete(name)
        return result
