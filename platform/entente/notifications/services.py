"""Making notifications from events, and marking them read.

Capability apps publish events (`entente.core.events`); `subscribers` hands each one to the
Celery task `tasks.create_notifications`, which calls `create_for_event` here. Every
notification carries a `dedup_key`, unique per person: a task retried, or run twice for the
same event, makes no second row. Once the rows are committed, ONE `notification.created` event
names them and carries their live message (the real-time hub sends it without a query) and
those whose delivery is "e-mail at once" go to `tasks.send_notification_emails`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import Field
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.core.events import Event, publish_on_commit
from tenants.models import FederationLink, FederationState, Tenant

from . import preferences, selectors
from .models import Delivery, Notification, NotificationKind

logger = logging.getLogger(__name__)

NOTIFICATION_CREATED = "notification.created"

# Names of the events that make notifications (the subscriber sends only these to Celery).
TASK_EVENTS = {"task.assigned", "task.mentioned", "task.commented"}
ACTIVITY_VERBS = {"task.updated", "task.completed", "discussion.commented", "space.member_added"}
HANDLED_EVENTS = TASK_EVENTS | {
    "discussion.mentioned",
    "activity.recorded",
    "space.member_added",
    "space.invited",
    "space.join_requested",
    "space.join_refused",
    "signup.join_requested",
    "trial.reminder",
    "federation.link_changed",
}


@dataclass(frozen=True)
class Draft:
    """What one event means for its recipients, before preferences and dedup apply."""

    kind: str
    title: str
    url: str = ""
    body: str = ""
    space_id: int | None = None
    object_type: str = ""
    object_id: int | None = None


def _tenant_url(tenant: Tenant, name: str, **kwargs: Any) -> str:
    return tenant.url(reverse(name, kwargs=kwargs or None, urlconf=settings.ROOT_URLCONF))


def _id(payload: dict[str, Any], key: str) -> int:
    """An id from an event's payload (0, which matches nothing, if absent)."""
    try:
        return int(payload.get(key) or 0)
    except (TypeError, ValueError):
        return 0


def _actor(actor_id: int | None) -> User | None:
    if not actor_id:
        return None
    return User.objects.filter(pk=actor_id).first()


def _who(actor: User | None) -> str:
    return actor.display_name if actor is not None else _("Quelqu'un")


@transaction.atomic
def notify(
    *,
    tenant: Tenant | None,
    user_ids: Iterable[int],
    draft: Draft,
    dedup_key: str,
    actor: User | None = None,
) -> list[Made]:
    """Create `draft` for each person (never the actor), as their preferences say.

    Returns the rows made now (not those an earlier run of the same event made), as `Made`
    (id, person, delivery): no caller needs more, and 1,000 model instances cost ~27 ms.
    """
    targets = {int(pk) for pk in user_ids if pk and (actor is None or int(pk) != actor.pk)}
    if not targets:
        return []
    targets = set(
        User.objects.filter(pk__in=selectors.any_of(targets), is_active=True).values_list(
            "pk", flat=True
        )
    )
    already = set(
        Notification.objects.filter(
            user_id__in=selectors.any_of(targets), dedup_key=dedup_key
        ).values_list("user_id", flat=True)
    )
    wanted = preferences.deliveries(
        targets - already, draft.kind, tenant.pk if tenant else None, draft.space_id
    )
    created_at = timezone.now()
    made = _insert(
        tenant,
        draft,
        dedup_key[:200],
        created_at,
        [(pk, delivery) for pk, delivery in sorted(wanted.items()) if delivery != Delivery.NONE],
        actor,
    )
    if made:
        _announce(tenant, draft, made, created_at)
    return made


@dataclass(frozen=True, slots=True)
class Made:
    """A notification `notify()` created now."""

    pk: int
    user_id: int
    delivery: str


