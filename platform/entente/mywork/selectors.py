"""« Mon travail »: a person's open tasks, checklists, unread mentions and the new versions of
the files they follow, wherever they are.

This is one of the two cross-tenant reads that ARCHITECTURE.md §3 allows ("my tasks", "my
notifications"): it reads from the schemas of `entente.federation.reach.reachable_tenants(user)`
and from no other, and in them only the person's own rows (their assignments, the checklists
they launched or have a step in), in spaces they may open there.

One SQL round trip whatever the number of tenants: a UNION ALL of schema-qualified SELECTs, one
per reached schema, plus the public inbox's unread mentions. Schema and table names are quoted
by psycopg (`sql.Identifier`), never formatted into the text; values are parameters.

The same statement filters (the page's chips), counts every filter (`COUNT(*) FILTER`), sorts
and cuts the page (`LIMIT`/`OFFSET`): only the page's rows leave PostgreSQL (`WorkList`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, overload

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context
from psycopg import sql

from entente.accounts.models import Role, User
from entente.checklists.models import Checklist, ChecklistItem
from entente.documents.models import Document, Folder, Follower, Version
from entente.documents.selectors import access_document
from entente.federation.reach import Reach, reachable_tenants
from entente.meetings.models import Approval, Attendee, Meeting, Minutes, MinutesState
from entente.notifications.models import Notification, NotificationKind
from entente.notifications.selectors import unread_counts_by_tenant
from entente.spaces.models import Space, SpaceMembership, Visibility
from entente.tasks.models import Task, TaskAssignment, TaskStatus
from tenants.models import Tenant

TASK, CHECKLIST, MENTION, DOCUMENT = "task", "checklist", "mention", "document"
# Files I follow with a version by someone else in this many days; at most DOCUMENTS_PER_TENANT.
DOCUMENT_DAYS = 14
DOCUMENTS_PER_TENANT = 20
TASK, CHECKLIST, MENTION = "task", "checklist", "mention"
MEETING, MINUTES = "meeting", "minutes"
OVERDUE, THIS_WEEK = "overdue", "week"

# The list's filters: key → label (the page's tabs, the API's `filter` parameter).
FILTERS: dict[str, Any] = {
    "all": _("Tout"),
    THIS_WEEK: _("Cette semaine"),
    OVERDUE: _("En retard"),
    "mentions": _("Mentions"),
    "documents": _("Documents"),
    "meetings": _("Réunions"),
}
MEETINGS = "meetings"

KIND_LABELS: dict[str, Any] = {
    TASK: _("Tâche"),
    CHECKLIST: _("Procédure"),
    MENTION: _("Mention"),
    DOCUMENT: _("Nouvelle version"),
    MEETING: _("Réunion"),
    MINUTES: _("Procès-verbal à approuver"),
}


@dataclass(frozen=True)
class WorkItem:
    """One thing to do, marked with its tenant and linking to it on that tenant's host."""

    kind: str  # TASK, CHECKLIST, MENTION, DOCUMENT, MEETING or MINUTES
    tenant: Tenant
    via: tuple[Tenant, ...]  # communes through which a federated EPCI is reached
    object_id: int
    title: str
    url: str
    due_date: datetime.date | None
    updated_at: datetime.datetime
    space_id: int | None
    space_name: str
    status: str  # a TaskStatus value for tasks, "" otherwise
    flag: str  # OVERDUE, THIS_WEEK or ""
    done: int | None = None  # checklists: steps done …
    total: int | None = None  # … out of

    @property
    def tenant_label(self) -> str:
        """« CC Sud Retz Atlantique (via Legé) » for an EPCI reached through a commune."""
        if not self.via:
            return self.tenant.name
        communes = ", ".join(commune.name for commune in self.via)
        return f"{self.tenant.name} ({_('via')} {communes})"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def status_label(self) -> str:
        return str(TaskStatus(self.status).label) if self.status else ""

    @property
    def is_overdue(self) -> bool:
        return self.flag == OVERDUE

    @property
    def is_due_this_week(self) -> bool:
        return self.flag == THIS_WEEK


def week_end(today: datetime.date) -> datetime.date:
    """The Sunday of today's week: "this week" is today to Sunday, as in « Mes tâches »."""
    return today + datetime.timedelta(days=6 - today.weekday())


