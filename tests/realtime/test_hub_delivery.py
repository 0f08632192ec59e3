"""One socket leaving during a delivery does not stop the delivery to the others.

The hub's registry still holds a socket whose client has gone until its disconnect runs; its
send then raises. Found by `benchmarks/realtime.py --spike` (sockets opening and closing while
notifications went out): 48 of 150 notifications lost in one run.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from uvicorn.protocols.utils import ClientDisconnected

from realtime.hub import Hub


class Socket:
    """Stands for a LiveConsumer: records what it is given, or fails as a closed one does."""

    def __init__(self, gone: BaseException | None = None) -> None:
        self.gone = gone
        self.received: list[Any] = []

    async def deliver_notifications(self, items: list[dict[str, Any]], texts: Any = None) -> None:
        if self.gone is not None:
            raise self.gone
        self.received.append([item["id"] for item in items])

    async def send(self, text_data: str) -> None:
        if self.gone is not None:
            raise self.gone
        self.received.append(text_data)


def carried(*recipients: tuple[int, int]) -> dict[str, Any]:
    """A `notification.created` event carrying its message, with no tenant to check."""
    item = {"type": "notification", "id": 0, "title": "Nouvelle tâche", "tenant": None}
    return {"name": "notification.created", "payload": {"live": {
        "recipients": [list(pair) for pair in recipients], "item": item,
    }}}  # fmt: skip


def test_a_socket_that_left_does_not_stop_the_others() -> None:
    hub = Hub()
    left = Socket(gone=ClientDisconnected())
    closed = Socket(gone=RuntimeError("Unexpected ASGI message 'websocket.send' after close"))
    broken = Socket(gone=ValueError("a bug in one socket's state"))
    stays, other_tab, someone_else = Socket(), Socket(), Socket()
    people: dict[int, set[Any]] = {1: {left, closed, broken, stays, other_tab}, 2: {someone_else}}
    hub.people.update(people)

    # In a thread of its own: after a browser test, Playwright's loop runs in pytest's thread.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, hub.dispatch(carried((1, 101), (2, 102)))).result()

    assert stays.received == [[101]]
    assert other_tab.received == [[101]]
    assert someone_else.received == [[102]]
