"""The live connection of a page: the person's notifications, and the spaces it watches.

Protocol (JSON text frames; docs/architecture.md, "Real time"):

client → server
  {"type": "hello", "last_notification_id": n | null, "seen": [ids]}
                              first message; n = last id the tab saw, seen = the ids it showed
                              lately (≤ SEEN_MAX): older ids committed late are replayed but
                              those (payloads.late_ids)
  {"type": "watch", "space_id": s, "last_activity_id": a | null}
  {"type": "unwatch", "space_id": s}
  {"type": "ping"}
server → client
  {"type": "notification", "id", "kind", "title", "url", "tenant", "created_at", "read", …}
  {"type": "ready", "unread": u, "last_notification_id": m}   after the missed notifications
  {"type": "unread", "count": u}                              when notifications were read
  {"type": "watching", "space_id": s} | {"type": "watch_refused", "space_id": s}
  {"type": "activity", "space_id", "id", "actor", "summary", "verb", "created_at"}
  {"type": "pong"}

Catch-up without gaps or duplicates: the socket is registered with the hub (live events start
arriving) before the database is read; live events that arrive meanwhile wait in a buffer, and
every id is sent once (the ids sent are remembered), oldest first.
"""

from __future__ import annotations

import json
from collections import deque
from typing import Any

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer

from . import payloads
from .db import unit
from .hub import hub
from .middleware import CLOSE_BAD_MESSAGE
from .payloads import encode

MAX_WATCHED = 20
MAX_BUFFERED = 2000
REMEMBERED_IDS = 5000


class SentIds:
    """The ids already sent on one stream, bounded (the oldest are forgotten first)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()
        self.order: deque[int] = deque()

    def add(self, pk: int) -> bool:
        """Remember `pk`; False if it had been sent already."""
        if pk in self.ids:
            return False
        self.ids.add(pk)
        self.order.append(pk)
        if len(self.order) > REMEMBERED_IDS:
            self.ids.discard(self.order.popleft())
        return True


class Stream:
    """One ordered stream (the notifications, or one space's activity) of one socket."""

    def __init__(self) -> None:
        self.sent = SentIds()
        self.catching_up = True
        self.buffer: list[dict[str, Any]] = []


class LiveConsumer(AsyncWebsocketConsumer):
    # The hub, not each socket, talks to the channel layer (hub.py): no layer channel here.
    channel_layer_alias = "__no_layer__"

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its hop to the database thread before every message
        (`aclose_old_connections()`, for consumers that query with Django's async ORM): this
        one queries only through `db.hop`/`db.unit`, which close old connections around each
        hop. That hop cost a thread switch per message, a ping's too (subsystems/real-time.md)."""
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """Channels' own, without its hop (as `dispatch`) and its groups (this has none)."""
        await self.disconnect(message["code"])
        raise StopConsumer()

    async def connect(self) -> None:
        self.user = self.scope["user"]
        self.tenant = self.scope["tenant"]
        self.notifications = Stream()
        self.watched: dict[int, Stream] = {}
        self.hello_done = False
        await self.accept()
        await hub.join(self, self.user.pk)

    async def disconnect(self, code: int) -> None:
        schema = self.tenant.schema_name
        hub.leave(self, self.user.pk, [(schema, pk) for pk in getattr(self, "watched", {})])

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            message = json.loads(text_data or "")
            kind = message["type"]
        except (ValueError, TypeError, KeyError):
            await self.close(code=CLOSE_BAD_MESSAGE)
            return
        if kind == "hello" and not self.hello_done:
            self.hello_done = True
            await self._hello(
                _optional_id(message.get("last_notification_id")), _ids(message.get("seen"))
            )
        elif kind == "watch":
            await self._watch(message)
        elif kind == "unwatch":
            space_id = _optional_id(message.get("space_id"))
            if space_id is not None and self.watched.pop(space_id, None) is not None:
                hub.unwatch(self, self.tenant.schema_name, space_id)
        elif kind == "ping":
            await self.send_json({"type": "pong"})

    async def send_json(self, content: dict[str, Any]) -> None:
        await self.send(text_data=encode(content))

    # -- Notifications --------------------------------------------------------------------------

    async def _hello(self, last_id: int | None, seen: frozenset[int]) -> None:
        # One hop: the catch-up, then (no transaction open) the close of the database thread's
        # connections that visited too many schemas (`db.unit`, core.db).
        missed, unread, newest = await unit(payloads.catch_up)(self.user, last_id, seen)
        await self._send_new(self.notifications, missed)
        await self.send_json({"type": "ready", "unread": unread, "last_notification_id": newest})
        await self._finish_catch_up(self.notifications)

    async def deliver_notifications(
        self, items: list[dict[str, Any]], texts: dict[int, str] | None = None
    ) -> None:
        """Live notifications; `texts` (id → JSON), encoded once by the hub for every tab."""
        await self._offer(self.notifications, items, texts)

    # -- Space activity -------------------------------------------------------------------------

    async def _watch(self, message: dict[str, Any]) -> None:
        space_id = _optional_id(message.get("space_id"))
        if space_id is None or space_id in self.watched or len(self.watched) >= MAX_WATCHED:
            return
        stream = Stream()
        self.watched[space_id] = stream
        hub.watch(self, self.tenant.schema_name, space_id)  # before reading: nothing slips by
        missed = await unit(payloads.watch)(
            self.user, self.tenant, space_id, _optional_id(message.get("last_activity_id"))
        )
        if missed is None:
            self.watched.pop(space_id, None)
            hub.unwatch(self, self.tenant.schema_name, space_id)
            await self.send_json({"type": "watch_refused", "space_id": space_id})
            return
        await self.send_json({"type": "watching", "space_id": space_id})
        await self._send_new(stream, missed)
        await self._finish_catch_up(stream)

    async def deliver_activity(self, space_id: int, items: list[dict[str, Any]]) -> None:
        stream = self.watched.get(space_id)
        if stream is not None:
            await self._offer(stream, items)

    # -- Ordered, once --------------------------------------------------------------------------

    async def _offer(
        self, stream: Stream, items: list[dict[str, Any]], texts: dict[int, str] | None = None
    ) -> None:
        if stream.catching_up:
            if len(stream.buffer) < MAX_BUFFERED:  # beyond: left to the next catch-up
                stream.buffer.extend(items)
            return
        await self._send_new(stream, items, texts)

    async def _send_new(
        self, stream: Stream, items: list[dict[str, Any]], texts: dict[int, str] | None = None
    ) -> None:
        for item in sorted(items, key=lambda item: int(item["id"])):
            pk = int(item["id"])
            if stream.sent.add(pk):
                text = texts.get(pk) if texts else None
                await self.send(text_data=text if text is not None else encode(item))

    async def _finish_catch_up(self, stream: Stream) -> None:
        while stream.buffer:
            items, stream.buffer = stream.buffer, []
            await self._send_new(stream, items)
        stream.catching_up = False


def _optional_id(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 0 else None


SEEN_MAX = 300


def _ids(value: Any) -> frozenset[int]:
    """The `seen` list of a hello: at most SEEN_MAX positive integers, anything else dropped."""
    if not isinstance(value, list):
        return frozenset()
    return frozenset(
        item for item in value[:SEEN_MAX] if isinstance(item, int) and not isinstance(item, bool)
    )