def flag_for(due: datetime.date | None, today: datetime.date) -> str:
    if due is None:
        return ""
    if due < today:
        return OVERDUE
    if due <= week_end(today):
        return THIS_WEEK
    return ""


def _table(schema: str, model: type[Any]) -> sql.Identifier:
    return sql.Identifier(schema, model._meta.db_table)


_HAS_FEDERATION_SCOPE = any(f.name == "federation_scope" for f in Space._meta.get_fields())


def _visible_space(reach: Reach, schema: str, user_id: int) -> tuple[sql.Composable, list[Any]]:
    """The SQL twin of `spaces.selectors.spaces_for` / `space_abilities(...).view` for `sp`.

    A person reaching an EPCI only through a federated commune (no membership there) sees its
    federation spaces open to one of their communes that they joined, nothing else
    (`space_abilities` for a federated stand-in membership).
    """
    is_member = sql.SQL(
        "EXISTS (SELECT 1 FROM {sm} sm WHERE sm.space_id = sp.id AND sm.user_id = %s)"
    ).format(sm=_table(schema, SpaceMembership))
    membership = reach.membership
    if membership is None:
        federated = sql.SQL("sp.visibility = %s AND {m}").format(m=is_member)
        params: list[Any] = [Visibility.FEDERATION.value, user_id]
        if _HAS_FEDERATION_SCOPE:
            # A space opened to some communes only: one of theirs must be among them.
            federated = sql.SQL(
                "{f} AND (cardinality(sp.federation_scope) = 0"
                " OR sp.federation_scope && %s::integer[])"
            ).format(f=federated)
            params.append([commune.pk for commune in reach.via])
        return federated, params
    if membership.role == Role.ADMIN:
        return sql.SQL("TRUE"), []
    if membership.role == Role.GUEST:
        return sql.SQL("sp.visibility = %s AND {m}").format(m=is_member), [
            Visibility.PUBLIC_PROJECT.value,
            user_id,
        ]
    return sql.SQL("(sp.visibility <> %s OR {m})").format(m=is_member), [
        Visibility.PRIVATE.value,
        user_id,
    ]


def _tasks_of(reach: Reach, user_id: int) -> tuple[sql.Composable, list[Any]]:
    """Open tasks assigned to the person in one tenant (index tasks_taskassignment(user, task))."""
    schema = reach.tenant.schema_name
    visible, visible_params = _visible_space(reach, schema, user_id)
    query = sql.SQL(
        "SELECT 'task'::text AS kind, %s::bigint AS tenant_id, t.id::bigint AS object_id,"
        " t.title::text AS title, t.due_date AS due_date, t.updated_at AS updated_at,"
        " t.status::text AS status, t.space_id::bigint AS space_id,"
        " sp.name::text AS space_name, ''::text AS url,"
        " NULL::bigint AS done, NULL::bigint AS total"
        " FROM {assignment} a"
        " JOIN {task} t ON t.id = a.task_id"
        " JOIN {space} sp ON sp.id = t.space_id"
        " WHERE a.user_id = %s AND t.status <> %s AND sp.archived_at IS NULL AND {visible}"
    ).format(
        assignment=_table(schema, TaskAssignment),
        task=_table(schema, Task),
        space=_table(schema, Space),
        visible=visible,
    )
    return query, [reach.tenant.pk, user_id, TaskStatus.DONE.value, *visible_params]


def _checklists_of(reach: Reach, user_id: int) -> tuple[sql.Composable, list[Any]]:
    """Open checklists (a step not done) the person launched or has a step assigned in."""
    schema = reach.tenant.schema_name
    visible, visible_params = _visible_space(reach, schema, user_id)
    query = sql.SQL(
        "SELECT 'checklist'::text, %s::bigint, c.id::bigint, c.name::text,"
        " MIN(t.due_date) FILTER (WHERE t.status IS DISTINCT FROM %s), c.updated_at, ''::text,"
        " c.space_id::bigint, sp.name::text, ''::text,"
        " COUNT(*) FILTER (WHERE t.status = %s), COUNT(*)"
        " FROM {checklist} c"
        " JOIN {space} sp ON sp.id = c.space_id"
        " JOIN {item} i ON i.checklist_id = c.id"
        " LEFT JOIN {task} t ON t.id = i.task_id"
        " WHERE (c.created_by_id = %s OR EXISTS (SELECT 1 FROM {item} i2"
        "   JOIN {assignment} a2 ON a2.task_id = i2.task_id"
        "   WHERE i2.checklist_id = c.id AND a2.user_id = %s))"
        " AND sp.archived_at IS NULL AND {visible}"
        " GROUP BY c.id, sp.name"
        " HAVING COUNT(*) FILTER (WHERE t.status = %s) < COUNT(*)"
    ).format(
        checklist=_table(schema, Checklist),
        item=_table(schema, ChecklistItem),
        task=_table(schema, Task),
        assignment=_table(schema, TaskAssignment),
        space=_table(schema, Space),
        visible=visible,
    )
    params = [
        reach.tenant.pk,
        TaskStatus.DONE.value,
        TaskStatus.DONE.value,
        user_id,
        user_id,
        *visible_params,
        TaskStatus.DONE.value,
    ]
    return query, params


