"""The shipped file is rebuilt from the package's JSON files, byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from entente.reference.datafile import DEFAULT_FILE, read_file, read_source

SHARED_COG = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cog"


def _tiny_package(folder: Path) -> Path:
    """A package-shaped folder (data/ and package.json) with one EPCI of two communes."""
    (folder / "data").mkdir()
    (folder / "package.json").write_text(json.dumps({"version": "9.9.9"}))
    communes = [
        {"code": "44081", "nom": "Legé", "type": "commune-actuelle", "siren": "214400814",
         "codesPostaux": ["44650"], "departement": "44", "region": "52", "population": 4817},
        {"code": "44087", "nom": "Machecoul-Saint-Même", "type": "commune-actuelle",
         "codesPostaux": ["44270"], "departement": "44", "region": "52"},
        {"code": "44087", "nom": "Saint-Même-le-Tenu", "type": "commune-deleguee",
         "departement": "44", "region": "52"},
        {"code": "97501", "nom": "Miquelon-Langlade", "type": "commune-actuelle",
         "codesPostaux": ["97500"], "departement": "975", "region": "975", "population": 596},
    ]  # fmt: skip
    epcis = [
        {"code": "200071546", "nom": "CC Sud Retz Atlantique", "type": "CC",
         "populationTotale": 12504, "membres": [{"code": "44081"}, {"code": "44087"}]},
    ]  # fmt: skip
    (folder / "data" / "communes.json").write_text(json.dumps(communes))
    (folder / "data" / "epci.json").write_text(json.dumps(epcis))
    return folder


def test_reading_a_package_keeps_current_communes_and_their_epci(tmp_path: Path) -> None:
    data = read_source(_tiny_package(tmp_path), vintage="2026")
    assert data.source == "@etalab/decoupage-administratif 9.9.9"
    assert [c.insee_code for c in data.communes] == ["44081", "44087", "97501"]
    assert [c.epci_siren for c in data.communes] == ["200071546", "200071546", None]
    machecoul = data.communes[1]
    assert (machecoul.siren, machecoul.population) == ("", None)
    assert data.epcis[0].population == 12504


def test_a_member_that_is_not_a_current_commune_is_refused(tmp_path: Path) -> None:
    folder = _tiny_package(tmp_path)
    epcis = json.loads((folder / "data" / "epci.json").read_text())
    epcis[0]["membres"].append({"code": "99999"})
    (folder / "data" / "epci.json").write_text(json.dumps(epcis))
    with pytest.raises(CommandError, match="99999"):
        call_command("build_reference_file", source=folder, output=tmp_path / "out.json.gz")


def test_the_file_round_trips(tmp_path: Path) -> None:
    output = tmp_path / "cog.json.gz"
    call_command("build_reference_file", source=_tiny_package(tmp_path), output=output)
    data = read_file(output)
    assert [c.name for c in data.communes] == ["Legé", "Machecoul-Saint-Même", "Miquelon-Langlade"]
    assert data.communes[0].postal_codes == ("44650",)


@pytest.mark.skipif(not SHARED_COG.is_dir(), reason="the shared COG files are not on this machine")
def test_rebuilding_from_the_shared_files_gives_the_shipped_file(tmp_path: Path) -> None:
    output = tmp_path / "cog-2026.json.gz"
    call_command("build_reference_file", source=SHARED_COG, output=output)
    assert output.read_bytes() == DEFAULT_FILE.read_bytes()
