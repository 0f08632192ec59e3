"""Logging out of Entente after a ProConnect sign-in also ends the ProConnect session.

ProConnect asks each service to send the person to its `end_session_endpoint` on logout, with
the ID token of their sign-in (`id_token_hint`) and where to come back. `AccountAdapter.
get_logout_redirect_url` asks `provider_logout_url`, which reads the ID token the sign-in kept
in the session (entente.sso.userinfo); allauth computes that address before it ends the session.
Without a ProConnect sign-in, or a provider without that endpoint, the logout stays ours alone.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from django.http import HttpRequest

from entente.core.links import platform_url

from .userinfo import SESSION_ID_TOKEN, discovery

logger = logging.getLogger(__name__)


def provider_logout_url(request: HttpRequest) -> str | None:
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