def _documents_of(reach: Reach, user_id: int) -> tuple[sql.Composable, list[Any]]:
    """Files the person follows whose current version someone else added lately, in spaces
    they may open (folder rules are checked afterwards: `_closed_documents`)."""
    schema = reach.tenant.schema_name
    visible, visible_params = _visible_space(reach, schema, user_id)
    query = sql.SQL(
        "SELECT * FROM (SELECT 'document'::text, %s::bigint, d.id::bigint, d.name::text,"
        " NULL::date, v.created_at, ''::text, f.space_id::bigint, sp.name::text, ''::text,"
        " NULL::bigint, NULL::bigint"
        " FROM {follower} fo"
        " JOIN {document} d ON d.id = fo.document_id"
        " JOIN {version} v ON v.id = d.current_id"
        " JOIN {folder} f ON f.id = d.folder_id"
        " JOIN {space} sp ON sp.id = f.space_id"
        " WHERE fo.user_id = %s AND d.deleted_at IS NULL AND f.deleted_at IS NULL"
        " AND v.created_at >= %s AND v.author_id IS DISTINCT FROM %s"
        " AND sp.archived_at IS NULL AND {visible}"
        " ORDER BY v.created_at DESC LIMIT %s) AS followed"
    ).format(
        follower=_table(schema, Follower),
        document=_table(schema, Document),
        version=_table(schema, Version),
        folder=_table(schema, Folder),
        space=_table(schema, Space),
        visible=visible,
    )
    since = timezone.now() - datetime.timedelta(days=DOCUMENT_DAYS)
    return query, [
        reach.tenant.pk,
        user_id,
        since,
        user_id,
        *visible_params,
        DOCUMENTS_PER_TENANT,
    ]


def _closed_documents(
    documents: Iterable[tuple[int, int]], reaches: dict[int, Reach]
) -> set[tuple[int, int]]:
    """The followed files (tenant id, document id) a folder rule (or the bin) now closes to
    the person: one check per tenant holding followed files, in that tenant's schema."""
    by_tenant: dict[int, list[int]] = {}
    for tenant_id, document_id in documents:
        by_tenant.setdefault(tenant_id, []).append(document_id)
    closed: set[tuple[int, int]] = set()
    for tenant_id, document_ids in by_tenant.items():
        reach = reaches[tenant_id]
        with tenant_context(reach.tenant):
            for document_id in document_ids:
                try:
                    access_document(reach.membership, document_id)
                except Document.DoesNotExist:
                    closed.add((tenant_id, document_id))
    return closed


def _meetings_of(
    reach: Reach, user_id: int, today: datetime.date
) -> tuple[sql.Composable, list[Any]]:
    """The meetings the person is invited to from today to Sunday (the week's meetings)."""
    schema = reach.tenant.schema_name
    visible, visible_params = _visible_space(reach, schema, user_id)
    query = sql.SQL(
        "SELECT 'meeting'::text, %s::bigint, m.id::bigint, m.title::text,"
        " (m.starts_at AT TIME ZONE %s)::date, m.starts_at, ''::text,"
        " m.space_id::bigint, sp.name::text, ''::text, NULL::bigint, NULL::bigint"
        " FROM {attendee} at JOIN {meeting} m ON m.id = at.meeting_id"
        " JOIN {space} sp ON sp.id = m.space_id"
        " WHERE at.person_id = %s AND (m.starts_at AT TIME ZONE %s)::date BETWEEN %s AND %s"
        " AND sp.archived_at IS NULL AND {visible}"
    ).format(
        attendee=_table(schema, Attendee),
        meeting=_table(schema, Meeting),
        space=_table(schema, Space),
        visible=visible,
    )
    zone = settings.TIME_ZONE
    params = [reach.tenant.pk, zone, user_id, zone, today, week_end(today), *visible_params]
    return query, params


