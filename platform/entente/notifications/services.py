"""Making notifications from events, and marking them read: the core every handler shares.

Capability apps publish events (`entente.core.events`) and register, in their own
`notifications.py`, the handler that says what each event means for whom (`registry`: how to
register is documented there). `subscribers` hands each handled event to the Celery task
`tasks.create_notifications`, which calls `create_for_event` here: it enters the tenant, asks
the handler for its `Notice`s and makes them with `notify`. Every notification carries a
`dedup_key`, unique per person: a task retried, or run twice for the same event, makes no
second row. Once the rows are committed, ONE `notification.created` event names them and
carries their live message (the real-time hub sends it without a query) and those whose
delivery is "e-mail at once" go to `tasks.send_notification_emails`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
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
from tenants.models import Tenant

from . import preferences, registry, selectors
from .models import Delivery, Notification, NotificationKind
from .registry import handles

# Handlers (entente.<app>.notifications) use Notice, Occurrence and the helpers.
__all__ = [
    "Draft",
    "Made",
    "Notice",
    "Occurrence",
    "admin_ids",
    "create_for_event",
    "handles",
    "mark_all_read",
    "mark_read",
    "notify",
    "notify_due_tasks",
    "person",
    "space_viewers",
    "tenant_url",
    "who",
]

logger = logging.getLogger(__name__)

NOTIFICATION_CREATED = "notification.created"


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


@dataclass(frozen=True)
class Notice:
    """What a handler asks for: `draft` to `recipients` (never the actor), once per key."""

    draft: Draft
    recipients: Iterable[int]
    dedup_key: str
    actor: User | None = None
    tenant: Tenant | None = None  # None: the event's tenant


def tenant_url(tenant: Tenant, name: str, **kwargs: Any) -> str:
    """An absolute URL on the tenant's host (notifications are read from every tenant)."""
    return tenant.url(reverse(name, kwargs=kwargs or None, urlconf=settings.ROOT_URLCONF))


def person(user_id: Any) -> User | None:
    """The person of an id taken from a payload; None if absent, malformed or gone."""
    try:
        pk = int(user_id or 0)
    except (TypeError, ValueError):
        return None
    return User.objects.filter(pk=pk).first() if pk else None


def who(actor: User | None) -> str:
    """The "who did it" of a title; an actor gone (or a system change) is « Quelqu'un »."""
    return actor.display_name if actor is not None else _("Quelqu'un")


def space_viewers(tenant: Tenant, space: Any) -> set[int]:
    """The people who may see `space`: no one hears of what they may not open.

    The answer is the tasks' selector, the one the pages use for "who may be assigned or
    mentioned" (it applies the guests' open sections); imported at call time, so that the
    core does not depend on a capability app when it is imported.
    """
    from entente.tasks.selectors import people_who_can_view

    return {user.pk for user in people_who_can_view(space, tenant)}


def admin_ids(tenant: Tenant) -> set[int]:
    """The tenant's active admins: those who accept people, links, and hear of the trial."""
    return set(
        Membership.objects.filter(tenant=tenant, role=Role.ADMIN, user__is_active=True).values_list(
            "user_id", flat=True
        )
    )


def other_admin_ids(tenant: Tenant, actor: User | None) -> set[int]:
    """The tenant's admins but the one who acted: who hears of a change to its security
    settings they did not make (the first sign of a hijacked admin account)."""
    recipients = admin_ids(tenant)
    if actor is not None:
        recipients.discard(actor.pk)
    return recipients


@dataclass(frozen=True)
class Occurrence:
    """One event as a handler sees it, with the helpers every handler needs.

    `where` is the event's tenant (entered by `create_for_event`); None only for the events
    registered with `in_tenant=False`, whose notices name their tenants.
    """

    name: str
    where: Tenant | None
    user_ids: list[int]
    payload: dict[str, Any]
    space_id: int | None = None
    event_key: str = ""

    @property
    def tenant(self) -> Tenant:
        if self.where is None:
            raise LookupError(f"{self.name} happened in no tenant")
        return self.where

    def id(self, key: str) -> int:
        """An id from the payload (0, which matches nothing, if absent or malformed)."""
        try:
            return int(self.payload.get(key) or 0)
        except (TypeError, ValueError):
            return 0

    def person(self, *keys: str) -> User | None:
        """The person whose id is under the first of `keys` the payload fills (the actor…)."""
        return person(next((self.payload[k] for k in keys if self.payload.get(k)), None))

    def url(self, name: str, **kwargs: Any) -> str:
        return tenant_url(self.tenant, name, **kwargs)

    def key(self, *parts: Any) -> str:
        """An idempotency key in the tenant: `<schema>:<part>:<part>…`."""
        return ":".join([self.tenant.schema_name, *(str(part) for part in parts)])

    def viewers_among(self, user_ids: Iterable[int], space: Any) -> set[int]:
        """Those of `user_ids` who may see `space`."""
        return set(user_ids) & space_viewers(self.tenant, space)


def create_for_event(
    name: str,
    tenant_schema: str,
    user_ids: list[int],
    payload: dict[str, Any],
    space_id: int | None = None,
    event_key: str = "",
) -> list[Made]:
    """The notifications one event makes (called by the Celery task; idempotent per event).

    An event no app registered a handler for, or one in a tenant closed or gone, makes nothing.
    """
    handler = registry.handler_for(name, payload)
    if handler is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        if not handler.in_tenant:
            event = Occurrence(name, None, user_ids, payload, space_id, event_key)
            return _make(handler.handle(event), None)
        tenant = Tenant.objects.filter(schema_name=tenant_schema).first()
        if tenant is None or not tenant.is_open:
            return []
        with tenant_context(tenant):
            event = Occurrence(name, tenant, user_ids, payload, space_id, event_key)
            return _make(handler.handle(event), tenant)


def _make(notices: Iterable[Notice], tenant: Tenant | None) -> list[Made]:
    """Each notice made in its tenant (by default the event's)."""
    made: list[Made] = []
    for notice in notices:
        made += notify(
            tenant=notice.tenant or tenant,
            user_ids=notice.recipients,
            draft=notice.draft,
            dedup_key=notice.dedup_key,
            actor=notice.actor,
        )
    return made


def notify_due_tasks(tenant: Tenant, today: datetime.date) -> int:
    """The daily reminders in `tenant` (today: tasks due tomorrow or overdue, registered by
    `entente.tasks`); the beat task runs it in each open tenant. Returns the rows made now:
    a second run the same day makes nothing new (dedup keys)."""
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for reminder in registry.reminders():
            made += len(_make(reminder.make(tenant, today), tenant))
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
