"""Migrating thousands of tenant schemas: what is current is known without asking Django.

Why: `migrate_schemas` plans every schema from scratch (loads the graph, lists the schema's
tables through the whole catalog, renders the project state, runs post_migrate): 408 ms per
schema with nothing to do at 1,000 schemas, growing with their number (PERFORMANCE.md). Here:

- **State kept in the public schema.** `SchemaMigrationState` holds, per schema, the
  fingerprint of its applied migration set (`template.migration_fingerprint()`, computed once
  from the graph on disk). Provisioning records it (a replay of the template's capture has the
  capture's state), and so does the deploy as each schema finishes. One query lists the schemas
  that are not current; a deploy with nothing to do costs that query.
- **One schema = its own applied set, one plan, cached states.** For a schema that is not
  current, its `django_migrations` is read by qualified name (no catalog listing) and the plan
  computed against a graph loaded once per process. The project state before the plan is
  rendered once per distinct applied set and cloned for each schema: at scale every schema
  has the same set, so each costs only its DDL.
- **Bounded.** Each worker sets `lock_timeout` and `statement_timeout`: a schema whose table is
  held by a long transaction fails quickly (and is reported) instead of queueing every request
  behind its ACCESS EXCLUSIVE lock.
- **Resumable, failure-tolerant.** Each schema is recorded when it finishes (ok, or failed with
  its error); a run that stops leaves the others as they were and the next run starts where it
  stopped (a schema migrated but not yet recorded is found current from its own table).
- **Template first.** The template is brought up to date (`template.ensure_template`, which
  rebuilds it from the migrations and captures it) before any tenant, so tenants created during
  the deploy already have the new state.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.management.sql import emit_post_migrate_signal
from django.db import connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.operations.base import Operation
from django.db.migrations.operations.models import CreateModel
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ProjectState
from django_tenants.signals import schema_migrated

from entente.core.db import connection

from . import template
from .models import SchemaMigrationState, SchemaStatus, Tenant, TenantState

logger = logging.getLogger(__name__)

STATE_TABLE = SchemaMigrationState._meta.db_table
TENANT_TABLE = Tenant._meta.db_table
# Tenants whose schema may not exist (being made, or failed to be made).
WITHOUT_SCHEMA = (TenantState.PROVISIONING, TenantState.FAILED)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _public(table: str) -> str:
    return f"{_quote(settings.PUBLIC_SCHEMA_NAME)}.{_quote(table)}"


# -- The recorded state -------------------------------------------------------------------------


def record_state(
    schema_name: str,
    *,
    status: str,
    fingerprint: str,
    migration_count: int,
    error: str = "",
    duration_ms: int | None = None,
) -> None:
    """Upsert the schema's row (by qualified name: the connection's schema does not matter)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {_public(STATE_TABLE)}
                (schema_name, fingerprint, status, migration_count, error, migrated_at,
                 duration_ms)
            VALUES (%s, %s, %s, %s, %s, now(), %s)
            ON CONFLICT (schema_name) DO UPDATE SET
                fingerprint = EXCLUDED.fingerprint, status = EXCLUDED.status,
                migration_count = EXCLUDED.migration_count, error = EXCLUDED.error,
                migrated_at = EXCLUDED.migrated_at, duration_ms = EXCLUDED.duration_ms
            """,  # noqa: S608 (quoted identifiers)
            [schema_name, fingerprint, status, migration_count, error[:10_000], duration_ms],
        )


def forget_state(schema_name: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {_public(STATE_TABLE)} WHERE schema_name = %s",  # noqa: S608
            [schema_name],
        )


def schemas_to_migrate(fingerprint: str) -> list[str]:
    """Every tenant schema whose recorded state is not `fingerprint`/ok: one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT t.schema_name FROM {_public(TENANT_TABLE)} t
            LEFT JOIN {_public(STATE_TABLE)} s ON s.schema_name = t.schema_name
            WHERE t.state <> ALL(%s)
              AND (s.schema_name IS NULL OR s.fingerprint <> %s OR s.status <> %s)
            ORDER BY t.schema_name
            """,  # noqa: S608 (quoted identifiers)
            [list(WITHOUT_SCHEMA), fingerprint, SchemaStatus.OK],
        )
        return [row[0] for row in cursor.fetchall()]


def count_tenant_schemas() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {_public(TENANT_TABLE)} WHERE state <> ALL(%s)",  # noqa: S608
            [list(WITHOUT_SCHEMA)],
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


# -- Migrating one schema -----------------------------------------------------------------------

_Step = tuple[Operation, ProjectState, ProjectState]
"""An operation with the project states before and after it."""


@dataclass(frozen=True)
class SchemaResult:
    schema_name: str
    ok: bool
    applied: int  # migrations applied by this run
    seconds: float
    error: str = ""


class SchemaMigrator:
    """Brings one schema at a time to the graph's leaves, in this process, on its connection.

    Holds what does not change between schemas: the migration graph (loaded from disk once,
    without the database) and the rendered project state for each applied set seen.
    """

    def __init__(self, *, lock_timeout: str, statement_timeout: str) -> None:
        self.lock_timeout = lock_timeout
        self.statement_timeout = statement_timeout
        self.fingerprint = template.migration_fingerprint()
        self.expected = template.expected_migrations()
        self._loader = MigrationLoader(None, ignore_no_migrations=True)
        self._plans: dict[
            frozenset[tuple[str, str]], tuple[list[tuple[Migration, list[_Step]]], ProjectState]
        ] = {}

    def applied_in(self, schema_name: str) -> set[tuple[str, str]]:
        table = f"{_quote(schema_name)}.django_migrations"
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
            row = cursor.fetchone()
            if not row or not row[0]:
                return set()
            cursor.execute(f"SELECT app, name FROM {table}")  # noqa: S608 (quoted identifier)
            return {(app, name) for app, name in cursor.fetchall()}

    def _executor(self, applied: set[tuple[str, str]]) -> MigrationExecutor:
        """An executor on this connection whose loader knows `applied` without asking."""
        executor = MigrationExecutor(None)  # no database access while building
        loader = self._loader
        loader.applied_migrations = {
            key: loader.graph.nodes[key] for key in applied if key in loader.graph.nodes
        }
        executor.connection = connection
        executor.loader = loader
        executor.recorder = MigrationRecorder(connection)
        return executor

    def _has_migration_table(self, schema_name: str) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT to_regclass(%s) IS NOT NULL", [f"{_quote(schema_name)}.django_migrations"]
            )
            row = cursor.fetchone()
        return bool(row and row[0])

    def _steps(
        self, executor: MigrationExecutor, applied: frozenset[tuple[str, str]], plan: list[Any]
    ) -> tuple[list[tuple[Migration, list[_Step]]], ProjectState]:
        """Each migration's operations with the states before and after them, made once.

        Every schema with the same applied set runs the same plan from the same state: the
        states (the costly part: rendering models) are computed for the first and reused, so
        each schema costs only its DDL. Mirrors `Migration.apply()`.
        """
        cached = self._plans.get(applied)
        if cached is None:
            state = executor._create_project_state(with_applied_migrations=True)  # type: ignore[attr-defined]
            state.apps  # noqa: B018 (renders the models once; clones share the rendering)
            steps: list[tuple[Migration, list[_Step]]] = []
            for migration, _backwards in plan:
                operations: list[_Step] = []
                for operation in migration.operations:
                    before = state.clone()
                    operation.state_forwards(migration.app_label, state)
                    operations.append((operation, before, state.clone()))
                steps.append((migration, operations))
            cached = (steps, state)
            self._plans[applied] = cached
        return cached

    def _apply(self, schema_name: str, migration: Migration, operations: list[_Step]) -> None:
        """One migration's DDL and its record, in one transaction when the migration is atomic."""
        recorded = False
        with connection.schema_editor(atomic=migration.atomic) as editor:
            for operation, before, after in operations:
                atomic_operation = operation.atomic or (
                    migration.atomic and operation.atomic is not False
                )
                if not editor.atomic_migration and atomic_operation:
                    with transaction.atomic(connection.alias):
                        operation.database_forwards(migration.app_label, editor, before, after)
                else:
                    operation.database_forwards(migration.app_label, editor, before, after)
            if not editor.deferred_sql:
                self._record(schema_name, migration)
                recorded = True
        if not recorded:
            self._record(schema_name, migration)

    def _record(self, schema_name: str, migration: Migration) -> None:
        names = [(migration.app_label, migration.name), *migration.replaces]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {_quote(schema_name)}.django_migrations (app, name, applied) "  # noqa: S608
                "VALUES (%s, %s, now())",
                [list(name) for name in names],
            )

    def migrate(self, schema_name: str) -> SchemaResult:
        """Apply what the schema lacks and record the outcome; never raises for the schema."""
        started = time.monotonic()
        applied_now = 0
        try:
            connection.set_schema(schema_name)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('lock_timeout', %s, false), "
                    "set_config('statement_timeout', %s, false)",
                    [self.lock_timeout, self.statement_timeout],
                )
            applied = self.applied_in(schema_name)
            if not self.expected <= applied:
                executor = self._executor(applied)
                targets = executor.loader.graph.leaf_nodes()
                plan = executor.migration_plan(targets)
                if any(backwards for _migration, backwards in plan):
                    raise RuntimeError("the plan would unapply migrations: refusing")
                if plan:
                    if not self._has_migration_table(schema_name):
                        MigrationRecorder(connection).ensure_schema()
                    steps, final_state = self._steps(executor, frozenset(applied), plan)
                    for migration, operations in steps:
                        self._apply(schema_name, migration, operations)
                        applied_now += 1
                    if any(
                        isinstance(operation, CreateModel)
                        for migration, _backwards in plan
                        for operation in migration.operations
                    ):  # new models need their content types (post_migrate), as `migrate` does
                        emit_post_migrate_signal(
                            0, False, connection.alias, apps=final_state.apps, plan=plan
                        )
                    schema_migrated.send(sender=type(self), schema_name=schema_name)
                applied = self.applied_in(schema_name)
            missing = self.expected - applied
            if missing:
                shown = ", ".join(f"{a}.{n}" for a, n in sorted(missing)[:5])
                raise RuntimeError(f"still missing {len(missing)} migration(s): {shown}")
            seconds = time.monotonic() - started
            connection.set_schema_to_public()
            record_state(
                schema_name,
                status=SchemaStatus.OK,
                fingerprint=self.fingerprint,
                migration_count=len(applied),
                duration_ms=int(seconds * 1000),
            )
            return SchemaResult(schema_name, True, applied_now, seconds)
        except Exception as error:  # one schema's failure must not stop the others
            logger.warning("Migrating %s failed", schema_name, exc_info=True)
            seconds = time.monotonic() - started
            message = f"{type(error).__name__}: {error}".strip()
            try:
                if connection.in_atomic_block:
                    transaction.set_rollback(True)
                connection.set_schema_to_public()
                record_state(
                    schema_name,
                    status=SchemaStatus.FAILED,
                    fingerprint="",
                    migration_count=0,
                    error=message,
                    duration_ms=int(seconds * 1000),
                )
            except Exception:
                logger.exception("Could not record the failure of %s", schema_name)
                connection.close()
            return SchemaResult(schema_name, False, applied_now, seconds, message)
        finally:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("RESET lock_timeout; RESET statement_timeout")
            except Exception:
                connection.close()


