"""The template schema written out as SQL from the catalog rows of that one schema.

Why: `pg_dump --schema` reads the whole catalog whatever it dumps (every table, every
dependency), so capturing the template grew from 9 s at 1,000 tenants to 188 s at 5,000
(docs/scaling.md). Here every query starts from the template's namespace and follows the
catalog's indexes (`pg_depend` by referenced object, `pg_attribute` by relation, …), so the
capture reads the template's few hundred rows and costs the same at 36,224 tenants as at one.

What it writes, in replay order: standalone sequences, tables (columns, types, defaults,
NOT NULL with their names on PostgreSQL 18), identity columns, the rows the migrations left,
sequence positions, primary/unique/check/exclusion constraints, the other indexes, foreign keys
last, then comments. Every name is schema-qualified (the queries run with
`search_path = pg_catalog`), so `tenants.template.transform_dump` can point the template's at a
placeholder and refuse any other mention. Anything the capture does not know how to copy
(functions, views, triggers, policies, rules, inheritance, extended statistics, types of its
own) is an error, never a silent omission: the migrations would have to add one first, and the
provisioning tests compare a replayed schema with one made by the migrations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import psycopg


class CaptureError(RuntimeError):
    """The template holds something the catalog capture cannot reproduce."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class _Column:
    number: int
    name: str
    type: str
    not_null: bool
    default: str | None
    identity: str
    generated: str
    collation: str | None
    comment: str | None


def capture_schema(conn: psycopg.Connection[Any], schema: str) -> tuple[str, str]:
    """The SQL that recreates `schema` (qualified by its own name) and what wrote it.

    `conn` must be a connection of its own: the capture sets its search_path and reads in one
    REPEATABLE READ transaction, so the structure and the rows are one snapshot.
    """
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        conn.execute("SET LOCAL search_path = pg_catalog")
        return _Capture(conn, schema).script(), _server_label(conn)


def _server_label(conn: psycopg.Connection[Any]) -> str:
    row = conn.execute("SHOW server_version").fetchone()
    return f"catalogue (PostgreSQL {row[0] if row else '?'})"


