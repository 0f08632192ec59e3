"""`entente_outbox_events{state}` for /metrics (registered in `OutboxConfig.ready()`)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from .selectors import backlog


class OutboxCollector(Collector):
    """Pending, stuck (pending too long) and dead rows, one aggregate at each scrape.

    A growing `stuck` means no relay runs (worker or beat down); `dead` needs a replay.
    """

    def collect(self) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "entente_outbox_events",
            "Outbox events not yet relayed: pending, stuck (pending too long) and dead.",
            labels=["state"],
        )
        for state, count in sorted(backlog().items()):
            family.add_metric([state], count)
        yield family
