"""A live socket whose channel layer is lost is closed with a code that makes the page reconnect.

Otherwise it stays open and silent: no event reaches it while its page believes it is live.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

from realtime import hub as hub_module
from realtime.hub import CLOSE_LAYER_LOST, LIVE_GROUP, Hub


class LostLayer:
    """A channel layer whose connection drops on the first receive, then never answers."""

    def __init__(self) -> None:
        self.receives = 0
        self.joins: list[tuple[str, str]] = []
        self.drop = asyncio.Event()  # set by the test once every socket has joined

    async def new_channel(self, prefix: str) -> str:
        return f"{prefix}.1"

    async def group_add(self, group: str, channel: str) -> None:
        self.joins.append((group, channel))

    async def receive(self, channel: str) -> dict[str, Any]:
        self.receives += 1
        if self.receives == 1:
            await self.drop.wait()
            raise ConnectionError("Error 111 connecting to unix socket. Connection refused.")
        await asyncio.Event().wait()  # the layer is back, and quiet
        raise AssertionError("unreachable")


class FakeSocket:
    def __init__(self) -> None:
        self.closed_with: int | None = None

    async def close(self, code: int | None = None) -> None:
        self.closed_with = code


def test_sockets_are_closed_to_reconnect_when_the_layer_is_lost() -> None:
    # A loop of its own, in a thread: the browser tests' Playwright may run one in this thread.
    with ThreadPoolExecutor(max_workers=1) as thread:
        closed_with, joins = thread.submit(asyncio.run, _lose_the_layer()).result()

    assert closed_with == [CLOSE_LAYER_LOST] * 2
    # The group is joined again after the loss (a Redis restarted empty forgot it).
    assert joins.count((LIVE_GROUP, "live.1")) >= 2


async def _lose_the_layer() -> tuple[list[int | None], list[tuple[str, str]]]:
    layer, hub, sockets = LostLayer(), Hub(), [FakeSocket(), FakeSocket()]
    with (
        mock.patch.object(hub_module, "get_channel_layer", return_value=layer),
        mock.patch.object(hub_module, "RETRY_SECONDS", 0.0),
    ):
        for user_id, socket in enumerate(sockets, start=1):
            await hub.join(socket, user_id)  # type: ignore[arg-type]
        layer.drop.set()
        for _ in range(100):
            if layer.receives >= 2:
                break
            await asyncio.sleep(0.01)
        assert hub._task is not None
        hub._task.cancel()
    return [socket.closed_with for socket in sockets], layer.joins


def test_a_publish_that_times_out_leaves_its_connections_behind(monkeypatch: Any) -> None:
    """A publish that did not finish in time may have left its Redis connection with a reply
    never read (a Redis frozen, then back): the next publish must not reuse that loop and its
    connections, or it reads the stale reply and sends to nobody, silently. The fault run
    `infra.faults.sockets_restarted` after `redis_killed --freeze 60` showed it; here, the
    mechanism: a timed-out publish discards its loop, the next one gets a new loop and works."""
    publisher = hub_module._Publisher()
    monkeypatch.setattr(publisher, "TIMEOUT_SECONDS", 0.2)
    done: list[str] = []

    async def frozen() -> None:
        await asyncio.sleep(60)

    async def quick() -> None:
        done.append("sent")

    first = publisher._running_loop()
    try:
        publisher.run(frozen())
    except TimeoutError:
        pass
    else:
        raise AssertionError("a publish past its time limit must fail")
    second = publisher._running_loop()
    assert second is not first
    publisher.run(quick())
    assert done == ["sent"]
    for _ in range(50):  # the discarded loop stops (its thread ends)
        if not first.is_running():
            break
        threading.Event().wait(0.02)
    assert not first.is_running()
    second.call_soon_threadsafe(second.stop)
