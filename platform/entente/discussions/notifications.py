"""What the discussions' events mean for whom: handlers registered with `entente.notifications`.

Registered in `DiscussionsConfig.ready()` (see `entente.notifications.registry`). Only people
who may see the thread's space hear of it, and never its author.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from entente.accounts.models import User
from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, who

from .models import Comment, Thread


def _about(
    event: Occurrence,
    thread: Thread,
    kind: str,
    title: str,
    recipients: Iterable[int],
    dedup_key: str,
    actor: User | None,
) -> list[Notice]:
    """`title` (with `who` and `title`) about `thread`, to those of `recipients` who see it."""
    draft = Draft(
        kind=kind,
        title=title % {"who": who(actor), "title": thread.title},
        url=event.url("discussions:thread", space_id=thread.space_id, pk=thread.pk),
        space_id=thread.space_id,
        object_type="thread",
        object_id=thread.pk,
    )
    return [Notice(draft, event.viewers_among(recipients, thread.space), dedup_key, actor)]


def _mentioned(event: Occurrence) -> list[Notice]:
    thread = Thread.objects.select_related("space").filter(pk=event.id("thread_id")).first()
    if thread is None:
        return []
    title = _("%(who)s vous a mentionné dans la discussion « %(title)s »")
    key = event.key("mention", "comment", event.payload.get("comment_id"))
    author = event.person("author_id")
    return _about(event, thread, NotificationKind.MENTIONED, title, event.user_ids, key, author)


def _commented(event: Occurrence) -> list[Notice]:
    """A new message in a thread: the people who wrote in it hear of it (the mentioned have
    their own notification)."""
    comment = (
        Comment.objects.select_related("thread", "thread__space")
        .filter(pk=event.id("object_id"))
        .first()
    )
    if comment is None:
        return []
    thread = comment.thread
    participants = set(
        Comment.objects.filter(thread=thread).values_list("author_id", flat=True).distinct()
    )
    if thread.created_by_id:
        participants.add(thread.created_by_id)
    participants -= set(comment.mentioned_ids or [])
    title = _("%(who)s a répondu dans la discussion « %(title)s »")
    key, actor = event.key("activity", event.payload.get("id")), event.person("actor_id")
    kind = NotificationKind.FOLLOWED_ACTIVITY
    return _about(event, thread, kind, title, participants, key, actor)


HANDLERS = (
    EventHandler("discussion.mentioned", _mentioned),
    EventHandler("activity.recorded", _commented, verb="discussion.commented"),
)
