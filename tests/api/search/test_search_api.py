"""GET /api/v1/search/: results, filters, pagination, JSON errors, and its OpenAPI entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.search.services import reindex_tenant
from entente.spaces.models import Visibility
from entente.spaces.services import create_space
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.support.acting import seeding

pytestmark = pytest.mark.django_db
URL = "/api/v1/search/"


@pytest.fixture(autouse=True)
def _postgres_backend(settings: Any) -> None:
    settings.OPENSEARCH_URL = ""


@pytest.fixture
def agent(tenant_a: Tenant, make_user: Callable[..., User]) -> User:
    person = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Yann Bouyer")
    with tenant_context(tenant_a):
        space = create_space(seeding(person), name="Voirie", visibility=Visibility.TENANT)
        for number in range(1, 6):
            create_task(
                seeding(person),
                space=space,
                title=f"Réunion de chantier n°{number}",
                description="<p>Avec l'entreprise <b>Durand</b> & fils</p>",
            )
    reindex_tenant(tenant_a)
    return person


def test_lists_matches_with_excerpts_and_absolute_urls(
    tenant_a: Tenant, agent: User, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a, agent).get(URL, {"q": "entreprise", "kind": "task"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 5
    first = body["results"][0]
    assert first["kind"] == "task"
    assert first["kind_label"] == "Tâche"
    assert first["tenant"]["slug"] == tenant_a.slug
    assert first["url"].startswith(tenant_a.url("/taches/"))
    assert "<mark>entreprise</mark>" in first["excerpt_html"]
    assert "&amp;" in first["excerpt_html"]  # the rest is escaped
    assert "entreprise Durand & fils" in first["excerpt"]


def test_paginates_with_a_count_of_all_matches(
    tenant_a: Tenant, agent: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a, agent)
    first = client.get(URL, {"q": "réunion", "kind": "task", "page_size": "2"}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["next"]
    last = client.get(URL, {"q": "réunion", "kind": "task", "page_size": "2", "page": "3"}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    titles = {r["title"] for page in (first, last) for r in page["results"]}
    assert len(titles) == 3


def test_sorts_by_date_and_filters_by_tenant(
    tenant_a: Tenant, tenant_b: Tenant, agent: User, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a, agent)
    by_date = client.get(URL, {"q": "réunion", "kind": "task", "sort": "date"}).json()
    dates = [r["date"] for r in by_date["results"]]
    assert dates == sorted(dates, reverse=True)
    assert client.get(URL, {"q": "réunion", "tenant": tenant_a.slug}).json()["count"] >= 5
    # A tenant the person does not reach gives nothing, not an error that would tell it exists.
    assert client.get(URL, {"q": "réunion", "tenant": tenant_b.slug}).json()["count"] == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "x" * 201},
        {"q": "réunion", "kind": "licorne"},
        {"q": "réunion", "date_from": "hier"},
        {"q": "réunion", "date_to": ""},  # found by the fuzzer: read as absent before
        {"q": "réunion", "sort": "hasard"},
        {"q": "réunion", "space": "-1"},
    ],
)
def test_bad_parameters_are_a_json_400(
    tenant_a: Tenant, agent: User, client_for: Callable[..., Client], params: dict[str, str]
) -> None:
    response = client_for(tenant_a, agent).get(URL, params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("text", ["&|!:*()'", "\\", "«»", "' OR 1=1 --"])
def test_operators_and_quotes_are_only_text(
    tenant_a: Tenant, agent: User, client_for: Callable[..., Client], text: str
) -> None:
    """No character reaches to_tsquery as syntax: symbols alone find nothing, SQL is text."""
    response = client_for(tenant_a, agent).get(URL, {"q": text})
    assert response.status_code == 200
    titles = {r["title"] for r in response.json()["results"]}
    assert titles <= {"Réunion de chantier n°1"}  # "1" is a word of that title, nothing else


def test_documented_in_the_openapi_schema(
    tenant_a: Tenant, agent: User, client_for: Callable[..., Client]
) -> None:
    schema = (
        client_for(tenant_a, agent).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    )
    operation = schema["paths"][URL]["get"]
    assert operation["operationId"] == "search_list"
    names = {p["name"] for p in operation["parameters"]}
    assert {"q", "kind", "tenant", "space", "author", "date_from", "date_to", "sort"} <= names
    assert {"page", "page_size"} <= names
    result = schema["components"]["schemas"]["SearchResult"]
    assert {"kind", "tenant", "title", "excerpt_html", "url", "date"} <= set(result["properties"])
