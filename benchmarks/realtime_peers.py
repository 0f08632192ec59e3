"""The peers and the load of benchmarks/realtime.py: its servers and its load spike.

In a module of its own so that each file stays readable (tests/test_benchmarks.py):
- `servers(kind, count)`: Entente's uvicorn processes, the `channels-floor` ones (the same
  command line with `floor_application`: Entente's stack without its checks) or the bare
  `websockets` ones (`bare_server`, started through realtime.py's hidden `--bare-server`);
- `Spike`: the client process that keeps N more sockets opening and closing while the
  delays are measured (`--spike N`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks._common import free_port

ROOT = Path(__file__).resolve().parent.parent
BARE_CHANNEL = "bench-realtime:bare"
FLOOR_GROUP = "bench-realtime.floor"
"""The channel-layer group of the floor servers' processes (as realtime.hub.LIVE_GROUP)."""
FLOOR_APPLICATION = "benchmarks.realtime_peers:floor_application"
SPIKE_TIMEOUT = 60.0
"""A spike socket not `ready` this long after it started opening counts as failed."""


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- Servers ------------------------------------------------------------------------------------


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not listen within 60 s")


@contextmanager
def servers(kind: str, count: int) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    started: list[tuple[int, subprocess.Popen[bytes]]] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")])}
    try:
        for _ in range(count):
            port = free_port()
            if kind in ("entente", "channels-floor"):
                # The floor: the same command line, only the application differs (a factory).
                application = (
                    ["entente.config.asgi:application"]
                    if kind == "entente"
                    else [FLOOR_APPLICATION, "--factory"]
                )
                args = [
                    sys.executable, "-m", "uvicorn", *application,
                    "--host", "127.0.0.1", "--port", str(port), "--ws", "websockets-sansio",
                    "--lifespan", "off", "--backlog", "4096", "--no-access-log",
                    "--ws-per-message-deflate", "false",
                    "--log-level", "warning",
                ]  # fmt: skip
            else:
                args = [
                    sys.executable,
                    str(ROOT / "benchmarks" / "realtime.py"),
                    "--bare-server",
                    str(port),
                ]
            process = subprocess.Popen(args, cwd=ROOT, env={**env, "ENTENTE_PORT": str(port)})
            started.append((port, process))
        for port, process in started:
            wait_for_port(port, process)
        yield started
    finally:
        for _port, process in started:
            process.terminate()
        for _port, process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def rss(process: subprocess.Popen[bytes]) -> int:
    import psutil

    return int(psutil.Process(process.pid).memory_info().rss)


def bare_server(port: int) -> None:
    """The baseline: websockets' own server, hello → ready, Redis PUBLISH → broadcast."""
    raise_fd_limit()

    async def main() -> None:
        import redis.asyncio as redis
        from websockets.asyncio.server import broadcast, serve

        clients: set[Any] = set()

        async def handler(ws: Any) -> None:
            await ws.recv()
            await ws.send(json.dumps({"type": "ready", "unread": 0, "last_notification_id": 0}))
            clients.add(ws)
            try:
                await ws.wait_closed()
            finally:
                clients.discard(ws)

        async def relay() -> None:
            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            pubsub = client.pubsub()
            await pubsub.subscribe(BARE_CHANNEL)
            async for message in pubsub.listen():
                if message["type"] == "message":
                    broadcast(clients, message["data"].decode())

        async with serve(
            handler, "127.0.0.1", port, backlog=4096, ping_interval=None, compression=None
        ):
            await relay()

    asyncio.run(main())


class FloorHub:
    """The floor's stand-in for realtime.hub.Hub: this process's sockets and its one layer
    channel, in one group, joined before the first socket's `connect` returns."""

    def __init__(self) -> None:
        self.sockets: set[Any] = set()
        self._task: asyncio.Task[None] | None = None
        self._joined: asyncio.Event | None = None

    async def join(self, consumer: Any) -> None:
        self.sockets.add(consumer)
        if self._task is None or self._task.done():
            self._joined = asyncio.Event()
            self._task = asyncio.get_running_loop().create_task(self._listen(self._joined))
        assert self._joined is not None
        await self._joined.wait()

    async def _listen(self, joined: asyncio.Event) -> None:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        assert layer is not None, "CHANNEL_LAYERS must configure a default layer"
        channel = await layer.new_channel("floor")
        await layer.group_add(FLOOR_GROUP, channel)
        joined.set()
        while True:  # nothing is published to the group here; relayed to every socket if so
            message = await layer.receive(channel)
            for consumer in list(self.sockets):
                with contextlib.suppress(Exception):
                    await consumer.send(text_data=message.get("text", ""))


floor_hub = FloorHub()


