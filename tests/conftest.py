"""Shared fixtures: real PostgreSQL schemas, real Redis; two tenants made once per session.

Tenants are provisioned once, right after the test database is created, so that every test
(wrapped in a transaction that is rolled back) finds them without paying for their schemas.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import Client
from pytest_django.plugin import blocking_manager_key

from entente.accounts.models import Role, User
from entente.accounts.services import add_member
from entente.core.db import connection
from tenants import routing
from tenants.models import Tenant, TenantKind
from tenants.provisioning import create_tenant, drop_schema, schema_name_for, slug_for
from tenants.template import ensure_template

pytest_plugins = ["tests.support.browser", "tests.support.routing", "tests.support.smtp"]


def pytest_configure(config: pytest.Config) -> None:
    from tests.support import login

    login.install()  # force_login without Django's throwaway session (tests/support/login.py)


SESSION_TENANTS = {
    "tenant_a": {"name": "Legé", "kind": TenantKind.COMMUNE, "official_code": "44081"},
    "tenant_b": {"name": "Paulx", "kind": TenantKind.COMMUNE, "official_code": "44119"},
    "tenant_epci": {
        "name": "CC Sud Retz Atlantique",
        "kind": TenantKind.EPCI,
        "official_code": "200071546",
        "slug": "cc-sud-retz-atlantique",
    },
}


def ensure_session_tenants() -> None:
    """Provision the shared tenants if missing.

    A `transaction=True` test ends with a flush that empties the public tables (tenants
    included) but leaves their schemas behind: drop those and provision again.
    """
    for spec in SESSION_TENANTS.values():
        if Tenant.objects.filter(official_code=spec["official_code"]).exists():
            continue
        slug = spec.get("slug") or slug_for(str(spec["name"]))
        drop_schema(schema_name_for(str(slug)))
        create_tenant(**spec)  # type: ignore[arg-type]
    connection.set_schema_to_public()


def _flushes(item: pytest.Item) -> bool:
    """Does this test end with a flush of the whole database (a `transaction=True` test)?"""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After a flush, provision the session tenants again at once, committed.

    Otherwise every later test of this worker would make their three schemas again inside its
    own transaction, and roll them back: about a second of PostgreSQL per test.
    """
    result = yield
    if not connection.settings_dict["NAME"].startswith("test"):
        return result
    if _flushes(item):
        with item.config.stash[blocking_manager_key].unblock():
            ensure_session_tenants()
    if nextitem is not None and "official_data" in getattr(nextitem, "fixturenames", ()):
        with item.config.stash[blocking_manager_key].unblock():
            _ensure_official_data()
    return result


@pytest.fixture(scope="session", autouse=True)
def _fresh_cache_namespace() -> None:
    """Forget what earlier runs left in Redis under this run's prefix (rate-limit counters,
    queued tasks): the embedded Redis now keeps its data across restarts (append-only file)."""
    import redis

    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    client = redis.Redis.from_url(settings.REDIS_URL)
    stale = [
        *client.scan_iter(match=f"*:{prefix}:*", count=1000),
        *client.scan_iter(match=f"{prefix}*", count=1000),
    ]
    for start in range(0, len(stale), 1000):
        client.delete(*stale[start : start + 1000])


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    if not connection.settings_dict["NAME"].startswith("test"):
        # No test of this session asked for the database, so pytest-django made none: the
        # connection still names the development database, which must never be touched.
        return
    with django_db_blocker.unblock():
        # Migrating the test database built the template; a reused database may predate it.
        ensure_template()
        ensure_session_tenants()


@pytest.fixture(autouse=True)
def _fresh_routing_and_schema() -> Iterator[None]:
    routing.clear_local()
    connection.set_schema_to_public()
    yield
    routing.clear_local()
    connection.set_schema_to_public()


def _session_tenant(key: str) -> Tenant:
    ensure_session_tenants()
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


@pytest.fixture
def committed_user(django_db_setup: None, django_db_blocker: Any) -> Iterator[Callable[..., User]]:
    """Make people whose rows are committed (visible to a live server), deleted afterwards."""
    made: list[User] = []
    # Never write committed rows anywhere but a test database.
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]

    def make(memberships: dict[str, str], full_name: str = "Personne de test") -> User:
        with django_db_blocker.unblock():
            ensure_session_tenants()
            user = User.objects.create_user(
                f"{uuid.uuid4().hex[:12]}@example.fr", "mot-de-passe-solide-42", full_name=full_name
            )
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
            for key, role in memberships.items():
                add_member(_session_tenant(key), user, role)
        made.append(user)
        return user

    yield make
    with django_db_blocker.unblock():
        User.objects.filter(pk__in=[user.pk for user in made]).delete()


def _ensure_official_data() -> None:
    from entente.reference.services import ensure_reference_data

    ensure_reference_data()


@pytest.fixture(scope="session")
def _official_data_committed(django_db_setup: None, django_db_blocker: Any) -> None:
    """The import, committed: a session fixture runs before the first test's transaction."""
    with django_db_blocker.unblock():
        _ensure_official_data()


@pytest.fixture
def official_data(_official_data_committed: None, django_db_blocker: Any) -> None:
    """The official communes and EPCI (entente.reference), committed once for the session.

    Use it with `pytestmark = pytest.mark.usefixtures("official_data")`. The import (about two
    seconds) is committed by `_official_data_committed` before the first test that asks for it,
    and again, if a `transaction=True` test's flush emptied the tables, at the end of the test
    before one that asks for it (`pytest_runtest_teardown`). This fixture runs inside the
    test's transaction (pytest-django opens it first): importing here, as it once did, paid
    the import in every test and rolled it back. It only checks, and imports (rolled back)
    if the tables are still empty.
    """
    with django_db_blocker.unblock():
        _ensure_official_data()


# The longest files (15 s or more of one core each, measured with --junitxml on 2026-12-08),
# longest first, handed to pytest-xdist's workers first: files go whole to a worker, and a long
# file handed out last would keep one worker busy alone at the end of the run.
LONGEST_FILES = (
    "tests/test_navigation_demo.py",
    "tests/test_isolation_actors.py",
    "tests/api/test_hostile_input.py",
    "tests/api/test_openapi_fuzzing_roles.py",
    "tests/test_isolation_matrix.py",
    "tests/api/test_openapi_fuzzing.py",
    "tests/realtime/test_live.py",
    "tests/tenants/test_scale.py",
    "tests/browser/test_signup.py",
    "tests/browser/test_first_time_agent.py",
    "tests/tenants/test_provisioning.py",
    "tests/entente/federation/test_federated_routes.py",
    "tests/test_navigation_reachability.py",
    "tests/entente/demo/test_seed_demo.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """schemathesis gives every operation's test the function's node id: pytest-xdist, which
    schedules by node id, would then run one operation of the 117. The operation is added.
    Under pytest-xdist, the longest files come first (LONGEST_FILES)."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and label not in item.nodeid and item.parent is not None:
            item._id = item.parent.id.child(item.name)  # the name holds the operation
    # pytest's `_id` is private: should that fix stop working, fail the run, not run one of each.
    seen: set[str] = set()
    repeated: set[str] = set()
    for item in items:
        (repeated if item.nodeid in seen else seen).add(item.nodeid)
    if repeated:
        raise pytest.UsageError(
            f"Node ids collected twice (xdist would run one): {sorted(repeated)[:5]}"
        )
    if os.environ.get("PYTEST_XDIST_WORKER"):
        rank = {path: index for index, path in enumerate(LONGEST_FILES)}
        items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
