"""One channel-layer subscription per server process, fanned out in memory to its sockets.

Why not one `group_send` per person: RedisChannelLayer writes one entry per group member and
takes 0.3-0.6 s (p50) for 1,000 members, losing about 1 message in 1,000 (PERFORMANCE.md,
"Real time"). Here an event costs one `group_send` to `LIVE_GROUP`, whose members are the
server processes (one channel each), not the people: each process receives the event once,
looks up its own sockets in `Hub.people` (user id → consumers) and `Hub.spaces` ((schema,
space id) → consumers), and writes to the sockets. A `notification.created` event carries the
message itself (no query; the membership is re-checked from the per-process cache); an older
event naming only ids, and other events, are loaded once for all the sockets (one query).

A message the layer drops (an overloaded process, a restart) is not lost for the person: the
page's script reconnects and the consumer sends what the database holds after the last id the
page saw (catch-up, consumers.py).

`publish()` is what `RealtimeConfig.ready()` subscribes to `entente.core.events`: it runs in
web processes (in a request's thread, after commit), in Celery workers and in scripts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Coroutine, Iterable
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer

from entente.core.db import recycle_connections_if_needed
from entente.core.events import Event

from . import payloads
from .db import hop
from .payloads import encode

if TYPE_CHECKING:
    from .consumers import LiveConsumer

logger = logging.getLogger(__name__)

LIVE_GROUP = "entente.live"
"""The channel-layer group every server process joins, once."""
REJOIN_SECONDS = 3600.0
"""Group membership expires (`group_expiry` in CHANNEL_LAYERS, 2 h): joined again each hour,
so that the channel of a process that died stops receiving within two hours."""
RETRY_SECONDS = 1.0
CLOSE_LAYER_LOST = 1012
"""Close code ("service restart") for this process's sockets when the channel layer is lost:
live.js reconnects (with backoff) and catches up from the database, instead of a socket that
stays open and silent while no event can reach it."""

NOTIFICATION_CREATED = "notification.created"
NOTIFICATION_READ = "notification.read"
"""`notifications.services.mark_read` / `mark_all_read`: the person's tabs get the new count
(as does any other `notification.*` event but `created`)."""
ACTIVITY_RECORDED = "activity.recorded"


def relayed(event: Event) -> bool:
    return event.name.startswith("notification.") or event.name == ACTIVITY_RECORDED


def message_of(event: Event) -> dict[str, Any]:
    return {
        "type": "live.event",
        "name": event.name,
        "tenant_schema": event.tenant_schema,
        "space_id": event.space_id,
        "user_ids": list(event.user_ids),
        "payload": event.payload,
        "published_at": time.time(),  # for the delay in the logs (same clock on one machine)
    }


def publish(event: Event) -> None:
    """Hand an event to every server process (an `entente.core.events` subscriber)."""
    if not relayed(event):
        return
    layer = get_channel_layer()
    if layer is None:
        return
    _publisher.run(layer.group_send(LIVE_GROUP, message_of(event)))


class _Publisher:
    """An event loop of its own, in a thread, for publishing from synchronous code.

    `async_to_sync` outside a server would make a new loop, hence a new Redis connection, per
    event (10-40 ms on a busy machine); this loop keeps the layer's connections warm. It also
    serves threads that already run a loop (Playwright's sync API), which cannot block on
    `async_to_sync`. Started lazily, and again in a forked child (Celery's prefork pool).
    """

    TIMEOUT_SECONDS = 2.0  # a request waits at most this long for a Redis in trouble

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                threading.Thread(
                    target=loop.run_forever, name="realtime-publisher", daemon=True
                ).start()
                self._loop, self._pid = loop, os.getpid()
            return self._loop

    def run(self, coroutine: Coroutine[Any, Any, Any]) -> None:
        loop = self._running_loop()
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            future.result(timeout=self.TIMEOUT_SECONDS)
        except BaseException:
            future.cancel()
            self._discard(loop)
            raise

    def _discard(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start again with a new loop, hence new Redis connections, after a publish that failed
        or timed out. Its connection may hold a reply never read (a Redis frozen for a minute,
        then back): every later command read an earlier one's reply, the group's members came
        back empty and events went nowhere, with no error, until the worker restarted
        (`python -m infra.faults.redis_killed --freeze 60`, then `infra.faults.sockets_restarted`).
        """
        with self._lock:
            if self._loop is loop:
                self._loop = None
        # One more turn first, for the cancelled publish to end.
        loop.call_soon_threadsafe(lambda: loop.call_soon(loop.stop))


_publisher = _Publisher()


class Hub:
    """This process's sockets, by person and by watched space, and its one layer channel."""

    def __init__(self) -> None:
        self.people: dict[int, set[LiveConsumer]] = defaultdict(set)
        self.spaces: dict[tuple[str, int], set[LiveConsumer]] = defaultdict(set)
        self._task: asyncio.Task[None] | None = None
        self._joined: asyncio.Event | None = None

    # -- Registry -------------------------------------------------------------------------------

    async def join(self, consumer: LiveConsumer, user_id: int) -> None:
        """Register a socket; returns once this process receives the layer's events."""
        self.people[user_id].add(consumer)
        await self._ensure_listening()

    def watch(self, consumer: LiveConsumer, schema: str, space_id: int) -> None:
        self.spaces[(schema, space_id)].add(consumer)

    def unwatch(self, consumer: LiveConsumer, schema: str, space_id: int) -> None:
        _discard(self.spaces, (schema, space_id), consumer)

    def leave(
        self, consumer: LiveConsumer, user_id: int, spaces: Iterable[tuple[str, int]]
    ) -> None:
        _discard(self.people, user_id, consumer)
        for key in spaces:
            _discard(self.spaces, key, consumer)

    def connections(self) -> int:
        return sum(len(consumers) for consumers in self.people.values())

    async def close_all(self, code: int) -> int:
        """Close every socket of this process (each then leaves the registry); how many."""
        consumers = {consumer for group in self.people.values() for consumer in group}
        for consumer in consumers:
            with contextlib.suppress(Exception):  # a socket already gone
                await consumer.close(code=code)
        if consumers:
            logger.warning("Live hub: channel layer lost, %d socket(s) closed", len(consumers))
        return len(consumers)

    # -- Listening ------------------------------------------------------------------------------

    async def _ensure_listening(self) -> None:
        if self._task is None or self._task.done():
            self._joined = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._listen(self._joined))
        assert self._joined is not None
        await self._joined.wait()

    async def _listen(self, joined: asyncio.Event) -> None:
        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS must configure a default layer"
        channel = await layer.new_channel("live")
        rejoin = asyncio.get_running_loop().create_task(self._keep_joined(layer, channel, joined))
        try:
            while True:
                try:
                    message = await layer.receive(channel)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    logger.exception("Live hub: receiving from the channel layer failed")
                    await self.close_all(CLOSE_LAYER_LOST)
                    await asyncio.sleep(RETRY_SECONDS)
                    # A Redis that restarted empty forgot the group: join again at once.
                    with contextlib.suppress(Exception):
                        await layer.group_add(LIVE_GROUP, channel)
                    continue
                received = time.time()
                try:
                    await self.dispatch(message)
                    await recycle_connections()  # after the delivery: adds nothing to its delay
                    if logger.isEnabledFor(logging.DEBUG):
                        logger.debug(
                            "Live hub: %s, %.1f ms in the layer, %.1f ms to deliver",
                            message.get("name"),
                            (received - message.get("published_at", received)) * 1000,
                            (time.time() - received) * 1000,
                        )
                except Exception:
                    logger.exception("Live hub: delivering %s failed", message.get("name"))
        finally:
            rejoin.cancel()

    @staticmethod
    async def _keep_joined(layer: Any, channel: str, joined: asyncio.Event) -> None:
        while True:
            try:
                await layer.group_add(LIVE_GROUP, channel)
                joined.set()
                await asyncio.sleep(REJOIN_SECONDS)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live hub: joining the group failed; retrying")
                await asyncio.sleep(RETRY_SECONDS)

    # -- Delivering -----------------------------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> None:
        name = message.get("name", "")
        if name == NOTIFICATION_CREATED:
            await self._notifications(message)
        elif name.startswith("notification."):
            await self._unread_counts(message)
        elif name == ACTIVITY_RECORDED:
            await self._activity(message)

    async def _notifications(self, message: dict[str, Any]) -> None:
        live = message.get("payload", {}).get("live")
        if isinstance(live, dict):
            await self._carried_notifications(live)
            return
        # Fallback: an event that names the rows only (published before `live` existed).
        user_ids = [pk for pk in message.get("user_ids", ()) if self.people.get(pk)]
        ids = [int(pk) for pk in message.get("payload", {}).get("notification_ids", ())]
        if not user_ids or not ids:
            return
        started = time.time()
        by_user = await hop(payloads.notifications_for)(ids, user_ids)
        logger.debug("Live hub: notifications loaded in %.1f ms", (time.time() - started) * 1000)
        for user_id, items in by_user.items():
            consumers = list(self.people.get(user_id, ()))
            # Encoded once for all of the person's tabs, not once per socket.
            texts = (
                {int(item["id"]): encode(item) for item in items} if len(consumers) > 1 else None
            )
            for consumer in consumers:
                await _safely(consumer.deliver_notifications(items, texts))

    async def _carried_notifications(self, live: dict[str, Any]) -> None:
        """The event carries the message (`notifications.services._announce`): no row to read.

        Who receives it was decided by `notify()` (active people, who may see the object, in
        the transaction that made the rows); whether each still reaches the notification's
        tenant is checked here, at delivery, as the fallback's query does, by
        `payloads.reaching`: the membership cache, no query when warm.
        """
        recipients = [
            (int(user_id), int(pk))
            for user_id, pk in live.get("recipients", ())
            if self.people.get(int(user_id))
        ]
        item = live.get("item")
        if not recipients or not isinstance(item, dict):
            return
        tenant = item.get("tenant")
        if tenant is not None:
            allowed = await hop(payloads.reaching)(
                [user_id for user_id, _ in recipients], int(tenant["id"])
            )
            recipients = [(user_id, pk) for user_id, pk in recipients if user_id in allowed]
        # Encoded once but the id: '{"type":"notification","id":' + id + ',' + the rest.
        rest = {key: value for key, value in item.items() if key not in ("type", "id")}
        head, tail = '{"type":"notification","id":', "," + encode(rest)[1:]
        for user_id, pk in recipients:
            entry = {"type": "notification", "id": pk, **rest}
            texts = {pk: f"{head}{pk}{tail}"}
            for consumer in list(self.people.get(user_id, ())):
                await _safely(consumer.deliver_notifications([entry], texts))

    async def _unread_counts(self, message: dict[str, Any]) -> None:
        user_ids = [pk for pk in message.get("user_ids", ()) if self.people.get(pk)]
        if not user_ids:
            return
        counts = await hop(payloads.unread_counts)(user_ids)  # one query
        for user_id, count in counts.items():
            text = encode({"type": "unread", "count": count})
            for consumer in list(self.people.get(user_id, ())):
                await _safely(consumer.send(text_data=text))

    async def _activity(self, message: dict[str, Any]) -> None:
        schema, space_id = message.get("tenant_schema"), message.get("space_id")
        entry_id = message.get("payload", {}).get("id")
        if not schema or space_id is None or entry_id is None:
            return
        watchers = list(self.spaces.get((schema, space_id), ()))
        if not watchers:
            return
        item, allowed = await hop(payloads.activity_for_watchers)(
            schema, space_id, int(entry_id), [(c.user, c.tenant) for c in watchers]
        )
        if item is None:
            return
        for consumer, ok in zip(watchers, allowed, strict=True):
            if ok:
                await _safely(consumer.deliver_activity(space_id, [item]))


async def _safely(sending: Coroutine[Any, Any, None]) -> None:
    """One socket's send, which must not stop the others'.

    A socket closing while an event is delivered is still in the registry until its
    disconnect runs: its send raises (uvicorn's ClientDisconnected, an OSError; Channels'
    RuntimeError after a close). Found by `benchmarks/realtime.py --spike`: without this, one
    such socket ended the delivery for every person after it on the process.
    """
    try:
        await sending
    except (OSError, RuntimeError):
        logger.debug("Live hub: a socket left during a delivery", exc_info=True)
    except Exception:
        logger.exception("Live hub: delivering to one socket failed; the others go on")


async def recycle_connections() -> None:
    """Close the database thread's connections that visited too many schemas (`core.db`).

    In that thread (its connections are per thread), between units of work: an event handled
    (a consumer's message does it in its own hop, `db.unit`); never inside a transaction (none
    is open there then).
    """
    await hop(recycle_connections_if_needed)()


def _discard(registry: dict[Any, set[LiveConsumer]], key: Any, consumer: LiveConsumer) -> None:
    consumers = registry.get(key)
    if consumers is not None:
        consumers.discard(consumer)
        if not consumers:
            with contextlib.suppress(KeyError):
                del registry[key]


hub = Hub()
"""This process's hub (one event loop per ASGI server process)."""