def floor_application() -> Any:
    """The `channels-floor` server's ASGI application (`uvicorn --factory`, see `servers`).

    Set up as entente.config.asgi (Django's ASGI handler for HTTP, the same settings module,
    inherited), websockets through Channels' router to a consumer without Entente's checks:
    accept, join the process's layer subscription, answer hello with `ready`. Its dispatch and
    disconnect skip Channels' hop to the database thread, as realtime.consumers.LiveConsumer's
    do: the floor has no database work at all.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
    from django.core.asgi import get_asgi_application

    django_asgi_app = get_asgi_application()

    from channels.consumer import get_handler_name
    from channels.exceptions import StopConsumer
    from channels.generic.websocket import AsyncWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import path

    ready = json.dumps({"type": "ready", "unread": 0, "last_notification_id": 0})

    class FloorConsumer(AsyncWebsocketConsumer):
        channel_layer_alias = "__no_layer__"  # no layer channel per socket (as LiveConsumer)

        async def dispatch(self, message: dict[str, Any]) -> None:
            await getattr(self, get_handler_name(message))(message)

        async def websocket_disconnect(self, message: dict[str, Any]) -> None:
            await self.disconnect(message["code"])
            raise StopConsumer()

        async def connect(self) -> None:
            await self.accept()
            await floor_hub.join(self)

        async def disconnect(self, code: int) -> None:
            floor_hub.sockets.discard(self)

        async def receive(
            self, text_data: str | None = None, bytes_data: bytes | None = None
        ) -> None:
            try:
                kind = json.loads(text_data or "").get("type")
            except (ValueError, AttributeError):
                return
            if kind == "hello":
                await self.send(text_data=ready)

    return ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            "websocket": URLRouter([path("ws/live/", FloorConsumer.as_asgi())]),
        }
    )


# -- Clients ------------------------------------------------------------------------------------


async def open_and_greet(host: str, port: int, origin: str, cookie: str, timeout: float) -> Any:
    """A live socket opened as a page of `host` does (through 127.0.0.1:`port`), its hello
    answered with `ready`: what the capacity part and the spike both count as one socket."""
    from websockets.asyncio.client import connect

    ws = await connect(
        f"ws://{host}:{port}/ws/live/",
        host="127.0.0.1",
        port=port,
        origin=origin,  # type: ignore[arg-type]
        additional_headers={"Cookie": cookie},
        open_timeout=timeout,
        ping_interval=None,
    )
    try:
        await ws.send(json.dumps({"type": "hello", "last_notification_id": None}))
        while json.loads(await ws.recv()).get("type") != "ready":
            pass
    except BaseException:
        with contextlib.suppress(Exception):
            await ws.close()
        raise
    return ws


# -- The load spike (a client process) ----------------------------------------------------------


def spike_process(pipe: Any, targets: list[tuple[int, str, str]], host: str, size: int) -> None:
    """The load spike: `size` sockets in flight, each opened, hello → ready, closed, again."""
    raise_fd_limit()
    asyncio.run(_spike(pipe, targets, host, size))


async def _spike(pipe: Any, targets: list[tuple[int, str, str]], host: str, size: int) -> None:
    loop = asyncio.get_running_loop()
    order = itertools.cycle(targets)
    completed: list[tuple[float, float]] = []  # (ready at, seconds from opening to ready)
    failed: list[float] = []  # failed at
    samples: list[str] = []
    first = asyncio.Event()

    async def once(port: int, origin: str, cookie: str) -> None:
        started = time.time()
        try:
            async with asyncio.timeout(SPIKE_TIMEOUT):
                ws = await open_and_greet(host, port, origin, cookie, SPIKE_TIMEOUT)
                now = time.time()
                completed.append((now, now - started))
                with contextlib.suppress(Exception):
                    await ws.close()
        except Exception as error:
            failed.append(time.time())
            if len(samples) < 5:
                samples.append(f"{type(error).__name__}: {error}"[:200])
            await asyncio.sleep(0.1)  # a server that refuses at once: no busy loop
        first.set()

    stopping = asyncio.Event()

    async def worker() -> None:
        while not stopping.is_set():
            await once(*next(order))

    workers = [loop.create_task(worker()) for _ in range(size)]
    await first.wait()
    pipe.send("started")
    await loop.run_in_executor(None, pipe.recv)  # "stop"
    # The sockets in flight end as the others did (ready, then a clean close): a socket cut
    # in the middle would show as an error in the servers' logs, not in these counts.
    stopping.set()
    _done, pending = await asyncio.wait(workers, timeout=SPIKE_TIMEOUT + 15)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    pipe.send((completed, failed, samples))


class Spike:
    """The spike's client process: started (its first handshake done), then stopped for its
    counts; stopped anyway on leaving the `with` block."""

    def __init__(self, size: int, targets: list[tuple[int, str, str]], host: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipe, child = context.Pipe()
        self.process = context.Process(target=spike_process, args=(child, targets, host, size))
        self.result: tuple[list[tuple[float, float]], list[float], list[str]] | None = None

    def __enter__(self) -> Spike:
        self.process.start()
        if not self.pipe.poll(120):
            self.process.kill()
            raise RuntimeError("the load spike did not start within 120 s")
        self.pipe.recv()
        return self

    def stop(self) -> tuple[list[tuple[float, float]], list[float], list[str]]:
        if self.result is None:
            self.pipe.send("stop")
            self.result = self.pipe.recv() if self.pipe.poll(120) else ([], [], [])
        return self.result

    def __exit__(self, *exc: object) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        self.process.join(timeout=30)
        if self.process.is_alive():
            self.process.kill()