class _Capture:
    def __init__(self, conn: psycopg.Connection[Any], schema: str) -> None:
        self.conn = conn
        self.schema = schema
        self.qualified_schema = _quote(schema)
        self.sequence_rows: dict[int, tuple[Any, ...]] = {}

    def rows(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.conn.execute(sql, params).fetchall()

    def name(self, relation: str) -> str:
        return f"{self.qualified_schema}.{_quote(relation)}"

    def script(self) -> str:
        found = self.rows("SELECT oid FROM pg_namespace WHERE nspname = %s", [self.schema])
        if not found:
            raise CaptureError(f"schema {self.schema} does not exist")
        namespace = found[0][0]
        members = self.rows(
            """
            SELECT d.classid::regclass::text, d.objid, c.relname, c.relkind
            FROM pg_depend d
            LEFT JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
            WHERE d.refclassid = 'pg_namespace'::regclass AND d.refobjid = %s
              AND d.deptype = 'n'
            """,
            [namespace],
        )
        unsupported = [
            f"{catalog} {name or oid} ({kind or '-'})"
            for catalog, oid, name, kind in members
            if catalog != "pg_class" or kind not in ("r", "S")
        ]
        if unsupported:
            raise CaptureError(
                "the catalog capture copies tables and sequences only; the template also holds "
                + ", ".join(sorted(unsupported)[:10])
            )
        tables = {oid: name for _c, oid, name, kind in members if kind == "r"}
        sequences = {oid: name for _c, oid, name, kind in members if kind == "S"}
        table_oids = sorted(tables)
        self.refuse_what_is_not_copied(table_oids)

        columns = self.columns(table_oids)
        not_null_names = self.not_null_names(table_oids)
        owners = self.sequence_owners(sorted(sequences))
        self.read_sequences(sorted(sequences))
        constraints = self.rows(
            """
            SELECT conrelid, conname, contype, pg_get_constraintdef(oid), conindid
            FROM pg_constraint
            WHERE conrelid = ANY(%s) AND contype IN ('p', 'u', 'x', 'c', 'f')
            ORDER BY conrelid, contype, conname
            """,
            [table_oids],
        )
        backing = {index for _r, _n, kind, _d, index in constraints if kind in ("p", "u", "x")}
        indexes = self.rows(
            """
            SELECT i.indexrelid, c.relname, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = ANY(%s) ORDER BY c.relname
            """,
            [table_oids],
        )
        options = dict(
            self.rows(
                "SELECT oid, array_to_string(reloptions, ', ') FROM pg_class "
                "WHERE oid = ANY(%s) AND reloptions IS NOT NULL",
                [table_oids],
            )
        )
        persistence = dict(
            self.rows("SELECT oid, relpersistence FROM pg_class WHERE oid = ANY(%s)", [table_oids])
        )

        statements: list[str] = []
        statements += self.standalone_sequences(sequences, owners)
        for oid in sorted(table_oids, key=lambda o: tables[o]):
            statements.append(
                self.create_table(
                    tables[oid],
                    columns[oid],
                    not_null_names.get(oid, {}),
                    unlogged=persistence.get(oid) == "u",
                    options=options.get(oid),
                )
            )
        statements += self.identities(sequences, owners, tables, columns)
        statements += self.owned_by(sequences, owners, tables, columns)
        for oid in sorted(table_oids, key=lambda o: tables[o]):
            statements += self.data(tables[oid], columns[oid])
        statements += self.positions(sequences)
        for kind_order in (("p", "u", "x"), ("c",)):
            for relid, conname, kind, definition, _index in constraints:
                if kind in kind_order:
                    statements.append(
                        f"ALTER TABLE ONLY {self.name(tables[relid])} "
                        f"ADD CONSTRAINT {_quote(conname)} {definition}"
                    )
        statements += [definition for index, _n, definition in indexes if index not in backing]
        for relid, conname, kind, definition, _index in constraints:
            if kind == "f":
                statements.append(
                    f"ALTER TABLE ONLY {self.name(tables[relid])} "
                    f"ADD CONSTRAINT {_quote(conname)} {definition}"
                )
        statements += self.comments(tables, sequences, indexes, columns)
        return ";\n".join(statements) + ";\n"

    # -- What is refused --------------------------------------------------------------------

    def refuse_what_is_not_copied(self, tables: list[int]) -> None:
        checks = {
            "triggers": (
                "SELECT tgrelid FROM pg_trigger WHERE tgrelid = ANY(%s) AND NOT tgisinternal"
            ),
            "row security policies": "SELECT polrelid FROM pg_policy WHERE polrelid = ANY(%s)",
            "rules": "SELECT ev_class FROM pg_rewrite WHERE ev_class = ANY(%s)",
            "inheritance": "SELECT inhrelid FROM pg_inherits WHERE inhrelid = ANY(%s)",
            "extended statistics": "SELECT stxrelid FROM pg_statistic_ext WHERE stxrelid = ANY(%s)",
            "row security": "SELECT oid FROM pg_class WHERE oid = ANY(%s) AND relrowsecurity",
        }
        for what, sql in checks.items():
            if self.rows(sql + " LIMIT 1", [tables]):
                raise CaptureError(f"the catalog capture does not copy {what}")

    # -- Tables -----------------------------------------------------------------------------

    def columns(self, tables: list[int]) -> dict[int, list[_Column]]:
        found: dict[int, list[_Column]] = defaultdict(list)
        for row in self.rows(
            """
            SELECT a.attrelid, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attidentity,
                   a.attgenerated,
                   CASE WHEN a.attcollation <> t.typcollation
                        THEN quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END,
                   col_description(a.attrelid, a.attnum)
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            LEFT JOIN pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
            WHERE a.attrelid = ANY(%s) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum
            """,
            [tables],
        ):
            found[row[0]].append(_Column(*row[1:]))
        return found

    def not_null_names(self, tables: list[int]) -> dict[int, dict[int, str]]:
        """PostgreSQL 18 keeps NOT NULL as named constraints: replay them with their names."""
        if self.conn.info.server_version < 180000:
            return {}
        names: dict[int, dict[int, str]] = defaultdict(dict)
        for relid, attnum, conname in self.rows(
            "SELECT conrelid, conkey[1], conname FROM pg_constraint "
            "WHERE conrelid = ANY(%s) AND contype = 'n'",
            [tables],
        ):
            names[relid][attnum] = conname
        return names

    def create_table(
        self,
        table: str,
        columns: list[_Column],
        not_null_names: dict[int, str],
        *,
        unlogged: bool,
        options: str | None,
    ) -> str:
        lines = []
        for column in columns:
            line = f"    {_quote(column.name)} {column.type}"
            if column.collation:
                line += f" COLLATE {column.collation}"
            if column.generated:
                stored = " STORED" if column.generated == "s" else " VIRTUAL"
                line += f" GENERATED ALWAYS AS ({column.default}){stored}"
            elif column.default is not None and not column.identity:
                line += f" DEFAULT {column.default}"
            if column.not_null:
                named = not_null_names.get(column.number)
                line += f" CONSTRAINT {_quote(named)} NOT NULL" if named else " NOT NULL"
            lines.append(line)
        kind = "UNLOGGED TABLE" if unlogged else "TABLE"
        tail = f" WITH ({options})" if options else ""
        return f"CREATE {kind} {self.name(table)} (\n" + ",\n".join(lines) + f"\n){tail}"

    # -- Sequences --------------------------------------------------------------------------

    def sequence_owners(self, sequences: list[int]) -> dict[int, tuple[int, int, str]]:
        """Sequence → (table, column number, 'i' for an identity or 'a' for OWNED BY)."""
        return {
            objid: (table, column, deptype)
            for objid, table, column, deptype in self.rows(
                """
                SELECT objid, refobjid, refobjsubid, deptype FROM pg_depend
                WHERE classid = 'pg_class'::regclass AND objid = ANY(%s)
                  AND refclassid = 'pg_class'::regclass AND deptype IN ('a', 'i')
                """,
                [sequences],
            )
        }

    def sequence_options(self, sequence: int, *, with_type: bool) -> str:
        type_name, start, increment, minimum, maximum, cache, cycle = self.sequence_rows[sequence]
        options = f"AS {type_name} " if with_type else ""
        options += (
            f"START WITH {start} INCREMENT BY {increment} MINVALUE {minimum} "
            f"MAXVALUE {maximum} CACHE {cache} {'CYCLE' if cycle else 'NO CYCLE'}"
        )
        return options

    def read_sequences(self, sequences: list[int]) -> None:
        """Every sequence's options in one query (`sequence_options` reads them from here)."""
        self.sequence_rows = {
            row[0]: row[1:]
            for row in self.rows(
                """
                SELECT seqrelid, format_type(seqtypid, NULL), seqstart, seqincrement, seqmin,
                       seqmax, seqcache, seqcycle
                FROM pg_sequence WHERE seqrelid = ANY(%s)
                """,
                [sequences],
            )
        }

    def standalone_sequences(
        self, sequences: dict[int, str], owners: dict[int, tuple[int, int, str]]
    ) -> list[str]:
        return [
            f"CREATE SEQUENCE {self.name(name)} {self.sequence_options(oid, with_type=True)}"
            for oid, name in sorted(sequences.items(), key=lambda item: item[1])
            if owners.get(oid, (0, 0, ""))[2] != "i"
        ]

    def _owned(
        self,
        sequences: dict[int, str],
        owners: dict[int, tuple[int, int, str]],
        columns: dict[int, list[_Column]],
        deptype: str,
    ) -> list[tuple[int, str, int, _Column]]:
        owned = []
        for oid, name in sorted(sequences.items(), key=lambda item: item[1]):
            table, number, kind = owners.get(oid, (0, 0, ""))
            if kind == deptype:
                column = next(c for c in columns[table] if c.number == number)
                owned.append((oid, name, table, column))
        return owned

    def identities(
        self,
        sequences: dict[int, str],
        owners: dict[int, tuple[int, int, str]],
        tables: dict[int, str],
        columns: dict[int, list[_Column]],
    ) -> list[str]:
        statements = []
        for oid, name, table, column in self._owned(sequences, owners, columns, "i"):
            how = "ALWAYS" if column.identity == "a" else "BY DEFAULT"
            statements.append(
                f"ALTER TABLE ONLY {self.name(tables[table])} ALTER COLUMN {_quote(column.name)} "
                f"ADD GENERATED {how} AS IDENTITY (SEQUENCE NAME {self.name(name)} "
                f"{self.sequence_options(oid, with_type=False)})"
            )
        return statements

    def owned_by(
        self,
        sequences: dict[int, str],
        owners: dict[int, tuple[int, int, str]],
        tables: dict[int, str],
        columns: dict[int, list[_Column]],
    ) -> list[str]:
        return [
            f"ALTER SEQUENCE {self.name(name)} OWNED BY "
            f"{self.name(tables[table])}.{_quote(column.name)}"
            for _oid, name, table, column in self._owned(sequences, owners, columns, "a")
        ]

    def positions(self, sequences: dict[int, str]) -> list[str]:
        if not sequences:
            return []
        ordered = sorted(sequences.values())
        union = " UNION ALL ".join(
            f"SELECT {index}, last_value, is_called FROM {self.name(name)}"  # noqa: S608
            for index, name in enumerate(ordered)
        )
        return [
            f"SELECT pg_catalog.setval('{self.name(ordered[index])}', {value}, "
            f"{'true' if called else 'false'})"
            for index, value, called in self.rows(union)
        ]

    # -- Rows and comments ------------------------------------------------------------------

    def data(self, table: str, columns: list[_Column]) -> list[str]:
        """The rows the migrations left (recorded migrations, content types…) as INSERTs."""
        stored = [c for c in columns if not c.generated]
        values = ", ".join(f"quote_nullable({_quote(c.name)})" for c in stored)
        rows = self.rows(
            f"SELECT '(' || concat_ws(', ', {values}) || ')' "  # noqa: S608 (quoted names)
            f"FROM {self.name(table)} ORDER BY 1"
        )
        if not rows:
            return []
        names = ", ".join(_quote(c.name) for c in stored)
        overriding = " OVERRIDING SYSTEM VALUE" if any(c.identity == "a" for c in stored) else ""
        head = f"INSERT INTO {self.name(table)} ({names}){overriding} VALUES\n"
        return [
            head + ",\n".join(row[0] for row in rows[start : start + 1000])
            for start in range(0, len(rows), 1000)
        ]

    def comments(
        self,
        tables: dict[int, str],
        sequences: dict[int, str],
        indexes: list[tuple[Any, ...]],
        columns: dict[int, list[_Column]],
    ) -> list[str]:
        kinds = {oid: ("TABLE", name) for oid, name in tables.items()}
        kinds.update({oid: ("SEQUENCE", name) for oid, name in sequences.items()})
        kinds.update({oid: ("INDEX", name) for oid, name, _d in indexes})
        statements = [
            f"COMMENT ON {kinds[oid][0]} {self.name(kinds[oid][1])} IS {text}"
            for oid, text in self.rows(
                "SELECT objoid, quote_literal(description) FROM pg_description "
                "WHERE classoid = 'pg_class'::regclass AND objoid = ANY(%s) AND objsubid = 0",
                [sorted(kinds)],
            )
        ]
        for oid, table_columns in columns.items():
            for column in table_columns:
                if column.comment is not None:
                    literal = "'" + column.comment.replace("'", "''") + "'"
                    statements.append(
                        f"COMMENT ON COLUMN {self.name(tables[oid])}.{_quote(column.name)} "
                        f"IS {literal}"
                    )
        return statements
