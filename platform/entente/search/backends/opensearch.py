"""The OpenSearch backend (opensearch-py), for deployments past what one PostgreSQL serves.

One shared index for every tenant, never an index per tenant (36,224 of them would exceed any
cluster's shard limits): the tenant id is the routing key, so one tenant's entries live on one
shard and a person's search reaches only the shards of the tenants they reach. Writers and
readers use the alias `<prefix>` (default "entente-search"); a rebuild writes a new index
(`<prefix>-<timestamp>`) and swaps the alias in one atomic call (`swap_alias`), so searches
never see a half-built index.

The permission filter is in the query's `filter` clause, built from the same `TenantScope`s as
the PostgreSQL backend's SQL: space memberships are listed beforehand
(`access.member_space_ids`, one SQL statement). The French analyser: elision (l', d', qu'…),
lowercase, asciifolding (accents), French stop words and light stemmer; a trigram-free typo
tolerance comes from `fuzziness: AUTO` on titles; the last word matches as a prefix
(`match_bool_prefix`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from opensearchpy import OpenSearch

from ..access import ADMIN, FEDERATED, GUEST, STAFF, TenantScope, member_space_ids
from ..query import DATE, MARK_START, MARK_STOP, Hit, Results, SearchQuery
from ..registry import FEDERATION, PRIVATE, PUBLIC_PROJECT, Entry

ALIAS = "entente-search"

INDEX_BODY: dict[str, Any] = {
    "settings": {
        "number_of_shards": 6,
        "analysis": {
            "filter": {
                "french_elision": {
                    "type": "elision",
                    "articles_case": True,
                    "articles": [
                        "l",
                        "m",
                        "t",
                        "qu",
                        "n",
                        "s",
                        "j",
                        "d",
                        "c",
                        "jusqu",
                        "quoiqu",
                        "lorsqu",
                        "puisqu",
                    ],
                },
                "french_stop": {"type": "stop", "stopwords": "_french_"},
                "french_stemmer": {"type": "stemmer", "language": "light_french"},
            },
            "analyzer": {
                "entente_french": {
                    "tokenizer": "standard",
                    "filter": [
                        "french_elision",
                        "lowercase",
                        "asciifolding",
                        "french_stop",
                        "french_stemmer",
                    ],
                }
            },
        },
    },
    "mappings": {
        "dynamic": "strict",
        "_routing": {"required": True},
        "properties": {
            "tenant_id": {"type": "long"},
            "kind": {"type": "keyword"},
            "object_id": {"type": "long"},
            "space_id": {"type": "long"},
            "visibility": {"type": "keyword"},
            "archived": {"type": "boolean"},
            "scope": {"type": "integer"},
            "section": {"type": "keyword"},
            "author_id": {"type": "long"},
            "date": {"type": "date"},
            "title": {"type": "text", "analyzer": "entente_french"},
            "body": {"type": "text", "analyzer": "entente_french"},
            "url": {"type": "keyword", "index": False},
        },
    },
}


def document_id(tenant_id: int, kind: str, object_id: int) -> str:
    return f"{tenant_id}:{kind}:{object_id}"


def document(tenant_id: int, entry: Entry) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "kind": entry.kind,
        "object_id": entry.object_id,
        "space_id": entry.space_id,
        "visibility": entry.visibility,
        "archived": entry.archived,
        "scope": list(entry.scope),
        "section": entry.section,
        "author_id": entry.author_id,
        "date": entry.date.isoformat(),
        "title": entry.title,
        "body": entry.indexed_body(),
        "url": entry.url,
    }


def _in_tenant(tenant_id: int) -> dict[str, Any]:
    return {"term": {"tenant_id": tenant_id}}


def scope_filter(scope: TenantScope, members: dict[int, list[int]]) -> dict[str, Any]:
    """One tenant's entries the person may find: the twin of `postgres.scope_clause`."""
    tenant = _in_tenant(scope.tenant_id)
    mine = {"terms": {"space_id": members.get(scope.tenant_id, [])}}
    if scope.mode == ADMIN:
        return tenant
    if scope.mode == STAFF:
        return {
            "bool": {
                "filter": [tenant],
                "should": [
                    {"bool": {"must_not": [{"exists": {"field": "space_id"}}]}},
                    {"bool": {"must_not": [{"term": {"visibility": PRIVATE}}]}},
                    mine,
                ],
                "minimum_should_match": 1,
            }
        }
    if scope.mode == FEDERATED:
        return {
            "bool": {
                "filter": [tenant, {"term": {"visibility": FEDERATION}}, mine],
                "should": [
                    {"bool": {"must_not": [{"exists": {"field": "scope"}}]}},
                    {"terms": {"scope": list(scope.via_ids)}},
                ],
                "minimum_should_match": 1,
            }
        }
    if scope.mode == GUEST:
        spaces = [
            {
                "bool": {
                    "filter": [
                        {"term": {"space_id": space_id}},
                        {"terms": {"section": ["", *sorted(sections)]}},
                    ]
                }
            }
            for space_id, sections in sorted(scope.guest_sections.items())
        ]
        return {
            "bool": {
                "filter": [tenant, {"term": {"visibility": PUBLIC_PROJECT}}],
                "should": spaces,
                "minimum_should_match": 1,
            }
        }
    raise ValueError(scope.mode)


