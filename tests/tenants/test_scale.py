"""National scale: the deploy command, bounded connections, per-tenant backup and restore.

These tests commit (the deploy runs in other processes, which must see the tenants): they
make their own tenants, outside the test transaction, and drop them at the end.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tarfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.signals import request_finished
from django.db import transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from entente.core import db
from entente.core.db import connection
from entente.spaces.models import Space
from entente.spaces.services import create_space
from tenants import backup, template
from tenants.models import SchemaMigrationState, SchemaStatus, Tenant, TenantKind
from tenants.provisioning import create_tenant, drop_schema
from tests.support.acting import seeding
from tests.support.live import LIVE_DB, ROOT, server_environment

# Committed rows (the deploy runs in other processes) and no test transaction around the body
# (a connection inside a transaction is never recycled).
pytestmark = [LIVE_DB, pytest.mark.slow]

# -- Committed tenants of our own ---------------------------------------------------------------


@pytest.fixture
def committed(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture
def make_tenants(committed: None) -> Iterator[Callable[[int], list[Tenant]]]:
    made: list[Tenant] = []

    def make(count: int) -> list[Tenant]:
        batch = []
        for index in range(count):
            code = uuid.uuid4().hex[:8]
            batch.append(
                create_tenant(
                    name=f"Échelle {index} {code}",
                    slug=f"echelle-{index}-{code}",
                    kind=TenantKind.COMMUNE,
                    official_code=code,
                )
            )
        made.extend(batch)
        return sorted(batch, key=lambda tenant: tenant.schema_name)

    yield make
    connection.set_schema_to_public()
    for tenant in made:
        drop_schema(tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).delete()


def table_exists(qualified: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [qualified])
        row = cursor.fetchone()
    return bool(row and row[0])


# -- Deploy -------------------------------------------------------------------------------------


def revertible_app() -> tuple[str, str]:
    """A tenant app whose migrations nothing depends on, and the table of its first model."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for label in ("checklists", "discussions", "activity"):
        leaves = [node for node in loader.graph.leaf_nodes() if node[0] == label]
        if leaves and not loader.graph.node_map[leaves[0]].children:
            state = loader.project_state(leaves[0])
            model = next(m for (app, _name), m in state.models.items() if app == label)
            return label, str(model.options.get("db_table") or f"{label}_{model.name_lower}")
    raise AssertionError("no tenant app without dependents")


def put_behind(tenants: list[Tenant], app_label: str) -> None:
    """Unapply an app's migrations in each schema (for real), and make its record stale."""
    for tenant in tenants:
        connection.set_schema(tenant.schema_name)
        MigrationExecutor(connection).migrate([(app_label, None)])
    connection.set_schema_to_public()
    SchemaMigrationState.objects.filter(schema_name__in=[t.schema_name for t in tenants]).update(
        fingerprint="stale"
    )


def command(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "migrate_tenants", *args]


def schema_args(tenants: list[Tenant]) -> list[str]:
    return [arg for t in tenants for arg in ("--schema", t.schema_name)]


def lock_schema(tenant: Tenant) -> psycopg.Connection:
    """Another session holding the schema's migration table, as a long transaction would."""
    params, password = template.libpq_params()
    holder = psycopg.connect(**params, password=password or None)
    holder.execute(f'LOCK TABLE "{tenant.schema_name}".django_migrations IN ACCESS EXCLUSIVE MODE')
    return holder


def states(tenants: list[Tenant]) -> dict[str, SchemaMigrationState]:
    rows = SchemaMigrationState.objects.filter(schema_name__in=[t.schema_name for t in tenants])
    return {row.schema_name: row for row in rows}


