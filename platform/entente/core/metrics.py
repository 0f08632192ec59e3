"""Prometheus metrics: requests by route, and tenants by state.

Request metrics carry tenant-agnostic labels only (method, route name, status class): a label
per tenant would make 36,224 series per route. Per-tenant usage lives in the analytics rollups.

Several processes per pod (uvicorn `--workers`) share their figures through files when
PROMETHEUS_MULTIPROC_DIR names a writable, empty-at-start folder (the container entrypoint
empties it): any worker answering /metrics then reports the sum of all of them. Without it each
process reports only its own figures, which is right for one process per pod only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

# Buckets around what matters: the 150 ms budget of a tenant's first page (PERFORMANCE.md).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
UNMATCHED_ROUTE = "<unmatched>"

REQUESTS = Counter(
    "entente_http_requests",
    "HTTP requests answered, by method, route name and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "entente_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route name.",
    ["method", "route"],
    buckets=LATENCY_BUCKETS,
)

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def record_request(method: str, route: str, status: int, seconds: float) -> None:
    # Unknown verbs are folded into one label value so a client cannot invent new series.
    method = method if method in KNOWN_METHODS else "OTHER"
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    LATENCY.labels(method=method, route=route).observe(seconds)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class _ThisProcess(Collector):
    """The default registry (this process's metrics, plus process and GC figures)."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


class TenantStateCollector(Collector):
    """`entente_tenants{state, kind}`, counted from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        from django.db.models import Count

        from tenants.models import Tenant, TenantKind, TenantState

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


class OutboxCollector(Collector):
    """`entente_outbox_events{state}`: pending, stuck (pending too long) and dead letters.

    One aggregate over the outbox's undone rows (a partial index each), at each scrape. A
    growing `stuck` means no relay runs (worker or beat down); `dead` needs a replay.
    """

    def collect(self) -> Iterator[Metric]:
        from django.apps import apps

        if not apps.is_installed("entente.outbox"):
            return
        from entente.outbox.selectors import backlog

        family = GaugeMetricFamily(
            "entente_outbox_events",
            "Outbox events not yet relayed: pending, stuck (pending too long) and dead.",
            labels=["state"],
        )
        for state, count in sorted(backlog().items()):
            family.add_metric([state], count)
        yield family


def add_request_metrics(registry: CollectorRegistry) -> None:
    """Request metrics of every worker of this pod when multi-process, else of this process."""
    if multiprocess_dir():
        MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())


def scrape_registry() -> CollectorRegistry:
    """What /metrics reports, assembled for one scrape."""
    registry = CollectorRegistry(auto_describe=False)
    add_request_metrics(registry)
    registry.register(TenantStateCollector())
    registry.register(OutboxCollector())
    return registry
