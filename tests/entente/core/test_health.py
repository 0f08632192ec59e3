"""/healthz and /readyz answer on every host, without login, and name what is broken."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import OperationalError
from django.test import Client
from redis.exceptions import ConnectionError as RedisConnectionError

from entente.core import health
from tenants import routing
from tenants.models import Tenant, TenantState


@pytest.fixture
def hosts(tenant_a: Tenant) -> list[str]:
    return ["entente.localhost", tenant_a.primary_host]


def test_healthz_answers_anonymous_people_on_every_host(hosts: list[str]) -> None:
    for host in hosts:
        response = Client(HTTP_HOST=host).get("/healthz")
        assert response.status_code == 200, host
        assert response.json() == {"status": "ok"}
        assert "no-cache" in response["Cache-Control"]


def test_readyz_checks_database_redis_and_template(hosts: list[str]) -> None:
    for host in hosts:
        response = Client(HTTP_HOST=host).get("/readyz")
        assert response.status_code == 200, (host, response.content)
        body = response.json()
        assert body["status"] == "ok"
        assert set(body["checks"]) == {"database", "redis", "template_schema"}
        assert all(check["ok"] for check in body["checks"].values())


def test_health_answers_for_a_suspended_tenant(tenant_a: Tenant) -> None:
    """Its pages are closed, but the host still routes to a live process."""
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.SUSPENDED)
    routing.clear_local()
    client = Client(HTTP_HOST=tenant_a.primary_host)
    assert client.get("/").status_code == 503
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200


def failing(error: Exception) -> Callable[[], str]:
    def check() -> str:
        raise error

    return check


@pytest.mark.parametrize(
    ("check", "error", "shown"),
    [
        (
            "_database",
            OperationalError('connection to "db.internal" failed: password for user "entente"'),
            "OperationalError",
        ),
        (
            "_redis",
            RedisConnectionError("Error 111 connecting to redis.internal:6379"),
            "ConnectionError",
        ),
    ],
    ids=["database", "redis"],
)
def test_readyz_names_the_failing_check_without_its_secrets(
    hosts: list[str], monkeypatch: pytest.MonkeyPatch, check: str, error: Exception, shown: str
) -> None:
    monkeypatch.setattr(health, check, failing(error))
    name = check.removeprefix("_")
    for host in hosts:
        response = Client(HTTP_HOST=host).get("/readyz")
        assert response.status_code == 503
        body = response.json()
        assert body["status"] == "unavailable"
        assert body["checks"][name]["ok"] is False
        assert body["checks"][name]["detail"] == shown
        others = {key: value["ok"] for key, value in body["checks"].items() if key != name}
        assert all(others.values()), others
        # Server names and accounts go to the log, not to whoever asks.
        assert b"internal" not in response.content
        assert b"password" not in response.content


def test_readyz_reports_a_template_schema_behind(
    hosts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tenants.template.template_is_current", lambda: False)
    response = Client(HTTP_HOST=hosts[0]).get("/readyz")
    assert response.status_code == 503
    check = response.json()["checks"]["template_schema"]
    assert check["ok"] is False
    assert check["detail"] == "template schema is behind the migrations"
