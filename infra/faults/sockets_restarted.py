"""The web process restarted (SIGTERM) with 1,000 live sockets open, during writes.

`--sockets` websockets (default 1,000) are opened to `/ws/live/` as the agent the harness's
writes notify, as that many browser tabs would (`entente/live.js`): each says hello with the
last notification it saw and, when the server goes away, comes back after 0.5 to 1.5 s (with
jitter) and says hello again, so the server replays what it missed (`realtime.payloads.catch_up`).
Meanwhile the harness assigns a task to that agent every half second. The web process is
stopped with SIGTERM; `make run`'s supervisor starts it again.

Counted: sockets opened and the time to open them; after the restart, the time until every
socket is back; the notifications of the acknowledged writes, and for each socket those it
never received, live or replayed (target 0); the writes refused meanwhile.

Run from the repository root while `make run` serves (ENTENTE_PORT, default 8000):
    .venv/bin/python -m infra.faults.sockets_restarted --sockets 1000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .harness import Run, kill, processes_matching, setup_django

RECONNECT_SECONDS = (0.5, 1.5)
SETTLE_SECONDS = 120.0


@dataclass
class Sockets:
    """What each socket saw: notification ids, connections made, whether it is ready now."""

    count: int
    ids: list[set[int]] = field(default_factory=list)
    connections: list[int] = field(default_factory=list)
    ready: list[bool] = field(default_factory=list)
    done: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.ids = [set() for _ in range(self.count)]
        self.connections = [0] * self.count
        self.ready = [False] * self.count

    def all_ready(self) -> bool:
        return all(self.ready)


def raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def session_cookie(user: Any) -> str:
    """A logged-in session for `user`, as the login page would make it."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


async def keep_open(state: Sockets, index: int, host: str, cookie: str, gate: Any) -> None:
    """One tab: connect, hello, read; after a close, come back and say hello again."""
    from websockets.asyncio.client import connect

    port = int(os.environ.get("ENTENTE_PORT", "8000"))
    last: int | None = None
    while not state.done.is_set():
        try:
            async with gate:
                ws = await connect(
                    f"ws://{host}:{port}/ws/live/",
                    host="127.0.0.1",
                    port=port,
                    origin=f"http://{host}:{port}",  # type: ignore[arg-type]
                    additional_headers={"Cookie": cookie},
                    open_timeout=60,
                    ping_interval=None,
                )
                await ws.send(json.dumps({"type": "hello", "last_notification_id": last}))
            state.connections[index] += 1
            async for raw in ws:
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "notification":
                    state.ids[index].add(int(message["id"]))
                    last = max(last or 0, int(message["id"]))
                elif kind == "ready":
                    state.ready[index] = True
                    newest = message.get("last_notification_id")
                    if newest is not None:
                        last = max(last or 0, int(newest))
                if state.done.is_set():
                    await ws.close()
                    return
        except Exception:  # noqa: S110 (the server went away: come back, as live.js does)
            pass
        state.ready[index] = False
        if state.done.is_set():
            return
        await asyncio.sleep(random.uniform(*RECONNECT_SECONDS))  # noqa: S311 (jitter)


def run_sockets(state: Sockets, host: str, cookie: str) -> None:
    async def main() -> None:
        gate = asyncio.Semaphore(64)
        await asyncio.gather(*(keep_open(state, i, host, cookie, gate) for i in range(state.count)))

    asyncio.run(main())


def wait_for(condition: Any, limit: float) -> float | None:
    """Seconds until `condition()` held, or None after `limit` s."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if condition():
            return time.monotonic() - started
        time.sleep(0.1)
    return None


def healthy() -> bool:
    from urllib.error import URLError
    from urllib.request import Request, urlopen

    from django.conf import settings

    port = os.environ.get("ENTENTE_PORT", "8000")
    request = Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.ENTENTE_DOMAIN})
    try:
        with urlopen(request, timeout=1) as response:  # noqa: S310 (loopback)
            return bool(response.status == 200)
    except (URLError, OSError):
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--during", type=float, default=10.0, help="writes after the restart")
    args = parser.parse_args()
    raise_fd_limit()
    setup_django()
    from entente.notifications.models import Notification, NotificationKind

    run = Run()
    run.world_cache = run.world()
    tenant, agent = run.world_cache[0], run.world_cache[3]
    state = Sockets(args.sockets)
    clients = threading.Thread(
        target=run_sockets, args=(state, tenant.primary_host, session_cookie(agent)), daemon=True
    )
    clients.start()
    opened = wait_for(state.all_ready, 300)
    print(f"fault | {sum(state.ready)} of {args.sockets} sockets open in "
          f"{opened if opened is not None else 300:.1f} s", flush=True)  # fmt: skip
    writer = threading.Thread(target=run.loop, daemon=True)
    writer.start()
    time.sleep(5)
    servers = processes_matching("uvicorn", "entente.config.asgi:application")
    if not servers:
        raise SystemExit("No uvicorn of this checkout runs: start `make run` first.")
    fault_at = time.monotonic()
    kill(servers[0], signal.SIGTERM)
    wait_for(lambda: not all(state.ready), 30)
    dropped = args.sockets - sum(state.ready)
    back_after = wait_for(healthy, 180)
    back_at = time.monotonic()
    print(f"fault | web back {back_at - fault_at:.1f} s after SIGTERM; {dropped} sockets "
          "dropped", flush=True)  # fmt: skip
    reconnected = wait_for(state.all_ready, SETTLE_SECONDS)
    time.sleep(args.during)
    run.stop.set()
    writer.join()

    def expected() -> set[int]:
        return set(
            Notification.objects.filter(
                user=agent,
                kind=NotificationKind.TASK_ASSIGNED,
                object_type="task",
                object_id__in=run.acknowledged,
            ).values_list("pk", flat=True)
        )

    wanted: set[int] = set()

    def everyone_has_all() -> bool:
        nonlocal wanted
        wanted = expected()
        return len(wanted) == len(run.acknowledged) and all(wanted <= seen for seen in state.ids)

    settled = wait_for(everyone_has_all, SETTLE_SECONDS)
    state.done.set()
    missing = [len(wanted - seen) for seen in state.ids]
    back = (
        "not back: gave up" if back_after is None else f"{back_at - fault_at:.1f} s after SIGTERM"
    )
    every = "never" if reconnected is None else f"{reconnected:.1f} s after that"
    complete = "never" if settled is None else f"{settled:.1f} s after the sockets were back"
    lines = [
        f"Fault: web restarted with {args.sockets} live sockets",
        f"  sockets opened: {args.sockets}, in {opened or 0:.1f} s; dropped by the restart: "
        f"{dropped}; connections made in all: {sum(state.connections)}",
        f"  web back {back}; every socket back {every}",
        f"  writes acknowledged: {len(run.acknowledged)}; failed (not acknowledged): "
        f"{sum(run.failed.values())} {dict(run.failed)}",
        f"  notifications made: {len(wanted)} of {len(run.acknowledged)}; sockets missing some: "
        f"{sum(1 for n in missing if n)}, notifications missed in all: {sum(missing)}",
        f"  every socket had every notification {complete}",
        f"  HTTP answers meanwhile: {dict(sorted(run.http.items()))}",
    ]
    print()
    print("\n".join(lines))
    ok = len(wanted) == len(run.acknowledged) and not any(missing) and reconnected is not None
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
