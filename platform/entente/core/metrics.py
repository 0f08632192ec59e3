"""Prometheus metrics: requests by route, and what other apps register (tenants by state).

Request metrics carry tenant-agnostic labels only (method, route name, status class): a label
per tenant would make 36,224 series per route. Per-tenant usage lives in the analytics rollups.

Several processes per pod (uvicorn `--workers`) share their figures through files when
PROMETHEUS_MULTIPROC_DIR names a writable, empty-at-start folder (the container entrypoint
empties it): any worker answering /metrics then reports the sum of all of them. Without it each
process reports only its own figures, which is right for one process per pod only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import Metric
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


# Collectors built afresh for each scrape, added from above `entente.core` (which never imports
# `tenants`): `tenants` adds the count of tenants by state in its `AppConfig.ready()`.
_scrape_collectors: list[Callable[[], Collector]] = []


def register_scrape_collector(factory: Callable[[], Collector]) -> None:
    if factory not in _scrape_collectors:
        _scrape_collectors.append(factory)


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
    for factory in _scrape_collectors:
        registry.register(factory())
    return registry