def search_body(
    scopes: Sequence[TenantScope], query: SearchQuery, members: dict[int, list[int]]
) -> dict[str, Any]:
    text = " ".join(query.words)
    match = (
        {"match_bool_prefix": {"title": {"query": text}}}
        if query.prefix
        else {"match": {"title": {"query": text, "operator": "and"}}}
    )
    filters: list[dict[str, Any]] = [
        {"term": {"archived": False}},
        {
            "bool": {
                "should": [scope_filter(scope, members) for scope in scopes],
                "minimum_should_match": 1,
            }
        },
    ]
    if query.kinds:
        filters.append({"terms": {"kind": list(query.kinds)}})
    if query.tenant_ids:
        filters.append({"terms": {"tenant_id": list(query.tenant_ids)}})
    if query.space_id is not None:
        filters.append({"term": {"space_id": query.space_id}})
    if query.author_id is not None:
        filters.append({"term": {"author_id": query.author_id}})
    dates: dict[str, str] = {}
    if query.date_from is not None:
        dates["gte"] = query.date_from.isoformat()
    if query.date_to is not None:
        dates["lt"] = (query.date_to + datetime.timedelta(days=1)).isoformat()
    if dates:
        filters.append({"range": {"date": dates}})
    sort: list[Any] = (
        [{"date": "desc"}, "_score"] if query.sort == DATE else ["_score", {"date": "desc"}]
    )
    return {
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "query": {
            "bool": {
                "should": [
                    {
                        "multi_match": {
                            "query": text,
                            "fields": ["title^3", "body"],
                            "operator": "and",
                        }
                    },
                    {"match": {"title": {"query": text, "fuzziness": "AUTO", "operator": "and"}}},
                    match,
                ],
                "minimum_should_match": 1,
                "filter": filters,
            }
        },
        "sort": sort,
        "highlight": {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_STOP],
            "fields": {
                "title": {"number_of_fragments": 0},
                "body": {"fragment_size": 160, "number_of_fragments": 2},
            },
        },
    }