# -- Workers ------------------------------------------------------------------------------------

_worker: SchemaMigrator | None = None


def _init_worker(lock_timeout: str, statement_timeout: str) -> None:
    global _worker
    # The parent closed its connections before forking; make sure none is shared.
    for conn in connections.all(initialized_only=True):
        conn.connection = None
    _worker = SchemaMigrator(lock_timeout=lock_timeout, statement_timeout=statement_timeout)


def _migrate_in_worker(schema_name: str) -> SchemaResult:
    assert _worker is not None
    return _worker.migrate(schema_name)


def migrate_many(
    schemas: list[str], *, workers: int, lock_timeout: str, statement_timeout: str
) -> Iterator[SchemaResult]:
    """Each schema's result as it finishes; `workers` ≤ 1 runs in this process."""
    if not schemas:
        return
    if workers <= 1 or len(schemas) == 1:
        migrator = SchemaMigrator(lock_timeout=lock_timeout, statement_timeout=statement_timeout)
        for schema_name in schemas:
            yield migrator.migrate(schema_name)
        connection.set_schema_to_public()
        return
    connections.close_all()  # children must open their own
    context = multiprocessing.get_context("fork")
    with context.Pool(
        processes=min(workers, len(schemas)),
        initializer=_init_worker,
        initargs=(lock_timeout, statement_timeout),
    ) as pool:
        yield from pool.imap_unordered(_migrate_in_worker, schemas, chunksize=1)


