"""Rebuild the shipped reference file from the npm package's JSON files."""

from __future__ import annotations

import shutil
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from entente.reference.datafile import (
    DATA_DIR,
    DEFAULT_FILE,
    ReferenceFileError,
    read_source,
    write_file,
)


class Command(BaseCommand):
    help = (
        "Build platform/entente/reference/data/cog-<vintage>.json.gz from the files of "
        "@etalab/decoupage-administratif (communes.json, epci.json, LICENSE)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--source",
            required=True,
            type=Path,
            help="Folder holding communes.json and epci.json (or the package, with data/).",
        )
        parser.add_argument("--vintage", default="2026", help="COG vintage (default: 2026).")
        parser.add_argument(
            "--source-label",
            default=None,
            help="How to name the source in the file (default: read from package.json).",
        )
        parser.add_argument("--output", type=Path, default=DEFAULT_FILE)

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        output: Path = options["output"]
        label = options["source_label"]
        if label is None and not (source / "package.json").is_file():
            # Our shared copy has no package.json; its README names the version.
            label = "@etalab/decoupage-administratif 6.0.0"
        try:
            data = read_source(source, vintage=options["vintage"], source_label=label)
        except (ReferenceFileError, OSError, KeyError, ValueError) as error:
            raise CommandError(f"Cannot read {source}: {error}") from error
        write_file(data, output)
        licence = next(
            (p for p in (source / "LICENSE.etalab", source / "LICENSE") if p.is_file()), None
        )
        if licence is not None and output.parent == DATA_DIR:
            shutil.copyfile(licence, DATA_DIR / "LICENSE")
        self.stdout.write(
            f"Wrote {output} ({output.stat().st_size / 1024:.0f} KiB): "
            f"{len(data.communes)} communes, {len(data.epcis)} EPCI, from {data.source}."
        )
