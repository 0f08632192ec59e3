"""Discussions in a space (tenant schema): threads, comments and every comment's past versions."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from entente.core.models import PersonField, TimestampedModel


class Thread(TimestampedModel):
    space = models.ForeignKey("spaces.Space", on_delete=models.CASCADE, related_name="threads")
    title = models.CharField(_("sujet"), max_length=200)
    # People live in the public schema (see docs/architecture.md, "Schemas").
    created_by = PersonField(null=True, related_name="+")
    last_comment_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")
        ordering = ["-last_comment_at", "-id"]
        indexes = [models.Index(fields=["space", "-last_comment_at"])]

    def __str__(self) -> str:
        return self.title


class Comment(TimestampedModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = PersonField(null=True, related_name="+")
    body = models.TextField(_("message"))  # sanitised HTML
    mentioned_ids = ArrayField(models.BigIntegerField(), default=list, blank=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["thread", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread_id}#{self.pk}"


class CommentRevision(models.Model):
    """A comment's text before one of its edits: nothing said in a discussion is lost."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    edited_by = PersonField(null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("version d'un commentaire")
        verbose_name_plural = _("versions d'un commentaire")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.comment_id} @ {self.created_at:%Y-%m-%d %H:%M}"