# -- The whole deploy ---------------------------------------------------------------------------


@dataclass
class DeployReport:
    total_schemas: int
    to_migrate: int
    succeeded: int = 0
    failed: list[SchemaResult] | None = None
    applied: int = 0
    seconds: float = 0.0
    template_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


class Progress:
    """A plain-text progress bar with an ETA: redrawn in place on a terminal, a line now and
    then otherwise (logs of a Kubernetes Job)."""

    WIDTH = 30

    def __init__(self, total: int, out: IO[str], *, every_seconds: float = 10.0) -> None:
        self.total = total
        self.out = out
        self.started = time.monotonic()
        self.tty = bool(getattr(out, "isatty", lambda: False)())
        self.every = 0.2 if self.tty else every_seconds
        self.last = float("-inf")
        self.done = self.failed = 0

    def step(self, ok: bool) -> None:
        self.done += 1
        self.failed += 0 if ok else 1
        now = time.monotonic()
        if now - self.last >= self.every or self.done == self.total:
            self.last = now
            self.draw(now)

    def draw(self, now: float) -> None:
        elapsed = now - self.started
        fraction = self.done / self.total if self.total else 1.0
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate else 0.0
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = (
            f"[{bar}] {self.done}/{self.total} {fraction:6.1%} "
            f"{rate:6.1f} schémas/s  écoulé {_duration(elapsed)}  reste ~{_duration(eta)}"
            f"  échecs {self.failed}"
        )
        if self.tty:
            self.out.write("\r" + line + ("\n" if self.done == self.total else ""))
        else:
            self.out.write(line + "\n")
        self.out.flush()


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}h{minutes:02d}m{secs:02d}s" if hours else f"{minutes}m{secs:02d}s"


