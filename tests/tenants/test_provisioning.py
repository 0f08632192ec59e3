"""Provisioning replays the template: same structure as running the migrations, all or nothing.

Most tests run inside the test transaction (DDL is transactional in PostgreSQL). The few that
must commit (a template rebuild runs migrations that commit, and the capture only reads what
is committed) use `django_db_blocker` and put the template back as they found it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from entente.core.db import connection
from entente.core.health import readiness_checks
from tenants import template
from tenants.models import TemplateCapture, Tenant, TenantKind, TenantState
from tenants.provisioning import create_tenant, retry_provisioning, schema_name_for
from tenants.template import (
    TemplateError,
    TemplateNotReadyError,
    ensure_template,
    expected_migrations,
    split_statements,
    template_is_current,
    template_schema,
    template_status,
    transform_dump,
)
from tests.support.acting import seeding

# -- Reading a schema's structure from the catalog ----------------------------------------------
# (Schema names in the SQL below are the tests' own, never user input: hence the S608 waivers.)

SIGNATURE_QUERIES = {
    "relations": """
        SELECT c.relname, c.relkind, c.relpersistence, c.relrowsecurity,
               c.relforcerowsecurity, obj_description(c.oid, 'pg_class')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s ORDER BY 1
    """,
    "columns": """
        SELECT c.relname, a.attname,
               row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
               format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated,
               coll.collname, col_description(c.oid, a.attnum)
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation coll ON coll.oid = a.attcollation AND a.attcollation <> 0
        WHERE n.nspname = %s AND a.attnum > 0 AND NOT a.attisdropped
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY 1, 3
    """,
    "indexes": """
        SELECT c.relname, pg_get_indexdef(i.indexrelid), i.indisunique, i.indisprimary
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s ORDER BY 1
    """,
    "constraints": """
        SELECT t.relname, con.conname, con.contype, pg_get_constraintdef(con.oid),
               con.condeferrable, con.condeferred, con.convalidated
        FROM pg_constraint con
        JOIN pg_class t ON t.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = con.connamespace
        WHERE n.nspname = %s ORDER BY 1, 2
    """,
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
               s.seqmin, s.seqmax, s.seqcache, s.seqcycle, owner.relname, owner_col.attname,
               dep.deptype
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_depend dep ON dep.objid = c.oid
             AND dep.classid = 'pg_class'::regclass AND dep.refclassid = 'pg_class'::regclass
             AND dep.deptype IN ('a', 'i')
        LEFT JOIN pg_class owner ON owner.oid = dep.refobjid
        LEFT JOIN pg_attribute owner_col
             ON owner_col.attrelid = dep.refobjid AND owner_col.attnum = dep.refobjsubid
        WHERE n.nspname = %s ORDER BY 1
    """,
    "triggers": """
        SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
        FROM pg_trigger t
        JOIN pg_class c ON c.oid = t.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND NOT t.tgisinternal ORDER BY 1, 2
    """,
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), p.prokind, p.prosrc
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %s ORDER BY 1, 2
    """,
    "types": """
        SELECT t.typname, t.typtype,
               (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder)
                FROM pg_enum e WHERE e.enumtypid = t.oid)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        LEFT JOIN pg_class c ON c.oid = t.typrelid
        WHERE n.nspname = %s AND t.typtype IN ('e', 'd', 'c', 'r')
          AND (c.oid IS NULL OR c.relkind = 'c')
        ORDER BY 1
    """,
    "policies": """
        SELECT tablename, policyname, permissive, roles, cmd, qual, with_check
        FROM pg_policies WHERE schemaname = %s ORDER BY 1, 2
    """,
}


def schema_signature(schema: str) -> dict[str, list[tuple[Any, ...]]]:
    """Everything that makes a schema's structure, with the schema's own name taken out."""
    own_name = re.compile(rf'(?<![\w$])"?{re.escape(schema)}"?(?=\.)')

    def normalize(value: Any) -> Any:
        if isinstance(value, str):
            return own_name.sub("<schema>", value)
        if isinstance(value, list):
            return tuple(normalize(item) for item in value)
        return value

    signature: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for part, sql in SIGNATURE_QUERIES.items():
            cursor.execute(sql, [schema])
            signature[part] = [tuple(normalize(v) for v in row) for row in cursor.fetchall()]
    return signature


def recorded_migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')  # noqa: S608
        return {(app, name) for app, name in cursor.fetchall()}


def content_types(schema: str) -> list[tuple[int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT id, app_label, model FROM "{schema}".django_content_type ORDER BY id'  # noqa: S608
        )
        return list(cursor.fetchall())


def schema_exists(schema: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [schema])
        row = cursor.fetchone()
    return bool(row and row[0])


def new_tenant(name: str = "Machecoul-Saint-Même", code: str = "44087", **fields: Any) -> Tenant:
    return create_tenant(name=name, kind=TenantKind.COMMUNE, official_code=code, **fields)


# -- Structure ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_provisioned_schema_is_identical_to_one_made_by_the_migrations() -> None:
    provisioned = new_tenant()
    migrated = Tenant.objects.create(
        name="Référence migrée",
        slug="reference-migree",
        schema_name="t_reference_migree",
        kind=TenantKind.COMMUNE,
        official_code="44999",
    )
    migrated.create_schema(check_if_exists=False, verbosity=0)  # django-tenants' default path

    expected = schema_signature(migrated.schema_name)
    actual = schema_signature(provisioned.schema_name)

    # The comparison bites: the tenant schema has tables, named constraints and sequences.
    tables = {name for name, kind, *_ in expected["relations"] if kind == "r"}
    assert {"django_migrations", "django_content_type", "spaces_space"} <= tables
    assert any(row[2] == "u" for row in expected["constraints"])  # a named UNIQUE constraint
    assert expected["sequences"]
    for part in SIGNATURE_QUERIES:
        assert actual[part] == expected[part], part
    assert recorded_migrations(provisioned.schema_name) == recorded_migrations(migrated.schema_name)
    assert [row[1:] for row in content_types(provisioned.schema_name)] == [
        row[1:] for row in content_types(migrated.schema_name)
    ]


@pytest.mark.django_db
def test_provisioned_schema_records_the_templates_migrations_and_content_types() -> None:
    tenant = new_tenant()

    assert recorded_migrations(tenant.schema_name) == recorded_migrations(template_schema())
    assert recorded_migrations(tenant.schema_name) >= expected_migrations()
    assert content_types(tenant.schema_name) == content_types(template_schema())
    assert schema_signature(tenant.schema_name) == schema_signature(template_schema())


@pytest.mark.django_db
def test_the_structure_comparison_notices_a_renamed_constraint() -> None:
    """Cloning renames UNIQUE constraints; the comparison above would catch that."""
    tenant = new_tenant()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""ALTER TABLE "{tenant.schema_name}".django_content_type
                RENAME CONSTRAINT django_content_type_app_label_model_76bd3d3b_uniq
                TO django_content_type_app_label_model_key"""
        )
    assert schema_signature(tenant.schema_name) != schema_signature(template_schema())