def _approvals_of(reach: Reach, user_id: int) -> tuple[sql.Composable, list[Any]]:
    """Submitted minutes that await the person's approval."""
    schema = reach.tenant.schema_name
    visible, visible_params = _visible_space(reach, schema, user_id)
    query = sql.SQL(
        "SELECT 'minutes'::text, %s::bigint, m.id::bigint, m.title::text, NULL::date,"
        " mi.submitted_at, ''::text, m.space_id::bigint, sp.name::text, ''::text,"
        " NULL::bigint, NULL::bigint"
        " FROM {approval} ap JOIN {minutes} mi ON mi.id = ap.minutes_id"
        " JOIN {meeting} m ON m.id = mi.meeting_id JOIN {space} sp ON sp.id = m.space_id"
        " WHERE ap.person_id = %s AND ap.approved_at IS NULL AND mi.state = %s"
        " AND sp.archived_at IS NULL AND {visible}"
    ).format(
        approval=_table(schema, Approval),
        minutes=_table(schema, Minutes),
        meeting=_table(schema, Meeting),
        space=_table(schema, Space),
        visible=visible,
    )
    params = [reach.tenant.pk, user_id, MinutesState.SUBMITTED.value, *visible_params]
    return query, params


def _mentions_of(tenant_ids: list[int], user_id: int) -> tuple[sql.Composable, list[Any]]:
    """Unread mentions from the public inbox, only those of the tenants the person reaches."""
    query = sql.SQL(
        "SELECT 'mention'::text, n.tenant_id::bigint, n.id::bigint, n.title::text, NULL::date,"
        " n.created_at, ''::text, n.space_id::bigint, ''::text, n.url::text,"
        " NULL::bigint, NULL::bigint"
        " FROM {notification} n"
        " WHERE n.user_id = %s AND n.read_at IS NULL AND n.kind = %s AND n.tenant_id = ANY(%s)"
    ).format(notification=_table(settings.PUBLIC_SCHEMA_NAME, Notification))
    return query, [user_id, NotificationKind.MENTIONED.value, tenant_ids]


def _filter_condition(key: str, today: datetime.date) -> tuple[sql.Composable, list[Any]]:
    """The SQL twin of `filter_items` for one filter, on the `work` rows."""
    if key == THIS_WEEK:
        return sql.SQL("(work.due_date >= %s AND work.due_date <= %s)"), [today, week_end(today)]
    if key == OVERDUE:
        return sql.SQL("work.due_date < %s"), [today]
    if key == "mentions":
        return sql.SQL("work.kind = %s"), [MENTION]
    if key == "documents":
        return sql.SQL("work.kind = %s"), [DOCUMENT]
    if key == MEETINGS:
        return sql.SQL("work.kind = ANY(%s)"), [[MEETING, MINUTES]]
    return sql.SQL("TRUE"), []


_ORDER = (
    "(work.due_date IS NULL), work.due_date, work.updated_at DESC,"
    " work.kind, work.tenant_id, work.object_id"
)
# Far beyond any list: "the last page" (`OFFSET` is brought back to the last page's start).
LAST_PAGE = 2**62


