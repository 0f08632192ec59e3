"""The official data the demo is made from, read through `entente.reference` (INSEE COG)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from entente.reference import selectors
from tenants.models import TenantKind

from .catalogue import MAIL_DOMAINS


@dataclass(frozen=True)
class OfficialBody:
    """A commune or an EPCI as the official list describes it, ready to become a tenant."""

    code: str  # INSEE code of a commune, SIREN of an EPCI
    name: str
    kind: str
    population: int | None
    departement: str


def epci_with_members(siren: str) -> tuple[OfficialBody, list[OfficialBody]]:
    """The EPCI and its member communes (largest first), checked against the demo's catalogue."""
    epci = selectors.epci_by_siren(siren)
    if epci is None:
        raise ImproperlyConfigured(
            f"L'EPCI {siren} est absent du référentiel : lancez `manage.py import_reference`. / "
            f"EPCI {siren} is not in the reference tables: run `manage.py import_reference`."
        )
    members = sorted(
        selectors.members_of_epci(siren),
        key=lambda commune: (-(commune.population or 0), commune.name),
    )
    communes = [
        OfficialBody(
            code=commune.insee_code,
            name=commune.name,
            kind=TenantKind.COMMUNE,
            population=commune.population,
            departement=commune.departement,
        )
        for commune in members
    ]
    expected = set(MAIL_DOMAINS) - {siren}
    if {commune.code for commune in communes} != expected:
        raise ImproperlyConfigured(
            f"Les membres officiels de {epci.name} ne sont plus ceux de la démo "
            f"(entente/demo/catalogue.py) : mettez le catalogue à jour. / The official members "
            f"of {epci.name} differ from the demo's catalogue."
        )
    departements = Counter(commune.departement for commune in communes)
    main_departement = departements.most_common(1)[0][0] if departements else ""
    return (
        OfficialBody(
            code=epci.siren,
            name=epci.name,
            kind=TenantKind.EPCI,
            population=epci.population,
            departement=main_departement,
        ),
        communes,
    )