@pytest.mark.django_db
def test_sequences_start_fresh_and_continue_after_copied_rows() -> None:
    tenant = new_tenant()
    schema = f'"{tenant.schema_name}"'
    last_content_type = max(row[0] for row in content_types(tenant.schema_name))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {schema}.spaces_space (created_at, updated_at, name, description, kind,"  # noqa: S608
            " visibility, join_policy, federation_scope)"
            " VALUES (now(), now(), 'Voirie', '', 'team', 'tenant', 'open', '{}') RETURNING id"
        )
        assert cursor.fetchone() == (1,)
        cursor.execute(
            f"INSERT INTO {schema}.django_content_type (app_label, model)"  # noqa: S608
            " VALUES ('essai', 'essai') RETURNING id"
        )
        assert cursor.fetchone() == (last_content_type + 1,)


@pytest.mark.django_db
def test_provisioned_tenant_is_open_and_usable() -> None:
    from django_tenants.utils import tenant_context

    from entente.spaces.models import Space
    from entente.spaces.services import create_space

    tenant = new_tenant(state=TenantState.ACTIVE)
    assert tenant.state == TenantState.ACTIVE
    assert tenant.schema_name == schema_name_for("machecoul-saint-meme")
    assert tenant.failure_reason == ""
    with tenant_context(tenant):
        create_space(seeding(), name="Écoles")
        assert list(Space.objects.values_list("name", flat=True)) == ["Écoles"]