def _work_query(
    reaches: Sequence[Reach],
    user_id: int,
    today: datetime.date | None = None,
    *,
    key: str = "all",
    offset: int = 0,
    limit: int | None = None,
    closed: Iterable[tuple[int, int]] = (),
) -> tuple[str, list[Any]]:
    """One statement: the counts of every filter, and the `limit` rows of filter `key` from
    `offset` (brought back to the last page's start when beyond it; `limit=None`: all of them).

    Each row carries the counts (`FILTERS`' order), the followed files' keys (tenant ids, ids:
    checked against folder rules by the caller, `closed` leaves them out), the page's start,
    then the item's twelve columns (NULL when the filter keeps nothing).
    """
    today = today or timezone.localdate()
    parts: list[sql.Composable] = []
    params: list[Any] = []
    for reach in reaches:
        for build in (_tasks_of, _checklists_of, _approvals_of):
            part, part_params = build(reach, user_id)
            parts.append(part)
            params += part_params
        if reach.membership is not None:  # not yet through a federated commune's stand-in
            part, part_params = _documents_of(reach, user_id)
            parts.append(part)
            params += part_params
        part, part_params = _meetings_of(reach, user_id, today)
        parts.append(part)
        params += part_params
    part, part_params = _mentions_of([reach.tenant.pk for reach in reaches], user_id)
    parts.append(part)
    params += part_params
    kept: sql.Composable = sql.SQL("TRUE")
    excluded = sorted(closed)
    if excluded:
        kept = sql.SQL(
            "NOT (work.kind = %s AND (work.tenant_id, work.object_id) IN"
            " (SELECT * FROM unnest(%s::bigint[], %s::bigint[])))"
        )
        params += [DOCUMENT, [t for t, _d in excluded], [d for _t, d in excluded]]
    counts: list[sql.Composable] = []
    for number, name in enumerate(FILTERS):
        condition, condition_params = _filter_condition(name, today)
        counts.append(
            sql.SQL("COUNT(*) FILTER (WHERE {c}) AS {n}").format(
                c=condition, n=sql.Identifier(f"c{number}")
            )
        )
        params += condition_params
    params += [DOCUMENT, DOCUMENT]
    if limit is None:
        start: sql.Composable = sql.SQL("0::bigint")
    else:
        start = sql.SQL("LEAST(%s::bigint, GREATEST(({n} - 1) / %s * %s, 0))").format(
            n=sql.Identifier(f"c{list(FILTERS).index(key) if key in FILTERS else 0}")
        )
        params += [offset, limit, limit]
    condition, condition_params = _filter_condition(key, today)
    params += condition_params
    params.append(limit)
    query = sql.SQL(
        "WITH work AS (SELECT * FROM ({parts}) AS work WHERE {kept}),"
        " counts AS (SELECT {counts},"
        " array_agg(work.tenant_id) FILTER (WHERE work.kind = %s) AS document_tenants,"
        " array_agg(work.object_id) FILTER (WHERE work.kind = %s) AS document_ids"
        " FROM work),"
        " bounds AS (SELECT {start} AS start FROM counts),"
        " page AS (SELECT * FROM work WHERE {condition} ORDER BY {order}"
        " LIMIT %s OFFSET (SELECT bounds.start FROM bounds))"
        " SELECT counts.*, bounds.start, page.*"
        " FROM counts CROSS JOIN bounds LEFT JOIN page ON TRUE"
        " ORDER BY {page_order}"
    ).format(
        parts=sql.SQL(" UNION ALL ").join(parts),
        kept=kept,
        counts=sql.SQL(", ").join(counts),
        start=start,
        condition=condition,
        order=sql.SQL(_ORDER),
        page_order=sql.SQL(_ORDER.replace("work.", "page.")),
    )
    connection.ensure_connection()
    return query.as_string(connection.connection), params


class _Paths:
    """Paths on a tenant's host, reversed once per call rather than once per item."""

    MARK = 987654321

    def __init__(self) -> None:
        urlconf = settings.ROOT_URLCONF
        self.task = reverse("tasks:detail", kwargs={"pk": self.MARK}, urlconf=urlconf)
        self.document = reverse("documents:file", kwargs={"pk": self.MARK}, urlconf=urlconf)
        self.checklist = reverse(
            "checklists:checklist_detail",
            kwargs={"space_id": self.MARK + 1, "pk": self.MARK},
            urlconf=urlconf,
        )
        self.meeting = reverse(
            "meetings:meeting_detail",
            kwargs={"space_id": self.MARK + 1, "pk": self.MARK},
            urlconf=urlconf,
        )

    def document_path(self, pk: int) -> str:
        return self.document.replace(str(self.MARK), str(pk))

    def task_path(self, pk: int) -> str:
        return self.task.replace(str(self.MARK), str(pk))

    def checklist_path(self, space_id: int, pk: int) -> str:
        return self.checklist.replace(str(self.MARK + 1), str(space_id)).replace(
            str(self.MARK), str(pk)
        )

    def meeting_path(self, space_id: int, pk: int) -> str:
        return self.meeting.replace(str(self.MARK + 1), str(space_id)).replace(
            str(self.MARK), str(pk)
        )


@dataclass(frozen=True)
class _Fetched:
    """What one statement brought back: a window of one filter's items, and every count."""

    start: int
    items: list[WorkItem]
    counts: dict[str, int]


