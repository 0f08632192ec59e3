"""Console actions on a tenant: each needs a reason and leaves a TenantEvent and an audit entry."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.console.models import AuditAction, AuditEntry
from entente.spaces.services import create_space
from tenants.models import Tenant, TenantEvent, TenantKind, TenantPlan, TenantState
from tests.support.acting import seeding


def put_in(tenant: Tenant, state: str, **fields: Any) -> Tenant:
    Tenant.objects.filter(pk=tenant.pk).update(state=state, **fields)
    tenant.refresh_from_db()
    return tenant


CASES = [
    (
        TenantState.READ_ONLY,
        {"action": "extend_trial", "trial_ends_on": "2099-01-31"},
        TenantState.TRIAL,
        AuditAction.TRIAL_EXTENDED,
    ),
    (
        TenantState.READ_ONLY,
        {"action": "convert", "plan": TenantPlan.STANDARD},
        TenantState.ACTIVE,
        AuditAction.CONVERTED,
    ),
    (
        TenantState.TRIAL,
        {"action": "set_read_only"},
        TenantState.READ_ONLY,
        AuditAction.SET_READ_ONLY,
    ),
    (TenantState.ACTIVE, {"action": "suspend"}, TenantState.SUSPENDED, AuditAction.SUSPENDED),
    (TenantState.SUSPENDED, {"action": "reactivate"}, TenantState.ACTIVE, AuditAction.REACTIVATED),
    (
        TenantState.ACTIVE,
        {"action": "start_closing", "closing_on": "2099-06-30"},
        TenantState.CLOSING,
        AuditAction.CLOSING_STARTED,
    ),
]


@pytest.mark.parametrize(("before", "form", "after", "audit"), CASES, ids=lambda c: str(c))
def test_each_action_changes_the_state_and_is_audited(
    console: Client,
    staff_with_totp: User,
    tenant_a: Tenant,
    before: str,
    form: dict[str, str],
    after: str,
    audit: str,
) -> None:
    put_in(tenant_a, before, plan=TenantPlan.STANDARD if after == TenantState.ACTIVE else "trial")
    response = console.post(
        f"/console/collectivites/{tenant_a.pk}/action/", {**form, "reason": "Appel du 12 mars"}
    )
    assert response.status_code == 302
    tenant_a.refresh_from_db()
    assert tenant_a.state == after
    event = TenantEvent.objects.get(tenant=tenant_a)
    assert (event.from_state, event.to_state) == (before, after)
    assert event.actor == staff_with_totp
    assert event.reason == "Appel du 12 mars"
    entry = AuditEntry.objects.get(tenant=tenant_a)
    assert (entry.action, entry.actor, entry.reason) == (audit, staff_with_totp, "Appel du 12 mars")
    page = console.get(f"/console/collectivites/{tenant_a.pk}/").content.decode()
    assert "Appel du 12 mars" in page  # the history shows it


def test_an_action_without_a_reason_changes_nothing(console: Client, tenant_a: Tenant) -> None:
    put_in(tenant_a, TenantState.ACTIVE)
    response = console.post(
        f"/console/collectivites/{tenant_a.pk}/action/",
        {"action": "suspend", "reason": ""},
        follow=True,
    )
    assert "Indiquez la raison de cette action." in response.content.decode()
    tenant_a.refresh_from_db()
    assert tenant_a.state == TenantState.ACTIVE
    assert not TenantEvent.objects.filter(tenant=tenant_a).exists()
    assert not AuditEntry.objects.filter(tenant=tenant_a).exists()


def test_a_refused_transition_says_why(console: Client, tenant_a: Tenant) -> None:
    put_in(tenant_a, TenantState.SUSPENDED)
    response = console.post(
        f"/console/collectivites/{tenant_a.pk}/action/",
        {"action": "suspend", "reason": "encore"},
        follow=True,
    )
    assert "n&#x27;est pas possible depuis l&#x27;état « Suspendue »" in response.content.decode()


def test_closing_tells_the_admins_by_email(
    console: Client, tenant_a: Tenant, make_user, django_capture_on_commit_callbacks
) -> None:
    admin = make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)
    put_in(tenant_a, TenantState.ACTIVE, plan=TenantPlan.STANDARD)
    with django_capture_on_commit_callbacks(execute=True):
        console.post(
            f"/console/collectivites/{tenant_a.pk}/action/",
            {"action": "start_closing", "closing_on": "2099-06-30", "reason": "Fusion de communes"},
        )
    assert [m.to for m in mail.outbox] == [[admin.email]]
    assert "fermera le 30 juin 2099" in mail.outbox[0].body
    assert "/administration/export/" in mail.outbox[0].body


def test_the_list_filters_sorts_and_counts(
    console: Client, tenant_a: Tenant, tenant_b: Tenant, tenant_epci: Tenant, make_user
) -> None:
    put_in(tenant_a, TenantState.READ_ONLY, departement="44")
    put_in(
        tenant_b,
        TenantState.TRIAL,
        departement="44",
        trial_ends_at=timezone.now() + timedelta(days=3),
    )
    make_user(tenant=tenant_b)
    page = console.get("/console/", {"state": TenantState.READ_ONLY}).content.decode()
    assert tenant_a.name in page
    assert tenant_b.name not in page
    page = console.get("/console/", {"kind": TenantKind.EPCI}).content.decode()
    assert tenant_epci.name in page
    assert tenant_a.name not in page
    page = console.get("/console/", {"departement": "44", "sort": "-members"}).content.decode()
    assert page.index(tenant_b.name) < page.index(tenant_a.name)
    soon = (timezone.localdate() + timedelta(days=5)).isoformat()
    page = console.get("/console/", {"trial_end_to": soon}).content.decode()
    assert tenant_b.name in page
    assert tenant_a.name not in page
    page = console.get("/console/", {"q": "paulx"}).content.decode()
    assert tenant_b.name in page
    assert tenant_a.name not in page


def test_the_tenant_page_shows_counts_but_no_content(
    console: Client, tenant_a: Tenant, make_user
) -> None:
    make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)
    with tenant_context(tenant_a):
        create_space(seeding(), name="CANARI-espace-secret")
    page = console.get(f"/console/collectivites/{tenant_a.pk}/").content.decode()
    assert "maire@lege.test" in page
    assert "spaces : 1" in page
    assert "CANARI-espace-secret" not in page


def test_the_audit_log_filters(console: Client, tenant_a: Tenant, tenant_b: Tenant) -> None:
    for tenant in (tenant_a, tenant_b):
        put_in(tenant, TenantState.ACTIVE, plan=TenantPlan.STANDARD)
        console.post(
            f"/console/collectivites/{tenant.pk}/action/",
            {"action": "suspend", "reason": f"raison-{tenant.slug}"},
        )
    page = console.get("/console/journal/", {"tenant": tenant_a.slug}).content.decode()
    assert f"raison-{tenant_a.slug}" in page
    assert f"raison-{tenant_b.slug}" not in page
    page = console.get("/console/journal/", {"action": AuditAction.CONVERTED}).content.decode()
    assert "raison-" not in page
    page = console.get("/console/journal/", {"actor": "support@entente"}).content.decode()
    assert f"raison-{tenant_b.slug}" in page
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page = console.get("/console/journal/", {"date_from": tomorrow}).content.decode()
    assert "raison-" not in page
