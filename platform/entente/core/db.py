"""The default database connection, typed with what django-tenants adds to it.

django-stubs types `django.db.connection` as a plain `BaseDatabaseWrapper`, which has no
`schema_name`, `set_tenant` or `set_schema_to_public`: mypy rejects every tenant switch. Import
`connection` from here instead; at run time it is the very same per-thread proxy.
"""

from __future__ import annotations

import logging
import os
import threading
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
_QUIET = threading.local()


def install_schema_counter() -> None:
    """Count schemas where django-tenants sends `SET search_path` (called once, at startup).

    The count is kept on the driver's connection, not on Django's wrapper: with the pool, one
    server session serves the threads of many requests in turn, and it is that session whose
    catalog cache grows.
    """
    from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantWrapper

    if getattr(TenantWrapper, "_entente_counts_schemas", False):
        return
    original = TenantWrapper._handle_search_path

    def _handle_search_path(self: Any, cursor: Any = None) -> None:
        original(self, cursor)
        sent = self.search_path_set_schemas
        if sent and self.connection is not None:
            touched = getattr(self.connection, _TOUCHED, None)
            if touched is None:
                touched = set()
                setattr(self.connection, _TOUCHED, touched)
            touched.update(sent)

    TenantWrapper._handle_search_path = _handle_search_path
    TenantWrapper._entente_counts_schemas = True


def schemas_touched(wrapper: Any = None) -> int:
    """How many distinct schemas the wrapper's current server session was pointed at."""
    if wrapper is None:  # the wrapper itself: the proxy's __dict__ is not the wrapper's
        from django.db import DEFAULT_DB_ALIAS, connections

        wrapper = connections[DEFAULT_DB_ALIAS]
    if wrapper.connection is None:
        return 0
    return len(getattr(wrapper.connection, _TOUCHED, ()))


def _pooled(wrapper: Any) -> bool:
    return wrapper.alias in getattr(type(wrapper), "_connection_pools", {})


def recycle(wrapper: Any) -> bool:
    """End the wrapper's server session if it visited more schemas than the bound allows.

    Without a pool, closing the wrapper ends it. With the pool, closing would only give the
    session back to the pool, catalog cache and all: the driver's connection is closed first,
    so the pool discards it (and opens a fresh one in the background). The pool logs each
    closed connection it discards as a warning; that one, asked for, is silenced.
    """
    from django.conf import settings

    bound = int(getattr(settings, "ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION", 0) or 0)
    if bound <= 0 or wrapper.in_atomic_block or schemas_touched(wrapper) <= bound:
        return False
    if _pooled(wrapper) and wrapper.connection is not None:
        wrapper.connection.close()
        _QUIET.active = True
        try:
            wrapper.close()
        finally:
            _QUIET.active = False
    else:
        wrapper.close()
    return True


def recycle_connections_if_needed(**_signal_kwargs: Any) -> int:
    """Close this thread's connections that visited more schemas than the bound allows.

    Call it between units of work: Django's `request_finished` and Celery's `task_postrun` are
    wired in `CoreConfig.ready()`; a websocket consumer calls it after each message, in the
    thread that ran its queries (`database_sync_to_async(recycle_connections_if_needed)()`).
    A connection inside a transaction is left alone. Returns how many were closed.
    """
    from django.db import connections

    return sum(recycle(wrapper) for wrapper in connections.all(initialized_only=True))


class _AskedForDiscard(logging.Filter):
    """Drops the pool's "discarding closed connection" for a close `recycle` asked for."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(_QUIET, "active", False)


# -- Pools and fork -----------------------------------------------------------------------------
# A forked child inherits the parent's pool: the same sockets, and worker threads that did not
# survive the fork. Two processes then talk over one server session (the deploy's workers failed
# so: "connection in transaction status INTRANS"). So no pool crosses a fork: this process's
# connections and pools are closed just before any os.fork() (multiprocessing's fork context in
# `migrate_tenants`, Celery's prefork children); each side opens its own afterwards.


def close_connections_and_pools() -> None:
    """Close this thread's connections, then every pool of the process."""
    from django.db import connections

    connections.close_all()
    for wrapper in connections.all():
        if _pooled(wrapper):
            wrapper.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it


_wired = False


def connect_recycling() -> None:
    """Wire the counter and the safe points of web and worker processes."""
    from django.core.signals import request_finished

    global _wired
    install_schema_counter()
    if not _wired:
        logging.getLogger("psycopg.pool").addFilter(_AskedForDiscard())
        os.register_at_fork(before=close_connections_and_pools)
        _wired = True
    request_finished.connect(recycle_connections_if_needed, dispatch_uid="entente-db-recycle")
    try:
        from celery.signals import task_postrun
    except ImportError:  # pragma: no cover (celery is a dependency; tools may run without)
        return
    task_postrun.connect(
        recycle_connections_if_needed, weak=False, dispatch_uid="entente-db-recycle"
    )


__all__ = [
    "close_connections_and_pools",
    "connect_recycling",
    "connection",
    "recycle",
    "recycle_connections_if_needed",
    "schemas_touched",
]
