"""The subscriber that writes usage events from what the services publish.

It runs in the outbox's delivery (after commit, in a worker: never on the request path) and
acts once per `event.key`: a redelivered event finds its rows already there.
"""

from __future__ import annotations

import uuid

from django.utils import timezone

from entente.accounts.models import Membership
from entente.core.events import Event
from tenants.models import Tenant

from .catalogue import from_event
from .models import UsageEvent


def on_event(event: Event) -> None:
    usages = from_event(event)
    if not usages:
        return
    tenant = Tenant.objects.filter(schema_name=event.tenant_schema).only("pk").first()
    if tenant is None:
        return
    user_ids = {u.user_id for u in usages if u.user_id is not None}
    roles = dict(
        Membership.objects.filter(tenant=tenant, user_id__in=user_ids).values_list(
            "user_id", "role"
        )
    )
    key = event.key or uuid.uuid4().hex
    now = timezone.now()
    UsageEvent.objects.bulk_create(
        [
            UsageEvent(
                key=f"{key}:{rank}",
                tenant_id=tenant.pk,
                user_id=usage.user_id,
                role=roles.get(usage.user_id, "") if usage.user_id else "",
                name=usage.name,
                object_kind=usage.object_kind,
                occurred_at=now,
            )
            for rank, usage in enumerate(usages)
        ],
        ignore_conflicts=True,  # the same key again: already recorded
    )
