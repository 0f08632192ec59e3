"""What passes between allauth and an OpenID Connect provider, seen by our response hook.

ProConnect answers its userinfo endpoint with a signed JWT (`application/jwt`), as OpenID
Connect allows; allauth's provider reads JSON only. Every HTTP call allauth makes goes through
`SocialAccountAdapter.get_requests_session`, whose session gets `signed_userinfo_as_json` as a
response hook: a signed answer is verified (signature against the provider's published keys,
issuer, audience: our client id, expiry) and handed on as the JSON of its claims. A forged or
expired one raises, and the sign-in fails as allauth fails any provider error.

The same hook keeps the raw ID token of the token endpoint's answer in the person's session
(`remember_id_token`): ProConnect's logout needs it as `id_token_hint` (entente.sso.logout).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.core import context
from allauth.socialaccount.internal import jwtkit
from django.conf import settings

SIGNED = "application/jwt"
SESSION_ID_TOKEN = "sso_id_token"  # noqa: S105 (a session key: {"issuer", "id_token"})


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _app_for(url: str) -> dict[str, Any] | None:
    """The configured OpenID Connect app whose issuer's host this answer came from."""
    for app in settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", []):
        issuer = str(app.get("settings", {}).get("server_url", ""))
        if issuer and _origin(issuer) == _origin(url):
            return app
    return None


def discovery(issuer: str) -> dict[str, Any]:
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=5)
    response.raise_for_status()
    config: dict[str, Any] = response.json()
    return config


def signed_userinfo_as_json(response: requests.Response, *args: Any, **kwargs: Any) -> Any:
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind != SIGNED or not response.ok:
        return response
    app = _app_for(response.url)
    if app is None:
        raise requests.HTTPError("a signed answer from an unknown provider", response=response)
    issuer = str(app["settings"]["server_url"]).rstrip("/")
    config = discovery(issuer)
    claims = jwtkit.verify_and_decode(
        credential=response.text.strip(),
        keys_url=config["jwks_uri"],
        issuer=config["issuer"],
        audience=app["client_id"],
        lookup_kid=jwtkit.lookup_kid_jwk,
    )
    response._content = json.dumps(claims).encode()
    response.headers["Content-Type"] = "application/json"
    return response


def remember_id_token(response: requests.Response, *args: Any, **kwargs: Any) -> Any:
    """The token endpoint's answer: keep its ID token (not the access token) for the logout."""
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    request = context.request
    app = _app_for(response.url)
    if kind != "application/json" or not response.ok or app is None or request is None:
        return response
    try:
        raw = response.json().get("id_token")
    except ValueError:
        return response
    if isinstance(raw, str) and raw:
        issuer = str(app["settings"]["server_url"]).rstrip("/")
        request.session[SESSION_ID_TOKEN] = {"issuer": issuer, "id_token": raw}
    return response
