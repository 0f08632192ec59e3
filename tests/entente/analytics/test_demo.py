"""The demo shows people at different levels, and a tenant's adoption with a chart."""

from __future__ import annotations

import pytest

from entente.accounts.models import Membership
from entente.analytics.demo import seed_usage
from entente.analytics.models import DailyUsage, UsageEvent
from entente.analytics.selectors import person_discovery, tenant_adoption
from entente.demo.services import demo_tenants
from tests.entente.demo.test_seed_demo import seeded  # noqa: F401

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db,
    pytest.mark.usefixtures("official_data", "seeded"),
]


def test_the_demo_has_people_at_several_levels_and_daily_figures() -> None:
    tenant = demo_tenants()[0]
    levels = {
        str(person_discovery(m.user_id, tenant).level)
        for m in Membership.objects.filter(tenant=tenant)
    }
    assert len(levels) >= 2
    assert sum(n for _, n in tenant_adoption(tenant).daily) > 0
    assert DailyUsage.objects.filter(tenant=tenant).exists()
    rows = UsageEvent.objects.count()
    assert seed_usage(demo_tenants()) == 0  # idempotent
    assert UsageEvent.objects.count() == rows
