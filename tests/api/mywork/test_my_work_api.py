"""GET /api/v1/me/work/: the same items as the page, filtered, paginated, documented."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from entente.accounts.services import create_api_token, remove_member
from tenants.models import Tenant
from tests.entente.mywork.conftest import HIDDEN, VISIBLE, World

pytestmark = pytest.mark.django_db
URL = "/api/v1/me/work/"


def _all(client: Client, query: str = "") -> list[dict[str, Any]]:
    results: list[dict[str, Any]] = []
    url: str | None = f"{URL}?page_size=3{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        body = response.json()
        results += body["results"]
        url = body["next"]
    return results


def test_lists_every_item_with_its_tenant_across_pages(
    world: World,
    tenant_a: Tenant,
    tenant_b: Tenant,
    tenant_epci: Tenant,
    client_for: Callable[..., Client],
) -> None:
    client = client_for(tenant_a, world.anne)
    first = client.get(f"{URL}?page_size=3").json()
    results = _all(client)

    assert first["count"] == len(VISIBLE)
    assert len(first["results"]) == 3
    assert {item["title"] for item in results} == VISIBLE
    assert not {item["title"] for item in results} & HIDDEN
    by_title = {item["title"]: item for item in results}
    task = by_title["Paulx cette semaine"]
    assert task["kind"] == "task"
    assert task["tenant"] == {
        "id": tenant_b.pk,
        "name": "Paulx",
        "slug": tenant_b.slug,
        "url": tenant_b.url(),
    }
    assert task["flag"] == "week"
    assert task["status"] == "todo"
    assert task["url"] == tenant_b.url(f"/taches/{world.ids['Paulx cette semaine']}/")
    assert by_title["EPCI tourisme"]["via"] == ["Legé"]
    assert by_title["EPCI tourisme"]["tenant"]["id"] == tenant_epci.pk
    assert by_title["Conseil municipal"]["progress"] == {"done": 1, "total": 2}
    assert by_title["Mention Paulx"]["kind"] == "mention"
    assert [item["title"] for item in results][:2] == ["Lege en retard", "Paulx cette semaine"]


def test_each_page_and_its_count_come_from_one_statement(
    world: World, tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a, world.anne)
    whole = [item["title"] for item in _all(client)]
    for query, titles in [
        ("page_size=4", whole[:4]),
        ("page_size=4&page=2", whole[4:8]),
        ("page_size=4&page=3", whole[8:]),
    ]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        body = response.json()
        work = [q["sql"] for q in captured.captured_queries if "UNION ALL" in q["sql"]]
        assert len(work) == 1
        assert [item["title"] for item in body["results"]] == titles
        assert body["count"] == len(VISIBLE)
    assert client.get(f"{URL}?page=4&page_size=4").status_code == 404


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("overdue", ["Lege en retard"]),
        ("week", ["Paulx cette semaine"]),
        ("mentions", ["Mention Paulx"]),
    ],
)
def test_filters(
    key: str, expected: list[str], world: World, tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    results = _all(client_for(tenant_a, world.anne), f"&filter={key}")

    assert [item["title"] for item in results] == expected


def test_an_unknown_filter_is_a_400(
    world: World, tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a, world.anne).get(f"{URL}?filter=demain")

    assert response.status_code == 400
    assert "filter" in response.json()["errors"]


def test_a_personal_token_works_and_a_removed_membership_leaves_no_trace(
    world: World, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    token = create_api_token(world.anne, name="Script").raw
    client = Client(HTTP_HOST=tenant_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(URL).json()["count"] == len(VISIBLE)

    remove_member(tenant_b, world.anne)
    results = _all(client)

    assert results
    assert not [item for item in results if item["tenant"]["id"] == tenant_b.pk]


def test_anonymous_gets_401(tenant_a: Tenant) -> None:
    response = Client(HTTP_HOST=tenant_a.primary_host).get(URL)

    assert response.status_code == 401


def test_a_person_who_does_not_reach_the_host_gets_403(
    world: World, tenant_b: Tenant, make_user: Callable[..., Any], client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_b, make_user()).get(URL)

    assert response.status_code == 403


def test_documented_in_the_openapi_schema(
    world: World, tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a, world.anne).get(
        "/api/v1/schema/", HTTP_ACCEPT="application/json"
    )
    schema = response.json()

    operation = schema["paths"]["/api/v1/me/work/"]["get"]
    assert operation["operationId"] == "me_work_list"
    assert {p["name"] for p in operation["parameters"]} >= {"filter", "page", "page_size"}
    item = schema["components"]["schemas"]["WorkItem"]
    assert {"kind", "tenant", "via", "title", "url", "due_date", "flag"} <= set(item["properties"])


def test_federated_staff_call_it_on_the_epci_host(
    world: World, tenant_epci: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_epci, world.anne).get(URL)

    assert response.status_code == 200
    assert {item["title"] for item in _all(client_for(tenant_epci, world.anne))} == VISIBLE
