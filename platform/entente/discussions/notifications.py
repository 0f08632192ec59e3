"""What the discussions' events mean for whom: handlers registered with `entente.notifications`.

Registered in `DiscussionsConfig.ready()` (see `entente.notifications.registry`). Only people
who may see the thread's space hear of it, and never its author.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, tenant_url, who
from tenants.models import Tenant

from .models import Comment, Thread


def _draft(tenant: Tenant, thread: Thread, kind: str, title: str) -> Draft:
    return Draft(
        kind=kind,
        title=title,
        url=tenant_url(tenant, "discussions:thread", space_id=thread.space_id, pk=thread.pk),
        space_id=thread.space_id,
        object_type="thread",
        object_id=thread.pk,
    )


def _mentioned(event: Occurrence) -> list[Notice]:
    thread = Thread.objects.select_related("space").filter(pk=event.id("thread_id")).first()
    if thread is None:
        return []
    actor = event.person("author_id")
    title = _("%(who)s vous a mentionné dans la discussion « %(title)s »") % {
        "who": who(actor),
        "title": thread.title,
    }
    return [
        Notice(
            draft=_draft(event.tenant, thread, NotificationKind.MENTIONED, title),
            recipients=event.viewers_among(event.user_ids, thread.space),
            dedup_key=event.key("mention", "comment", event.payload.get("comment_id")),
            actor=actor,
        )
    ]


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
    actor = event.person("actor_id")
    title = _("%(who)s a répondu dans la discussion « %(title)s »") % {
        "who": who(actor),
        "title": thread.title,
    }
    return [
        Notice(
            draft=_draft(event.tenant, thread, NotificationKind.FOLLOWED_ACTIVITY, title),
            recipients=event.viewers_among(participants, thread.space),
            dedup_key=event.key("activity", event.payload.get("id")),
            actor=actor,
        )
    ]


HANDLERS = (
    EventHandler("discussion.mentioned", _mentioned),
    EventHandler("activity.recorded", _commented, verb="discussion.commented"),
)