def _open_reaches(user: User, reaches: Sequence[Reach] | None) -> list[Reach]:
    """The tenants reached whose pages can be opened (not suspended, not being provisioned)."""
    if reaches is None:
        reaches = reachable_tenants(user)
    return [reach for reach in reaches if reach.tenant.is_open]


def _fetch(
    user: User,
    reaches: list[Reach],
    today: datetime.date,
    *,
    key: str = "all",
    offset: int = 0,
    limit: int | None = None,
) -> _Fetched:
    """One statement (`_work_query`), and a second only when a followed file is now closed to
    the person by a folder rule: the files are checked in Python (`access_document`), then
    left out in SQL so that the counts and the pages stay right."""
    if not reaches:
        return _Fetched(start=0, items=[], counts=dict.fromkeys(FILTERS, 0))
    by_tenant = {reach.tenant.pk: reach for reach in reaches}
    closed: set[tuple[int, int]] = set()
    checked: set[tuple[int, int]] = set()
    while True:
        query, params = _work_query(
            reaches, user.pk, today, key=key, offset=offset, limit=limit, closed=closed
        )
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            rows = cursor.fetchall()
        head = rows[0]
        documents = set(zip(head[len(FILTERS)] or (), head[len(FILTERS) + 1] or (), strict=True))
        documents -= checked
        if not documents:
            break
        checked |= documents
        newly_closed = _closed_documents(documents, by_tenant)
        if not newly_closed:
            break
        closed |= newly_closed
    counts = dict(zip(FILTERS, head[: len(FILTERS)], strict=True))
    start = head[len(FILTERS) + 2]
    first = len(FILTERS) + 3
    items = _items([row[first:] for row in rows if row[first] is not None], by_tenant, today)
    return _Fetched(start=start, items=items, counts=counts)


def _items(
    rows: Iterable[Sequence[Any]], by_tenant: dict[int, Reach], today: datetime.date
) -> list[WorkItem]:
    """The `WorkItem`s of the rows a statement brought back, with their links."""
    bases = {pk: reach.tenant.url("") for pk, reach in by_tenant.items()}
    paths = _Paths()
    items = []
    for (
        kind,
        tenant_id,
        object_id,
        title,
        due,
        updated,
        status,
        space_id,
        space_name,
        url,
        done,
        total,
    ) in rows:
        reach = by_tenant[tenant_id]
        if kind == TASK:
            url = bases[tenant_id] + paths.task_path(object_id)
        elif kind == CHECKLIST:
            url = bases[tenant_id] + paths.checklist_path(space_id, object_id)
        elif kind == DOCUMENT:
            url = bases[tenant_id] + paths.document_path(object_id)
        elif kind in (MEETING, MINUTES):
            url = bases[tenant_id] + paths.meeting_path(space_id, object_id)
        else:
            url = url or bases[tenant_id] + "/"
        items.append(
            WorkItem(
                kind=kind,
                tenant=reach.tenant,
                via=reach.via if reach.membership is None else (),
                object_id=object_id,
                title=title,
                url=url,
                due_date=due,
                updated_at=updated,
                space_id=space_id,
                space_name=space_name,
                status=status,
                flag=flag_for(due, today),
                done=done,
                total=total,
            )
        )
    return items


def my_work(
    user: User, *, reaches: Sequence[Reach] | None = None, today: datetime.date | None = None
) -> list[WorkItem]:
    """Everything the person has to do, in every tenant they reach, sorted by date.

    Dated items first (overdue ones lead, then by due date), then the undated ones, most recently
    changed first. Tenants that are not open (suspended, being provisioned) are left out: their
    pages cannot be opened. The whole list: pages read `WorkList`, which fetches only theirs.
    """
    today = today or timezone.localdate()
    return _fetch(user, _open_reaches(user, reaches), today).items


def _page_hint(page: int | str | None, per_page: int) -> int:
    """The offset of the page Django's `Paginator` will most likely ask for (`page` as the
    request gave it): a number's, the last page's for "last" or a number below 1 (`get_page`
    answers those with the last page), the first page's for anything else."""
    if page is None or page == "":
        return 0
    if page == "last":
        return LAST_PAGE
    try:
        number = int(str(page))
    except ValueError:
        return 0
    if number < 1:
        return LAST_PAGE
    return min((number - 1) * per_page, LAST_PAGE)


