"""Writing the usage log: from what the services publish, and from the page-level buffer.

`on_event` runs in the outbox's delivery (after commit, in a worker: never on the request
path) and acts once per `event.key`: a redelivered event finds its rows already there.
`drain_buffer` (a beat task) writes what pages pushed (`entente.analytics.buffer`) in batches.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from entente.accounts.models import Membership, User
from entente.core.events import Event
from tenants.models import Tenant

from . import buffer
from .catalogue import USAGE_EVENTS, Usage, from_event
from .models import UsageEvent


def on_event(event: Event) -> None:
    usages = from_event(event)
    if usages:
        key = event.key or uuid.uuid4().hex
        now = timezone.now()
        _write(event.tenant_schema, [(f"{key}:{n}", u, now) for n, u in enumerate(usages)])


def drain_buffer(limit: int = 5000) -> int:
    """Write up to `limit` buffered page-level events; returns how many were taken."""
    entries = buffer.pop(limit)
    by_tenant: dict[str, list[tuple[str, Usage, datetime.datetime]]] = defaultdict(list)
    for entry in entries:
        if entry.get("name") in USAGE_EVENTS:
            usage = Usage(str(entry["name"]), entry.get("user_id"), str(entry.get("kind", "")))
            at = datetime.datetime.fromisoformat(str(entry["at"]))
            by_tenant[str(entry["tenant"])].append((str(entry["key"]), usage, at))
    for schema, rows in by_tenant.items():
        _write(schema, rows)
    return len(entries)


def _write(schema: str, rows: Iterable[tuple[str, Usage, datetime.datetime]]) -> None:
    rows = list(rows)
    tenant = Tenant.objects.filter(schema_name=schema).only("pk").first()
    if tenant is None:
        return
    user_ids = {usage.user_id for _, usage, _ in rows if usage.user_id is not None}
    # A person erased between the page and the batch leaves no event (and no broken reference).
    living = set(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    rows = [row for row in rows if row[1].user_id is None or row[1].user_id in living]
    roles = dict(
        Membership.objects.filter(tenant=tenant, user_id__in=user_ids).values_list(
            "user_id", "role"
        )
    )
    UsageEvent.objects.bulk_create(
        [
            UsageEvent(
                key=key,
                tenant_id=tenant.pk,
                user_id=usage.user_id,
                role=roles.get(usage.user_id, "") if usage.user_id else "",
                name=usage.name,
                object_kind=usage.object_kind[:32],
                occurred_at=at,
            )
            for key, usage, at in rows
        ],
        ignore_conflicts=True,  # the same key again: already recorded
    )
