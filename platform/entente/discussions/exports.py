"""Discussions: threads, comments and their revisions, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import Comment, CommentRevision, Thread

register_models("discussion_threads", Thread)
register_models("discussion_comments", Comment)
register_models("discussion_comment_revisions", CommentRevision)
