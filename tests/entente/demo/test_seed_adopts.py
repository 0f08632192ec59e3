"""`seed_demo` adopts a collectivité that signed up before the demo was seeded.

Apart from tests/entente/demo/test_seed_demo.py, whose module transaction holds the seeded demo:
setting aside nine seeded schemas and provisioning them again in one transaction would need more
locks than PostgreSQL's default `max_locks_per_transaction` allows.
"""

from __future__ import annotations

import pytest

from entente.accounts.models import Membership, Role
from entente.demo.catalogue import LEGE
from entente.demo.services import seed_demo
from tenants.models import Tenant, TenantKind
from tenants.provisioning import create_tenant
from tests.entente.demo.test_seed_demo import set_aside_every_tenant

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("official_data")]


def test_seeding_adopts_a_collectivite_that_already_exists(db: None) -> None:
    """A commune that signed up before keeps its tenant: the demo joins it, makes no twin."""
    set_aside_every_tenant()
    lege = create_tenant(name="Legé", kind=TenantKind.COMMUNE, official_code=LEGE)

    seed_demo()

    assert Tenant.objects.filter(official_code=LEGE).get() == lege
    assert Membership.objects.filter(tenant=lege, role=Role.ADMIN).exists()
