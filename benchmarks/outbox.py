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
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

DB_NAME = "bench_outbox"
QUEUE = "bench-outbox"


def _embedded_database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    env_file = ROOT / ".data" / "embedded.env"
    if url is None and env_file.exists():
        for line in env_file.read_text().splitlines():
            if line.startswith("DATABASE_URL="):
                url = line.split("=", 1)[1].strip()
    if url is None:
        raise SystemExit("No DATABASE_URL and no .data/embedded.env: start the embedded servers.")
    return url


def _admin(url: str, sql: str) -> None:
    import psycopg

    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    info: dict[str, Any] = {"dbname": "postgres", "user": parts.username or "postgres"}
    if query.get("host") or parts.hostname:
        info["host"] = query.get("host") or parts.hostname
    if parts.port:
        info["port"] = parts.port
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(sql)


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    env_file = ROOT / ".data" / "embedded.env"
    if url is None and env_file.exists():
        for line in env_file.read_text().splitlines():
            if line.startswith("REDIS_URL="):
                url = line.split("=", 1)[1].strip()
    if url is None:
        raise SystemExit("No REDIS_URL and no .data/embedded.env: start the embedded servers.")
    return url


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--drain", type=int, default=5000, help="rows for the relay's figure")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = _embedded_database_url()
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{DB_NAME}"))
    os.environ["REDIS_URL"] = _redis_url()
    os.environ["DJANGO_SETTINGS_MODULE"] = "entente.config.settings.local"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = QUEUE
    os.environ["CACHE_KEY_PREFIX"] = "bench-outbox"
    os.environ["OUTBOX_RELAY"] = "celery"
    _admin(url, f"DROP DATABASE IF EXISTS {DB_NAME}")
    _admin(url, f"CREATE DATABASE {DB_NAME}")
    try:
        return run(args)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            _admin(url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from entente.accounts.models import User
    from entente.config.celery_app import app
    from entente.core.events import Event, publish_on_commit
    from entente.notifications.tasks import create_notifications
    from entente.outbox import relay
    from entente.outbox.models import OutboxEvent

    started = time.monotonic()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    print(f"Migrated the public schema in {time.monotonic() - started:.1f} s.")
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

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    print()
    print("Conditions:")
    print(f"  {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs")
    print(f"  PostgreSQL {server_version} ({connection.settings_dict['HOST'] or 'socket'}),")
    print(f"  Celery broker {app.conf.broker_url.split('://')[0]}, queue {QUEUE}")
    print(f"  {args.writes} writes per variant, interleaved; load average {os.getloadavg()}")
    print()
    print(f"{'variant':<22}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, samples in timings.items():
        print(
            f"{name:<22}{statistics.median(samples):>10.3f}{percentile(samples, 0.95):>10.3f}"
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
