"""Importing the official lists (34,969 communes, 1,255 EPCI): into empty tables, then again.

Run: `.venv/bin/python benchmarks/reference_import.py [--runs 3]`. It works in a database of
its own (`bench_reference`, made and migrated like a test database on the server of the
Django settings, dropped at the end), times `import_reference()` into empty tables and then
re-runs it on unchanged data (the idempotent path every deployment takes), and prints the
figures with the conditions. Target (the foundation issue): under 10 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.test")
os.environ["ENTENTE_TEST_DATABASE"] = "bench_reference"
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-reference")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from benchmarks._common import print_conditions, server_version  # noqa: E402
from entente.reference.datafile import DEFAULT_FILE, read_file  # noqa: E402
from entente.reference.models import Commune, Epci  # noqa: E402
from entente.reference.services import ImportReport, import_reference  # noqa: E402

TARGET_SECONDS = 10.0


def empty_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {Commune._meta.db_table}, {Epci._meta.db_table}")


def describe(label: str, reports: list[ImportReport]) -> None:
    seconds = [r.seconds for r in reports]
    last = reports[-1]
    print(
        f"{label:<28} median {statistics.median(seconds):6.2f} s   "
        f"min {min(seconds):5.2f}   max {max(seconds):5.2f}   "
        f"(communes created {last.communes.created}, updated {last.communes.updated}, "
        f"unchanged {last.communes.unchanged})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        data = read_file()
        fresh: list[ImportReport] = []
        again: list[ImportReport] = []
        from_file: list[ImportReport] = []
        for _ in range(args.runs):
            empty_tables()
            fresh.append(import_reference(data))
            again.append(import_reference(data))
            from_file.append(import_reference())
        print(f"Reference import: {DEFAULT_FILE.name} ({DEFAULT_FILE.stat().st_size // 1024} KiB)")
        print_conditions(f"PostgreSQL {server_version()}, database {test_name}, {args.runs} runs")
        describe("into empty tables", fresh)
        describe("again, unchanged", again)
        describe("again, reading the file", from_file)
        worst = max(r.seconds for r in fresh + again + from_file)
        verdict = "OK" if worst < TARGET_SECONDS else "OVER TARGET"
        print(f"Target < {TARGET_SECONDS:.0f} s: worst {worst:.2f} s, {verdict}")
    finally:
        connection.creation.destroy_test_db(test_name, verbosity=0)


if __name__ == "__main__":
    main()
