"""The `entente_tenants` gauge of /metrics (registered by `TenantsConfig.ready()`)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .models import Tenant, TenantKind, TenantState


class TenantStateCollector(Collector):
    """`entente_tenants{state, kind}`, counted from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        counts = {(state, kind): 0 for state in TenantState.values for kind in TenantKind.values}
        rows = Tenant.objects.values_list("state", "kind").annotate(n=Count("pk")).order_by()
        for state, kind, n in rows:
            counts[(state, kind)] = n
        family = GaugeMetricFamily(
            "entente_tenants",
            "Tenants (collectivités) by state and kind.",
            labels=["state", "kind"],
        )
        for (state, kind), n in sorted(counts.items()):
            family.add_metric([state, kind], n)
        yield family
