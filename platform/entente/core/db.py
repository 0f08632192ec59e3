"""The default database connection, typed with what django-tenants adds to it.

django-stubs types `django.db.connection` as a plain `BaseDatabaseWrapper`, which has no
`schema_name`, `set_tenant` or `set_schema_to_public`: mypy rejects every tenant switch. Import
`connection` from here instead; at run time it is the very same per-thread proxy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.db import connection as _connection

if TYPE_CHECKING:
    from django.db.backends.postgresql.base import DatabaseWrapper

    class TenantDatabaseWrapper(DatabaseWrapper):
        """`django_tenants.postgresql_backend.base.DatabaseWrapper`, as mypy should see it."""

        schema_name: str
        tenant: Any  # a Tenant, or django-tenants' FakeTenant after set_schema()
        search_path_set_schemas: list[str] | None

        def set_tenant(self, tenant: Any, include_public: bool = True) -> None: ...
        def set_schema(
            self, schema_name: str, include_public: bool = True, tenant_type: str | None = None
        ) -> None: ...
        def set_schema_to_public(self) -> None: ...
        def get_schema(self) -> str: ...
        def get_tenant(self) -> Any: ...


connection = cast("TenantDatabaseWrapper", _connection)


# -- Bounded connections ------------------------------------------------------------------------
# A PostgreSQL server process keeps the catalog entries of every relation its session has used
# (~0.12 MiB per tenant schema, for the session's whole life: 313 MiB after 1,000 schemas). A
# persistent connection that wanders over tenants therefore grows without bound. We count the
# distinct schemas each physical connection was pointed at, and close it at a safe point (end
# of a request, a task, a consumer's message; never inside a transaction) once the count passes
# `ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION`. The next query opens a fresh one (~2-5 ms).

_TOUCHED = "_entente_touched_schemas"


def install_schema_counter() -> None:
    """Count schemas where django-tenants sends `SET search_path` (called once, at startup)."""
    from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantWrapper

    if getattr(TenantWrapper, "_entente_counts_schemas", False):
        return
    original = TenantWrapper._handle_search_path

    def _handle_search_path(self: Any, cursor: Any = None) -> None:
        original(self, cursor)
        sent = self.search_path_set_schemas
        if sent and self.connection is not None:
            touched = self.__dict__.get(_TOUCHED)
            if touched is None or touched[0] is not self.connection:
                touched = (self.connection, set())  # a new server session: a new count
                setattr(self, _TOUCHED, touched)
            touched[1].update(sent)

    TenantWrapper._handle_search_path = _handle_search_path
    TenantWrapper._entente_counts_schemas = True


def schemas_touched(wrapper: Any = None) -> int:
    """How many distinct schemas the wrapper's current server session was pointed at."""
    if wrapper is None:  # the wrapper itself: the proxy's __dict__ is not the wrapper's
        from django.db import DEFAULT_DB_ALIAS, connections

        wrapper = connections[DEFAULT_DB_ALIAS]
    touched = wrapper.__dict__.get(_TOUCHED)
    if touched is None or wrapper.connection is None or touched[0] is not wrapper.connection:
        return 0
    return len(touched[1])


def recycle_connections_if_needed(**_signal_kwargs: Any) -> int:
    """Close this thread's connections that visited more schemas than the bound allows.

    Call it between units of work: Django's `request_finished` and Celery's `task_postrun` are
    wired in `CoreConfig.ready()`; a websocket consumer calls it after each message, in the
    thread that ran its queries (`database_sync_to_async(recycle_connections_if_needed)()`).
    A connection inside a transaction is left alone. Returns how many were closed.
    """
    from django.conf import settings
    from django.db import connections

    bound = int(getattr(settings, "ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION", 0) or 0)
    if bound <= 0:
        return 0
    closed = 0
    for wrapper in connections.all(initialized_only=True):
        if wrapper.in_atomic_block or schemas_touched(wrapper) <= bound:
            continue
        wrapper.close()
        closed += 1
    return closed


def connect_recycling() -> None:
    """Wire the counter and the safe points of web and worker processes."""
    from django.core.signals import request_finished

    install_schema_counter()
    request_finished.connect(recycle_connections_if_needed, dispatch_uid="entente-db-recycle")
    try:
        from celery.signals import task_postrun
    except ImportError:  # pragma: no cover (celery is a dependency; tools may run without)
        return
    task_postrun.connect(
        recycle_connections_if_needed, weak=False, dispatch_uid="entente-db-recycle"
    )


__all__ = [
    "connect_recycling",
    "connection",
    "recycle_connections_if_needed",
    "schemas_touched",
]