def test_a_failing_schema_is_reported_and_the_others_are_migrated(make_tenants) -> None:
    tenants = make_tenants(3)
    app_label, table = revertible_app()
    put_behind(tenants, app_label)
    stuck = tenants[1]
    holder = lock_schema(stuck)
    try:
        result = subprocess.run(
            command("--workers", "2", "--lock-timeout", "500ms", *schema_args(tenants)),
            env=server_environment(),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        holder.close()

    assert result.returncode != 0
    assert f"ÉCHEC {stuck.schema_name}" in result.stderr
    assert "1 schéma(s) en échec" in result.stderr
    assert "[##############################] 3/3" in result.stdout  # the progress bar ended
    recorded = states(tenants)
    assert recorded[stuck.schema_name].status == SchemaStatus.FAILED
    assert "lock timeout" in recorded[stuck.schema_name].error
    assert not table_exists(f'"{stuck.schema_name}"."{table}"')
    for tenant in (tenants[0], tenants[2]):
        assert recorded[tenant.schema_name].status == SchemaStatus.OK
        assert recorded[tenant.schema_name].fingerprint == template.migration_fingerprint()
        assert table_exists(f'"{tenant.schema_name}"."{table}"')

    # Once the lock is gone, running it again fixes the failed one.
    again = subprocess.run(
        command("--workers", "2", *schema_args(tenants)),
        env=server_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 0, again.stderr
    assert states(tenants)[stuck.schema_name].status == SchemaStatus.OK
    assert table_exists(f'"{stuck.schema_name}"."{table}"')


def test_an_interrupted_deploy_resumes_where_it_stopped(make_tenants) -> None:
    tenants = make_tenants(3)
    app_label, table = revertible_app()
    put_behind(tenants, app_label)
    fingerprint = template.migration_fingerprint()
    last = tenants[-1]  # one worker goes in schema order: it stops at this one
    holder = lock_schema(last)
    run = subprocess.Popen(
        command("--workers", "1", "--lock-timeout", "5min", *schema_args(tenants)),
        env=server_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            done = [
                s
                for s in states(tenants[:2]).values()
                if s.status == SchemaStatus.OK and s.fingerprint == fingerprint
            ]
            if len(done) == 2 or run.poll() is not None:
                break
            time.sleep(0.2)
        assert run.poll() is None, "the deploy should be waiting on the locked schema"
        run.send_signal(signal.SIGKILL)  # as a deploy killed by its orchestrator
        run.wait(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
        holder.close()

    before = states(tenants)
    assert before[last.schema_name].fingerprint != fingerprint
    assert not table_exists(f'"{last.schema_name}"."{table}"')
    finished_at = {t.schema_name: before[t.schema_name].migrated_at for t in tenants[:2]}

    result = subprocess.run(
        command("--workers", "2", *schema_args(tenants)),
        env=server_environment(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "1 à migrer" in result.stdout  # only the one left
    after = states(tenants)
    for tenant in tenants:
        assert after[tenant.schema_name].status == SchemaStatus.OK
        assert after[tenant.schema_name].fingerprint == fingerprint
        assert table_exists(f'"{tenant.schema_name}"."{table}"')
    for schema, at in finished_at.items():
        assert after[schema].migrated_at == at  # not done twice


def test_provisioning_records_the_templates_state(make_tenants) -> None:
    (tenant,) = make_tenants(1)
    state = SchemaMigrationState.objects.get(schema_name=tenant.schema_name)
    assert state.status == SchemaStatus.OK
    assert state.fingerprint == template.migration_fingerprint()
    drop_schema(tenant.schema_name)
    assert not SchemaMigrationState.objects.filter(schema_name=tenant.schema_name).exists()


# -- Bounded connections ------------------------------------------------------------------------


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def visit(tenant: Tenant | None) -> int:
    """Point the connection at the tenant's schema (public for None), query, return the pid."""
    if tenant is None:
        connection.set_schema_to_public()
    else:
        connection.set_tenant(tenant)
    Space.objects.exists() if tenant is not None else Tenant.objects.exists()
    return backend_pid()


def test_a_connection_is_recycled_once_past_the_bound(make_tenants, settings) -> None:
    settings.ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION = 2
    first, second, third = make_tenants(3)
    connection.close()

    pid = visit(first)  # search_path: first, public
    assert db.schemas_touched() == 2
    request_finished.send(sender=None)  # end of a request: at the bound, kept
    assert visit(first) == pid

    visit(second)  # three schemas now: past the bound
    with transaction.atomic():
        assert db.recycle_connections_if_needed() == 0  # never inside a transaction
        assert visit(second) == pid
    request_finished.send(sender=None)
    new_pid = visit(third)
    assert new_pid != pid
    assert db.schemas_touched() == 2  # a new session counts from scratch


@pytest.fixture
def pooled_wrapper(committed: None) -> Iterator[Any]:
    """A connection alias of its own through Django's pool, as production's settings make it."""
    from django.db import connections

    options = {**connection.settings_dict["OPTIONS"], "pool": {"min_size": 1, "max_size": 1}}
    connections.settings[POOLED] = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": options,
    }
    wrapper = connections[POOLED]
    try:
        yield wrapper
    finally:
        wrapper.close()
        wrapper.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper has it
        del connections[POOLED]
        del connections.settings[POOLED]


POOLED = "pooled-test"


def pooled_visit(wrapper: Any, schema: str) -> int:
    wrapper.set_schema(schema)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def test_with_the_pool_a_recycled_session_ends_instead_of_going_back(
    make_tenants, pooled_wrapper, settings, caplog
) -> None:
    settings.ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION = 2
    first, second, third = make_tenants(3)
    pid = pooled_visit(pooled_wrapper, first.schema_name)  # first, public
    pooled_wrapper.close()  # as at the end of a request: the session goes back to the pool
    assert pooled_visit(pooled_wrapper, second.schema_name) == pid  # and is handed out again
    assert db.schemas_touched(pooled_wrapper) == 3  # counted on the session, across handouts

    assert db.recycle(pooled_wrapper)

    assert pooled_visit(pooled_wrapper, third.schema_name) != pid
    assert db.schemas_touched(pooled_wrapper) == 2  # a new session counts from scratch
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid])
        assert cursor.fetchone() == (0,)  # the old session has ended, its catalog cache too
    assert "discarding closed connection" not in caplog.text


def test_no_pool_crosses_a_fork(pooled_wrapper) -> None:
    """A forked child gets pools of its own; the parent's session is untouched by it."""
    pid = pooled_visit(pooled_wrapper, "public")
    pooled_wrapper.close()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the child reports through the pipe)
        try:
            os.write(writer, str(pooled_visit(pooled_wrapper, "public")).encode())
        finally:
            os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    child_pid = int(os.read(reader, 32) or b"0")
    os.close(reader)

    assert child_pid not in (0, pid)  # the child opened its own session
    assert pooled_visit(pooled_wrapper, "public") > 0  # and the parent still works


def test_recycling_can_be_turned_off(make_tenants, settings) -> None:
    settings.ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION = 0
    tenants = make_tenants(2)
    connection.close()
    pid = visit(None)
    for tenant in tenants:
        visit(tenant)
    assert db.recycle_connections_if_needed() == 0
    assert visit(None) == pid


# -- Backup and restore -------------------------------------------------------------------------


def test_export_then_restore_gives_the_same_data_and_files(
    make_tenants, settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (source,) = make_tenants(1)
    connection.set_tenant(source)
    for name in ("Voirie", "École", "État civil"):
        create_space(seeding(), name=name)
    connection.set_schema_to_public()
    attachment = backup.media_dir(source.schema_name) / "tasks" / "1" / "compte-rendu.txt"
    attachment.parent.mkdir(parents=True)
    attachment.write_text("Réunion du conseil", encoding="utf-8")
    archive = tmp_path / "legé.tar.gz"
    from entente.sso.models import SamlConnection

    SamlConnection.objects.create(
        tenant=source, label="Annuaire", idp_entity_id="e", sso_url="https://a.fr/", x509cert="M"
    )

    manifest = backup.export_tenant(source.slug, archive)
    assert manifest["settings"]["sso.saml"]["label"] == "Annuaire"  # the SAML directory
    with tarfile.open(archive) as tar:
        assert "media/tasks/1/compte-rendu.txt" in tar.getnames()
    spaces = {t["table"]: t["rows"] for t in manifest["tables"]}[Space._meta.db_table]
    assert spaces >= 3

    # Into a new tenant.
    copy_slug = f"copie-{uuid.uuid4().hex[:8]}"
    try:
        report = backup.restore_tenant(archive, as_slug=copy_slug)
        assert report.equal, backup.describe_checks(report)
        copy = report.tenant
        assert SamlConnection.objects.get(tenant=copy).sso_url == "https://a.fr/"
        connection.set_tenant(copy)
        assert set(Space.objects.values_list("name", flat=True)) >= {"Voirie", "École"}
        connection.set_schema_to_public()
        restored = backup.media_dir(copy.schema_name) / "tasks" / "1" / "compte-rendu.txt"
        assert restored.read_text(encoding="utf-8") == "Réunion du conseil"
        expected = {
            c.table: c
            for c in backup.check_tables(source.schema_name, list(spaces_tables(manifest)))
        }
        got = {
            c.table: c for c in backup.check_tables(copy.schema_name, list(spaces_tables(manifest)))
        }
        assert expected == got  # row for row, not only counts
    finally:
        connection.set_schema_to_public()
        copied = Tenant.objects.filter(slug=copy_slug).first()
        if copied is not None:
            drop_schema(copied.schema_name)
            copied.delete()

    # Into the same tenant, after its data changed: the archive's data comes back.
    connection.set_tenant(source)
    Space.objects.filter(name="Voirie").delete()
    create_space(seeding(), name="Ajoutée après l'export")
    connection.set_schema_to_public()
    attachment.unlink()
    report = backup.restore_tenant(archive)
    assert report.equal, backup.describe_checks(report)
    connection.set_tenant(source)
    names = set(Space.objects.values_list("name", flat=True))
    assert "Voirie" in names
    assert "Ajoutée après l'export" not in names
    connection.set_schema_to_public()
    assert attachment.read_text(encoding="utf-8") == "Réunion du conseil"
    # Ids continue after the restored ones.
    connection.set_tenant(source)
    fresh = create_space(seeding(), name="Nouvelle")
    assert fresh.pk > max(Space.objects.exclude(pk=fresh.pk).values_list("pk", flat=True))
    connection.set_schema_to_public()


def spaces_tables(manifest: dict[str, Any]) -> list[str]:
    return [t["table"] for t in manifest["tables"]]


def test_export_and_restore_commands(make_tenants, tmp_path: Path, settings) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tenant,) = make_tenants(1)
    archive = tmp_path / "archive.tar.gz"
    env = {**server_environment(), "ENTENTE_MEDIA_ROOT": str(tmp_path / "media")}
    exported = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "export_tenant", tenant.slug, str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert exported.returncode == 0, exported.stderr
    restored = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "restore_tenant", str(archive)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert restored.returncode == 0, restored.stderr
    assert "DIFFÉRENTE" not in restored.stdout
    assert "tables identiques" in restored.stdout
    assert os.path.exists(archive)
