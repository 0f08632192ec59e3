"""One tenant's backup and restore, without dumping the catalog of every other tenant.

Why: `pg_dump` of one schema reads the whole catalog and takes seconds at a few thousand
schemas; a full dump needs `max_locks_per_transaction` raised (PERFORMANCE.md). Here the
tenant's tables are read with `COPY … TO STDOUT` (one statement per table, in one REPEATABLE
READ transaction: a consistent snapshot) and written back with `COPY … FROM STDIN`.

The archive (a .tar.gz) holds:
- `manifest.json`: format, the migration fingerprint and applied set, the tenant's public row
  (name, slug, kind, codes, state, plan…), its custom domains, its memberships by e-mail
  and role, and per table the row count and a checksum;
- `tables/<table>.copy`: each table in COPY text format, in dependency order;
- `media/…`: the tenant's files (`MEDIA_ROOT/tenants/<schema>/`).

Restore goes into a new tenant (`--as <slug>`: provisioned from the template, then its tables
replaced) or into the same one (its tables emptied and refilled), in one transaction, then the
schema is migrated if the archive is older than the code (tenants/deploy.py), the sequences
moved past the restored ids, file paths rewritten for a new schema, and every table's count and
checksum compared with the manifest. People live in the public schema and are shared by
tenants: they are not in the archive. Their ids in tenant rows are kept as they are, which is
right on the same platform (people are deactivated, never deleted); memberships are restored
for the people found by e-mail.
"""

from __future__ import annotations

import io
import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from entente.core.db import connection

from . import deploy, provisioning, routing, signals, template
from .models import Domain, MfaPolicy, Tenant, TenantState

FORMAT = 1


