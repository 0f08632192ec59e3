"""An ended trial: everyone still reads and exports; every write fails with a clear message."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.spaces.services import create_space
from tenants import lifecycle
from tenants.models import Tenant, TenantPlan, TenantState
from tests.support.acting import seeding


@pytest.fixture
def expired(tenant_a: Tenant) -> Tenant:
    end = timezone.now() - timedelta(days=1)
    Tenant.objects.filter(pk=tenant_a.pk).update(
        state=TenantState.TRIAL, plan=TenantPlan.TRIAL, trial_ends_at=end
    )
    tenant_a.refresh_from_db()
    result = lifecycle.expire_trial(tenant_a)
    assert result is not None
    return result


@pytest.fixture
def admin(make_user, tenant_a: Tenant) -> User:
    return make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN, full_name="Anne Maire")


@pytest.fixture
def agent(make_user, tenant_a: Tenant) -> User:
    return make_user("agent@lege.test", tenant=tenant_a, role=Role.AGENT)


@pytest.fixture
def space_name(tenant_a: Tenant) -> str:
    with tenant_context(tenant_a):
        create_space(seeding(), name="Voirie 2026", description="Travaux rue du Port")
    return "Voirie 2026"


def test_members_still_read_everything(
    expired: Tenant, agent: User, client_for, space_name: str
) -> None:
    response = client_for(expired, agent).get("/")
    assert response.status_code == 200
    assert space_name in response.content.decode()
    api = client_for(expired, agent).get("/api/v1/spaces/")
    assert api.status_code == 200
    assert space_name in api.content.decode()


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_fail_with_a_page_that_says_why_and_whom_to_ask(
    expired: Tenant, agent: User, admin: User, client_for, method: str
) -> None:
    response = getattr(client_for(expired, agent), method)("/federation/inviter/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "L&#x27;essai gratuit de Legé est terminé" in page
    assert "Rien n&#x27;a été supprimé" in page
    assert "maire@lege.test" in page  # whom to contact
    assert "contact@" in page


def test_admins_cannot_write_either(expired: Tenant, admin: User, client_for) -> None:
    response = client_for(expired, admin).post("/administration/support/", {"duration": "1h"})
    assert response.status_code == 403
    assert "lecture seule" in response.content.decode()


def test_api_writes_get_a_json_error(expired: Tenant, agent: User, client_for) -> None:
    response = client_for(expired, agent).post(
        "/api/v1/spaces/", data={"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "tenant_read_only"
    assert body["state"] == TenantState.READ_ONLY
    assert "lecture seule" in body["detail"]


def test_logging_out_and_choosing_a_language_still_work(
    expired: Tenant, agent: User, client_for
) -> None:
    client = client_for(expired, agent)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    assert client.post("/comptes/logout/").status_code == 302


def test_the_export_works_in_read_only(
    expired: Tenant, admin: User, client_for, space_name: str
) -> None:
    client = client_for(expired, admin)
    assert client.get("/administration/export/").status_code == 200
    response = client.get("/administration/export/telecharger/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"manifest.json", "spaces.json", "activity.json", "memberships.json"} <= names
    spaces = json.loads(archive.read("spaces.json"))
    assert [space["name"] for space in spaces] == [space_name]
    members = json.loads(archive.read("memberships.json"))
    assert [(m["email"], m["role"]) for m in members] == [("maire@lege.test", Role.ADMIN)]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["tenant"]["slug"] == expired.slug


def test_the_export_holds_only_this_tenants_content(
    tenant_a: Tenant, tenant_b: Tenant, admin: User, client_for
) -> None:
    with tenant_context(tenant_b):
        create_space(seeding(), name="Secret de Paulx")
    response = client_for(tenant_a, admin).get("/administration/export/telecharger/")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert b"Secret de Paulx" not in b"".join(archive.read(n) for n in archive.namelist())


def test_conversion_restores_writes_at_once(
    expired: Tenant, admin: User, make_user, client_for
) -> None:
    client = client_for(expired, admin)
    assert client.post("/administration/support/", {"duration": "1h"}).status_code == 403
    lifecycle.convert(
        expired, plan=TenantPlan.STANDARD, actor=make_user(is_staff=True), reason="Commande"
    )
    assert client.post("/administration/support/", {"duration": "1h"}).status_code == 302


def test_admins_see_the_days_left_in_the_header(
    tenant_a: Tenant, admin: User, agent: User, client_for
) -> None:
    now = timezone.now()
    Tenant.objects.filter(pk=tenant_a.pk).update(
        state=TenantState.TRIAL, trial_ends_at=now + timedelta(days=4, hours=3)
    )
    with time_machine.travel(now, tick=False):
        admin_page = client_for(tenant_a, admin).get("/").content.decode()
        agent_page = client_for(tenant_a, agent).get("/").content.decode()
    assert "Essai : 5 jours restants" in admin_page
    assert "trial-badge" not in agent_page


def test_no_badge_once_converted(tenant_a: Tenant, admin: User, client_for) -> None:
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.ACTIVE, plan=TenantPlan.STANDARD)
    assert "trial-badge" not in client_for(tenant_a, admin).get("/").content.decode()


def test_a_closing_tenant_stays_readable_and_says_when_it_closes(
    tenant_a: Tenant, admin: User, agent: User, make_user, client_for
) -> None:
    lifecycle.start_closing(
        tenant_a,
        closing_on=timezone.localdate() + timedelta(days=60),
        actor=make_user(is_staff=True),
        reason="Fusion de communes",
    )
    assert client_for(tenant_a, agent).get("/").status_code == 200
    assert client_for(tenant_a, admin).get("/administration/export/telecharger/").status_code == 200
    refused = client_for(tenant_a, agent).post("/federation/inviter/")
    assert refused.status_code == 403
    assert "L&#x27;espace de Legé ferme le" in refused.content.decode()
