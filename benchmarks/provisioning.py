"""Provisioning a tenant: our template replay versus django-tenants' migrations, as tenants grow.

Run: `.venv/bin/python benchmarks/provisioning.py [--sizes 0,1000,5000] [--samples 50]
[--default-samples 10]`. It works in a database of its own (`bench_provisioning`, on the server
of the Django settings), migrates it, fills it up to each size with tenants, times
`create_tenant()` by both paths at each size, prints the figures and the conditions, and drops
the database at the end (`--keep` leaves it).

The filling is itself fast: tenant rows are bulk-inserted and the template's capture is
replayed for many schemas per transaction, so 5,000 tenants take a minute or two.
Target (ARCHITECTURE.md §2): p95 ≤ 150 ms, flat as the number of tenants grows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
os.environ["DJANGO_DEBUG"] = "false"  # no query log: time what production runs
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-provisioning")  # leave the dev cache alone
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from benchmarks._common import (  # noqa: E402
    Namer,
    bulk_tenants,
    check_throwaway_name,
    load_average,
    p95,
    print_conditions,
    scalar,
    server_version,
    settings_conninfo,
    settle,
    throwaway_database,
)
from entente.core.db import connection  # noqa: E402
from tenants import provisioning, template  # noqa: E402
from tenants.models import Tenant, TenantKind, TenantState  # noqa: E402

BENCH_DATABASE = "bench_provisioning"
TARGET_P95_MS = 150.0


def ours(spec: dict[str, str]) -> None:
    provisioning.create_tenant(
        kind=TenantKind.COMMUNE,
        name=spec["name"],
        slug=spec["slug"],
        official_code=spec["official_code"],
    )


def migrations_path(spec: dict[str, str]) -> None:
    """django-tenants' default: the same create_tenant, its schema made by running migrations.

    As the first version of provisioning did: `tenant.create_schema()` outside a transaction
    (the migrations commit as they go), then the state.
    """
    replay_build = provisioning.build_schema
    timer = provisioning._create_schema
    assert isinstance(timer, SchemaTimer)

    def build_by_migrating(tenant: Tenant, *, final_state: str = TenantState.TRIAL) -> None:
        started = time.perf_counter()
        tenant.create_schema(check_if_exists=False, verbosity=0)
        timer.times.append((time.perf_counter() - started) * 1000)
        Tenant.objects.filter(pk=tenant.pk).update(state=final_state)

    provisioning.build_schema = build_by_migrating
    try:
        provisioning.create_tenant(
            kind=TenantKind.COMMUNE,
            name=spec["name"],
            slug=spec["slug"],
            official_code=spec["official_code"],
        )
    finally:
        provisioning.build_schema = replay_build


class SchemaTimer:
    """Times the schema step alone (`provisioning._create_schema`) inside create_tenant."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.wrapped = provisioning._create_schema

    def __call__(self, tenant: Tenant) -> None:
        started = time.perf_counter()
        self.wrapped(tenant)
        self.times.append((time.perf_counter() - started) * 1000)


def timed(
    make: Callable[[dict[str, str]], None], namer: Namer, prefix: str, n: int
) -> tuple[list[float], list[float]]:
    """Milliseconds for each whole create_tenant(), and for its schema step."""
    times = []
    schema_timer = SchemaTimer()
    provisioning._create_schema = schema_timer
    try:
        for _ in range(n):
            spec = namer.next(prefix)
            started = time.perf_counter()
            make(spec)
            times.append((time.perf_counter() - started) * 1000)
    finally:
        provisioning._create_schema = schema_timer.wrapped
    return times, schema_timer.times


def fill(target: int, namer: Namer, per_transaction: int) -> tuple[int, float]:
    """Bring the number of tenants up to `target` by bulk rows and batched replays."""
    missing = max(0, target - Tenant.objects.count())
    started = time.perf_counter()
    for first in range(0, missing, per_transaction):
        specs = [namer.next("remplissage") for _ in range(min(per_transaction, missing - first))]
        bulk_tenants(specs, schemas_per_transaction=per_transaction)
    return missing, time.perf_counter() - started


def format_row(
    existing: int,
    replay: list[float],
    replay_schema: list[float],
    migrated: list[float],
    migrated_schema: list[float],
) -> str:
    ratio = statistics.median(migrated) / statistics.median(replay)
    return (
        f"{existing:>16,} | {statistics.median(replay):>13.1f} {p95(replay):>6.1f} "
        f"{max(replay):>6.1f} {statistics.median(replay_schema):>8.1f} | "
        f"{statistics.median(migrated):>17.0f} {p95(migrated):>6.0f} "
        f"{statistics.median(migrated_schema):>8.0f} | {ratio:>5.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="0,1000,5000", help="existing tenants (default 0,1000,5000)"
    )
    parser.add_argument("--samples", type=int, default=50, help="tenants timed per size, our path")
    parser.add_argument(
        "--default-samples", type=int, default=10, help="tenants timed per size, migrations path"
    )
    parser.add_argument(
        "--database", default=BENCH_DATABASE, help=f"throwaway database (default {BENCH_DATABASE})"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--without-public-fks",
        action="store_true",
        help="what-if: replay without the foreign keys from tenant tables to public tables",
    )
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})

    check_throwaway_name(args.database, settings.DATABASES["default"]["NAME"])
    conninfo = settings_conninfo()
    settings.DATABASES["default"]["NAME"] = args.database
    with throwaway_database(args.database, args.keep, conninfo):
        run(sizes, args.samples, args.default_samples, what_if=args.without_public_fks)


