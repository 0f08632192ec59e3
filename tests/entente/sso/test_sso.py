"""The identity providers' side of the login page, and the rules of where a sign-in returns.

The whole sign-in against a real OpenID Connect provider is tests/browser/test_proconnect.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from entente.accounts.adapters import AccountAdapter
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "proconnect",
                "name": "ProConnect",
                "client_id": "client",
                "secret": "secret",
                "settings": {"server_url": "http://127.0.0.1:9/o", "trust_email": True},
            }
        ]
    }
}


def test_without_a_provider_the_login_page_offers_the_password_only(
    tenant_a: Tenant, client_for: Any
) -> None:
    page = client_for(tenant_a).get("/comptes/login/").content.decode()
    assert "S'identifier avec" not in page.replace("&#x27;", "'")


@override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS, ENTENTE_PORT="8000")
def test_a_collectivites_login_page_posts_to_the_platform_and_returns_to_its_page(
    tenant_a: Tenant, client_for: Any
) -> None:
    page = client_for(tenant_a).get("/comptes/login/?next=/espaces/").content.decode()
    assert 'action="http://entente.localhost:8000/comptes/oidc/proconnect/login/"' in page
    assert f'name="next" value="http://{tenant_a.primary_host}:8000/espaces/"' in page
    assert "S'identifier avec ProConnect</button>" in page
    assert '<meta name="referrer" content="strict-origin-when-cross-origin">' in page
    hostile = client_for(tenant_a).get("/comptes/login/?next=//evil.example/").content.decode()
    assert f'name="next" value="http://{tenant_a.primary_host}:8000/"' in hostile


@override_settings(ENTENTE_PORT="8000")
def test_a_sign_in_returns_only_to_the_platforms_hosts(rf: Any) -> None:
    from allauth.core import context

    adapter = AccountAdapter()
    with context.request_context(rf.get("/", HTTP_HOST="entente.localhost:8000")):
        assert adapter.is_safe_url("http://lege.entente.localhost:8000/espaces/")
        assert adapter.is_safe_url("http://entente.localhost:8000/")
        assert not adapter.is_safe_url("http://lege.entente.localhost:9999/")
        assert not adapter.is_safe_url("http://entente.localhost.evil.example:8000/")
        assert not adapter.is_safe_url("https://evil.example/")
        assert not adapter.is_safe_url("http://lege.entente.localhost:abc/")


def _answer(url: str, content_type: str, body: bytes) -> Any:
    import requests

    response = requests.Response()
    response.status_code, response.url, response._content = 200, url, body
    response.headers["Content-Type"] = content_type
    return response


@override_settings(SOCIALACCOUNT_PROVIDERS=PROVIDERS)
def test_a_signed_userinfo_from_no_configured_provider_is_refused() -> None:
    import requests

    from entente.sso.userinfo import signed_userinfo_as_json

    plain = _answer("http://127.0.0.1:9/o/userinfo/", "application/json", b'{"sub": "1"}')
    assert signed_userinfo_as_json(plain).json() == {"sub": "1"}  # JSON goes through as it is
    stranger = _answer("https://idp.evil.example/userinfo", "application/jwt", b"a.b.c")
    with pytest.raises(requests.HTTPError):
        signed_userinfo_as_json(stranger)


def test_a_logout_without_a_provider_sign_in_stays_ours(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    client = client_for(tenant_a, make_user(tenant=tenant_a))
    answer = client.post("/comptes/logout/")
    assert answer.status_code == 302
    assert answer["Location"] == "/"
