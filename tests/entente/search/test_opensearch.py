"""The OpenSearch backend, checked on the requests it sends (OpenSearch cannot run here).

A fake transport records every request (method, path, parameters, body) and answers like a
server would. `test_against_a_real_server` runs the same writes and a permission-filtered
search against a real cluster whenever `OPENSEARCH_URL` is set.
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from opensearchpy import OpenSearch, Transport

from entente.accounts.models import Role, User
from entente.search.access import scopes_for
from entente.search.backends.opensearch import INDEX_BODY, OpenSearchBackend
from entente.search.query import SearchQuery
from entente.search.registry import Entry
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


class FakeTransport(Transport):
    """Records requests; answers from `answers[(method, first path segment's action)]`."""

    sent: list[dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent = []
        self.aliases: dict[str, list[str]] = {}
        self.hits: list[dict[str, Any]] = []

    def perform_request(
        self,
        method: str,
        url: str,
        params: Any = None,
        body: Any = None,
        timeout: Any = None,
        ignore: Any = (),
        headers: Any = None,
    ) -> Any:
        if isinstance(body, bytes):
            body = body.decode()
        elif isinstance(body, dict | list):  # serialised by the connection, past this point
            body = json.dumps(body, ensure_ascii=False)
        values = {
            key: value.decode() if isinstance(value, bytes) else value
            for key, value in dict(params or {}).items()
        }
        self.sent.append({"method": method, "url": url, "params": values, "body": body})
        if method == "HEAD":
            return bool(self.aliases)
        if url.endswith("/_bulk") or url == "/_bulk":
            return {"errors": False, "items": []}
        if url.endswith("/_search"):
            return {"hits": {"total": {"value": len(self.hits)}, "hits": self.hits}}
        if url.startswith("/_alias/") and method == "GET":
            return {index: {"aliases": {}} for index in self.aliases.get("entente-search", [])}
        return {"acknowledged": True}

    def bodies(self, suffix: str) -> list[Any]:
        return [r["body"] for r in self.sent if r["url"].endswith(suffix)]


@pytest.fixture
def fake() -> tuple[OpenSearchBackend, FakeTransport]:
    client = OpenSearch(hosts=["http://opensearch.invalid:9200"], transport_class=FakeTransport)
    transport: FakeTransport = client.transport  # type: ignore[assignment]
    transport.aliases["entente-search"] = ["entente-search-1"]
    return OpenSearchBackend(client), transport


def _entry(**fields: Any) -> Entry:
    values: dict[str, Any] = {
        "kind": "task",
        "object_id": 7,
        "title": "Réunion de chantier",
        "url": "/taches/7/",
        "date": datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC),
        "body": "Voirie de l'école",
        "space_id": 3,
        "visibility": Visibility.TENANT.value,
        "section": "tasks",
    }
    values.update(fields)
    return Entry(**values)


def test_the_index_has_a_french_analyser_and_requires_routing() -> None:
    analysis = INDEX_BODY["settings"]["analysis"]
    filters = analysis["analyzer"]["entente_french"]["filter"]
    assert filters[0] == "french_elision"
    assert {"asciifolding", "lowercase", "french_stemmer"} <= set(filters)
    assert "l" in analysis["filter"]["french_elision"]["articles"]
    assert analysis["filter"]["french_stemmer"]["language"] == "light_french"
    assert INDEX_BODY["mappings"]["_routing"] == {"required": True}
    assert INDEX_BODY["mappings"]["properties"]["title"]["analyzer"] == "entente_french"


def test_bulk_indexing_routes_by_tenant_with_one_id_per_object(
    fake: tuple[OpenSearchBackend, FakeTransport],
) -> None:
    backend, transport = fake
    backend.upsert(42, [_entry(), _entry(object_id=8, title="Autre")])
    (body,) = transport.bodies("/_bulk")
    lines = [json.loads(line) for line in body.strip().splitlines()]
    assert lines[0] == {"index": {"_index": "entente-search", "_id": "42:task:7", "routing": "42"}}
    assert lines[1]["tenant_id"] == 42
    assert lines[1]["title"] == "Réunion de chantier"
    assert lines[1]["visibility"] == "tenant"
    assert lines[2]["index"]["_id"] == "42:task:8"
    assert len(lines) == 4


def test_a_first_write_makes_the_index_behind_the_alias() -> None:
    client = OpenSearch(hosts=["http://opensearch.invalid:9200"], transport_class=FakeTransport)
    transport: FakeTransport = client.transport  # type: ignore[assignment]
    OpenSearchBackend(client).upsert(1, [_entry()])
    methods = [(r["method"], r["url"].split("/")[1]) for r in transport.sent]
    assert methods[0] == ("HEAD", "_alias")
    created = next(r for r in transport.sent if r["method"] == "PUT")
    assert created["url"].startswith("/entente-search-")
    assert json.loads(created["body"])["settings"]["analysis"]
    swap = json.loads(transport.bodies("/_aliases")[0])
    assert swap["actions"][-1]["add"]["alias"] == "entente-search"


def test_a_rebuild_swaps_the_alias_atomically(
    fake: tuple[OpenSearchBackend, FakeTransport],
) -> None:
    backend, transport = fake
    backend.swap_alias("entente-search-2")
    (body,) = transport.bodies("/_aliases")
    assert json.loads(body)["actions"] == [
        {"remove": {"index": "entente-search-1", "alias": "entente-search"}},
        {"add": {"index": "entente-search-2", "alias": "entente-search"}},
    ]


def test_deletes_and_space_facts_stay_in_the_tenant(
    fake: tuple[OpenSearchBackend, FakeTransport],
) -> None:
    backend, transport = fake
    backend.delete(5, "task", [1])
    backend.update_space_facts(5, 3, _entry(visibility="private", archived=True))
    backend.delete_missing(5, "task", 10, 20, [11, 12])
    bulk = [json.loads(line) for line in transport.bodies("/_bulk")[0].splitlines()]
    assert bulk == [{"delete": {"_index": "entente-search", "_id": "5:task:1", "routing": "5"}}]
    update = next(r for r in transport.sent if r["url"].endswith("/_update_by_query"))
    assert update["params"]["routing"] == "5"
    script = json.loads(update["body"])["script"]
    assert script["params"] == {"visibility": "private", "archived": True, "scope": []}
    purge = next(r for r in transport.sent if r["url"].endswith("/_delete_by_query"))
    query = json.loads(purge["body"])["query"]["bool"]
    assert {"term": {"tenant_id": 5}} in query["filter"]
    assert {"range": {"object_id": {"gt": 10, "lte": 20}}} in query["filter"]
    assert query["must_not"] == [{"terms": {"object_id": [11, 12]}}]


def test_the_query_carries_the_permission_filter_and_routing(
    fake: tuple[OpenSearchBackend, FakeTransport],
    tenant_a: Tenant,
    tenant_b: Tenant,
    make_user: Callable[..., User],
) -> None:
    """An agent of Legé in one private space: Legé only, its private spaces only if theirs."""
    backend, transport = fake
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    make_user(tenant=tenant_b, role=Role.ADMIN)
    with tenant_context(tenant_a):
        space = Space.objects.create(name="Privé", visibility=Visibility.PRIVATE)
        SpaceMembership.objects.create(space=space, user=agent, role=SpaceRole.READER)
    transport.hits = [
        {
            "_score": 2.0,
            "_source": {
                "tenant_id": tenant_a.pk,
                "kind": "task",
                "object_id": 7,
                "title": "Réunion",
                "url": "/taches/7/",
                "date": "2026-03-02T09:00:00+00:00",
                "space_id": space.pk,
            },
            "highlight": {"body": ["\ue000réunion\ue001 de chantier"]},
        }
    ]
    results = backend.search(scopes_for(agent), SearchQuery(text="l'école réunions"))
    request = next(r for r in transport.sent if r["url"].endswith("/_search"))
    assert request["params"]["routing"] == str(tenant_a.pk)
    body = json.loads(request["body"])
    allowed = body["query"]["bool"]["filter"][1]["bool"]["should"]
    assert len(allowed) == 1
    staff = allowed[0]["bool"]
    assert staff["filter"] == [{"term": {"tenant_id": tenant_a.pk}}]
    assert {"bool": {"must_not": [{"term": {"visibility": "private"}}]}} in staff["should"]
    assert {"terms": {"space_id": [space.pk]}} in staff["should"]
    assert {"term": {"archived": False}} in body["query"]["bool"]["filter"]
    assert str(tenant_b.pk) not in request["params"]["routing"].split(",")
    assert "école réunions" in json.dumps(body, ensure_ascii=False)  # the elided article dropped
    assert results.total == 1
    assert str(results.hits[0].excerpt_html) == "<mark>réunion</mark> de chantier"


def test_a_guests_filter_names_their_project_and_open_sections(
    fake: tuple[OpenSearchBackend, FakeTransport],
    tenant_a: Tenant,
    make_user: Callable[..., User],
) -> None:
    backend, transport = fake
    citizen = make_user(tenant=tenant_a, role=Role.GUEST)
    with tenant_context(tenant_a):
        project = Space.objects.create(name="Projet", visibility=Visibility.PUBLIC_PROJECT)
        SpaceMembership.objects.create(space=project, user=citizen, role=SpaceRole.COMMENTER)
    backend.search(scopes_for(citizen), SearchQuery(text="parc", kinds=("discussion",)))
    body = json.loads(transport.bodies("/_search")[0])
    (guest,) = body["query"]["bool"]["filter"][1]["bool"]["should"]
    assert {"term": {"visibility": "public_project"}} in guest["bool"]["filter"]
    assert guest["bool"]["should"] == [
        {
            "bool": {
                "filter": [
                    {"term": {"space_id": project.pk}},
                    {"terms": {"section": ["", "discussions", "members"]}},
                ]
            }
        }
    ]
    assert {"terms": {"kind": ["discussion"]}} in body["query"]["bool"]["filter"]


def test_nobody_reached_sends_no_request(fake: tuple[OpenSearchBackend, FakeTransport]) -> None:
    backend, transport = fake
    assert backend.search([], SearchQuery(text="réunion")).total == 0
    assert transport.sent == []


@pytest.mark.skipif(
    not os.environ.get("OPENSEARCH_URL"),
    reason="needs a real OpenSearch server: set OPENSEARCH_URL (e.g. http://127.0.0.1:9200)",
)
def test_against_a_real_server(tenant_a: Tenant, make_user: Callable[..., User]) -> None:
    """Writes, then a filtered search: the staff's private-space canary stays hidden."""
    url = os.environ["OPENSEARCH_URL"]
    alias = f"entente-test-{uuid.uuid4().hex[:8]}"
    backend = OpenSearchBackend.from_url(url.rstrip("/") + "/" + alias)
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    canary = f"canari{uuid.uuid4().hex[:8]}"
    now = timezone.now()
    try:
        backend.upsert(
            tenant_a.pk,
            [
                _entry(object_id=1, title="Réunions de l'école", date=now),
                _entry(object_id=2, title=canary, visibility="private", space_id=999, date=now),
            ],
        )
        scopes = scopes_for(agent)
        found = backend.search(scopes, SearchQuery(text="ecole reunion"))
        assert [hit.object_id for hit in found.hits] == [1]
        assert backend.search(scopes, SearchQuery(text=canary)).total == 0
    finally:
        for index in backend.client.indices.get_alias(name=alias):
            backend.client.indices.delete(index=index)