class BackupError(RuntimeError):
    pass


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def media_dir(schema_name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / "tenants" / schema_name


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    checksum: str


def tables_in_order(schema_name: str) -> list[str]:
    """The schema's tables, each after the tables it references (cycles broken by name)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') ORDER BY 1",
            [schema_name],
        )
        tables = [row[0] for row in cursor.fetchall()]
        cursor.execute(
            """
            SELECT s.relname, t.relname FROM pg_constraint con
            JOIN pg_class s ON s.oid = con.conrelid JOIN pg_class t ON t.oid = con.confrelid
            JOIN pg_namespace n ON n.oid = s.relnamespace
            WHERE con.contype = 'f' AND n.nspname = %s AND t.relnamespace = s.relnamespace
            """,
            [schema_name],
        )
        edges = cursor.fetchall()
    depends: dict[str, set[str]] = {table: set() for table in tables}
    for source, target in edges:
        if source != target:
            depends[source].add(target)
    ordered: list[str] = []
    remaining = dict(depends)
    while remaining:
        ready = sorted(t for t, deps in remaining.items() if not deps & remaining.keys())
        if not ready:  # a cycle: FKs are deferred to the commit, any order will do
            ready = [sorted(remaining)[0]]
        for table in ready:
            ordered.append(table)
            remaining.pop(table)
    return ordered


def check_tables(schema_name: str, tables: list[str]) -> list[TableCheck]:
    """Row count and an order-independent checksum of every row's text, per table."""
    checks = []
    with connection.cursor() as cursor:
        for table in tables:
            qualified = f"{_quote(schema_name)}.{_quote(table)}"
            cursor.execute(
                "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "  # noqa: S608
                f"FROM (SELECT md5(t::text) AS h FROM {qualified} t) rows"
            )
            row = cursor.fetchone()
            assert row is not None
            count, checksum = row
            checks.append(TableCheck(table, int(count), str(checksum)))
    return checks


def _applied(schema_name: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT app, name FROM {_quote(schema_name)}.django_migrations ORDER BY 1, 2"  # noqa: S608
        )
        return [[app, name] for app, name in cursor.fetchall()]


def _tenant_fields(tenant: Tenant) -> dict[str, Any]:
    keep = ["name", "slug", "kind", "official_code", "country", "population", "departement"]
    keep += ["state", "plan", "trial_ends_at", "closing_on", "mfa_required_for"]
    values = {name: getattr(tenant, name) for name in keep}
    return json.loads(json.dumps(values, default=str))


def export_tenant(slug: str, archive: Path) -> dict[str, Any]:
    """Write the tenant's archive; returns its manifest."""
    tenant = Tenant.objects.get(slug=slug)
    schema = tenant.schema_name
    connection.set_schema_to_public()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        (work / "tables").mkdir()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            tables = tables_in_order(schema)
            raw = connection.connection.cursor()  # psycopg's, for COPY
            for table in tables:
                qualified = f"{_quote(schema)}.{_quote(table)}"
                with (
                    (work / "tables" / f"{table}.copy").open("wb") as out,
                    raw.copy(f"COPY {qualified} TO STDOUT") as copy,
                ):
                    for block in copy:
                        out.write(block)
            checks = check_tables(schema, tables)
            applied = _applied(schema)
            domains = [
                {"domain": d.domain, "is_primary": d.is_primary}
                for d in Domain.objects.filter(tenant=tenant).order_by("domain")
            ]
            memberships = _memberships_of(tenant)
        manifest = {
            "format": FORMAT,
            "exported_at": timezone.now().isoformat(),
            "schema_name": schema,
            "fingerprint": template.migration_fingerprint(),
            "migrations": applied,
            "tenant": _tenant_fields(tenant),
            "settings": signals.exported_settings(tenant),  # kept by apps (SAML directory)
            "domains": domains,
            "memberships": memberships,
            "tables": [check.__dict__ for check in checks],
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(work / "tables", arcname="tables")
            files = media_dir(schema)
            if files.is_dir():
                tar.add(files, arcname="media")
    return manifest


def _memberships_of(tenant: Tenant) -> list[dict[str, str]]:
    try:
        membership_model = apps.get_model("accounts", "Membership")
    except LookupError:
        return []
    rows = membership_model.objects.filter(tenant=tenant).select_related("user")
    return [{"email": m.user.email, "role": str(m.role)} for m in rows]


def read_manifest(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile("manifest.json")
        if member is None:
            raise BackupError("archive without manifest.json")
        manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown archive format {manifest.get('format')!r}")
    return manifest


@dataclass
class RestoreReport:
    tenant: Tenant
    checks: list[tuple[TableCheck, TableCheck | None]]
    migrated: bool
    files: int
    memberships: int

    @property
    def equal(self) -> bool:
        return all(expected == got for expected, got in self.checks)


def restore_tenant(archive: Path, *, as_slug: str | None = None) -> RestoreReport:
    """Restore into the tenant named by `as_slug` (made if missing) or the archive's own."""
    manifest = read_manifest(archive)
    fields = manifest["tenant"]
    slug = as_slug or fields["slug"]
    old_schema = manifest["schema_name"]
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        official_code = fields["official_code"] if slug == fields["slug"] else f"R{slug}"[:16]
        tenant = provisioning.create_tenant(
            name=fields["name"] if slug == fields["slug"] else f"{fields['name']} (copie)",
            kind=fields["kind"],
            official_code=official_code,
            slug=slug,
            country=fields["country"],
            population=fields["population"],
            departement=fields["departement"],
        )
    schema = tenant.schema_name
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")
        tables = [entry["table"] for entry in manifest["tables"]]
        with transaction.atomic():
            connection.set_schema_to_public()
            present = set(tables_in_order(schema))
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                if present:
                    listed = ", ".join(f"{_quote(schema)}.{_quote(t)}" for t in sorted(present))
                    cursor.execute(f"TRUNCATE {listed} RESTART IDENTITY CASCADE")
                # Tables the archive knows and this schema lacks (an older archive's, later
                # dropped) cannot be restored: refuse rather than lose them silently.
                missing = [t for t in tables if t not in present]
                if missing:
                    raise BackupError(f"tables missing in {schema}: {', '.join(missing)}")
            raw = connection.connection.cursor()
            for table in tables:
                qualified = f"{_quote(schema)}.{_quote(table)}"
                with (
                    (work / "tables" / f"{table}.copy").open("rb") as source,
                    raw.copy(f"COPY {qualified} FROM STDIN") as copy,
                ):
                    while block := source.read(1 << 16):
                        copy.write(block)
            _reset_sequences(schema)
            if schema != old_schema:
                _rewrite_file_paths(schema, old_schema)
            _restore_memberships(tenant, manifest.get("memberships", []))
            # Its two-factor rule goes with its people, into a copy too (older archives: none).
            Tenant.objects.filter(pk=tenant.pk).update(
                mfa_required_for=fields.get("mfa_required_for", MfaPolicy.NOBODY)
            )
            if slug == fields["slug"]:
                Tenant.objects.filter(pk=tenant.pk).update(
                    state=fields["state"], plan=fields["plan"]
                )
        migrated = manifest["fingerprint"] != template.migration_fingerprint()
        if migrated:  # an archive from older code: bring the schema to the code's state
            result = deploy.SchemaMigrator(
                lock_timeout=settings.ENTENTE_DEPLOY_LOCK_TIMEOUT,
                statement_timeout=settings.ENTENTE_DEPLOY_STATEMENT_TIMEOUT,
            ).migrate(schema)
            connection.set_schema_to_public()
            if not result.ok:
                raise BackupError(f"restored, but migrating failed: {result.error}")
        files = _restore_files(work / "media", media_dir(schema))
    expected = [TableCheck(**entry) for entry in manifest["tables"]]
    got = {check.table: check for check in check_tables(schema, tables)}
    if migrated or schema != old_schema:
        # Migrations and rewritten file paths change rows on purpose: compare counts only.
        got = {
            name: TableCheck(name, check.rows, exp.checksum) if check.rows == exp.rows else check
            for exp in expected
            for name, check in [(exp.table, got[exp.table])]
        }
    routing.note_change({routing.TENANT: [tenant.pk]})  # update() above sends no post_save
    tenant.refresh_from_db()
    signals.tenant_restored.send(
        sender=Tenant, tenant=tenant, settings=manifest.get("settings") or {}
    )
    return RestoreReport(
        tenant=tenant,
        checks=[(exp, got.get(exp.table)) for exp in expected],
        migrated=migrated,
        files=files,
        memberships=len(manifest.get("memberships", [])),
    )


def _reset_sequences(schema: str) -> None:
    """Move each identity/serial sequence past the largest restored id."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, pg_get_serial_sequence(
                quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)
            FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
              AND pg_get_serial_sequence(
                quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL
            """,
            [schema],
        )
        for table, column, sequence in cursor.fetchall():
            cursor.execute(
                f"SELECT setval(%s, coalesce(max({_quote(column)}), 0) + 1, false) "  # noqa: S608
                f"FROM {_quote(schema)}.{_quote(table)}",
                [sequence],
            )


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        if (
            model._meta.app_config is None
            or model._meta.app_config.name not in settings.TENANT_APPS
        ):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model, field


def _rewrite_file_paths(schema: str, old_schema: str) -> None:
    old_prefix, new_prefix = f"tenants/{old_schema}/", f"tenants/{schema}/"
    with connection.cursor() as cursor:
        for model, field in _file_fields():
            column = _quote(str(field.column))
            cursor.execute(
                f"UPDATE {_quote(schema)}.{_quote(model._meta.db_table)} "  # noqa: S608
                f"SET {column} = %s || substr({column}, %s) WHERE {column} LIKE %s",
                [new_prefix, len(old_prefix) + 1, old_prefix + "%"],
            )


def _restore_memberships(tenant: Tenant, memberships: list[dict[str, str]]) -> None:
    if not memberships:
        return
    membership_model = apps.get_model("accounts", "Membership")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    users = {
        user.email.lower(): user
        for user in user_model.objects.filter(email__in=[m["email"] for m in memberships])
    }
    for entry in memberships:
        user = users.get(entry["email"].lower())
        if user is not None:
            membership_model.objects.update_or_create(
                user=user, tenant=tenant, defaults={"role": entry["role"]}
            )


def _restore_files(source: Path, target: Path) -> int:
    if target.exists():
        shutil.rmtree(target)
    if not source.is_dir():
        return 0
    shutil.copytree(source, target)
    return sum(1 for path in target.rglob("*") if path.is_file())


def describe_checks(report: RestoreReport) -> str:
    out = io.StringIO()
    out.write(f"{'table':<40} {'lignes':>8} {'attendu':>8}  {'somme de contrôle':<12}\n")
    for expected, got in report.checks:
        rows = got.rows if got else -1
        same = "identique" if got == expected else "DIFFÉRENTE"
        out.write(f"{expected.table:<40} {rows:>8} {expected.rows:>8}  {same}\n")
    return out.getvalue()


__all__ = ["BackupError", "TenantState", "export_tenant", "read_manifest", "restore_tenant"]
