"""GET /api/v1/me/discovery/ and /api/v1/analytics/adoption/."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from entente.accounts.models import Role, User
from entente.analytics.models import UsageEvent
from tenants.models import Tenant


def test_my_discovery_in_json(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    alice = make_user(tenant=tenant_a)
    UsageEvent.objects.create(
        key="api-1", tenant=tenant_a, user=alice, name="search.done", occurred_at=timezone.now()
    )
    body = client_for(tenant_a, alice).get("/api/v1/me/discovery/").json()
    assert [f["key"] for f in body["found"]] == ["search"]
    assert body["level"] == "Découverte"
    assert len(body["next_to_try"]) == 3
    assert body["next_to_try"][0]["how_to_url"] == "/espaces/"


def test_adoption_for_admins_only_and_in_figures(
    tenant_a: Tenant,
    tenant_b: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent = make_user(tenant=tenant_a)
    other_admin = make_user(tenant=tenant_b, role=Role.ADMIN)
    UsageEvent.objects.create(
        key="api-2", tenant=tenant_a, user=agent, name="task.created", occurred_at=timezone.now()
    )
    response = client_for(tenant_a, admin).get("/api/v1/analytics/adoption/")
    body = response.json()
    assert response.status_code == 200
    assert body["people"] == 2
    assert {f["key"]: f["people"] for f in body["features"]}["create_task"] == 1
    assert "agent" not in str(body)
    assert agent.email not in str(body)
    assert client_for(tenant_a, agent).get("/api/v1/analytics/adoption/").status_code == 403
    assert client_for(tenant_a, other_admin).get("/api/v1/analytics/adoption/").status_code in {
        403,
        404,
    }
