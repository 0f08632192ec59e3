"""Real websocket clients (the `websockets` library) for the live connection of a live server."""

from __future__ import annotations

import json
import socket
from typing import Any

from django.conf import settings
from django.db import transaction
from django.test import Client
from websockets.sync.client import ClientConnection, connect

from entente.accounts.models import User
from entente.core.events import Event, publish_on_commit
from entente.notifications.models import Notification, NotificationKind
from tenants.models import Tenant

WAIT_SECONDS = 15  # a ceiling so that a broken test ends; never a timed assertion


def session_cookie(user: User) -> str:
    """A real session of this person (committed), as the browser would carry it."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def open_socket(
    port: str,
    host: str,
    *,
    cookie: str | None = None,
    origin: str | None = "same",
    path: str = "/ws/live/",
) -> ClientConnection:
    """Connect to `host` (a tenant's host name) on the loopback server, as a page of `origin`."""
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else {}
    if origin == "same":
        origin = f"http://{host}:{port}"
    sock = socket.create_connection(("127.0.0.1", int(port)), timeout=WAIT_SECONDS)
    return connect(  # entered at once: the tests close each socket themselves
        f"ws://{host}:{port}{path}",
        sock=sock,
        origin=origin,  # type: ignore[arg-type]
        additional_headers=headers,
        open_timeout=WAIT_SECONDS,
    ).__enter__()


def receive(ws: ClientConnection) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(ws.recv(timeout=WAIT_SECONDS))
    return message


def send(ws: ClientConnection, **message: Any) -> None:
    ws.send(json.dumps(message))


def receive_until(ws: ClientConnection, kind: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Messages received before the first of type `kind`, and that one."""
    before: list[dict[str, Any]] = []
    while True:
        message = receive(ws)
        if message["type"] == kind:
            return before, message
        before.append(message)


def hello(
    ws: ClientConnection, last_id: int | None = None, seen: list[int] | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Say hello (`seen`: the ids the page showed, as live.js sends them); return the
    notifications caught up, and the newest id the server reports."""
    send(ws, type="hello", last_notification_id=last_id, seen=seen or [])
    missed, ready = receive_until(ws, "ready")
    return missed, int(ready["last_notification_id"])


def notify(user: User, tenant: Tenant | None, title: str) -> Notification:
    """Make a notification and announce it as the notifications pipeline does (after commit)."""
    with transaction.atomic():
        notification = Notification.objects.create(
            user=user, tenant=tenant, kind=NotificationKind.TASK_ASSIGNED, title=title
        )
        publish_on_commit(
            Event(
                name="notification.created",
                tenant_schema=tenant.schema_name if tenant else "public",
                user_ids=(user.pk,),
                payload={"notification_ids": [notification.pk]},
            )
        )
    return notification
