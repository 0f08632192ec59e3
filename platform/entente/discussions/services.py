"""Writes of discussions: threads, comments, edits (the previous text kept as a revision).

Mentioned people are told after commit through `discussion.mentioned` events; an edit tells
only the people it newly mentions, so fixing a typo does not notify everyone again.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape, linebreaks, strip_tags
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.accounts.models import User
from entente.activity.services import record_activity
from entente.core.events import Event, publish_on_commit
from entente.core.richtext import extract_mentions, sanitize_html
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.permissions import space_abilities
from entente.spaces.selectors import space_people

from .models import Comment, CommentRevision, Thread
from .permissions import can_edit, discussion_abilities

MAX_BODY_CHARS = 20_000
HTML_TAG_RE = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def render_body(text: str) -> str:
    """Sanitised HTML: formatted input keeps its allowed tags; plain text keeps its paragraphs."""
    text = text.strip()
    if not HTML_TAG_RE.search(text):  # "a < b" or "<3" is text, not markup
        return linebreaks(escape(text))
    return sanitize_html(text)


def mentionable_people(space: Space) -> dict[int, str]:
    """Who may be mentioned in `space`: the tenant's members who can see it (id → e-mail)."""
    tenant = connection.tenant  # type: ignore[attr-defined]
    roles = dict(SpaceMembership.objects.filter(space=space).values_list("user_id", "role"))
    people: dict[int, str] = {}
    for membership in space_people(space, tenant):
        if space_abilities(membership, space, roles.get(membership.user_id), tenant=tenant).view:
            people[membership.user_id] = membership.user.email
    return people


def _clean_body(body: str) -> str:
    html = render_body(body)
    if not strip_tags(html).strip():
        raise ValidationError({"body": _("Écrivez un message avant de l'envoyer.")})
    if len(html) > MAX_BODY_CHARS:
        raise ValidationError(
            {
                "body": _("Ce message est trop long (%(max)s caractères au plus).")
                % {"max": MAX_BODY_CHARS}
            }
        )
    return html


def _mentions(html: str, space: Space, author: User | None) -> set[int]:
    found = extract_mentions(strip_tags(html), mentionable_people(space))
    if author is not None:
        found.discard(author.pk)
    return found


def _announce(comment: Comment, thread: Thread, user_ids: set[int]) -> None:
    if not user_ids:
        return
    publish_on_commit(
        Event(
            name="discussion.mentioned",
            tenant_schema=connection.schema_name,  # type: ignore[attr-defined]
            space_id=thread.space_id,
            user_ids=tuple(sorted(user_ids)),
            payload={
                "thread_id": thread.pk,
                "comment_id": comment.pk,
                "title": thread.title,
                "author_id": comment.author_id,
            },
        )
    )


def _record(
    actor: User | None, verb: str, thread: Thread, summary: str, *, comment: Comment | None = None
) -> None:
    """One line of the thread's space feed, about the thread or one of its messages."""
    record_activity(
        actor=actor,
        verb=verb,
        object_type="comment" if comment else "thread",
        object_id=comment.pk if comment else thread.pk,
        summary=summary,
        space_id=thread.space_id,
    )


@transaction.atomic
def create_thread(acting: Acting, *, space: Space, title: str, body: str) -> Thread:
    if not discussion_abilities(acting, space).comment:
        raise PermissionDenied(_("Vous ne pouvez pas ouvrir de discussion dans cet espace."))
    actor = acting.user
    title = title.strip()
    if not title:
        raise ValidationError({"title": _("Donnez un sujet à la discussion.")})
    html = _clean_body(body)
    thread = Thread.objects.create(space=space, title=title[:200], created_by=actor)
    _add_comment(thread, actor, html)
    _record(
        actor,
        "discussion.created",
        thread,
        _("Discussion ouverte : %(title)s") % {"title": thread.title},
    )
    return thread


def _add_comment(thread: Thread, actor: User | None, html: str) -> Comment:
    mentioned = _mentions(html, thread.space, actor)
    comment = Comment.objects.create(
        thread=thread, author=actor, body=html, mentioned_ids=sorted(mentioned)
    )
    thread.last_comment_at = comment.created_at
    thread.save(update_fields=["last_comment_at", "updated_at"])
    _announce(comment, thread, mentioned)
    return comment


@transaction.atomic
def add_comment(acting: Acting, thread: Thread, *, body: str) -> Comment:
    if not discussion_abilities(acting, thread.space).comment:
        raise PermissionDenied(_("Vous ne pouvez pas participer aux discussions de cet espace."))
    actor = acting.user
    comment = _add_comment(thread, actor, _clean_body(body))
    _record(
        actor,
        "discussion.commented",
        thread,
        _("Nouveau message dans « %(title)s »") % {"title": thread.title},
        comment=comment,
    )
    return comment


@transaction.atomic
def edit_comment(acting: Acting, comment: Comment, *, body: str) -> Comment:
    actor = acting.user
    if not can_edit(comment, actor, discussion_abilities(acting, comment.thread.space)):
        raise PermissionDenied(_("Seul l'auteur d'un message peut le modifier."))
    html = _clean_body(body)
    comment = Comment.objects.select_for_update().select_related("thread__space").get(pk=comment.pk)
    if html == comment.body:
        return comment
    CommentRevision.objects.create(comment=comment, body=comment.body, edited_by=actor)
    mentioned = _mentions(html, comment.thread.space, actor)
    newly = mentioned - set(comment.mentioned_ids)
    comment.body = html
    comment.mentioned_ids = sorted(mentioned | set(comment.mentioned_ids))
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "mentioned_ids", "edited_at", "updated_at"])
    _announce(comment, comment.thread, newly)
    _record(
        actor,
        "discussion.comment_edited",
        comment.thread,
        _("Message modifié dans « %(title)s »") % {"title": comment.thread.title},
        comment=comment,
    )
    return comment