def _insert(
    tenant: Tenant | None,
    draft: Draft,
    dedup_key: str,
    created_at: datetime.datetime,
    deliveries: list[tuple[int, str]],
    actor: User | None,
) -> list[Made]:
    """All the rows of one event in ONE statement; those another run made already are skipped.

    `ON CONFLICT DO NOTHING` (the `notification_once_per_key` constraint) replaces a savepoint
    per person, and `RETURNING` names exactly the rows made now (1,000 people: one round trip
    instead of 2,000). The ids follow the person ids, as one INSERT per person gave them.
    """
    if not deliveries:
        return []
    meta = Notification._meta
    common: dict[str, Any] = {
        "tenant": tenant.pk if tenant else None,
        "kind": draft.kind,
        "title": draft.title[:300],
        "body": draft.body,
        "url": draft.url[:500],
        "actor": actor.pk if actor else None,
        "space_id": draft.space_id,
        "object_type": draft.object_type,
        "object_id": draft.object_id,
        "dedup_key": dedup_key,
        "created_at": created_at,
    }
    using = router.db_for_write(Notification)
    connection = connections[using]
    quote = connection.ops.quote_name
    fields: list[Field[Any, Any]] = []
    for name in ("user", "delivery", *common):
        field = meta.get_field(name)
        assert isinstance(field, Field)
        fields.append(field)
    columns = [quote(str(field.column)) for field in fields]
    values = ", ".join(f"%s::{field.cast_db_type(connection)}" for field in fields[2:])
    # Identifiers and types come from the model's metadata; every value is a parameter.
    statement = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
        f"SELECT person.user_id, person.delivery, {values} "
        "FROM unnest(%s::bigint[], %s::varchar[]) AS person(user_id, delivery) "
        "ORDER BY person.user_id "
        f"ON CONFLICT DO NOTHING RETURNING {quote(str(meta.pk.column))}, {columns[0]}"
    )
    users, kinds = zip(*deliveries, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            statement, [*common.values(), selectors.int_array(users), _text_array(kinds)]
        )
        ids = {user_id: pk for pk, user_id in cursor.fetchall()}
    delivery_of = dict(deliveries)
    return [Made(ids[user_id], user_id, delivery_of[user_id]) for user_id in sorted(ids)]


def _text_array(items: Iterable[str]) -> str:
    """A PostgreSQL array literal of strings, each quoted (one parameter for all of them)."""
    quoted = ('"' + item.replace("\\", "\\\\").replace('"', '\\"') + '"' for item in items)
    return "{" + ",".join(quoted) + "}"


def _announce(
    tenant: Tenant | None, draft: Draft, made: list[Made], created_at: datetime.datetime
) -> None:
    """ONE event for all the rows, carrying what the live hub sends (realtime/hub.py).

    `live` holds the message every recipient gets but its id, once, and (person, id) pairs:
    the hub fans out without reading the rows back (~20 ms per 500 rows before). It is the
    shape of `realtime.payloads.notification_item` for an unread row. `notification_ids`
    stays for the hub's fallback (events published before `live` existed).
    """
    with translation.override(settings.LANGUAGE_CODE):
        kind_label = str(dict(NotificationKind.choices).get(draft.kind, draft.kind))
    item: dict[str, Any] = {
        "type": "notification",
        "kind": draft.kind,
        "kind_label": kind_label,
        "title": draft.title[:300],
        "url": draft.url[:500],
        "tenant": {"id": tenant.pk, "name": tenant.name} if tenant is not None else None,
        "created_at": created_at.isoformat(),
        "read": False,
    }
    publish_on_commit(
        Event(
            name=NOTIFICATION_CREATED,
            tenant_schema=tenant.schema_name if tenant else "public",
            user_ids=tuple(sorted({n.user_id for n in made})),
            payload={
                "notification_ids": [n.pk for n in made],
                "live": {"item": item, "recipients": [[n.user_id, n.pk] for n in made]},
            },
        )
    )
    emails = [n.pk for n in made if n.delivery == Delivery.EMAIL]
    if emails:
        from .tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(emails))


# -- From events ---------------------------------------------------------------------------------


def create_for_event(
    name: str,
    tenant_schema: str,
    user_ids: list[int],
    payload: dict[str, Any],
    space_id: int | None = None,
    event_key: str = "",
) -> list[Made]:
    """The notifications one event makes (called by the Celery task; idempotent per event)."""
    if name == "federation.link_changed":
        return _federation(payload, event_key)
    tenant = Tenant.objects.filter(schema_name=tenant_schema).first()
    if tenant is None or not tenant.is_open:
        return []
    handler = _HANDLERS.get(name)
    if name == "activity.recorded":
        handler = _ACTIVITY_HANDLERS.get(str(payload.get("verb", "")))
    if handler is None:
        return []
    with tenant_context(tenant), translation.override(settings.LANGUAGE_CODE):
        return handler(tenant, user_ids, payload, space_id, event_key)


