"""A trial's activation, with its reasons, on the vendor console's tenant page."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone

from entente.accounts.models import User
from entente.analytics.models import UsageEvent
from entente.analytics.selectors import trial_activation
from tenants.models import Tenant
from tests.entente.console.conftest import log_in


def test_activation_counts_the_reasons_met(
    tenant_b: Tenant, make_user: Callable[..., User]
) -> None:
    before = trial_activation(tenant_b)
    people = [make_user(tenant=tenant_b) for _ in range(3)]
    for n, (person, name) in enumerate(
        [(people[0], "space.created"), (people[1], "checklist.launched")]
    ):
        UsageEvent.objects.create(
            key=f"act-{n}", tenant=tenant_b, user=person, name=name, occurred_at=timezone.now()
        )
    after = trial_activation(tenant_b)
    met = {str(reason) for reason, ok in after.reasons if ok}
    assert "Une première procédure lancée" in met
    assert "Au moins deux personnes actives" in met
    assert "Des tâches créées" not in met
    assert after.score > before.score


def test_the_console_tenant_page_shows_the_activation(
    tenant_b: Tenant, make_user: Callable[..., User]
) -> None:
    staff = make_user("support2@entente.test", is_staff=True)
    TOTP.activate(staff, generate_totp_secret())
    page = log_in(staff, mfa=True).get(f"/console/collectivites/{tenant_b.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h2>Activation</h2>" in html
    assert "Pas encore : Une première procédure lancée" in html


def test_the_console_sorts_and_filters_tenants_by_stored_activation(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User]
) -> None:
    from entente.analytics.services import refresh_activation
    from entente.console.selectors import TenantFilters, search_tenants

    people = [make_user(tenant=tenant_a) for _ in range(3)]
    for n, person in enumerate(people):
        UsageEvent.objects.create(
            key=f"sort-{n}",
            tenant=tenant_a,
            user=person,
            name="task.created",
            occurred_at=timezone.now() - datetime.timedelta(days=n),
        )
    high, low = refresh_activation(tenant_a), refresh_activation(tenant_b)
    assert high.score > low.score
    assert "tasks" in high.met
    ranked = [t.pk for t in search_tenants(TenantFilters(sort="-activation"))]
    assert ranked.index(tenant_a.pk) < ranked.index(tenant_b.pk)
    above = {t.pk for t in search_tenants(TenantFilters(activation_min=high.score))}
    assert (tenant_a.pk in above, tenant_b.pk in above) == (True, False)

    staff = make_user("support3@entente.test", is_staff=True)
    TOTP.activate(staff, generate_totp_secret())
    html = log_in(staff, mfa=True).get("/console/?sort=-activation").content.decode()
    assert f"{high.score} %" in html
    assert "Activation (plus forte" in html
