"""Logging out of Entente after a ProConnect or SAML sign-in also ends the provider's session.

ProConnect asks each service to send the person to its `end_session_endpoint` on logout, with
the ID token of their sign-in (`id_token_hint`) and where to come back. `AccountAdapter.
get_logout_redirect_url` asks `provider_logout_url`, which reads the ID token the sign-in kept
in the session (entente.sso.userinfo); allauth computes that address before it ends the session.
Without a ProConnect sign-in, or a provider without that endpoint, the logout stays ours alone.

A collectivité's SAML directory gets a LogoutRequest at its SLO address (`saml_logout_url`),
for the NameID its sign-in gave; it answers at our SLS address, which allauth serves. On a shared
workstation in a mairie, the next person then meets the directory's password, not the last
agent's session.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from django.http import HttpRequest

from entente.core.links import platform_url

from .userinfo import SESSION_ID_TOKEN, discovery

logger = logging.getLogger(__name__)


SESSION_SAML = "sso_saml_logout"


def remember_saml_sign_in(request: HttpRequest, tenant_slug: str, name_id: str) -> None:
    request.session[SESSION_SAML] = {"slug": tenant_slug, "name_id": name_id}


def saml_logout_url(request: HttpRequest) -> str | None:
    from allauth.socialaccount.providers.saml.utils import build_auth

    from .models import SamlConnection
    from .saml import social_app

    kept = request.session.get(SESSION_SAML)
    if not isinstance(kept, dict):
        return None
    connection = (
        SamlConnection.objects.filter(tenant__slug=kept.get("slug"), enabled=True)
        .exclude(slo_url="")
        .select_related("tenant")
        .first()
    )
    if connection is None:
        return None
    auth = build_auth(request, social_app(connection).get_provider(request))
    return str(
        auth.logout(return_to=connection.tenant.url("/"), name_id=str(kept.get("name_id") or ""))
    )


def provider_logout_url(request: HttpRequest) -> str | None:
    saml_url = saml_logout_url(request)
    if saml_url:
        return saml_url
    kept = request.session.get(SESSION_ID_TOKEN)
    if not isinstance(kept, dict) or not kept.get("id_token"):
        return None
    try:
        endpoint = discovery(str(kept["issuer"])).get("end_session_endpoint")
    except (requests.RequestException, ValueError):
        # The provider is unreachable: log out of Entente all the same (its session stays).
        logger.warning("Identity provider unreachable at logout: %s", kept.get("issuer"))
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"id_token_hint": kept["id_token"], "post_logout_redirect_uri": platform_url("/")}
    )
    return f"{endpoint}?{query}"
