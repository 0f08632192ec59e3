"""Shared fixtures: real PostgreSQL schemas, real Redis; two tenants made once per session.

Tenants are provisioned once, right after the test database is created, so that every test
(wrapped in a transaction that is rolled back) finds them without paying for their schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from entente.accounts.models import Role, User
from entente.accounts.services import add_member
from tenants import routing
from tenants.models import Tenant, TenantKind
from tenants.provisioning import create_tenant

SESSION_TENANTS = {
    "tenant_a": {"name": "Legé", "kind": TenantKind.COMMUNE, "official_code": "44081"},
    "tenant_b": {"name": "Paulx", "kind": TenantKind.COMMUNE, "official_code": "44118"},
    "tenant_epci": {
        "name": "CC Sud Retz Atlantique",
        "kind": TenantKind.EPCI,
        "official_code": "200071546",
        "slug": "cc-sud-retz-atlantique",
    },
}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        for spec in SESSION_TENANTS.values():
            if not Tenant.objects.filter(official_code=spec["official_code"]).exists():
                create_tenant(**spec)  # type: ignore[arg-type]
        connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _fresh_routing_and_schema() -> Iterator[None]:
    routing.clear_local()
    connection.set_schema_to_public()
    yield
    routing.clear_local()
    connection.set_schema_to_public()


def _session_tenant(key: str) -> Tenant:
    return Tenant.objects.get(official_code=SESSION_TENANTS[key]["official_code"])


@pytest.fixture
def tenant_a(db: None) -> Tenant:
    return _session_tenant("tenant_a")


@pytest.fixture
def tenant_b(db: None) -> Tenant:
    return _session_tenant("tenant_b")


@pytest.fixture
def tenant_epci(db: None) -> Tenant:
    return _session_tenant("tenant_epci")


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    counter = {"n": 0}

    def make(
        email: str | None = None,
        tenant: Tenant | None = None,
        role: str = Role.AGENT,
        **fields: Any,
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            email or f"personne{counter['n']}@example.fr", "mot-de-passe-solide-42", **fields
        )
        if tenant is not None:
            add_member(tenant, user, role)
        return user

    return make


def host_of(tenant: Tenant | None) -> str:
    return tenant.primary_host if tenant is not None else settings.ENTENTE_DOMAIN


@pytest.fixture
def client_for(db: None) -> Callable[..., Client]:
    """A test client bound to a tenant's host (or the bare domain), logged in if a user is given."""

    def make(tenant: Tenant | None, user: User | None = None) -> Client:
        client = Client(HTTP_HOST=host_of(tenant))
        if user is not None:
            client.force_login(user)
        return client

    return make
