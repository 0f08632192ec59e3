"""What the OpenAPI says a value is, the API requires (schemathesis' ST201, refused data).

Text fields take JSON strings only (`0` is not "0"), an empty date is not « no date », and a
yes/no parameter is `true`/`false` (or `1`/`0`; empty is absent), never `null`: each is a 400
in French naming the parameter or field, and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.tasks.models import Label
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(tenant_a: Tenant, make_user: Callable[..., User], client_for: Any) -> Any:
    return client_for(tenant_a, make_user(tenant=tenant_a, role=Role.ADMIN))


def test_a_number_for_a_text_field_is_refused_and_nothing_written(
    admin_client: Any, tenant_a: Tenant
) -> None:
    response = admin_client.post(
        "/api/v1/labels/", {"name": 0, "color": "#000000"}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]["name"] == [
        "Texte attendu : une chaîne de caractères entre guillemets."
    ]
    with tenant_context(tenant_a):
        assert not Label.objects.exists()
    accepted = admin_client.post(
        "/api/v1/labels/", {"name": "0", "color": "#000000"}, content_type="application/json"
    )
    assert accepted.status_code == 201, accepted.content


@pytest.mark.parametrize("path", ["/api/v1/tasks/", "/api/v1/me/tasks/"])
def test_an_empty_date_filter_is_refused(admin_client: Any, path: str) -> None:
    response = admin_client.get(path, {"due_before": ""})
    assert response.status_code == 400
    assert "due_before" in response.json()["errors"]
    assert admin_client.get(path, {"due_before": "2026-12-31"}).status_code == 200


@pytest.mark.parametrize(
    ("path", "name"), [("/api/v1/notifications/", "unread"), ("/api/v1/spaces/", "archived")]
)
def test_a_flag_is_true_or_false(admin_client: Any, path: str, name: str) -> None:
    for value in ("null", "peut-être"):
        response = admin_client.get(path, {name: value})
        assert response.status_code == 400, (value, response.content)
        assert name in response.json()["errors"]
    for value in ("true", "false"):
        assert admin_client.get(path, {name: value}).status_code == 200
