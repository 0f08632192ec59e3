"""The PostgreSQL backend: one public-schema table, the permission filter in the same statement.

A search is one SQL statement: the French full-text match (`entente_french`: unaccent, then the
French Snowball stemmer; the last word as a prefix) or a trigram match of the title (a typo),
AND the person's permission filter, one clause per tenant they reach, reading their space
memberships from that tenant's schema by subquery (as `entente.mywork.selectors` does: names
quoted by psycopg), ranked, counted (`count(*) OVER ()`), limited; excerpts (`ts_headline`)
are made for the returned page only. Costs: see benchmarks/search.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from psycopg import sql

from entente.spaces.models import SpaceMembership

from ..access import ADMIN, FEDERATED, GUEST, STAFF, TenantScope
from ..query import DATE, MARK_START, MARK_STOP, Hit, Results, SearchQuery
from ..registry import FEDERATION, PRIVATE, PUBLIC_PROJECT, Entry

TABLE = sql.Identifier("public", "search_searchentry")
CONFIG = "public.entente_french"
HEADLINE = (
    f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=30, MinWords=12, "
    'ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
)
TITLE_HEADLINE = f"StartSel={MARK_START}, StopSel={MARK_STOP}, HighlightAll=true"

_UPSERT = sql.SQL(
    "INSERT INTO {table} (tenant_id, kind, object_id, space_id, visibility, archived, scope,"
    " section, author_id, date, title, body, url, title_plain, document, indexed_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, lower(public.unaccent(%s)),"
    " setweight(to_tsvector({config}::regconfig, %s), 'A')"
    " || setweight(to_tsvector({config}::regconfig, %s), 'B'), now())"
    " ON CONFLICT (tenant_id, kind, object_id) DO UPDATE SET space_id = EXCLUDED.space_id,"
    " visibility = EXCLUDED.visibility, archived = EXCLUDED.archived, scope = EXCLUDED.scope,"
    " section = EXCLUDED.section, author_id = EXCLUDED.author_id, date = EXCLUDED.date,"
    " title = EXCLUDED.title, body = EXCLUDED.body, url = EXCLUDED.url,"
    " title_plain = EXCLUDED.title_plain, document = EXCLUDED.document,"
    " indexed_at = EXCLUDED.indexed_at"
).format(table=TABLE, config=sql.Literal(CONFIG))


def _as_string(query: sql.Composable) -> str:
    connection.ensure_connection()
    return query.as_string(connection.connection)


def tsquery_text(query: SearchQuery) -> str:
    """`'word1' & 'word2':*` for to_tsquery: words are \\w+ only, so quoting is enough."""
    words = [f"'{word}'" for word in query.words]
    if words and query.prefix:
        words[-1] += ":*"
    return " & ".join(words)


def _member_of(scope: TenantScope) -> sql.Composable:
    return sql.SQL("e.space_id IN (SELECT space_id FROM {sm} WHERE user_id = {user})").format(
        sm=sql.Identifier(scope.schema, SpaceMembership._meta.db_table),
        user=sql.Literal(scope.user_id),
    )


def scope_clause(scope: TenantScope) -> tuple[sql.Composable, list[Any]]:
    """What one tenant's entries the person may find (the twin of `spaces_for`, see access.py)."""
    tenant = sql.SQL("e.tenant_id = %s")
    params: list[Any] = [scope.tenant_id]
    if scope.mode == ADMIN:
        return tenant, params
    if scope.mode == STAFF:
        clause = sql.SQL("{t} AND (e.space_id IS NULL OR e.visibility <> %s OR {m})").format(
            t=tenant, m=_member_of(scope)
        )
        return clause, [*params, PRIVATE]
    if scope.mode == FEDERATED:
        clause = sql.SQL(
            "{t} AND e.visibility = %s AND {m}"
            " AND (cardinality(e.scope) = 0 OR e.scope && %s::integer[])"
        ).format(t=tenant, m=_member_of(scope))
        return clause, [*params, FEDERATION, list(scope.via_ids)]
    if scope.mode == GUEST:
        params.append(PUBLIC_PROJECT)
        spaces = []
        for space_id, sections in sorted(scope.guest_sections.items()):
            spaces.append(sql.SQL("(e.space_id = %s AND e.section = ANY(%s))"))
            params += [space_id, ["", *sorted(sections)]]
        clause = sql.SQL("{t} AND e.visibility = %s AND ({spaces})").format(
            t=tenant, spaces=sql.SQL(" OR ").join(spaces) if spaces else sql.SQL("FALSE")
        )
        return clause, params
    raise ValueError(scope.mode)


