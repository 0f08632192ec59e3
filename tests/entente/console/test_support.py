"""Support access: granted by a tenant's admin, read-only, every page audited, readable by them."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.console.middleware import SUPPORT_SESSION_KEY
from entente.console.models import AuditAction, AuditEntry, SupportGrant
from entente.spaces.services import create_space
from tenants.models import Tenant
from tests.support.acting import seeding

from .conftest import log_in


@pytest.fixture
def admin(make_user, tenant_a: Tenant) -> User:
    return make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)


@pytest.fixture
def canary(tenant_a: Tenant) -> str:
    with tenant_context(tenant_a):
        create_space(seeding(), name="CANARI-voirie")
    return "CANARI-voirie"


def grant(client_for, tenant: Tenant, admin: User, duration: str = "24h") -> SupportGrant:
    response = client_for(tenant, admin).post("/administration/support/", {"duration": duration})
    assert response.status_code == 302
    return SupportGrant.objects.get(tenant=tenant, revoked_at__isnull=True)


def open_tenant(console: Client, tenant: Tenant) -> None:
    response = console.post(f"/console/collectivites/{tenant.pk}/support/")
    assert response.status_code == 302
    assert response["Location"] == tenant.url("/")


def test_without_a_grant_staff_see_no_tenant_content(
    console: Client, tenant_a: Tenant, canary: str
) -> None:
    response = console.post(f"/console/collectivites/{tenant_a.pk}/support/", follow=True)
    assert "Aucun accès support en cours" in response.content.decode()
    # Even with the session flag forced, the tenant's host shows them nothing.
    session = console.session
    session[SUPPORT_SESSION_KEY] = [tenant_a.pk]
    session.save()
    for path in ("/", "/api/v1/spaces/", "/administration/export/telecharger/"):
        page = console.get(path, HTTP_HOST=tenant_a.primary_host)
        assert page.status_code == 403, path
        assert canary not in page.content.decode()


def test_with_a_grant_staff_read_and_every_page_is_audited(
    console: Client, staff_with_totp: User, tenant_a: Tenant, admin: User, client_for, canary: str
) -> None:
    support = grant(client_for, tenant_a, admin)
    open_tenant(console, tenant_a)

    home = console.get("/", HTTP_HOST=tenant_a.primary_host)
    api = console.get("/api/v1/spaces/", HTTP_HOST=tenant_a.primary_host)

    assert home.status_code == 200
    assert canary in home.content.decode()
    assert api.status_code == 200
    assert canary in api.content.decode()
    views = AuditEntry.objects.filter(
        tenant=tenant_a, action=AuditAction.SUPPORT_PAGE_VIEWED
    ).order_by("id")
    assert [(e.actor, e.path, e.grant_id) for e in views] == [
        (staff_with_totp, "/", support.pk),
        (staff_with_totp, "/api/v1/spaces/", support.pk),
    ]
    assert AuditEntry.objects.filter(
        tenant=tenant_a, action=AuditAction.SUPPORT_OPENED, actor=staff_with_totp
    ).exists()

    log = client_for(tenant_a, admin).get("/administration/support/").content.decode()
    assert "support@entente.test" in log
    assert "Page consultée par le support" in log
    assert "<code>/api/v1/spaces/</code>" in log


def test_staff_cannot_write_during_a_grant(
    console: Client, tenant_a: Tenant, admin: User, client_for
) -> None:
    grant(client_for, tenant_a, admin)
    open_tenant(console, tenant_a)
    page = console.post("/federation/inviter/", {"code": "44087"}, HTTP_HOST=tenant_a.primary_host)
    assert page.status_code == 403
    assert "Accès support en lecture seule" in page.content.decode()
    api = console.post("/api/v1/spaces/", {}, HTTP_HOST=tenant_a.primary_host)
    assert api.status_code == 403
    assert api.json()["code"] == "support_read_only"
    # Nor reach the admins' pages (export, support access): they read as an agent does.
    export = console.get("/administration/export/telecharger/", HTTP_HOST=tenant_a.primary_host)
    assert export.status_code == 403


def test_a_revoked_grant_ends_access_at_the_next_page(
    console: Client, tenant_a: Tenant, admin: User, client_for, canary: str
) -> None:
    support = grant(client_for, tenant_a, admin)
    open_tenant(console, tenant_a)
    assert console.get("/", HTTP_HOST=tenant_a.primary_host).status_code == 200
    response = client_for(tenant_a, admin).post(f"/administration/support/{support.pk}/revoquer/")
    assert response.status_code == 302
    after = console.get("/", HTTP_HOST=tenant_a.primary_host)
    assert after.status_code == 403
    assert canary not in after.content.decode()
    assert AuditEntry.objects.filter(
        tenant=tenant_a, action=AuditAction.SUPPORT_REVOKED, actor=admin
    ).exists()


def test_an_expired_grant_gives_no_access(
    console: Client, tenant_a: Tenant, admin: User, client_for, canary: str
) -> None:
    grant(client_for, tenant_a, admin, duration="1h")
    open_tenant(console, tenant_a)
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)):
        page = console.get("/", HTTP_HOST=tenant_a.primary_host)
    assert page.status_code == 403
    assert canary not in page.content.decode()


def test_staff_without_mfa_get_no_access_even_with_a_grant(
    console: Client, staff_with_totp: User, tenant_a: Tenant, admin: User, client_for, canary: str
) -> None:
    grant(client_for, tenant_a, admin)
    open_tenant(console, tenant_a)
    weak = log_in(staff_with_totp, mfa=False)
    session = weak.session
    session[SUPPORT_SESSION_KEY] = [tenant_a.pk]
    session.save()
    page = weak.get("/", HTTP_HOST=tenant_a.primary_host)
    assert page.status_code == 403
    assert canary not in page.content.decode()


def test_a_grant_of_another_tenant_opens_nothing_here(
    console: Client, tenant_a: Tenant, tenant_b: Tenant, make_user, client_for
) -> None:
    paulx_admin = make_user("maire@paulx.test", tenant=tenant_b, role=Role.ADMIN)
    grant(client_for, tenant_b, paulx_admin)
    open_tenant(console, tenant_b)
    session = console.session
    session[SUPPORT_SESSION_KEY] = [tenant_a.pk, tenant_b.pk]
    session.save()
    assert console.get("/", HTTP_HOST=tenant_a.primary_host).status_code == 403
    assert console.get("/", HTTP_HOST=tenant_b.primary_host).status_code == 200


def test_a_new_grant_replaces_the_running_one(tenant_a: Tenant, admin: User, client_for) -> None:
    with time_machine.travel(timezone.now(), tick=False):
        first = grant(client_for, tenant_a, admin, "1h")
        second = grant(client_for, tenant_a, admin, "7d")
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.expires_at - second.created_at == timedelta(days=7)


@pytest.mark.parametrize(
    "path",
    ["/administration/support/", "/administration/export/", "/administration/export/telecharger/"],
)
def test_members_who_are_not_admins_get_a_403(
    tenant_a: Tenant, make_user, client_for, path: str
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    response = client_for(tenant_a, agent).get(path)
    assert response.status_code == 403
    assert "réservée aux administrateurs" in response.content.decode()
    assert (
        client_for(tenant_a, agent).post("/administration/support/", {"duration": "7d"}).status_code
        == 403
    )
    assert not SupportGrant.objects.filter(tenant=tenant_a).exists()
