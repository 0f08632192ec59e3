"""The compact reference file shipped with the project, and how it is made.

`data/cog-2026.json.gz` keeps only the fields Entente uses from the npm package
`@etalab/decoupage-administratif` (Etalab, from INSEE's COG, MIT licence: see data/LICENSE),
so that a clean clone can load the official lists without downloading anything. It is
rebuilt by `manage.py build_reference_file --source <folder of the package's JSON files>`;
the output is deterministic (sorted rows, no timestamp in the gzip header), so rebuilding
from the same source changes no byte.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_FILE = DATA_DIR / "cog-2026.json.gz"

EPCI_FIELDS = ("siren", "name", "kind", "population")
COMMUNE_FIELDS = (
    "insee_code",
    "name",
    "siren",
    "postal_codes",
    "departement",
    "region",
    "population",
    "epci_siren",
)
CURRENT_COMMUNE = "commune-actuelle"
EPCI_KINDS = frozenset({"CC", "CA", "CU", "METRO", "MET69"})
PACKAGE = "@etalab/decoupage-administratif"


class ReferenceFileError(Exception):
    """The source or the compact file is not what we expect; the message says what."""


@dataclass(frozen=True)
class EpciRow:
    siren: str
    name: str
    kind: str
    population: int | None


@dataclass(frozen=True)
class CommuneRow:
    insee_code: str
    name: str
    siren: str
    postal_codes: tuple[str, ...]
    departement: str
    region: str
    population: int | None
    epci_siren: str | None


@dataclass(frozen=True)
class ReferenceData:
    vintage: str
    source: str
    attribution: str
    epcis: list[EpciRow]
    communes: list[CommuneRow]


def _locate(source: Path, name: str) -> Path:
    """The package ships its files in `data/`; our shared copy has them at the top."""
    for candidate in (source / name, source / "data" / name):
        if candidate.is_file():
            return candidate
    raise ReferenceFileError(f"{name} not found in {source} (nor in {source / 'data'}).")


def _package_label(source: Path) -> str:
    manifest = source / "package.json"
    if manifest.is_file():
        version = json.loads(manifest.read_text(encoding="utf-8")).get("version", "?")
        return f"{PACKAGE} {version}"
    return PACKAGE


def read_source(source: Path, *, vintage: str, source_label: str | None = None) -> ReferenceData:
    """Read the package's communes.json and epci.json and keep what we use, checked."""
    communes_raw: list[dict[str, Any]] = json.loads(
        _locate(source, "communes.json").read_text(encoding="utf-8")
    )
    epcis_raw: list[dict[str, Any]] = json.loads(
        _locate(source, "epci.json").read_text(encoding="utf-8")
    )

    epci_of: dict[str, str] = {}
    epcis: list[EpciRow] = []
    for item in epcis_raw:
        if item["type"] not in EPCI_KINDS:
            raise ReferenceFileError(f"EPCI {item['code']}: unknown type {item['type']!r}.")
        epcis.append(
            EpciRow(
                siren=item["code"],
                name=item["nom"],
                kind=item["type"],
                population=item.get("populationTotale"),
            )
        )
        for member in item["membres"]:
            previous = epci_of.setdefault(member["code"], item["code"])
            if previous != item["code"]:
                raise ReferenceFileError(
                    f"Commune {member['code']} is a member of both {previous} and {item['code']}."
                )

    communes: list[CommuneRow] = []
    for item in communes_raw:
        if item["type"] != CURRENT_COMMUNE:
            continue
        communes.append(
            CommuneRow(
                insee_code=item["code"],
                name=item["nom"],
                siren=item.get("siren", ""),
                postal_codes=tuple(sorted(item.get("codesPostaux", []))),
                departement=item["departement"],
                region=item.get("region", ""),
                population=item.get("population"),
                epci_siren=epci_of.get(item["code"]),
            )
        )
    known = {commune.insee_code for commune in communes}
    if len(known) != len(communes):
        raise ReferenceFileError("Two current communes share an INSEE code.")
    unknown_members = sorted(set(epci_of) - known)
    if unknown_members:
        raise ReferenceFileError(
            f"EPCI members that are not current communes: {', '.join(unknown_members[:10])}."
        )
    epcis.sort(key=lambda row: row.siren)
    communes.sort(key=lambda row: row.insee_code)
    return ReferenceData(
        vintage=vintage,
        source=source_label or _package_label(source),
        attribution=f"Etalab / INSEE, Code officiel géographique {vintage} (licence MIT)",
        epcis=epcis,
        communes=communes,
    )


def write_file(data: ReferenceData, path: Path) -> None:
    payload = {
        "format": FORMAT_VERSION,
        "vintage": data.vintage,
        "source": data.source,
        "attribution": data.attribution,
        "licence": "MIT, see LICENSE beside this file",
        "epci_fields": list(EPCI_FIELDS),
        "epci": [[getattr(row, field) for field in EPCI_FIELDS] for row in data.epcis],
        "commune_fields": list(COMMUNE_FIELDS),
        "communes": [
            [
                list(value) if isinstance(value, tuple) else value
                for value in (getattr(row, field) for field in COMMUNE_FIELDS)
            ]
            for row in data.communes
        ],
    }
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 and no file name in the header: the same data always gives the same bytes.
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))


def read_file(path: Path = DEFAULT_FILE) -> ReferenceData:
    """Load the compact file written by `write_file`."""
    if not path.is_file():
        raise ReferenceFileError(
            f"{path} is missing: rebuild it with `manage.py build_reference_file --source ...`."
        )
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    if payload.get("format") != FORMAT_VERSION:
        raise ReferenceFileError(
            f"{path} has format {payload.get('format')!r}; this code reads {FORMAT_VERSION}."
        )
    if tuple(payload["epci_fields"]) != EPCI_FIELDS or (
        tuple(payload["commune_fields"]) != COMMUNE_FIELDS
    ):
        raise ReferenceFileError(f"{path} does not have the expected columns.")
    return ReferenceData(
        vintage=payload["vintage"],
        source=payload["source"],
        attribution=payload["attribution"],
        epcis=[EpciRow(*row) for row in payload["epci"]],
        communes=[
            CommuneRow(
                insee_code=code,
                name=name,
                siren=siren,
                postal_codes=tuple(postal_codes),
                departement=departement,
                region=region,
                population=population,
                epci_siren=epci_siren,
            )
            for code, name, siren, postal_codes, departement, region, population, epci_siren in (
                payload["communes"]
            )
        ],
    )
