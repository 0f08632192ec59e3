"""Load the official lists of communes and EPCI into the public schema (idempotent)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from entente.reference.datafile import DEFAULT_FILE, ReferenceFileError
from entente.reference.services import TableCounts, import_reference


class Command(BaseCommand):
    help = "Import (or update) the reference communes and EPCI from the shipped file."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--file", type=Path, default=DEFAULT_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = import_reference(path=options["file"])
        except ReferenceFileError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"COG {report.vintage}:")
        self.stdout.write(_line("EPCI", report.epcis))
        self.stdout.write(_line("communes", report.communes))
        self.stdout.write(self.style.SUCCESS(f"Imported in {report.seconds:.2f} s."))


def _line(label: str, counts: TableCounts) -> str:
    return (
        f"  {label}: {counts.total} current ({counts.created} created, {counts.updated} "
        f"updated, {counts.unchanged} unchanged), {counts.retired} no longer current"
    )