class OpenSearchBackend:
    def __init__(self, client: OpenSearch, *, alias: str = ALIAS, ensure: bool = True) -> None:
        self.client = client
        self.alias = alias  # the alias, or a new index's own name while a rebuild fills it
        self._ensured = not ensure

    def for_index(self, name: str) -> OpenSearchBackend:
        """The same cluster, writing to the physical index `name` (a rebuild in progress)."""
        return OpenSearchBackend(self.client, alias=name, ensure=False)

    @classmethod
    def from_url(cls, url: str) -> OpenSearchBackend:
        parts = urlsplit(url)
        alias = parts.path.strip("/") or ALIAS
        base = f"{parts.scheme}://{parts.netloc}"
        return cls(OpenSearch(hosts=[base], timeout=10, max_retries=2), alias=alias)

    # -- the index and its alias ------------------------------------------------------------
    def create_index(self, name: str | None = None) -> str:
        """Make a new physical index (not yet behind the alias); returns its name."""
        name = name or f"{self.alias}-{datetime.datetime.now(datetime.UTC):%Y%m%d%H%M%S}"
        self.client.indices.create(index=name, body=INDEX_BODY)
        return name

    def ensure_index(self) -> None:
        """The alias exists (a first index made behind it if none)."""
        if not self.client.indices.exists_alias(name=self.alias):
            self.swap_alias(self.create_index())

    def swap_alias(self, new_index: str) -> None:
        """Point the alias at `new_index` in one atomic call (zero-downtime rebuild)."""
        actions: list[dict[str, Any]] = []
        if self.client.indices.exists_alias(name=self.alias):
            for old in self.client.indices.get_alias(name=self.alias):
                actions.append({"remove": {"index": old, "alias": self.alias}})
        actions.append({"add": {"index": new_index, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})

    # -- writes -----------------------------------------------------------------------------
    def upsert(self, tenant_id: int, entries: Sequence[Entry]) -> None:
        if not entries:
            return
        lines: list[dict[str, Any]] = []
        for entry in entries:
            lines.append(
                {
                    "index": {
                        "_index": self.alias,
                        "_id": document_id(tenant_id, entry.kind, entry.object_id),
                        "routing": str(tenant_id),
                    }
                }
            )
            lines.append(document(tenant_id, entry))
        self._bulk(lines)

    def delete(self, tenant_id: int, kind: str, object_ids: Sequence[int]) -> None:
        if not object_ids:
            return
        self._bulk(
            [
                {
                    "delete": {
                        "_index": self.alias,
                        "_id": document_id(tenant_id, kind, object_id),
                        "routing": str(tenant_id),
                    }
                }
                for object_id in object_ids
            ]
        )

    def delete_missing(
        self, tenant_id: int, kind: str, after_id: int, up_to: int | None, kept: Sequence[int]
    ) -> None:
        bounds: dict[str, int] = {"gt": after_id}
        if up_to is not None:
            bounds["lte"] = up_to
        query = {
            "bool": {
                "filter": [
                    _in_tenant(tenant_id),
                    {"term": {"kind": kind}},
                    {"range": {"object_id": bounds}},
                ],
                "must_not": [{"terms": {"object_id": list(kept)}}],
            }
        }
        self.client.delete_by_query(
            index=self.alias, body={"query": query}, routing=str(tenant_id), refresh=True
        )

    def update_space_facts(self, tenant_id: int, space_id: int, entry: Entry) -> None:
        self.client.update_by_query(
            index=self.alias,
            routing=str(tenant_id),
            refresh=True,
            body={
                "query": {
                    "bool": {"filter": [_in_tenant(tenant_id), {"term": {"space_id": space_id}}]}
                },
                "script": {
                    "lang": "painless",
                    "source": "ctx._source.visibility = params.visibility;"
                    " ctx._source.archived = params.archived; ctx._source.scope = params.scope;",
                    "params": {
                        "visibility": entry.visibility,
                        "archived": entry.archived,
                        "scope": list(entry.scope),
                    },
                },
            },
        )

    def delete_tenant(self, tenant_id: int) -> None:
        self.client.delete_by_query(
            index=self.alias,
            routing=str(tenant_id),
            body={"query": _in_tenant(tenant_id)},
            refresh=True,
        )

    def _bulk(self, lines: list[dict[str, Any]]) -> None:
        if not self._ensured:  # never let a first write create an index without our mapping
            self.ensure_index()
            self._ensured = True
        answer = self.client.bulk(body=lines, refresh="wait_for")
        if answer.get("errors"):
            failed = [
                item
                for item in answer.get("items", [])
                for action in item.values()
                if action.get("status", 200) >= 300 and action.get("status") != 404
            ]
            if failed:
                raise RuntimeError(f"OpenSearch refused {len(failed)} bulk actions: {failed[:3]}")

    # -- search -----------------------------------------------------------------------------
    def search(self, scopes: Sequence[TenantScope], query: SearchQuery) -> Results:
        if not query.words or not scopes:
            return Results()
        members = member_space_ids(scopes)
        answer = self.client.search(
            index=self.alias,
            body=search_body(scopes, query, members),
            routing=",".join(str(scope.tenant_id) for scope in scopes),
        )
        hits = []
        for raw in answer["hits"]["hits"]:
            source = raw["_source"]
            marks = raw.get("highlight", {})
            hits.append(
                Hit(
                    tenant_id=int(source["tenant_id"]),
                    kind=source["kind"],
                    object_id=int(source["object_id"]),
                    title=source["title"],
                    url=source["url"],
                    date=datetime.datetime.fromisoformat(source["date"]),
                    space_id=source.get("space_id"),
                    author_id=source.get("author_id"),
                    title_marked=(marks.get("title") or [source["title"]])[0],
                    excerpt_marked=" … ".join(marks.get("body") or []),
                    score=float(raw.get("_score") or 0.0),
                )
            )
        total = answer["hits"]["total"]
        return Results(hits=hits, total=int(total["value"] if isinstance(total, dict) else total))
