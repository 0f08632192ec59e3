"""Tasks, their labels, people, comments (with their revisions) and attachments (with their
files), for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import (
    Label,
    Task,
    TaskAssignment,
    TaskAttachment,
    TaskComment,
    TaskCommentRevision,
    TaskObserver,
)

register_models("task_labels", Label)
register_models("tasks", Task)
register_models("task_label_links", Task.labels.through)
register_models("task_assignments", TaskAssignment)
register_models("task_observers", TaskObserver)
register_models("task_comments", TaskComment)
register_models("task_comment_revisions", TaskCommentRevision)
register_models("task_attachments", TaskAttachment)
