"""The gate in front of every websocket: origin, tenant of the host, session, membership.

Order and outcome (the close codes are also in docs/architecture.md, "Real time"):

- Host that is not allowed or names no open tenant, or an Origin that is neither this host nor
  the bare domain (scheme and port of the settings): the handshake is refused, HTTP 403 (the
  server's answer to a close before accept). A page of another site never gets a socket, even
  a closed one (cross-site websocket hijacking rides on the session cookie).
- Anonymous: accepted, then closed with 4401. Logged in, not a member of this tenant (nor
  federated staff of this EPCI): accepted, then closed with 4403. The handshake succeeds for
  those two so that the page script can read the code and stop reconnecting.

Only admitted connections reach the routes; the scope then carries `user`, `tenant` and
`membership`. The session is the pages' (Channels' `SessionMiddleware`, the same cookie and
store); the gate reads it itself, in the same hop to the database thread as the tenant and the
membership (`admission`): one hop per handshake instead of three (Channels' `AuthMiddleware`
took one of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.sessions.backends.base import SessionBase
from django.http.request import split_domain_port, validate_host
from django.utils.crypto import constant_time_compare

from entente.accounts.models import Membership, User
from tenants.models import Tenant
from tenants.routing import is_platform_host, tenant_for_host

from .access import membership_on
from .db import hop

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
        admitted = await hop(admission)(host, scope["session"])
        if not isinstance(admitted, Admitted):
            return await refuse(receive, send, admitted)
        return await self.app(
            dict(scope, user=admitted.user, tenant=admitted.tenant, membership=admitted.membership),
            receive,
            send,
        )


@dataclass(frozen=True, slots=True)
class Admitted:
    """Who the gate let in, and as whom: what the routes find in the scope."""

    user: User
    tenant: Tenant
    membership: Membership


def admission(host: str, session: SessionBase) -> Admitted | int | None:
    """Who is let in, or the refusal (None: HTTP 403; else the close code), in this order:
    the host's open tenant, the session's person, their membership. In the database thread,
    all three at once (the tenant and membership are cached per process: often one hop with
    the session's two queries only)."""
    tenant = tenant_for_host(host)
    if tenant is None or not tenant.is_open:
        return None
    user = session_user(session)
    if user is None:
        return CLOSE_ANONYMOUS
    membership = membership_on(user, tenant)
    if membership is None:
        return CLOSE_NOT_A_MEMBER
    return Admitted(user, tenant, membership)


def session_user(session: SessionBase) -> User | None:
    """The active person the session names, or None: Channels' `get_user`, whose checks it
    keeps (the backend, the hash of the password; a wrong hash ends the session).

    Not Django's `auth.get_user`: for a hash made with an old `SECRET_KEY` it cycles the
    session's key, and a websocket cannot send the new cookie back to the browser. Such a hash
    (one of `SECRET_KEY_FALLBACKS`) is accepted here as it stands; the next page cycles it.
    """
    try:
        user_id = get_user_model()._meta.pk.to_python(session[SESSION_KEY])
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return None
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return None
    user = load_backend(backend_path).get_user(user_id)
    if not isinstance(user, User):
        return None
    session_hash = session.get(HASH_SESSION_KEY)
    valid = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    if session_hash and any(constant_time_compare(session_hash, each) for each in valid):
        return user
    session.flush()
    return None


async def refuse(receive: Any, send: Any, code: int | None) -> None:
    """Refuse the handshake (code None: HTTP 403), or accept it and close with `code`."""
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    if code is not None:
        await send({"type": "websocket.accept"})
    await send({"type": "websocket.close", "code": code or 1008})