def strip_public_foreign_keys() -> int:
    """WHAT-IF: drop the capture's foreign keys to public tables (this database only).

    Shows what provisioning costs when tenant tables reference public rows without a database
    constraint (`ForeignKey(db_constraint=False)`): each such constraint adds two triggers to
    the public table, which every later one must load. Not the real structure: say so.
    """
    capture = template.current_capture()
    statements = template.split_statements(capture.sql)
    kept = [statement for statement in statements if "REFERENCES public." not in statement]
    capture.sql = ";\n".join(kept) + ";\n"
    capture.save(update_fields=["sql"])
    return len(statements) - len(kept)


def run(sizes: list[int], samples: int, default_samples: int, *, what_if: bool) -> None:
    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    migrate_seconds = time.perf_counter() - started
    connection.set_schema_to_public()
    stripped = strip_public_foreign_keys() if what_if else 0
    capture = template.current_capture()
    schema = template.template_schema()
    relations = int(
        str(
            scalar(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s",
                [schema],
            )
        )
    )
    # Each relation made holds a lock to the commit; the server's lock table is shared by every
    # session (64 × max_connections slots by default): stay well under it.
    per_transaction = max(1, min(200, 1000 // max(relations, 1)))

    print("Provisioning a tenant: template replay vs django-tenants' migrations")
    if what_if:
        print(
            f"WHAT-IF RUN: the replay leaves out {stripped} foreign key(s) to public tables "
            "(as with ForeignKey(db_constraint=False)); the migrations path keeps them."
        )
    print_conditions(
        f"PostgreSQL {server_version()} "
        f"(fsync={scalar('SHOW fsync')}, synchronous_commit={scalar('SHOW synchronous_commit')})",
        distributions=("Django", "django-tenants"),
    )
    print(
        f"Tenant schema: {capture.table_count} tables, {relations} relations, "
        f"{capture.migration_count} migrations recorded; capture {len(capture.sql):,} bytes "
        f"({capture.pg_dump_version})"
    )
    print(
        f"Database {settings.DATABASES['default']['NAME']} migrated, template built and captured "
        f"in {migrate_seconds:.1f} s"
    )

    namer = Namer()
    # The first call of a process loads the migration graph (once) for the fingerprint; then
    # these warm-up tenants go, so that the first size starts from what it says.
    cold = timed(ours, namer, "froid", 1)[0][0]
    timed(migrations_path, namer, "froid-migrations", 1)
    for tenant in Tenant.objects.all():
        provisioning.drop_schema(tenant.schema_name)
        tenant.delete()
    print(f"First provisioning in a fresh process (loads the migration graph): {cold:.0f} ms\n")

    header = (
        f"{'existing tenants':>16} | {'replay median':>13} {'p95':>6} {'max':>6} {'[schema]':>8} | "
        f"{'migrations median':>17} {'p95':>6} {'[schema]':>8} | {'ratio':>6}"
    )
    rows = []
    for size in sizes:
        made, seconds = fill(size, namer, per_transaction)
        if made:
            print(
                f"Filled {made:,} tenants in {seconds:.1f} s "
                f"({seconds * 1000 / made:.1f} ms per schema, {per_transaction} per transaction)"
            )
        settle()
        existing = Tenant.objects.count()
        triggers = int(
            str(
                scalar(
                    "SELECT count(*) FROM pg_trigger"
                    " WHERE tgrelid = 'public.accounts_user'::regclass"
                )
            )
        )
        print(
            f"Measuring at {existing:,} tenants (load average {load_average()}; "
            f"{triggers:,} triggers on public.accounts_user)"
        )
        replay, replay_schema = timed(ours, namer, "essai", samples)
        migrated, migrated_schema = timed(
            migrations_path, namer, "essai-migrations", default_samples
        )
        rows.append((existing, replay, replay_schema, migrated, migrated_schema))
        # Each row as soon as it is known, then the whole table at the end.
        print(header)
        print(format_row(*rows[-1]))

    print()
    print("Milliseconds per create_tenant() (rows, schema, state); [schema step alone, median]")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(format_row(*row))
    print(
        f"\nSamples per size: replay n={samples}, migrations n={default_samples} "
        "(the p95 of a few samples is close to their max); ratio = migrations / replay medians."
    )
    worst = max(p95(row[1]) for row in rows)
    verdict = "met" if worst <= TARGET_P95_MS else "NOT met"
    print(
        f"Target p95 ≤ {TARGET_P95_MS:.0f} ms for the replay: {verdict} (worst p95 {worst:.1f} ms)"
    )
    print(f"Schemas in the database at the end: {Tenant.objects.count() + 1:,} (with the template)")


if __name__ == "__main__":
    main()