# -- Failure and retry --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failure_leaves_no_schema_and_marks_the_tenant_failed(monkeypatch) -> None:
    real_sql = template.provisioning_sql

    def failing_sql(schema_name: str) -> str:
        # Fails after every table was created: the whole replay must be undone.
        return real_sql(schema_name) + "SELECT 1 / 0;"

    monkeypatch.setattr(template, "provisioning_sql", failing_sql)
    with pytest.raises(Exception, match="division by zero"):
        new_tenant()

    tenant = Tenant.objects.get(slug="machecoul-saint-meme")
    assert tenant.state == TenantState.FAILED
    assert "division by zero" in tenant.failure_reason
    assert not schema_exists(tenant.schema_name)

    monkeypatch.undo()
    retry_provisioning(tenant)
    tenant.refresh_from_db()
    assert tenant.state == TenantState.TRIAL
    assert tenant.failure_reason == ""
    assert schema_signature(tenant.schema_name) == schema_signature(template_schema())


@pytest.mark.django_db
def test_retry_refuses_a_tenant_that_did_not_fail() -> None:
    tenant = new_tenant()
    with pytest.raises(ValidationError) as error:
        retry_provisioning(tenant)
    assert error.value.code == "not_failed"
    assert "Seule une création échouée" in error.value.messages[0]


# -- Slugs --------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "code", "message"),
    [
        ("admin", "reserved_slug", "est réservé. Choisissez-en un autre."),
        ("console", "reserved_slug", "est réservé"),
        ("Machecoul Saint Même", "invalid_slug", "lettres minuscules, chiffres et tirets"),
        ("-machecoul", "invalid_slug", "ne convient pas"),
        ("lege", "taken_slug", "est déjà pris. Choisissez-en un autre."),
    ],
)
def test_unusable_slugs_are_refused_in_french(slug: str, code: str, message: str) -> None:
    before = Tenant.objects.count()
    with pytest.raises(ValidationError) as error:
        new_tenant(slug=slug)
    assert error.value.code == code
    assert message in error.value.messages[0]
    assert Tenant.objects.count() == before


@pytest.mark.django_db
def test_a_slug_whose_schema_name_is_taken_is_refused() -> None:
    long_slug = "saint-" + "x" * 55
    new_tenant(slug=long_slug + "-a")
    with pytest.raises(ValidationError) as error:
        new_tenant(name="Autre", code="44998", slug=long_slug + "-b")
    assert error.value.code == "taken_slug"


# -- Keeping the template current ---------------------------------------------------------------


def _forget_one_template_migration() -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""DELETE FROM "{template_schema()}".django_migrations
                WHERE id = (SELECT max(id) FROM "{template_schema()}".django_migrations
                            WHERE app = 'spaces')
                RETURNING app, name"""  # noqa: S608
        )
        row = cursor.fetchone()
    assert row is not None
    return row[0], row[1]


@pytest.mark.django_db
def test_template_is_current_after_migrating() -> None:
    status = template_status()
    assert status.current, status.describe()
    assert template_is_current()
    assert readiness_checks()["template_schema"]["ok"] is True
    call_command("ensure_template", "--check")


@pytest.mark.django_db
def test_a_template_missing_a_migration_is_reported_behind() -> None:
    missing = _forget_one_template_migration()

    status = template_status()
    assert not template_is_current()
    assert status.missing_migrations == [missing]
    assert missing[1] in status.describe()
    assert readiness_checks()["template_schema"]["ok"] is False
    with pytest.raises(CommandError, match="ensure_template"):
        call_command("ensure_template", "--check")
    # A rebuild commits as it goes: it is refused inside a transaction, with the way out.
    with pytest.raises(TemplateNotReadyError, match="ensure_template"):
        ensure_template()


@pytest.mark.django_db
def test_foreign_keys_to_public_tables_are_pointed_out() -> None:
    """They make provisioning grow with the number of tenants (triggers on the public table)."""
    schema = template_schema()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE "{schema}".essai_note (
                    id bigint PRIMARY KEY,
                    author_id bigint REFERENCES public.accounts_user (id),
                    space_id bigint REFERENCES "{schema}".spaces_space (id))"""
        )
    found = template.foreign_keys_out_of_template()

    notes = [(constraint, target) for table, constraint, target in found if table == "essai_note"]
    assert notes == [("essai_note_author_id_fkey", "public.accounts_user")]


