"""While PostgreSQL or Redis is unreachable: 503, `Retry-After`, a short French answer, no 500.

The database is made unreachable by refusing cursors as a lost server does (the test's own
transaction is left alone); Redis by a middleware whose call raises what redis-py raises.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
import redis.exceptions
from django.db import OperationalError, connections
from django.test import Client

from tenants.models import Tenant

pytestmark = pytest.mark.django_db


@contextmanager
def database_away() -> Iterator[None]:
    refused = OperationalError('connection to server on socket "/x/.s.PGSQL.5432" failed')
    with mock.patch.object(type(connections["default"]), "create_cursor", side_effect=refused):
        yield


def _client(tenant: Tenant) -> Client:
    return Client(HTTP_HOST=tenant.primary_host, raise_request_exception=False)


def test_a_page_answers_a_calm_french_503_while_the_database_is_away(tenant_a: Tenant) -> None:
    with database_away():
        response = _client(tenant_a).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Service momentanément indisponible" in text
    assert "Traceback" not in text
    assert "OperationalError" not in text


def test_the_api_answers_json_503_while_the_database_is_away(tenant_a: Tenant) -> None:
    with database_away():
        response = _client(tenant_a).get("/api/v1/spaces/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "service_unavailable"
    assert response.json()["detail"].startswith("Le service est momentanément indisponible")


@pytest.mark.parametrize(
    "error",
    [
        redis.exceptions.ConnectionError("Error 111 connecting to unix socket. Refused."),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
    ],
)
def test_a_lost_redis_anywhere_in_the_request_answers_503(
    tenant_a: Tenant, error: Exception
) -> None:
    """Here in the outermost tenant middleware: nothing inside it turns it into a 500 first."""
    with mock.patch("tenants.middleware.TenantRoutingMiddleware.__call__", side_effect=error):
        response = _client(tenant_a).get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_an_error_caused_by_a_lost_connection_counts_as_an_outage(tenant_a: Tenant) -> None:
    def fail(*args: Any) -> None:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError as error:
            raise RuntimeError("while loading the page") from error

    with mock.patch("tenants.middleware.TenantRoutingMiddleware.__call__", side_effect=fail):
        response = _client(tenant_a).get("/api/v1/spaces/")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


def test_a_bug_is_still_a_500_not_an_outage(tenant_a: Tenant) -> None:
    with mock.patch(
        "tenants.middleware.TenantRoutingMiddleware.__call__", side_effect=ValueError("a bug")
    ):
        response = _client(tenant_a).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response
