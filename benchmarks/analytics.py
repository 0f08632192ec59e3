"""What usage capture costs a request, and how long the daily rollup takes at the country's size.

Run from the repository root (the embedded PostgreSQL must be up):

    .venv/bin/python benchmarks/analytics.py                       # 36,224 tenants × 30 days
    .venv/bin/python benchmarks/analytics.py --tenants 1000 --requests 500

It creates its own database (`bench_analytics`), migrates the public schema, and drops it at
the end (`--keep` keeps it). Three figures:
- capture per request: a request's transaction (a one-row UPDATE) without capture, and with
  `record_usage` (what a page pays: one RPUSH to the embedded Redis, written to the log later
  in batches), interleaved in a random order; the median paired difference and the ratio;
- capture per event, in the worker: `capture.on_event` on an `activity.recorded` event (the
  tenant and role looked up, one INSERT … ON CONFLICT DO NOTHING);
- the daily rollup: `--tenants` tenant rows (no schemas: the log is in the public schema),
  `--per-day` synthetic events per tenant and day over `--days` days, then `run_rollups` from
  an empty fill state (every day), then once more (nothing new: incremental).
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402 (after the path is set)
    Namer,
    maintenance_conninfo,
    migrate_public_schema,
    p95,
    percentile,
    print_conditions,
    scalar,
    server_version,
    throwaway_database,
    use_embedded_database,
    use_embedded_redis,
)

DB_NAME = "bench_analytics"
PEOPLE = 2000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--events", type=int, default=2000, help="for the worker's figure")
    parser.add_argument("--tenants", type=int, default=36224)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=5, help="events per tenant and day")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    url = use_embedded_database(DB_NAME, "bench-analytics", "entente.config.settings.local")
    use_embedded_redis()
    with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
        return run(args)


def run(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from entente.accounts.models import Membership, User
    from entente.analytics import capture, rollups
    from entente.analytics.models import DailyUsage, UsageEvent
    from entente.analytics.services import record_usage
    from entente.core.events import Event
    from tenants.models import Tenant, TenantKind, TenantState

    migrate_public_schema()

    namer = Namer()
    started = time.monotonic()
    tenants = Tenant.objects.bulk_create(
        (
            Tenant(
                kind=TenantKind.COMMUNE,
                state=TenantState.TRIAL,
                schema_name=f"t_bench_{n:06d}",
                **namer.next("bench"),
            )
            for n in range(args.tenants)
        ),
        batch_size=5000,
    )
    people = User.objects.bulk_create(
        User(email=f"personne{n}@bench.test", full_name=f"Personne {n}") for n in range(PEOPLE)
    )
    Membership.objects.bulk_create(
        Membership(user=person, tenant=tenants[n % len(tenants)], role="agent")
        for n, person in enumerate(people)
    )
    print(f"{len(tenants)} tenants and {PEOPLE} people in {time.monotonic() - started:.1f} s.")
    tenant, user = tenants[0], people[0]

    # -- Capture per request --------------------------------------------------------------------
    def change() -> None:
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())

    def without() -> None:
        with transaction.atomic():
            change()

    def with_capture() -> None:
        with transaction.atomic():
            change()
            record_usage(tenant_schema=tenant.schema_name, user_id=user.pk, name="search.done")

    variants = {"without capture": without, "with capture": with_capture}
    for request in variants.values():
        for _ in range(50):
            request()
    timings: dict[str, list[float]] = {name: [] for name in variants}
    order = list(variants)
    for _ in range(args.requests):
        random.shuffle(order)
        for name in order:
            t0 = time.perf_counter()
            variants[name]()
            timings[name].append((time.perf_counter() - t0) * 1000)

    from entente.analytics import buffer

    pushed = buffer._client().llen(buffer.buffer_key())
    started = time.monotonic()
    drained = capture.drain_buffer(limit=100_000)
    drain_seconds = time.monotonic() - started

    # -- Capture per event, in the worker -------------------------------------------------------
    per_event: list[float] = []
    for n in range(args.events):
        event = Event(
            "activity.recorded",
            tenant.schema_name,
            payload={"verb": "task.created", "object_type": "task", "actor_id": user.pk},
            key=f"bench-{n}",
        )
        t0 = time.perf_counter()
        capture.on_event(event)
        per_event.append((time.perf_counter() - t0) * 1000)

    # -- The daily rollup at size ---------------------------------------------------------------
    UsageEvent.objects.all().delete()
    today = timezone.now().date()
    first = today - datetime.timedelta(days=args.days)
    names = ["task.created", "task.assigned", "search.done", "checklist.launched", "space.created"]
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO analytics_usageevent (key, tenant_id, user_id, role, name, object_kind,
                                              occurred_at)
            SELECT 'syn-' || t.id || '-' || d || '-' || e, t.id, %s + (t.id + e) %% %s,
                   (ARRAY['admin','agent','elected'])[1 + e %% 3],
                   (%s::text[])[1 + (t.id + d + e) %% %s], 'task',
                   %s::date + d + make_interval(mins => (e * 97) %% 1440)
            FROM tenants_tenant t, generate_series(0, %s - 1) d, generate_series(1, %s) e
            """,
            [people[0].pk, PEOPLE, names, len(names), first, args.days, args.per_day],
        )
    rows = scalar("SELECT count(*) FROM analytics_usageevent")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE analytics_usageevent")
    generated = time.monotonic() - started
    started = time.monotonic()
    filled = rollups.run_rollups()
    rollup_seconds = time.monotonic() - started
    started = time.monotonic()
    again = rollups.run_rollups()
    again_seconds = time.monotonic() - started

    print()
    print_conditions(
        f"PostgreSQL {server_version()}, Unix socket",
        f"capture: {args.requests} requests per variant, interleaved; {args.events} events",
        f"rollup: {args.tenants} tenants × {args.days} days × {args.per_day} events = {rows} rows",
    )
    print()
    print(f"{'request':<18}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, samples in timings.items():
        print(
            f"{name:<18}{percentile(samples, 0.5):>10.3f}{p95(samples):>10.3f}"
            f"{statistics.fmean(samples):>10.3f}"
        )
    paired = [
        a - b for a, b in zip(timings["with capture"], timings["without capture"], strict=True)
    ]
    ratio = statistics.median(timings["with capture"]) / statistics.median(
        timings["without capture"]
    )
    print(
        f"  capture adds {statistics.median(paired):.3f} ms per request (median paired "
        f"difference; target ≤ 1 ms), ratio {ratio:.2f}"
    )
    print(
        f"Worker: on_event p50 {percentile(per_event, 0.5):.3f} ms, p95 {p95(per_event):.3f} ms "
        "per event"
    )
    print(
        f"Buffer: {pushed} entries pushed, {drained} written in one batch in {drain_seconds:.2f} s"
    )
    print(f"Generated {rows} events in {generated:.1f} s.")
    print(
        f"Rollup: {filled} days in {rollup_seconds:.1f} s (target ≤ 300 s), "
        f"{DailyUsage.objects.count()} rollup rows; rerun: {again} days in {again_seconds:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