def deploy(
    *,
    workers: int | None = None,
    lock_timeout: str | None = None,
    statement_timeout: str | None = None,
    schemas: Iterable[str] | None = None,
    out: IO[str] | None = None,
    progress_every: float = 10.0,
    on_result: Callable[[SchemaResult], None] | None = None,
) -> DeployReport:
    """Template first, then every tenant schema that is not current, in parallel."""
    out = out or sys.stdout
    workers = workers if workers is not None else settings.ENTENTE_DEPLOY_WORKERS
    lock_timeout = lock_timeout or settings.ENTENTE_DEPLOY_LOCK_TIMEOUT
    statement_timeout = statement_timeout or settings.ENTENTE_DEPLOY_STATEMENT_TIMEOUT
    started = time.monotonic()
    connection.set_schema_to_public()
    template.ensure_template()
    fingerprint = template.migration_fingerprint()
    record_state(
        template.template_schema(),
        status=SchemaStatus.OK,
        fingerprint=fingerprint,
        migration_count=len(template.expected_migrations()),
    )
    template_seconds = time.monotonic() - started
    pending = schemas_to_migrate(fingerprint)
    if schemas is not None:
        wanted = set(schemas)
        pending = [name for name in pending if name in wanted]
    report = DeployReport(
        total_schemas=count_tenant_schemas(),
        to_migrate=len(pending),
        failed=[],
        template_seconds=template_seconds,
    )
    if pending:
        progress = Progress(len(pending), out, every_seconds=progress_every)
        for result in migrate_many(
            pending,
            workers=workers,
            lock_timeout=lock_timeout,
            statement_timeout=statement_timeout,
        ):
            report.applied += result.applied
            if result.ok:
                report.succeeded += 1
            else:
                assert report.failed is not None
                report.failed.append(result)
            progress.step(result.ok)
            if on_result is not None:
                on_result(result)
    connection.set_schema_to_public()
    report.seconds = time.monotonic() - started
    return report


def default_workers() -> int:
    return max(1, min(4, (os.cpu_count() or 1)))