Handler = Callable[[Tenant, list[int], dict[str, Any], "int | None", str], list[Made]]


def _viewers(tenant: Tenant, space: Any) -> set[int]:
    from entente.tasks.selectors import people_who_can_view

    return {user.pk for user in people_who_can_view(space, tenant)}


def _task_event(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    from entente.tasks.models import Task

    task = Task.objects.select_related("space").filter(pk=_id(payload, "task_id")).first()
    if task is None:
        return []
    actor = _actor(payload.get("actor_id"))
    kind = payload["_kind"]
    title = {
        "task.assigned": _("%(who)s vous a confié la tâche « %(title)s »"),
        "task.mentioned": _("%(who)s vous a mentionné dans la tâche « %(title)s »"),
        "task.commented": _("%(who)s a commenté la tâche « %(title)s »"),
    }[kind] % {"who": _who(actor), "title": task.title}
    draft = Draft(
        kind={
            "task.assigned": NotificationKind.TASK_ASSIGNED,
            "task.mentioned": NotificationKind.MENTIONED,
            "task.commented": NotificationKind.FOLLOWED_ACTIVITY,
        }[kind],
        title=title,
        url=_tenant_url(tenant, "tasks:detail", pk=task.pk),
        space_id=task.space_id,
        object_type="task",
        object_id=task.pk,
    )
    allowed = set(user_ids) & _viewers(tenant, task.space)
    return notify(
        tenant=tenant,
        user_ids=allowed,
        draft=draft,
        dedup_key=f"{tenant.schema_name}:{kind}:{task.pk}:{key}",
        actor=actor,
    )


def _with_kind(kind: str) -> Handler:
    def handler(
        tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
    ) -> list[Made]:
        return _task_event(tenant, user_ids, {**payload, "_kind": kind}, space_id, key)

    return handler


def _discussion_mentioned(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    from entente.discussions.models import Thread

    thread = Thread.objects.select_related("space").filter(pk=_id(payload, "thread_id")).first()
    if thread is None:
        return []
    actor = _actor(payload.get("author_id"))
    draft = Draft(
        kind=NotificationKind.MENTIONED,
        title=_("%(who)s vous a mentionné dans la discussion « %(title)s »")
        % {"who": _who(actor), "title": thread.title},
        url=_tenant_url(tenant, "discussions:thread", space_id=thread.space_id, pk=thread.pk),
        space_id=thread.space_id,
        object_type="thread",
        object_id=thread.pk,
    )
    return notify(
        tenant=tenant,
        user_ids=set(user_ids) & _viewers(tenant, thread.space),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:mention:comment:{payload.get('comment_id')}",
        actor=actor,
    )


def _task_changed(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    """A change on a task: its assignees, observers and creator hear of it (not the newly
    assigned, who have their own notification)."""
    from entente.activity.models import ActivityEntry
    from entente.tasks.models import Task

    entry = ActivityEntry.objects.filter(pk=_id(payload, "id")).first()
    task = Task.objects.select_related("space").filter(pk=_id(payload, "object_id")).first()
    if entry is None or task is None:
        return []
    followers = set(task.assignments.values_list("user_id", flat=True)) | set(
        task.observations.values_list("user_id", flat=True)
    )
    if task.created_by_id:
        followers.add(task.created_by_id)
    before, after = (entry.changes or {}).get("assignees", [[], []])
    followers -= set(after) - set(before)
    actor = _actor(payload.get("actor_id"))
    title = (
        _("%(who)s a terminé la tâche « %(title)s »")
        if payload.get("verb") == "task.completed"
        else _("%(who)s a modifié la tâche « %(title)s »")
    )
    draft = Draft(
        kind=NotificationKind.FOLLOWED_ACTIVITY,
        title=title % {"who": _who(actor), "title": task.title},
        url=_tenant_url(tenant, "tasks:detail", pk=task.pk),
        space_id=task.space_id,
        object_type="task",
        object_id=task.pk,
    )
    return notify(
        tenant=tenant,
        user_ids=followers & _viewers(tenant, task.space),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:activity:{entry.pk}",
        actor=actor,
    )


def _discussion_commented(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    """A new message in a thread: the people who wrote in it hear of it (the mentioned have
    their own notification)."""
    from entente.discussions.models import Comment

    comment = (
        Comment.objects.select_related("thread", "thread__space")
        .filter(pk=_id(payload, "object_id"))
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
    actor = _actor(payload.get("actor_id"))
    draft = Draft(
        kind=NotificationKind.FOLLOWED_ACTIVITY,
        title=_("%(who)s a répondu dans la discussion « %(title)s »")
        % {"who": _who(actor), "title": thread.title},
        url=_tenant_url(tenant, "discussions:thread", space_id=thread.space_id, pk=thread.pk),
        space_id=thread.space_id,
        object_type="thread",
        object_id=thread.pk,
    )
    return notify(
        tenant=tenant,
        user_ids=participants & _viewers(tenant, thread.space),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:activity:{payload.get('id')}",
        actor=actor,
    )


def _space_joined(
    tenant: Tenant, space_id: int, user_ids: Iterable[int], actor_id: Any
) -> list[Made]:
    from entente.spaces.models import Space

    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        return []
    actor = _actor(actor_id)
    draft = Draft(
        kind=NotificationKind.SPACE_INVITED,
        title=_("%(who)s vous a ajouté à l'espace « %(name)s »")
        % {"who": _who(actor), "name": space.name},
        url=_tenant_url(tenant, "spaces:detail", space_id=space.pk),
        space_id=space.pk,
        object_type="space",
        object_id=space.pk,
    )
    # Keyed by space and day: the same arrival announced by two sources makes one row.
    return notify(
        tenant=tenant,
        user_ids=set(user_ids) & _viewers(tenant, space),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:space_member:{space.pk}:{timezone.localdate()}",
        actor=actor,
    )


def _space_member_activity(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    from entente.spaces.models import SpaceMembership

    added = SpaceMembership.objects.filter(pk=_id(payload, "object_id")).first()
    if added is None:
        return []
    return _space_joined(tenant, added.space_id, [added.user_id], payload.get("actor_id"))


def _space_member_event(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    """`space.member_added` from another publisher (federation spaces): the person who joined
    hears of it through the activity entry; the others named (the space's managers) are told
    who joined."""
    from entente.spaces.models import Space

    space = Space.objects.filter(pk=space_id or _id(payload, "space_id")).first()
    joined = _id(payload, "user_id")
    if space is None:
        return []
    if not joined:
        return _space_joined(tenant, space.pk, user_ids, payload.get("actor_id"))
    person = _actor(joined)
    draft = Draft(
        kind=NotificationKind.FOLLOWED_ACTIVITY,
        title=_("%(who)s a rejoint l'espace « %(name)s »")
        % {"who": _who(person), "name": space.name},
        url=_tenant_url(tenant, "spaces:detail", space_id=space.pk),
        space_id=space.pk,
        object_type="space",
        object_id=space.pk,
    )
    return notify(
        tenant=tenant,
        user_ids=(set(user_ids) - {joined}) & _viewers(tenant, space),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:space_joined:{space.pk}:{joined}:{timezone.localdate()}",
    )


def _space_invited(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    """An invitation to a space (citizens): the invited person cannot see it yet, so no
    visibility filter; the e-mail carries the link that accepts it."""
    from entente.spaces.models import Space

    space = Space.objects.filter(pk=space_id or _id(payload, "space_id")).first()
    if space is None:
        return []
    actor = _actor(payload.get("invited_by") or payload.get("actor_id"))
    draft = Draft(
        kind=NotificationKind.SPACE_INVITED,
        title=_("%(who)s vous invite à rejoindre l'espace « %(name)s » de %(tenant)s")
        % {"who": _who(actor), "name": space.name, "tenant": tenant.name},
        body=_("Le lien pour accepter l'invitation vous a été envoyé par e-mail."),
        url=_tenant_url(tenant, "spaces:detail", space_id=space.pk),
        space_id=space.pk,
        object_type="space",
        object_id=space.pk,
    )
    invitation = payload.get("invitation_id") or key
    return notify(
        tenant=tenant,
        user_ids=user_ids,
        draft=draft,
        dedup_key=f"{tenant.schema_name}:space_invited:{space.pk}:{invitation}",
        actor=actor,
    )


def _space_join_requested(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    """Someone asks to join a federation space: its managers (named by the publisher)."""
    from entente.spaces.models import Space

    space = Space.objects.filter(pk=space_id or 0).first()
    if space is None:
        return []
    person = _actor(payload.get("user_id"))
    draft = Draft(
        kind=NotificationKind.JOIN_REQUEST,
        title=_("%(who)s demande à rejoindre l'espace « %(name)s »")
        % {"who": _who(person), "name": space.name},
        url=_tenant_url(tenant, "spaces:members", space_id=space.pk),
        space_id=space.pk,
        object_type="space_join_request",
        object_id=_id(payload, "request_id") or None,
    )
    return notify(
        tenant=tenant,
        user_ids=set(user_ids) & _viewers(tenant, space),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:space_join_request:{payload.get('request_id') or key}",
        actor=person,
    )


def _space_join_refused(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    from entente.spaces.models import Space

    space = Space.objects.filter(pk=space_id or 0).first()
    if space is None:
        return []
    draft = Draft(
        kind=NotificationKind.SPACE_INVITED,
        title=_("Votre demande pour rejoindre l'espace « %(name)s » n'a pas été acceptée")
        % {"name": space.name},
        url=tenant.url("/"),
        space_id=space.pk,
        object_type="space_join_request",
        object_id=_id(payload, "request_id") or None,
    )
    return notify(
        tenant=tenant,
        user_ids=user_ids,
        draft=draft,
        dedup_key=f"{tenant.schema_name}:space_join_refused:{payload.get('request_id') or key}",
    )


def admin_ids(tenant: Tenant) -> set[int]:
    return set(
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def _join_requested(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    draft = Draft(
        kind=NotificationKind.JOIN_REQUEST,
        title=_("%(name)s demande à rejoindre %(tenant)s")
        % {"name": payload.get("name") or _("Une personne"), "tenant": tenant.name},
        url=_tenant_url(tenant, "signup:join_requests"),
        object_type="join_request",
        object_id=payload.get("join_request_id"),
    )
    return notify(
        tenant=tenant,
        user_ids=admin_ids(tenant),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:join_request:{payload.get('join_request_id')}",
    )


def _trial_reminder(
    tenant: Tenant, user_ids: list[int], payload: dict[str, Any], space_id: int | None, key: str
) -> list[Made]:
    days = payload.get("days_left")
    if payload.get("kind") == "expired":
        title = _("L'essai de %(tenant)s est terminé : la collectivité est en lecture seule")
    elif payload.get("kind") == "closing":
        title = _("%(tenant)s va fermer : exportez vos données")
    else:
        title = _("L'essai de %(tenant)s se termine dans %(days)s jour(s)")
    draft = Draft(
        kind=NotificationKind.TRIAL_REMINDER,
        title=title % {"tenant": tenant.name, "days": days},
        url=tenant.url("/"),
        object_type="tenant",
        object_id=tenant.pk,
    )
    return notify(
        tenant=tenant,
        user_ids=admin_ids(tenant),
        draft=draft,
        dedup_key=f"{tenant.schema_name}:trial:{payload.get('kind')}:{payload.get('deadline')}",
    )


def _federation(payload: dict[str, Any], key: str) -> list[Made]:
    """A federation link changed: the admins of the other side (both, if staff acted)."""
    link = FederationLink.objects.select_related("epci", "commune").filter(
        pk=_id(payload, "link_id")
    )
    found = link.first()
    if found is None:
        return []
    state = str(payload.get("to_state") or "")
    acting = payload.get("acting_tenant_id")
    epci, commune = found.epci, found.commune
    names = {"epci": epci.name, "commune": commune.name}
    titles: dict[str, str] = {
        FederationState.INVITED: _("%(epci)s invite %(commune)s à partager des espaces"),
        FederationState.ACTIVE: _("%(commune)s a accepté l'invitation de %(epci)s"),
        FederationState.REFUSED: _("%(commune)s a refusé l'invitation de %(epci)s"),
        FederationState.ENDED: _("Le lien entre %(epci)s et %(commune)s a pris fin"),
    }
    made: list[Made] = []
    actor = _actor(payload.get("actor_id"))
    with translation.override(settings.LANGUAGE_CODE):
        title = titles.get(state, _("Le lien entre %(epci)s et %(commune)s a changé")) % names
        for side in (epci, commune):
            if acting is not None and side.pk == acting:
                continue
            if not side.is_open:
                continue
            draft = Draft(
                kind=NotificationKind.FEDERATION,
                title=title,
                url=_tenant_url(side, "federation:home"),
                object_type="federation_link",
                object_id=found.pk,
            )
            made += notify(
                tenant=side,
                user_ids=admin_ids(side),
                draft=draft,
                dedup_key=f"federation:{found.pk}:{state}:{key}",
                actor=actor,
            )
    return made


_HANDLERS: dict[str, Handler] = {
    "task.assigned": _with_kind("task.assigned"),
    "task.mentioned": _with_kind("task.mentioned"),
    "task.commented": _with_kind("task.commented"),
    "discussion.mentioned": _discussion_mentioned,
    "space.member_added": _space_member_event,
    "space.invited": _space_invited,
    "space.join_requested": _space_join_requested,
    "space.join_refused": _space_join_refused,
    "signup.join_requested": _join_requested,
    "trial.reminder": _trial_reminder,
}
_ACTIVITY_HANDLERS: dict[str, Handler] = {
    "task.updated": _task_changed,
    "task.completed": _task_changed,
    "discussion.commented": _discussion_commented,
    "space.member_added": _space_member_activity,
}


# -- Due dates -----------------------------------------------------------------------------------


def notify_due_tasks(tenant: Tenant, today: datetime.date) -> int:
    """Assignees of tasks due tomorrow, and of tasks overdue (once per task and due date).

    Runs in the tenant's schema; a second run the same day makes nothing new (dedup keys).
    Overdue tasks are looked for over the last week, so a missed day still tells them.
    """
    from entente.tasks.models import Task, TaskStatus

    tomorrow = today + datetime.timedelta(days=1)
    due = (
        Task.objects.exclude(status=TaskStatus.DONE)
        .filter(due_date__gte=today - datetime.timedelta(days=7), due_date__lte=tomorrow)
        .exclude(due_date=today)
        .select_related("space")
        .prefetch_related("assignments")
    )
    made = 0
    viewers: dict[int, set[int]] = {}
    with translation.override(settings.LANGUAGE_CODE):
        for task in due:
            assert task.due_date is not None
            assignees = {a.user_id for a in task.assignments.all()}
            if not assignees:
                continue
            if task.space_id not in viewers:
                viewers[task.space_id] = _viewers(tenant, task.space)
            soon = task.due_date == tomorrow
            draft = Draft(
                kind=NotificationKind.DUE_SOON if soon else NotificationKind.OVERDUE,
                title=(
                    _("La tâche « %(title)s » est à faire pour demain")
                    if soon
                    else _("La tâche « %(title)s » est en retard (échéance du %(date)s)")
                )
                % {"title": task.title, "date": task.due_date.strftime("%d/%m/%Y")},
                url=_tenant_url(tenant, "tasks:detail", pk=task.pk),
                space_id=task.space_id,
                object_type="task",
                object_id=task.pk,
            )
            made += len(
                notify(
                    tenant=tenant,
                    user_ids=assignees & viewers[task.space_id],
                    draft=draft,
                    dedup_key=(
                        f"{tenant.schema_name}:{'due' if soon else 'overdue'}:"
                        f"{task.pk}:{task.due_date}"
                    ),
                )
            )
    return made


# -- Reading -------------------------------------------------------------------------------------


NOTIFICATION_READ = "notification.read"


def mark_read(user: User, notification_id: int) -> bool:
    """Mark one of the person's notifications read; another's is left alone (False).

    When a row changed, `notification.read` tells the person's open tabs (after commit) so
    that every bell shows the new count.
    """
    selectors.forget_counts(user)
    changed = Notification.objects.filter(
        pk=notification_id, user=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    if changed:
        _announce_read(user, {"notification_ids": [notification_id]})
        return True
    return Notification.objects.filter(pk=notification_id, user=user).exists()


def mark_all_read(user: User, *, tenant: Tenant | None = None) -> int:
    selectors.forget_counts(user)
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if tenant is not None:
        rows = rows.filter(tenant=tenant)
    changed = rows.update(read_at=timezone.now())
    if changed:
        _announce_read(user, {"all": True, "tenant_id": tenant.pk if tenant else None}, tenant)
    return changed


def _announce_read(user: User, payload: dict[str, Any], tenant: Tenant | None = None) -> None:
    """The live hub sends the person's new unread count to each of their sockets."""
    publish_on_commit(
        Event(
            name=NOTIFICATION_READ,
            tenant_schema=tenant.schema_name if tenant else "public",
            user_ids=(user.pk,),
            payload=payload,
        )
    )
