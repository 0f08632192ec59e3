"""What the transactional outbox costs a write, against handing the event to Celery in memory.

Run from the repository root (the embedded PostgreSQL and Redis must be up):

    .venv/bin/python benchmarks/outbox.py                 # 2,000 writes per variant
    .venv/bin/python benchmarks/outbox.py --writes 500

It creates its own database (`bench_outbox`), migrates the public schema, and drops it at the
end (`--keep` keeps it); Celery messages go to a queue of its own, purged at the end. Each
write is one transaction: a one-row UPDATE (the change) and, by variant,
- `no event`: nothing else (the floor);
- `in memory (before)`: `transaction.on_commit` sending one Celery message per event, the way
  `publish_on_commit` worked before the outbox (lost when the broker is away);
- `outbox`: `publish_on_commit`: one INSERT in `outbox_outboxevent` in the transaction, and one
  wake-up message after the commit (`OUTBOX_RELAY=celery`).
The variants take turns, one write each in a random order, so the load of a shared machine hits
them alike. Then the relay's own cost: rows drained per second by `relay_batch` (100 per
transaction), for an event no subscriber acts on (the claim, the savepoint, the update).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402 (after the path is set)
    maintenance_conninfo,
    migrate_public_schema,
    p95,
    percentile,
    print_conditions,
    server_version,
    throwaway_database,
    use_embedded_database,
    use_embedded_redis,
)

DB_NAME = "bench_outbox"
QUEUE = "bench-outbox"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--drain", type=int, default=5000, help="rows for the relay's figure")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = use_embedded_database(DB_NAME, "bench-outbox", "entente.config.settings.local")
    use_embedded_redis()
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
    os.environ["OUTBOX_RELAY"] = "celery"
    with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
        return run(args)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from entente.accounts.models import User
    from entente.config.celery_app import app
    from entente.core.events import Event, publish_on_commit
    from entente.notifications.tasks import create_notifications
    from entente.outbox import relay
    from entente.outbox.models import OutboxEvent

    migrate_public_schema()
    user = User.objects.create_user(email="bench@outbox.test", full_name="Banc d'essai")

    def change() -> None:
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())

    def no_event() -> None:
        with transaction.atomic():
            change()

    def in_memory() -> None:
        with transaction.atomic():
            change()
            transaction.on_commit(
                lambda: create_notifications.apply_async(
                    ("bench.noop", "t_bench", [user.pk], {"n": 1}, None, "k"), retry=False
                )
            )

    def outbox() -> None:
        with transaction.atomic():
            change()
            publish_on_commit(Event("bench.noop", "t_bench", {"n": 1}, None, (user.pk,)))

    variants = {"no event": no_event, "in memory (before)": in_memory, "outbox": outbox}
    for write in variants.values():  # warm: connections, prepared plans, the broker's pool
        for _ in range(50):
            write()
    timings: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants)
    for _ in range(args.writes):
        random.shuffle(order)
        for name in order:
            t0 = time.perf_counter()
            variants[name]()
            timings[name].append((time.perf_counter() - t0) * 1000)

    print()
    print_conditions(
        f"PostgreSQL {server_version()}, Unix socket",
        f"broker {app.conf.broker_url.split(':')[0]}, queue {QUEUE}",
        f"{args.writes} writes per variant, interleaved",
        distributions=("Django", "celery", "kombu", "redis"),
    )
    print()
    print(f"{'variant':<22}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, samples in timings.items():
        print(
            f"{name:<22}{percentile(samples, 0.5):>10.3f}{p95(samples):>10.3f}"
            f"{statistics.fmean(samples):>10.3f}"
        )
    base = timings["no event"]
    for name in ("in memory (before)", "outbox"):
        paired = [a - b for a, b in zip(timings[name], base, strict=True)]
        print(f"  {name}: +{statistics.median(paired):.3f} ms per write (median paired difference)")

    # The relay's own cost per row, nothing subscribed acting on the event.
    OutboxEvent.objects.all().delete()
    now = timezone.now()
    OutboxEvent.objects.bulk_create(
        OutboxEvent(
            key=f"bench-{n}",
            name="bench.noop",
            tenant_schema="t_bench",
            payload={"n": n},
            next_attempt_at=now,
            retry_until=now + datetime.timedelta(hours=1),
            created_at=now,
        )
        for n in range(args.drain)
    )
    t0 = time.perf_counter()
    drained = relay.relay_until_empty(seconds=600)
    seconds = time.perf_counter() - t0
    print()
    print(
        f"Relay: {drained} rows in {seconds:.2f} s, {drained / seconds:.0f} rows/s "
        f"({seconds / max(drained, 1) * 1000:.3f} ms per row, batches of 100)"
    )
    with app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge(QUEUE)
    print(f"Purged {purged} message(s) from {QUEUE}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
