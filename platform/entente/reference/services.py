"""Loading the official lists into the public schema.

The import is one transaction: the rows are streamed with COPY into temporary tables, then
merged with one `INSERT … ON CONFLICT DO UPDATE` per table that only touches rows whose values
changed. Running it again with the same file changes nothing; with a new vintage it updates
names, populations and memberships, and marks the communes and EPCI that left the list as no
longer current (they are kept: a tenant may still point at them).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from .datafile import DEFAULT_FILE, ReferenceData, read_file
from .models import Commune, Epci
from .text import normalize_name

# Two imports at once would race on the same rows; the second waits for the first.
_IMPORT_LOCK = "entente.reference.import"


@dataclass(frozen=True)
class TableCounts:
    total: int
    created: int
    updated: int
    retired: int

    @property
    def unchanged(self) -> int:
        return self.total - self.created - self.updated


@dataclass(frozen=True)
class ImportReport:
    vintage: str
    epcis: TableCounts
    communes: TableCounts
    seconds: float


def import_reference(
    data: ReferenceData | None = None, *, path: Path = DEFAULT_FILE
) -> ImportReport:
    """Bring the reference tables in line with `data` (by default the shipped file)."""
    started = time.perf_counter()
    if data is None:
        data = read_file(path)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [_IMPORT_LOCK])
        epcis = _merge(
            model=Epci,
            key="siren",
            columns=[
                ("siren", "varchar(9)"),
                ("name", "varchar(200)"),
                ("search_name", "varchar(200)"),
                ("kind", "varchar(8)"),
                ("population", "integer"),
            ],
            rows=(
                (row.siren, row.name, normalize_name(row.name), row.kind, row.population)
                for row in data.epcis
            ),
            total=len(data.epcis),
            retire_set="is_current = false",
        )
        communes = _merge(
            model=Commune,
            key="insee_code",
            columns=[
                ("insee_code", "varchar(5)"),
                ("name", "varchar(200)"),
                ("search_name", "varchar(200)"),
                ("siren", "varchar(9)"),
                ("postal_codes", "varchar(5)[]"),
                ("departement", "varchar(3)"),
                ("region", "varchar(3)"),
                ("population", "integer"),
                ("epci_id", "varchar(9)"),
            ],
            rows=(
                (
                    row.insee_code,
                    row.name,
                    normalize_name(row.name),
                    row.siren,
                    list(row.postal_codes),
                    row.departement,
                    row.region,
                    row.population,
                    row.epci_siren,
                )
                for row in data.communes
            ),
            total=len(data.communes),
            retire_set="is_current = false, epci_id = NULL",
        )
    return ImportReport(
        vintage=data.vintage,
        epcis=epcis,
        communes=communes,
        seconds=time.perf_counter() - started,
    )


def _merge(
    *,
    model: type[Epci] | type[Commune],
    key: str,
    columns: Sequence[tuple[str, str]],
    rows: Iterable[tuple[Any, ...]],
    total: int,
    retire_set: str,
) -> TableCounts:
    """COPY `rows` into a temporary table, upsert the changed ones, retire the missing ones.

    Identifiers come from the model's metadata and the literal lists above, never from data.
    """
    table = model._meta.db_table
    incoming = f"{table}_incoming"
    names = [name for name, _type in columns]
    column_list = ", ".join(names)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{incoming}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {incoming} ("
            + ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
            + ")"
        )
        with cursor.cursor.copy(f"COPY {incoming} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

        values = [name for name in names if name != key]
        cursor.execute(
            f"""
            WITH upsert AS (
                INSERT INTO {table} AS existing ({column_list}, is_current)
                SELECT {column_list}, true FROM {incoming}
                ON CONFLICT ({key}) DO UPDATE SET
                    {", ".join(f"{name} = EXCLUDED.{name}" for name in values)},
                    is_current = true
                WHERE ({", ".join(f"existing.{name}" for name in values)}, existing.is_current)
                    IS DISTINCT FROM ({", ".join(f"EXCLUDED.{name}" for name in values)}, true)
                RETURNING (xmax = 0) AS created
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
            FROM upsert
            """  # noqa: S608 - identifiers only, from model metadata
        )
        created, updated = cursor.fetchone()
        cursor.execute(
            f"""
            UPDATE {table} AS existing SET {retire_set}
            WHERE existing.is_current
              AND NOT EXISTS (SELECT 1 FROM {incoming} WHERE {incoming}.{key} = existing.{key})
            """  # noqa: S608 - identifiers only, from model metadata
        )
        retired = cursor.rowcount
        cursor.execute(f"DROP TABLE {incoming}")
        cursor.execute(f"ANALYZE {table}")
    return TableCounts(total=total, created=created, updated=updated, retired=retired)


def ensure_reference_data() -> ImportReport | None:
    """Import the shipped file if the tables are empty (first start, fresh test database)."""
    if Commune.objects.filter(is_current=True).exists():
        return None
    return import_reference()
