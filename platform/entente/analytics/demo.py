"""Demo usage (`seed_demo` calls `seed_usage`): people at every level, 30 days of activity.

Synthetic events from the catalogue, spread over the last 30 days: the first person of a
tenant has found everything, the others fewer and fewer features, so that « Ma découverte »,
the adoption page and the console's activation all have something to show; each tenant
further down the list did less (the console shows trials at different activations). Idempotent: the
keys are fixed, and the days are rolled up again (which gives the same rows).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from entente.accounts.models import Membership
from tenants.models import Tenant

from .discovery import features
from .models import UsageEvent
from .rollups import fill_day
from .services import refresh_activation

DAYS = 30


def seed_usage(tenants: Iterable[Tenant]) -> int:
    """Write the demo's usage events; returns how many rows were new."""
    names = [sorted(f.events)[0] for f in features()]
    now = timezone.now()
    rows: list[UsageEvent] = []
    tenants = list(tenants)
    for order, tenant in enumerate(tenants):
        # each tenant further down the list did less: fewer people, features and days, so
        # that the console's activation column has trials taking off and trials to call
        members = list(Membership.objects.filter(tenant=tenant).order_by("pk"))
        members = members[: max(len(members) - order, 1)]
        days = max(DAYS >> order, 1)
        for rank, membership in enumerate(members):
            found = names[: max(len(names) - 3 * rank - 2 * order, 1)]
            for n in range(2 * days):
                name = found[n % len(found)]
                rows.append(
                    UsageEvent(
                        key=f"demo-{tenant.pk}-{membership.user_id}-{n}",
                        tenant=tenant,
                        user_id=membership.user_id,
                        role=membership.role,
                        name=name,
                        object_kind=name.split(".")[0],
                        occurred_at=now - datetime.timedelta(days=n % days + 1, hours=rank),
                    )
                )
    before = UsageEvent.objects.count()
    UsageEvent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2000)
    today = now.date()
    for back in range(DAYS + 1, 0, -1):
        fill_day(today - datetime.timedelta(days=back))
    for tenant in tenants:
        refresh_activation(tenant)  # the console sorts on the stored score
    return UsageEvent.objects.count() - before