def permission_filter(scopes: Sequence[TenantScope]) -> tuple[sql.Composable, list[Any]]:
    if not scopes:
        return sql.SQL("FALSE"), []
    parts, params = [], []
    for scope in scopes:
        part, part_params = scope_clause(scope)
        parts.append(sql.SQL("({})").format(part))
        params += part_params
    return sql.SQL("NOT e.archived AND ({})").format(sql.SQL(" OR ").join(parts)), params


def _filters(query: SearchQuery) -> tuple[sql.Composable, list[Any]]:
    parts: list[sql.Composable] = []
    params: list[Any] = []
    if query.kinds:
        parts.append(sql.SQL("e.kind = ANY(%s)"))
        params.append(list(query.kinds))
    if query.tenant_ids:
        parts.append(sql.SQL("e.tenant_id = ANY(%s)"))
        params.append(list(query.tenant_ids))
    if query.space_id is not None:
        parts.append(sql.SQL("e.space_id = %s"))
        params.append(query.space_id)
    if query.author_id is not None:
        parts.append(sql.SQL("e.author_id = %s"))
        params.append(query.author_id)
    if query.date_from is not None:
        parts.append(sql.SQL("e.date >= %s"))
        params.append(query.date_from)
    if query.date_to is not None:
        parts.append(sql.SQL("e.date < (%s::date + 1)"))
        params.append(query.date_to)
    if not parts:
        return sql.SQL("TRUE"), []
    return sql.SQL(" AND ").join(parts), params


def _named(part: sql.Composable, prefix: str, values: list[Any]) -> sql.Composable:
    """Turn the positional placeholders of a clause into named ones (`%(allowed0)s`…), so that
    the statement can use its constants several times by name."""
    connection.ensure_connection()
    text = part.as_string(connection.connection)
    pieces = text.split("%s")
    if len(pieces) - 1 != len(values):
        raise ValueError("placeholders and values differ")
    named = pieces[0]
    for i, piece in enumerate(pieces[1:]):
        named += f"%({prefix}{i})s" + piece
    return sql.SQL(named)


def search_statement(
    scopes: Sequence[TenantScope] | None, query: SearchQuery
) -> tuple[sql.Composable, dict[str, Any]]:
    """The one statement of a search; `scopes=None` leaves the permission filter out (only the
    benchmark's unfiltered comparison does that)."""
    allowed: sql.Composable
    allowed_params: list[Any]
    if scopes is None:
        allowed, allowed_params = sql.SQL("NOT e.archived"), []
    else:
        allowed, allowed_params = permission_filter(scopes)
    filters, filter_params = _filters(query)
    order = (
        sql.SQL("e.date DESC, score DESC, e.id")
        if query.sort == DATE
        else sql.SQL("score DESC, e.date DESC, e.id")
    )
    # The query and the plain words are constants of the statement (not a CTE), so that the
    # planner estimates how many rows match and starts from the tenants' rows when the words
    # are common (EXPLAIN: see benchmarks/search.py).
    tsq = sql.SQL("to_tsquery({config}::regconfig, %(tsq)s)").format(config=sql.Literal(CONFIG))
    statement = sql.SQL(
        "WITH page AS (SELECT e.id,"
        " ts_rank_cd(e.document, {tsq}, 32) + 0.5 * word_similarity(%(plain)s, e.title_plain)"
        " AS score, count(*) OVER () AS total"
        " FROM {table} e"
        " WHERE (e.document @@ {tsq} OR %(plain)s <%% e.title_plain)"
        " AND ({allowed}) AND {filters}"
        " ORDER BY {order} LIMIT %(limit)s OFFSET %(offset)s)"
        " SELECT e.tenant_id, e.kind, e.object_id, e.title, e.url, e.date, e.space_id,"
        " e.author_id, ts_headline({config}::regconfig, e.title, {tsq}, %(title_headline)s),"
        " CASE WHEN e.body = '' THEN '' ELSE"
        " ts_headline({config}::regconfig, e.body, {tsq}, %(headline)s) END,"
        " page.score, page.total"
        " FROM page JOIN {table} e ON e.id = page.id"
        " ORDER BY {order}"
    ).format(
        config=sql.Literal(CONFIG),
        tsq=tsq,
        table=TABLE,
        allowed=_named(allowed, "allowed", allowed_params),
        filters=_named(filters, "filter", filter_params),
        order=order,
    )
    params: dict[str, Any] = {
        "tsq": tsquery_text(query),
        "plain": query.plain(),
        "limit": query.limit,
        "offset": query.offset,
        "title_headline": TITLE_HEADLINE,
        "headline": HEADLINE,
        **{f"allowed{i}": value for i, value in enumerate(allowed_params)},
        **{f"filter{i}": value for i, value in enumerate(filter_params)},
    }
    return statement, params


