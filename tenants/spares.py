"""Spare schemas: the template replayed ahead of time, renamed when a collectivité signs up.

Replaying the template's capture is most of a sign-up's wait (about 120 ms of the 200 ms
between the confirmation click and the welcome page, benchmarks/signup.py). A spare is that
replay done beforehand, under a name no tenant can have (`spare_<hex>`); provisioning claims
one and renames it (`ALTER SCHEMA … RENAME`, a catalog update of a few milliseconds) in the
same transaction that opens the tenant. The capture holds no function, trigger or view body
(tests/tenants/test_spares.py checks it): everything in it names its schema by OID, so a
renamed schema is exactly the schema a replay under the final name would have made.

A spare is only claimed if it was replayed from the capture of the current migrations (its
`fingerprint`); a deploy leaves the others stale, and `refill` drops them before making new
ones. Claims take the row with `FOR UPDATE SKIP LOCKED`: two sign-ups at once never get the same
spare, and a rolled-back claim gives its spare back. Without a spare, provisioning replays as
before: spares make a sign-up faster, never possible.
"""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.db import transaction

from entente.core.db import connection

from . import template
from .models import SpareSchema

logger = logging.getLogger(__name__)

PREFIX = "spare_"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def claim(schema_name: str) -> bool:
    """Rename a current spare to `schema_name`, in the caller's transaction; False if none."""
    spare = (
        SpareSchema.objects.select_for_update(skip_locked=True)
        .filter(fingerprint=template.migration_fingerprint())
        .order_by("created_at")
        .first()
    )
    if spare is None:
        return False
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER SCHEMA {_quote(spare.name)} RENAME TO {_quote(schema_name)}")
    spare.delete()
    return True


def make_one() -> str:
    """Replay the current capture into a new spare schema; its name."""
    name = f"{PREFIX}{uuid.uuid4().hex[:16]}"
    fingerprint = template.migration_fingerprint()
    with transaction.atomic():
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(template.provisioning_sql(name))
        SpareSchema.objects.create(name=name, fingerprint=fingerprint)
    return name


def drop_stale() -> int:
    """Drop the spares of an earlier migration state (a deploy happened since)."""
    dropped = 0
    current = template.migration_fingerprint()
    for spare in SpareSchema.objects.exclude(fingerprint=current):
        with transaction.atomic():
            locked = SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=spare.pk)
            if not locked.exists():
                continue  # being claimed or dropped by someone else
            connection.set_schema_to_public()
            with connection.cursor() as cursor:
                cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(spare.name)} CASCADE")
            locked.delete()
            dropped += 1
    return dropped


def refill(target: int | None = None) -> int:
    """Drop stale spares, then make spares until `target` (ENTENTE_SPARE_SCHEMAS) are ready;
    the number made. Idempotent: beat runs it every minute, and a claim asks for it."""
    target = settings.ENTENTE_SPARE_SCHEMAS if target is None else target
    stale = drop_stale()
    if stale:
        logger.info("Dropped %d spare schemas of earlier migrations", stale)
    if target <= 0 or not template.template_is_current():
        return 0
    ready = SpareSchema.objects.filter(fingerprint=template.migration_fingerprint()).count()
    made = 0
    for _ in range(max(target - ready, 0)):
        make_one()
        made += 1
    return made
