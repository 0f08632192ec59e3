"""The demo is searchable once seeded: « conseil » as Karine Tessier (agent of
Machecoul-Saint-Même, federated editor of the CC's « Tourisme ») finds Machecoul's and the CC's
items she may see, nothing of Legé's, nothing of the CC's spaces she did not join."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import User
from entente.demo.catalogue import EPCI_SIREN, LEGE, MACHECOUL
from entente.demo.services import seed_demo
from entente.search.query import SearchQuery
from entente.search.selectors import search
from entente.spaces.models import Space
from tenants.models import Tenant
from tests.entente.demo.test_seed_demo import set_aside_every_tenant

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("official_data")]


@pytest.mark.django_db
def test_conseil_as_karine_tessier() -> None:
    set_aside_every_tenant()
    seed_demo()
    karine = User.objects.get(full_name="Karine Tessier")
    tenants = {t.official_code: t for t in Tenant.objects.all()}
    machecoul, cc, lege = tenants[MACHECOUL], tenants[EPCI_SIREN], tenants[LEGE]
    with tenant_context(cc):
        tourisme = Space.objects.get(name="Tourisme")

    found = search(karine, SearchQuery(text="conseil", limit=100)).found

    by_tenant = {item.tenant.pk for item in found}
    assert by_tenant == {machecoul.pk, cc.pk}
    assert lege.pk not in by_tenant
    assert {item.hit.space_id for item in found if item.tenant.pk == cc.pk} == {tourisme.pk}
    kinds = {item.hit.kind for item in found if item.tenant.pk == machecoul.pk}
    assert {"space", "task", "procedure"} <= kinds

    # Legé has such items: a person of Legé finds them (the test above could fail).
    sandrine = User.objects.get(full_name="Sandrine Gautier")
    assert lege.pk in {
        item.tenant.pk for item in search(sandrine, SearchQuery(text="conseil")).found
    }
