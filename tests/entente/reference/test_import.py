"""The official lists load from the shipped file, completely, and loading again changes nothing."""

from __future__ import annotations

import dataclasses
import gzip
import json

import pytest
from django.core.management import call_command

from entente.reference.datafile import DEFAULT_FILE, read_file
from entente.reference.models import Commune, Epci, EpciKind
from entente.reference.services import import_reference

pytestmark = pytest.mark.usefixtures("official_data")

SUD_RETZ = "200071546"


def test_the_import_holds_every_current_commune_and_epci(db: None) -> None:
    """34,969 current communes and 1,255 EPCI, as the COG 2026 lists them."""
    assert Commune.objects.filter(is_current=True).count() == 34_969
    assert Epci.objects.filter(is_current=True).count() == 1_255
    # Every EPCI member is attached to its EPCI; the few communes outside any EPCI are islands.
    assert Commune.objects.filter(epci__isnull=False).count() == 34_871
    assert set(Epci.objects.values_list("kind", flat=True).distinct()) == set(EpciKind.values)


def test_a_commune_keeps_its_official_fields(db: None) -> None:
    commune = Commune.objects.select_related("epci").get(insee_code="44087")
    assert commune.name == "Machecoul-Saint-Même"
    assert commune.search_name == "machecoul saint meme"
    assert commune.departement == "44"
    assert commune.region == "52"
    assert commune.postal_codes == ["44270"]
    assert commune.population == 7689
    assert commune.siren == "200056455"
    assert commune.epci is not None
    assert commune.epci.siren == SUD_RETZ
    assert commune.epci.kind == EpciKind.CC


def test_corsican_codes_and_communes_without_siren_are_kept(db: None) -> None:
    assert Commune.objects.filter(insee_code__startswith="2A").exists()
    assert Commune.objects.filter(siren="").exists()


def test_running_the_import_again_changes_nothing(db: None) -> None:
    before = list(Commune.objects.order_by("insee_code").values_list())
    report = import_reference()
    assert (report.communes.created, report.communes.updated, report.communes.retired) == (0, 0, 0)
    assert (report.epcis.created, report.epcis.updated, report.epcis.retired) == (0, 0, 0)
    assert report.communes.unchanged == 34_969
    assert report.epcis.unchanged == 1_255
    assert list(Commune.objects.order_by("insee_code").values_list()) == before


def test_a_new_vintage_updates_adds_and_retires(db: None) -> None:
    """Renamed, merged away, created: the tables follow the file, without duplicates."""
    data = read_file()
    communes = {row.insee_code: row for row in data.communes}
    renamed = dataclasses.replace(communes["44081"], name="Legé-Nouvelle", population=5000)
    communes["44081"] = renamed
    del communes["44090"]  # La Marne leaves the list (say, merged into a commune nouvelle)
    communes["44999"] = dataclasses.replace(
        renamed, insee_code="44999", name="Commune Test", siren="", epci_siren=None
    )
    newer = dataclasses.replace(data, vintage="2027", communes=list(communes.values()))

    report = import_reference(newer)

    assert (report.communes.created, report.communes.updated, report.communes.retired) == (1, 1, 1)
    assert Commune.objects.filter(is_current=True).count() == 34_969
    assert Commune.objects.count() == 34_970
    lege = Commune.objects.get(insee_code="44081")
    assert (lege.name, lege.search_name, lege.population) == (
        "Legé-Nouvelle",
        "lege nouvelle",
        5000,
    )
    gone = Commune.objects.get(insee_code="44090")
    assert not gone.is_current
    assert gone.epci is None

    # Back to the shipped file: La Marne is current again, the test commune is retired.
    report = import_reference()
    assert (report.communes.created, report.communes.updated, report.communes.retired) == (0, 2, 1)
    assert Commune.objects.get(insee_code="44090").is_current
    assert not Commune.objects.get(insee_code="44999").is_current


def test_the_command_prints_counts_and_time(db: None, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_reference")
    output = capsys.readouterr().out
    assert "communes: 34969 current (0 created, 0 updated, 34969 unchanged)" in output
    assert "EPCI: 1255 current" in output
    assert "Imported in" in output


def test_the_shipped_file_credits_its_source() -> None:
    with gzip.open(DEFAULT_FILE, "rt", encoding="utf-8") as handle:
        payload = json.load(handle)
    assert "Etalab" in payload["attribution"]
    assert "INSEE" in payload["attribution"]
    assert "MIT" in payload["attribution"]
    assert (DEFAULT_FILE.parent / "LICENSE").read_text().startswith("MIT License")
