"""The template schema kept at the latest migration, from which tenants are made.

Why: running every migration in a new schema costs 1.0-1.5 s, and django-tenants' clone grows
with the catalog and renames UNIQUE constraints (PERFORMANCE.md). So the template schema
(`settings.ENTENTE_TEMPLATE_SCHEMA`) is built by the migrations once per migration state,
written out as SQL from its own catalog rows (`tenants.capture`: its structure and the rows the
migrations left in it: `django_migrations`, content types, whatever a data migration seeds;
not pg_dump, which reads every tenant's catalog), and that script, rewritten to name a
placeholder schema, is kept in `TemplateCapture` keyed by a fingerprint of the migration graph.
Provisioning (`tenants.provisioning`) then replays it into the new schema in one transaction:
it loads no migration and reads no catalog, so its cost does not grow with the
number of tenants.

Keeping it current: django-tenants sends `schema_migrated` after each schema it migrates.
When the public schema has been migrated (every `migrate` / `migrate_schemas` run that
includes the shared apps, which is the first step of a deploy's migrations job), the receiver
connected by `connect_signals()` calls `ensure_template()`, before the tenant schemas are
migrated. We chose the signal over a wrapper command because django-tenants' `migrate` already
overrides Django's, and command precedence between apps would make a third one fragile; the
signal catches every way of migrating. A run limited to `--tenant` leaves the template alone:
the readiness check then reports it behind, and the first provisioning (or
`manage.py ensure_template`) brings it up to date.

A template that is behind is rebuilt from scratch (dropped, then migrated from zero) rather
than migrated forward: it holds no data, so this costs one full migration run per deploy, and
it leaves it exactly as a tenant made by running every migration, whatever happened to it.
Provisioning never reads the template schema itself, only the capture, so a rebuild does not
disturb tenants being created meanwhile.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from django.conf import settings
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.signals import schema_migrated

from entente.core.db import connection
from entente.core.health import CheckFailedError

from .capture import CaptureError, capture_schema
from .models import TemplateCapture

logger = logging.getLogger(__name__)

# Bump when the way a dump is transformed changes: every capture is then taken again.
CAPTURE_FORMAT = 2
# Stands for the new schema's quoted name in a capture; cannot occur in a catalog name.
SCHEMA_PLACEHOLDER = "__entente_new_schema__"
# How many captures to keep (older code still running during a deploy may need the previous).
KEEP_CAPTURES = 5

# libpq keywords that may sit in DATABASES OPTIONS and that our own connections must use too.
_LIBPQ_OPTIONS = frozenset(
    {
        "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "connect_timeout",
        "options", "target_session_attrs", "passfile", "service", "gssencmode", "channel_binding",
    }
)  # fmt: skip


class TemplateError(RuntimeError):
    """The template could not be built, dumped or used."""


class TemplateNotReadyError(TemplateError):
    """No capture for the code's migration state, and none can be made here."""


def template_schema() -> str:
    return str(settings.ENTENTE_TEMPLATE_SCHEMA)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# -- What the template should hold --------------------------------------------------------------


@functools.cache
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration of the graph on disk: a tenant schema records all of them as applied.

    (django-tenants runs the whole plan in a tenant schema; the router turns the shared apps'
    operations into no-ops, but Django still records them.) Cached: the files on disk only
    change with a deploy, which restarts the process.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


@functools.cache
def migration_fingerprint() -> str:
    """Names the migration state (and capture format) a capture belongs to."""
    digest = hashlib.sha256()
    digest.update(f"format={CAPTURE_FORMAT};schema={template_schema()};".encode())
    digest.update(("tenant_apps=" + ",".join(settings.TENANT_APPS) + ";").encode())
    for app_label, name in sorted(expected_migrations()):
        digest.update(f"{app_label}.{name};".encode())
    return digest.hexdigest()


# -- What the template holds --------------------------------------------------------------------


