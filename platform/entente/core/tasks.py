"""Background tasks of the ground floor: a tenant-bound ping that proves the worker is usable.

`make run` sends it once the worker is up, and tests send it to a real worker: it answers in the
schema it was sent from (tenant-schemas-celery puts the schema in the message headers), so an
answer naming another schema means tenant data would have gone to the wrong collectivité.
"""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.core.cache import cache
from django_tenants.utils import get_public_schema_name, schema_context

from entente.core.db import connection

PING_TIMEOUT_SECONDS = 300


def ping_key(token: str) -> str:
    return f"core:ping-tenant:{token}"


@shared_task(ignore_result=True)
def ping_tenant(token: str) -> None:
    """Record which tenant and schema this task ran in, under `token`.

    The schema is read back from PostgreSQL (`current_schema()`), not only from Django's
    connection, so the answer proves where the task's queries actually go. The record is kept
    in the public namespace of the cache, so the sender finds it whatever schema the task saw.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        row = cursor.fetchone()
    tenant = getattr(connection, "tenant", None)
    answer = {
        "schema": connection.schema_name,
        "database_schema": row[0] if row else None,
        "tenant_id": getattr(tenant, "pk", None),
    }
    with schema_context(get_public_schema_name()):
        cache.set(ping_key(token), answer, timeout=PING_TIMEOUT_SECONDS)


def ping_answer(token: str) -> dict[str, Any] | None:
    """The answer of the ping sent with `token`, or None while no worker has run it."""
    with schema_context(get_public_schema_name()):
        answer: dict[str, Any] | None = cache.get(ping_key(token))
    return answer
