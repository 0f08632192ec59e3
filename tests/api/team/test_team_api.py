"""The team API: colleagues and their invitations, with the same rules as the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role
from entente.team.models import ColleagueInvitation
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _api(client_for: Any, tenant: Tenant, user: Any) -> Client:
    return client_for(tenant, user)


def test_staff_list_colleagues_and_an_agent_invites(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Alice Agent")
    make_user(tenant=tenant_a, role=Role.GUEST)
    client = _api(client_for, tenant_a, agent)
    listed = client.get("/api/v1/team/members/")
    assert listed.status_code == 200
    assert [m["display_name"] for m in listed.json()] == ["Alice Agent"]
    made = client.post(
        "/api/v1/team/invitations/",
        {"emails": ["lea@mairie.test"], "role": "elected"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    [row] = made.json()
    assert (row["email"], row["role"], row["state"]) == ("lea@mairie.test", "elected", "pending")
    admin_role = client.post(
        "/api/v1/team/invitations/",
        {"emails": ["chef@mairie.test"], "role": "admin"},
        content_type="application/json",
    )
    assert admin_role.status_code == 403
    assert admin_role.json()["detail"] == (
        "Seul un administrateur peut inviter un autre administrateur."
    )
    resent = client.post(f"/api/v1/team/invitations/{row['id']}/resend/")
    assert resent.status_code == 200
    assert resent.json()["sent_count"] == 2
    assert client.delete(f"/api/v1/team/invitations/{row['id']}/").status_code == 204
    with tenant_context(tenant_a):
        assert ColleagueInvitation.objects.get().revoked_at is not None


def test_admins_change_roles_and_remove_others_get_403(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    as_agent = _api(client_for, tenant_a, agent)
    refused = as_agent.patch(
        f"/api/v1/team/members/{admin.pk}/", {"role": "agent"}, content_type="application/json"
    )
    assert refused.status_code == 403
    as_admin = _api(client_for, tenant_a, admin)
    last = as_admin.patch(
        f"/api/v1/team/members/{admin.pk}/", {"role": "agent"}, content_type="application/json"
    )
    assert last.status_code == 400
    changed = as_admin.patch(
        f"/api/v1/team/members/{agent.pk}/", {"role": "elected"}, content_type="application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["role"] == "elected"
    assert as_admin.delete(f"/api/v1/team/members/{agent.pk}/").status_code == 204
    assert not Membership.objects.filter(user=agent, tenant=tenant_a).exists()
    assert as_admin.get(f"/api/v1/team/members/{agent.pk}/").status_code == 404


def test_a_citizen_reaches_none_of_it(tenant_a: Tenant, make_user: Any, client_for: Any) -> None:
    citizen = make_user(tenant=tenant_a, role=Role.GUEST)
    client = _api(client_for, tenant_a, citizen)
    for path in ("/api/v1/team/members/", "/api/v1/team/invitations/"):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json()["detail"].startswith("L'équipe de la collectivité")
