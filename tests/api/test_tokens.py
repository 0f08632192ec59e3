"""Personal API tokens: the page that makes and revokes them, and `Authorization: Bearer`."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from entente.accounts.models import ApiToken, Role
from entente.accounts.services import authenticate_api_token, create_api_token
from tests.test_isolation_matrix import MEMBERS, TENANT_ROUTES, TENANT_URLCONF, routes_of

pytestmark = pytest.mark.django_db


def platform_url(name: str, *args: Any) -> str:
    return reverse(name, args=args, urlconf=settings.PUBLIC_SCHEMA_URLCONF)


def bearer(tenant: Any, raw: str) -> Client:
    return Client(HTTP_HOST=tenant.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_secret_is_never_stored(make_user: Any) -> None:
    user = make_user()
    new = create_api_token(user, name="Tableau de bord")
    row = ApiToken.objects.get(pk=new.token.pk)
    assert new.raw.startswith(f"ent_{row.prefix}_")
    assert row.key_hash == hashlib.sha256(new.raw.encode()).hexdigest()
    assert new.raw.split("_", 2)[2] not in str(row.__dict__)


def test_page_creates_a_token_shown_once(make_user: Any, client_for: Any) -> None:
    user = make_user()
    client = client_for(None, user)
    response = client.post(platform_url("api_tokens"), {"name": "Script SIG", "expiry": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    html = response.content.decode()
    raw = html.split('id="new-token-value" type="text" readonly value="')[1].split('"')[0]
    assert authenticate_api_token(raw) is not None
    assert token.expires_at is not None
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get(platform_url("api_tokens")).content.decode()
    assert raw not in again
    assert "Script SIG" in again


def test_page_refuses_a_nameless_token(make_user: Any, client_for: Any) -> None:
    user = make_user()
    response = client_for(None, user).post(platform_url("api_tokens"), {"name": "", "expiry": "30"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=user).exists()


def test_anonymous_is_sent_to_log_in() -> None:
    client = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    assert client.get(platform_url("api_tokens"))["Location"].startswith("/comptes/login/")
    assert client.post(platform_url("api_tokens"), {"name": "x", "expiry": "30"}).status_code == 302
    assert not ApiToken.objects.exists()


def test_revoke_own_token_only(make_user: Any, client_for: Any) -> None:
    owner, other = make_user(), make_user()
    token = create_api_token(owner, name="Vieux script").token
    refused = client_for(None, other).post(platform_url("api_token_revoke", token.pk))
    assert refused.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    done = client_for(None, owner).post(platform_url("api_token_revoke", token.pk))
    assert done.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_a_token_works_on_every_tenant_of_its_person(
    tenant_a: Any, tenant_epci: Any, make_user: Any
) -> None:
    user = make_user(tenant=tenant_a)
    from entente.accounts.services import add_member

    add_member(tenant_epci, user, Role.ELECTED)
    raw = create_api_token(user, name="Partout").raw
    for tenant in (tenant_a, tenant_epci):
        response = bearer(tenant, raw).get(reverse("api-space-list"))
        assert response.status_code == 200, (tenant, response.content)
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_a_token_writes_without_csrf(tenant_a: Any, make_user: Any) -> None:
    user = make_user(tenant=tenant_a)
    raw = create_api_token(user, name="Écriture").raw
    client = Client(
        HTTP_HOST=tenant_a.primary_host,
        HTTP_AUTHORIZATION=f"Bearer {raw}",
        enforce_csrf_checks=True,
    )
    response = client.post(
        reverse("api-space-list"), {"name": "Par jeton"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content


def test_a_token_is_not_a_session_on_pages(tenant_a: Any, make_user: Any) -> None:
    """Tokens open the API only: pages still ask to log in."""
    raw = create_api_token(make_user(tenant=tenant_a), name="API seulement").raw
    response = bearer(tenant_a, raw).get("/")
    assert response.status_code == 302


@pytest.mark.parametrize(
    "state",
    ["revoked", "expired", "inactive", "wrong_secret", "garbage", "no_token"],
)
def test_unusable_tokens_get_401(state: str, tenant_a: Any, make_user: Any) -> None:
    user = make_user(tenant=tenant_a, role=Role.ADMIN)
    new = create_api_token(user, name="Test")
    raw = new.raw
    if state == "revoked":
        ApiToken.objects.filter(pk=new.token.pk).update(revoked_at=timezone.now())
    elif state == "expired":
        ApiToken.objects.filter(pk=new.token.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif state == "inactive":
        user.is_active = False
        user.save(update_fields=["is_active"])
    elif state == "wrong_secret":
        raw = raw[:-4] + ("aaaa" if not raw.endswith("aaaa") else "bbbb")
    elif state == "garbage":
        raw = "n'importe quoi"
    elif state == "no_token":
        raw = ""
    response = bearer(tenant_a, raw).get(reverse("api-space-list"))
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"].startswith("Bearer")


def _member_api_paths() -> list[str]:
    return [
        route.path
        for route in routes_of(TENANT_URLCONF)
        if route.path.startswith("/api/") and TENANT_ROUTES.get(route.name) == MEMBERS
    ]


@pytest.mark.parametrize("path", _member_api_paths())
@pytest.mark.parametrize("method", ["get", "post"])
def test_tokens_of_other_tenants_and_bad_tokens_open_no_api_route(
    path: str, method: str, tenant_a: Any, tenant_b: Any, make_user: Any
) -> None:
    """Every API route, with a valid token of another tenant's admin (403) or a bad one (401)."""
    outsider = make_user(tenant=tenant_a, role=Role.ADMIN)
    raw = create_api_token(outsider, name="Ailleurs").raw
    assert getattr(bearer(tenant_b, raw), method)(path).status_code == 403
    assert getattr(bearer(tenant_b, raw + "x"), method)(path).status_code == 401