class WorkList(Sequence[WorkItem]):
    """The items one filter keeps, for Django's `Paginator` (the page's, DRF's): its length,
    every filter's count (`counts`) and the page asked for come from one statement, which the
    first use runs; the other rows never leave PostgreSQL.

    `page` and `per_page` say which page to fetch with the counts: a slice outside it (another
    page than the one foreseen) costs a statement of its own, never a wrong answer.
    """

    def __init__(
        self,
        user: User,
        *,
        key: str = "all",
        page: int | str | None = None,
        per_page: int = 50,
        reaches: Sequence[Reach] | None = None,
        today: datetime.date | None = None,
    ) -> None:
        self.user = user
        self.key = key if key in FILTERS else "all"
        self.per_page = per_page
        self.offset = _page_hint(page, per_page)
        self.reaches = reaches
        self.today = today or timezone.localdate()
        self._open: list[Reach] | None = None
        self._fetched: _Fetched | None = None

    def _get(self, offset: int, limit: int) -> _Fetched:
        if self._open is None:
            self._open = _open_reaches(self.user, self.reaches)
        return _fetch(self.user, self._open, self.today, key=self.key, offset=offset, limit=limit)

    @property
    def fetched(self) -> _Fetched:
        if self._fetched is None:
            self._fetched = self._get(self.offset, self.per_page)
        return self._fetched

    @property
    def counts(self) -> dict[str, int]:
        """Every filter's count (`counts_by_filter` of the whole list)."""
        return self.fetched.counts

    def __len__(self) -> int:
        return self.fetched.counts[self.key]

    @overload
    def __getitem__(self, index: int) -> WorkItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[WorkItem]: ...

    def __getitem__(self, index: int | slice) -> WorkItem | list[WorkItem]:
        if isinstance(index, int):
            found = self[index : index + 1] if index >= 0 else self[len(self) + index :][:1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, step = index.indices(len(self))
        fetched = self.fetched
        end = fetched.start + len(fetched.items)
        if fetched.start <= start and (stop <= end or end >= len(self)):
            return fetched.items[start - fetched.start : stop - fetched.start : step]
        if stop <= start:
            return []
        return self._get(start, stop - start).items[::step]

    def __iter__(self) -> Iterator[WorkItem]:
        return iter(self[:])


def work_page(
    user: User,
    *,
    key: str = "all",
    page: int | str | None = None,
    per_page: int = 50,
    reaches: Sequence[Reach] | None = None,
    today: datetime.date | None = None,
) -> tuple[Page[WorkItem], dict[str, int]]:
    """One page of filter `key` (as `Paginator.get_page` reads `page`) and every filter's count:
    one statement."""
    work = WorkList(user, key=key, page=page, per_page=per_page, reaches=reaches, today=today)
    return Paginator(work, per_page).get_page(page), work.counts


def filter_items(items: Iterable[WorkItem], key: str) -> list[WorkItem]:
    """The items one filter keeps: all, due this week, overdue, or unread mentions."""
    if key == THIS_WEEK:
        return [item for item in items if item.flag == THIS_WEEK]
    if key == OVERDUE:
        return [item for item in items if item.flag == OVERDUE]
    if key == "mentions":
        return [item for item in items if item.kind == MENTION]
    if key == "documents":
        return [item for item in items if item.kind == DOCUMENT]
    if key == MEETINGS:
        return [item for item in items if item.kind in (MEETING, MINUTES)]
    return list(items)


def counts_by_filter(items: Sequence[WorkItem]) -> dict[str, int]:
    return {key: len(filter_items(items, key)) for key in FILTERS}


@dataclass(frozen=True)
class SwitcherEntry:
    """One tenant of the header's switcher: how the person reaches it and its unread count."""

    reach: Reach
    unread: int

    @property
    def tenant(self) -> Tenant:
        return self.reach.tenant


def tenant_switcher(user: User, *, reaches: Sequence[Reach] | None = None) -> list[SwitcherEntry]:
    """Every tenant the person reaches, with its unread notifications: three queries in all.

    Two for the reaches (memberships, federation links) unless given, one for the unread counts.
    """
    if reaches is None:
        reaches = reachable_tenants(user)
    if not reaches:
        return []
    unread = unread_counts_by_tenant(user)
    return [SwitcherEntry(reach=reach, unread=unread.get(reach.tenant.pk, 0)) for reach in reaches]