def applied_template_migrations() -> set[tuple[str, str]] | None:
    """The template's recorded migrations, or None when it has no schema or no table yet.

    Reads the template's table by its qualified name, so the connection's schema is untouched
    and the public schema's `django_migrations` can never be read by mistake.
    """
    table = f"{_quote(template_schema())}.django_migrations"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        row = cursor.fetchone()
        if not row or not row[0]:
            return None
        cursor.execute(f"SELECT app, name FROM {table}")  # noqa: S608 (quoted identifier)
        return {(app, name) for app, name in cursor.fetchall()}


@dataclass(frozen=True)
class TemplateStatus:
    exists: bool
    missing_migrations: list[tuple[str, str]] = field(default_factory=list)
    captured: bool = False

    @property
    def migrated(self) -> bool:
        return self.exists and not self.missing_migrations

    @property
    def current(self) -> bool:
        return self.migrated and self.captured

    def describe(self) -> str:
        if not self.exists:
            return "template schema missing"
        if self.missing_migrations:
            shown = ", ".join(f"{a}.{n}" for a, n in self.missing_migrations[:5])
            return f"{len(self.missing_migrations)} migration(s) not applied: {shown}"
        if not self.captured:
            return "no capture for the current migration state"
        return "current"


def template_status() -> TemplateStatus:
    applied = applied_template_migrations()
    if applied is None:
        return TemplateStatus(exists=False)
    missing = sorted(expected_migrations() - applied)
    captured = TemplateCapture.objects.filter(fingerprint=migration_fingerprint()).exists()
    return TemplateStatus(exists=True, missing_migrations=missing, captured=captured)


def template_is_current() -> bool:
    """True when the template has every migration on disk and its capture is stored.

    Two small queries once the migration graph is cached: cheap enough for a readiness probe.
    """
    return template_status().current


def readiness_check() -> str:
    """The `template_schema` check of /readyz (registered in `TenantsConfig.ready()`)."""
    if not template_is_current():
        raise CheckFailedError("template schema is behind the migrations")
    return "current"


# -- Keeping it current -------------------------------------------------------------------------


def ensure_template(*, rebuild: bool = False, recapture: bool = False) -> TemplateCapture:
    """Make the template current and return its capture; do nothing that is not needed.

    Rebuilds the schema when a migration is missing (or when asked), then dumps it when the
    capture for this migration state is missing (or when asked). Serialized across processes
    by an advisory lock, so several workers starting at once build it once.

    A rebuild runs the migrations, which commit as they go: it refuses to run inside a
    transaction. Capturing alone can (it reads what is committed, on a connection of its own,
    and a rebuild has just been committed), which lets a test, wrapped in a transaction,
    provision tenants after a flush.
    """
    with _template_lock():
        status = template_status()
        if rebuild or not status.migrated:
            if connection.in_atomic_block:
                raise TemplateNotReadyError(
                    _(
                        "Le schéma modèle des collectivités n'est pas à jour et ne peut pas être "
                        "reconstruit dans une transaction : lancez « manage.py ensure_template »."
                    )
                )
            _rebuild_template()
            recapture = True
        capture = TemplateCapture.objects.filter(fingerprint=migration_fingerprint()).first()
        if capture is None or recapture:
            capture = _capture_template()
    return capture


def current_capture() -> TemplateCapture:
    """The capture to provision from, made on the spot if this migration state has none yet."""
    capture = TemplateCapture.objects.filter(fingerprint=migration_fingerprint()).first()
    if capture is not None:
        return capture
    logger.warning("No template capture for the current migrations: making it now")
    return ensure_template()


def provisioning_sql(schema_name: str) -> str:
    """The SQL that creates `schema_name` as a copy of the template, to run in one transaction."""
    quoted = _quote(schema_name)
    sql = current_capture().sql.replace(SCHEMA_PLACEHOLDER, quoted)
    return f"CREATE SCHEMA {quoted};\n{sql}"


def connect_signals() -> None:
    """Called from TenantsConfig.ready(): refresh the template whenever migrations run."""
    schema_migrated.connect(_on_schema_migrated, dispatch_uid="entente-template-refresh")


def _on_schema_migrated(sender: Any, schema_name: str, **kwargs: Any) -> None:
    refresh_after_migrate(schema_name)