@pytest.mark.django_db
def test_a_lost_capture_is_taken_again_when_provisioning() -> None:
    TemplateCapture.objects.all().delete()
    assert not template_is_current()

    tenant = new_tenant()

    assert template_is_current()
    assert schema_signature(tenant.schema_name) == schema_signature(template_schema())


@pytest.fixture
def committed_template(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """Work on the template outside any transaction; leave it current afterwards."""
    with django_db_blocker.unblock():
        try:
            yield
        finally:
            connection.set_schema_to_public()
            ensure_template()


def test_ensure_template_rebuilds_a_template_that_is_behind(committed_template: None) -> None:
    before = TemplateCapture.objects.get(fingerprint=template.migration_fingerprint())
    # The row is gone but its table is still there: migrating forward would fail on it.
    _forget_one_template_migration()
    assert not template_is_current()

    capture = ensure_template()

    assert template_is_current()
    assert recorded_migrations(template_schema()) >= expected_migrations()
    assert capture.captured_at > before.captured_at
    assert capture.table_count >= 3
    assert capture.migration_count == len(recorded_migrations(template_schema()))


def test_migrating_the_public_schema_refreshes_the_template(committed_template: None) -> None:
    _forget_one_template_migration()
    assert not template_is_current()

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)

    assert template_is_current()


def test_ensure_template_command_rebuilds_on_request(committed_template: None, capsys) -> None:
    before = TemplateCapture.objects.get(fingerprint=template.migration_fingerprint())

    call_command("ensure_template", "--rebuild")

    after = TemplateCapture.objects.get(fingerprint=template.migration_fingerprint())
    assert after.captured_at > before.captured_at
    assert "à jour" in capsys.readouterr().out


# -- Turning a dump into a capture --------------------------------------------------------------

DUMP = r"""--
-- PostgreSQL database dump
--

\restrict AbC123

SET statement_timeout = 0;
CREATE TABLE entente_template.note (
    id bigint DEFAULT nextval('entente_template.note_id_seq'::regclass) NOT NULL,
    body text DEFAULT 'a;b -- c' NOT NULL, -- a comment; with a semicolon
    quoted text DEFAULT E'l\'école;' /* block; comment */
);
CREATE FUNCTION "entente_template".touch() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN NEW.body := 'x;y'; RETURN NEW; END
$body$;
COMMENT ON TABLE entente_template.note IS 'c''est; une note';
INSERT INTO entente_template.note (id, body, quoted) VALUES
	(1, 'SET x = 1;', '\restrict');
SELECT pg_catalog.setval('entente_template.note_id_seq', 1, true);

\unrestrict AbC123
"""


def test_split_statements_respects_quotes_comments_and_meta_commands() -> None:
    statements = split_statements(DUMP)

    assert statements[0] == "SET statement_timeout = 0"
    assert not any(s.startswith("\\") for s in statements)
    assert any("DEFAULT 'a;b -- c' NOT NULL," in s for s in statements)
    assert any("E'l\\'école;'" in s for s in statements)
    assert any("NEW.body := 'x;y'; RETURN NEW; END" in s for s in statements)
    assert any("(1, 'SET x = 1;', '\\restrict')" in s for s in statements)
    assert len(statements) == 6


def test_transform_points_every_qualified_reference_at_a_placeholder() -> None:
    placeholder = template.SCHEMA_PLACEHOLDER
    sql = transform_dump(DUMP, "entente_template")

    assert f"CREATE TABLE {placeholder}.note (" in sql
    assert f"nextval('{placeholder}.note_id_seq'::regclass)" in sql
    assert f"CREATE FUNCTION {placeholder}.touch()" in sql
    assert f"setval('{placeholder}.note_id_seq', 1, true)" in sql
    assert "(1, 'SET x = 1;', '\\restrict')" in sql
    assert "entente_template" not in sql


def test_transform_refuses_an_unexpected_mention_of_the_template() -> None:
    with pytest.raises(TemplateError, match="unexpected mention"):
        transform_dump(
            "CREATE TABLE entente_template.t (x text DEFAULT 'entente_template');",
            "entente_template",
        )
    with pytest.raises(TemplateError, match="creates nothing"):
        transform_dump("SET statement_timeout = 0;", "entente_template")
