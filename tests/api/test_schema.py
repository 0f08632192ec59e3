"""The OpenAPI schema and its documentation page, served without any CDN."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_schema_describes_the_space_endpoints(
    tenant_a: Any, make_user: Any, client_for: Any
) -> None:
    response = client_for(tenant_a, make_user(tenant=tenant_a)).get(
        reverse("api-schema"), {"format": "json"}
    )
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/spaces/",
        "/api/v1/spaces/{space_id}/",
        "/api/v1/spaces/{space_id}/members/",
        "/api/v1/spaces/{space_id}/members/{user_id}/",
        "/api/v1/spaces/{space_id}/activity/",
    ):
        assert path in paths, path
    schemes = response.json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values()), schemes


def test_docs_load_only_local_assets(tenant_a: Any, make_user: Any, client_for: Any) -> None:
    response = client_for(tenant_a, make_user(tenant=tenant_a)).get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    external = [url for url in re.findall(r'(?:src|href)="([^"]+)"', html) if "//" in url]
    assert external == [], external


def test_schema_generation_emits_no_warning_or_error() -> None:
    """Each view documents itself: a warning here means a wrong or missing part of the schema
    (an unknown queryset, two components with the same name...), and `check --deploy` fails."""
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = [*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache]
    GENERATOR_STATS.reset()
    assert problems == [], "\n".join(problems)
    validate_schema(schema)
    names = schema["components"]["schemas"]
    assert {"TaskComment", "DiscussionComment"} <= names.keys(), sorted(names)