def refresh_after_migrate(schema_name: str) -> None:
    """Called after django-tenants migrated a schema: refresh the template after the public one.

    A failure propagates and fails the migration run: a deploy that could not make tenants
    should stop at its migrations job, not at the first sign-up.
    """
    if schema_name != settings.PUBLIC_SCHEMA_NAME:
        return
    if connection.in_atomic_block:
        logger.warning("Migrations ran inside a transaction: template not refreshed")
        return
    ensure_template()


def _rebuild_template() -> None:
    schema = template_schema()
    logger.info("Rebuilding the template schema %s from the migrations", schema)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {_quote(schema)} CASCADE")
        cursor.execute(f"CREATE SCHEMA {_quote(schema)}")
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    applied = applied_template_migrations() or set()
    missing = expected_migrations() - applied
    if missing:
        raise TemplateError(f"template still misses {len(missing)} migration(s) after migrating")


def _capture_template() -> TemplateCapture:
    schema = template_schema()
    dump, version = _catalog_capture(schema)
    sql = transform_dump(dump, schema)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = %s", [schema])
        row = cursor.fetchone()
    table_count = int(row[0]) if row else 0
    applied = applied_template_migrations() or set()
    capture, _created = TemplateCapture.objects.update_or_create(
        fingerprint=migration_fingerprint(),
        defaults={
            "sql": sql,
            "migration_count": len(applied),
            "table_count": table_count,
            "pg_dump_version": version,
            "captured_at": timezone.now(),
        },
    )
    stale = TemplateCapture.objects.order_by("-captured_at").values_list("pk", flat=True)
    TemplateCapture.objects.filter(pk__in=list(stale[KEEP_CAPTURES:])).delete()
    logger.info("Captured the template schema %s (%s tables)", schema, table_count)
    for table, constraint, target in foreign_keys_out_of_template():
        logger.warning(
            "%s.%s references %s: every tenant adds RI triggers to that table, so provisioning "
            "(and each UPDATE/DELETE there) grows with the number of tenants; "
            "use ForeignKey(db_constraint=False) for tenant-to-public references",
            table,
            constraint,
            target,
        )
    return capture


def foreign_keys_out_of_template() -> list[tuple[str, str, str]]:
    """Foreign keys from the template to tables of another schema: (table, constraint, target).

    Each one, replayed into a tenant, adds two RI triggers to the referenced table: at 5,000
    tenants a public table carries 10,000 triggers, and adding the next one costs ~35 ms more
    than at 0 (benchmarks/provisioning.py), growing on to 36,224 tenants.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT source.relname, con.conname, target_ns.nspname || '.' || target.relname
            FROM pg_constraint con
            JOIN pg_class source ON source.oid = con.conrelid
            JOIN pg_namespace source_ns ON source_ns.oid = source.relnamespace
            JOIN pg_class target ON target.oid = con.confrelid
            JOIN pg_namespace target_ns ON target_ns.oid = target.relnamespace
            WHERE con.contype = 'f' AND source_ns.nspname = %s
              AND target_ns.oid <> source_ns.oid
            ORDER BY 1, 2
            """,
            [template_schema()],
        )
        return [(table, name, target) for table, name, target in cursor.fetchall()]


