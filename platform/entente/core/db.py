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

__all__ = ["connection"]