class PostgresBackend:
    def upsert(self, tenant_id: int, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        rows = []
        for entry in entries:
            body = entry.indexed_body()
            rows.append(
                (
                    tenant_id,
                    entry.kind,
                    entry.object_id,
                    entry.space_id,
                    entry.visibility,
                    entry.archived,
                    list(entry.scope),
                    entry.section,
                    entry.author_id,
                    entry.date,
                    entry.title,
                    body,
                    entry.url,
                    entry.title,
                    entry.title,
                    body,
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany(_as_string(_UPSERT), rows)

    def delete(self, tenant_id: int, kind: str, object_ids: Sequence[int]) -> None:
        if not object_ids:
            return
        statement = sql.SQL(
            "DELETE FROM {table} WHERE tenant_id = %s AND kind = %s AND object_id = ANY(%s)"
        ).format(table=TABLE)
        with connection.cursor() as cursor:
            cursor.execute(_as_string(statement), [tenant_id, kind, list(object_ids)])

    def delete_missing(
        self, tenant_id: int, kind: str, after_id: int, up_to: int | None, kept: Sequence[int]
    ) -> None:
        statement = sql.SQL(
            "DELETE FROM {table} WHERE tenant_id = %s AND kind = %s AND object_id > %s"
            " AND (%s::bigint IS NULL OR object_id <= %s) AND NOT (object_id = ANY(%s))"
        ).format(table=TABLE)
        with connection.cursor() as cursor:
            cursor.execute(
                _as_string(statement), [tenant_id, kind, after_id, up_to, up_to, list(kept)]
            )

    def update_space_facts(self, tenant_id: int, space_id: int, entry: Entry) -> None:
        statement = sql.SQL(
            "UPDATE {table} SET visibility = %s, archived = %s, scope = %s"
            " WHERE tenant_id = %s AND space_id = %s"
            " AND (visibility, archived, scope) IS DISTINCT FROM (%s, %s, %s::integer[])"
        ).format(table=TABLE)
        facts: list[Any] = [entry.visibility, entry.archived, list(entry.scope)]
        with connection.cursor() as cursor:
            cursor.execute(_as_string(statement), [*facts, tenant_id, space_id, *facts])

    def delete_tenant(self, tenant_id: int) -> None:
        statement = sql.SQL("DELETE FROM {table} WHERE tenant_id = %s").format(table=TABLE)
        with connection.cursor() as cursor:
            cursor.execute(_as_string(statement), [tenant_id])

    def search(self, scopes: Sequence[TenantScope] | None, query: SearchQuery) -> Results:
        if not query.words or (scopes is not None and not scopes):
            return Results()
        statement, params = search_statement(scopes, query)
        with connection.cursor() as cursor:
            cursor.execute(_as_string(statement), params)
            rows = cursor.fetchall()
        hits = [
            Hit(
                tenant_id=row[0],
                kind=row[1],
                object_id=row[2],
                title=row[3],
                url=row[4],
                date=row[5],
                space_id=row[6],
                author_id=row[7],
                title_marked=row[8] or row[3],
                excerpt_marked=row[9] or "",
                score=float(row[10]),
            )
            for row in rows
        ]
        return Results(hits=hits, total=int(rows[0][11]) if rows else 0)