@contextmanager
def _template_lock() -> Iterator[None]:
    """A session advisory lock held on a connection of its own.

    Not Django's connection: the migrations close it when they finish, which would release
    the lock halfway through a rebuild.
    """
    key = int.from_bytes(
        hashlib.sha256(template_schema().encode()).digest()[:8], "big", signed=True
    )
    params, password = libpq_params()
    with psycopg.connect(**params, password=password or None, autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            lock.execute("SELECT pg_advisory_unlock(%s)", [key])


# -- Connections of its own ---------------------------------------------------------------------


def libpq_params() -> tuple[dict[str, Any], str]:
    """Connection keywords for libpq (without the password) and the password, from DATABASES."""
    db = connection.settings_dict
    params: dict[str, Any] = {"dbname": db["NAME"]}
    if db.get("HOST"):
        params["host"] = db["HOST"]
    if db.get("PORT"):
        params["port"] = str(db["PORT"])
    if db.get("USER"):
        params["user"] = db["USER"]
    for key, value in (db.get("OPTIONS") or {}).items():
        if key in _LIBPQ_OPTIONS and value is not None:
            params[key] = str(value)
    return params, str(db.get("PASSWORD") or "")


def _catalog_capture(schema: str) -> tuple[str, str]:
    """The template's SQL (structure and rows), read from its catalog rows (tenants.capture)."""
    params, password = libpq_params()
    try:
        with psycopg.connect(**params, password=password or None, autocommit=True) as conn:
            return capture_schema(conn, schema)
    except CaptureError as error:
        raise TemplateError(str(error)) from error


# -- Turning the capture into a replayable script ----------------------------------------------

_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$")


def _end_of_quoted(script: str, start: int, *, backslashes: bool) -> int:
    """Where the string or quoted identifier opening at `start` ends (just past its quote).

    A doubled quote stays inside; with `backslashes`, a backslash escapes the next character.
    """
    quote = script[start]
    j = start + 1
    while j < len(script):
        if backslashes and script[j] == "\\":
            j += 2
            continue
        if script[j] == quote:
            if script.startswith(quote * 2, j):
                j += 2
                continue
            break
        j += 1
    return j + 1


def split_statements(script: str) -> list[str]:
    """Split a SQL script into statements, without comments or psql meta-commands.

    Respects single-quoted (and E'' escaped) strings, quoted identifiers, dollar quotes and
    nested block comments, so a `;` or `--` inside a value or a function body is kept as is.
    A backslash at the start of a line outside any of those is a psql meta-command (pg_dump
    18 writes `\\restrict` and `\\unrestrict`): the line is skipped.
    """
    statements: list[str] = []
    current: list[str] = []
    i, n = 0, len(script)
    at_line_start = True
    while i < n:
        char = script[i]
        if at_line_start and char == "\\" and not "".join(current).strip():
            end = script.find("\n", i)
            i = n if end == -1 else end + 1
            continue
        at_line_start = False
        if char == "\n":
            current.append(char)
            at_line_start = True
            i += 1
        elif char == "-" and script.startswith("--", i):
            end = script.find("\n", i)
            i = n if end == -1 else end
        elif char == "/" and script.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if script.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif script.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
            current.append(" ")
        elif char in "'\"":
            # E'…' strings take backslash escapes; other strings and identifiers do not.
            escaped = (
                char == "'"
                and i > 0
                and script[i - 1] in "eE"
                and (i < 2 or not script[i - 2].isalnum())
            )
            end = _end_of_quoted(script, i, backslashes=escaped)
            current.append(script[i:end])
            i = end
        elif char == "$" and (match := _DOLLAR_TAG.match(script, i)):
            tag = match.group(0)
            end = script.find(tag, match.end())
            end = n if end == -1 else end + len(tag)
            current.append(script[i:end])
            i = end
        elif char == ";":
            statement = "".join(current).strip()
            if statement:
                statements.append(statement)
            current = []
            i += 1
        else:
            current.append(char)
            i += 1
    tail = "".join(current).strip()
    if tail:
        statements.append(tail)
    return statements


def transform_dump(script: str, schema: str) -> str:
    """Rewrite a script that creates `schema` so that it creates the same objects elsewhere.

    Every qualified reference to the template (`"entente_template".x`, also inside
    `setval('…')` or `nextval('…')`) becomes a placeholder. The template's name is distinctive,
    so a reference to it can only be a qualified name; any other mention left over is an error
    rather than a guess.
    """
    reference = re.compile(rf'(?<![\w$"])(?:{re.escape(schema)}|{re.escape(_quote(schema))})(?=\.)')
    leftover = re.compile(rf"(?<![\w$]){re.escape(schema)}(?![\w$])")
    kept: list[str] = []
    for statement in split_statements(script):
        rewritten = reference.sub(SCHEMA_PLACEHOLDER, statement)
        if leftover.search(rewritten):
            raise TemplateError(f"unexpected mention of {schema} in: {rewritten[:300]}")
        kept.append(rewritten)
    if not any(SCHEMA_PLACEHOLDER in statement for statement in kept):
        raise TemplateError(f"the capture of {schema} creates nothing")
    return ";\n".join(kept) + ";\n"
