"""The gate in front of every websocket: origin, tenant of the host, session, membership.

Order and outcome (the close codes are also in docs/architecture.md, "Real time"):

- Host that is not allowed or names no open tenant, or an Origin that is neither this host nor
  the bare domain (scheme and port of the settings): the handshake is refused, HTTP 403 (the
  server's answer to a close before accept). A page of another site never gets a socket, even
  a closed one (cross-site websocket hijacking rides on the session cookie).
- Anonymous: accepted, then closed with 4401. Logged in, not a member of this tenant (nor
  federated staff of this EPCI): accepted, then closed with 4403. The handshake succeeds for
  those two so that the page script can read the code and stop reconnecting.

Only admitted connections reach the routes; the scope then carries `tenant` and `membership`.
The session is read by Channels' `AuthMiddlewareStack` (the same cookie and session store as
the pages), wrapped around this gate.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from tenants.routing import is_platform_host, tenant_for_host

from .access import membership_on

CLOSE_ANONYMOUS = 4401
CLOSE_NOT_A_MEMBER = 4403
CLOSE_BAD_MESSAGE = 4400
"""A client message that is not the protocol's (docs/architecture.md): closed, it may retry."""

Scope = dict[str, Any]


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return str(value.decode("latin-1"))
    return None


def host_of(scope: Scope) -> str | None:
    """The Host header's name, lower case, without port; None if not allowed here."""
    raw = (header(scope, b"host") or "").strip().lower()
    domain, _port = split_domain_port(raw)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return domain


def allowed_origins(host: str) -> set[str]:
    scheme = settings.ENTENTE_SCHEME
    port = str(settings.ENTENTE_PORT or "")
    if (scheme, port) in {("http", "80"), ("https", "443")}:
        port = ""
    suffix = f":{port}" if port else ""
    return {f"{scheme}://{name}{suffix}" for name in (host, settings.ENTENTE_DOMAIN.lower())}


def origin_allowed(scope: Scope, host: str) -> bool:
    """A browser always sends Origin on a websocket; none, or another site's, is refused."""
    origin = (header(scope, b"origin") or "").strip().lower().rstrip("/")
    return origin in allowed_origins(host)


class TenantGate:
    """ASGI middleware: admits a websocket only for a member, on their tenant's host."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        host = host_of(scope)
        if host is None or is_platform_host(host) or not origin_allowed(scope, host):
            return await refuse(receive, send, None)
        tenant = await database_sync_to_async(tenant_for_host)(host)
        if tenant is None or not tenant.is_open:
            return await refuse(receive, send, None)
        user = scope.get("user")
        if user is None or not user.is_authenticated:
            return await refuse(receive, send, CLOSE_ANONYMOUS)
        membership = await database_sync_to_async(membership_on)(user, tenant)
        if membership is None:
            return await refuse(receive, send, CLOSE_NOT_A_MEMBER)
        return await self.app(dict(scope, tenant=tenant, membership=membership), receive, send)


async def refuse(receive: Any, send: Any, code: int | None) -> None:
    """Refuse the handshake (code None: HTTP 403), or accept it and close with `code`."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if code is not None:
        await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code or 1008})
