"""What opening a live socket costs the database: queries, hops to the database thread, checks.

Measured in process (the ASGI application the server runs, driven by asgiref's communicator),
with one database thread (`one_database_thread`) so that a connection's checks are counted as
they happen; every statement is seen, whatever the thread. Counts, never time. Before
(Channels' AuthMiddlewareStack, a hop per lookup and per message): 9 hops, 4 queries with the
membership cached, a `SELECT 1` in each hop that queried.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pytest
from asgiref.sync import SyncToAsync, async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.conf import settings
from django.core.asgi import get_asgi_application
from django.db import connection, connections
from django.db.backends.postgresql.base import DatabaseWrapper
from django.db.backends.utils import CursorWrapper

from entente.accounts.acting import memberships
from realtime import db
from realtime import hub as hub_module
from realtime.middleware import allowed_origins
from realtime.routing import build_application
from tests.support.live import LIVE_DB
from tests.support.threads import run_in_a_thread

from .live_client import WAIT_SECONDS, session_cookie

pytestmark = [LIVE_DB]

HOPS = 2
"""The gate's (session, tenant, membership) and the hello's (catch-up, then recycling)."""
QUERIES = ["django_session", "accounts_user", "notifications_notification"]
"""The session, its person, then the unread count and newest id in one statement."""


@dataclass
class Cost:
    hops: list[str] = field(default_factory=list)
    health_checks: int = 0

    def reset(self) -> None:
        self.hops, self.health_checks = [], 0


@pytest.fixture
def cost(monkeypatch: pytest.MonkeyPatch) -> Cost:
    """Count the hops to the database thread and Django's health checks (`SELECT 1` is sent on
    the raw connection: CaptureQueriesContext does not see it); the hub listens to nothing (its
    channel-layer task would outlive this test's event loop)."""
    seen = Cost()
    hop = SyncToAsync.thread_handler
    usable = DatabaseWrapper.is_usable

    def counted_hop(self: Any, *args: Any, **kwargs: Any) -> Any:
        seen.hops.append(getattr(self.func, "__qualname__", repr(self.func)))
        return hop(self, *args, **kwargs)

    def counted_check(self: Any) -> bool:
        seen.health_checks += 1
        return bool(usable(self))

    async def listening(self: Any) -> None:
        return None

    monkeypatch.setattr(SyncToAsync, "thread_handler", counted_hop)
    monkeypatch.setattr(DatabaseWrapper, "is_usable", counted_check)
    monkeypatch.setattr(hub_module.Hub, "_ensure_listening", listening)
    return seen


@pytest.fixture
def one_database_thread(monkeypatch: pytest.MonkeyPatch) -> Iterator[ThreadPoolExecutor]:
    """The hops in one thread (production has `db.THREADS`), closed with its connection."""
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-db-test")
    monkeypatch.setattr(db, "executor", executor)
    yield executor
    executor.submit(connections.close_all).result()
    executor.shutdown()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every statement sent through Django's cursors, from any thread, in order."""
    sent: list[str] = []
    execute = CursorWrapper._execute_with_wrappers  # type: ignore[attr-defined]  # not in stubs

    def recorded(self: Any, sql: str, *args: Any, **kwargs: Any) -> Any:
        sent.append(sql)
        return execute(self, sql, *args, **kwargs)

    monkeypatch.setattr(CursorWrapper, "_execute_with_wrappers", recorded)
    return sent


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """`realtime.db`'s clock, moved by hand: now[0]."""
    now = [1000.0]
    monkeypatch.setattr(db, "clock", lambda: now[0])
    return now


def in_a_thread_of_its_own(test: Callable[..., None]) -> Callable[..., None]:
    """Run the test's body in a new thread (tests.support.threads): `async_to_sync` refuses a
    thread with a running event loop (Playwright's, when a browser test ran before)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        run_in_a_thread(lambda: test(*args, **kwargs))

    return run


async def _socket(host: str, cookie: str, *messages: dict[str, Any]) -> list[dict[str, Any]]:
    """Open a socket as a page of `host` does, send `messages`, one answer each, close."""
    scope = {
        "type": "websocket",
        "path": "/ws/live/",
        "raw_path": b"/ws/live/",
        "query_string": b"",
        "scheme": "ws",
        "server": ("127.0.0.1", 80),
        "client": ("127.0.0.1", 40000),
        "subprotocols": [],
        "headers": [
            (b"host", host.encode()),
            (b"origin", next(o for o in allowed_origins(host) if host in o).encode()),
            (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()),
        ],
    }
    communicator = ApplicationCommunicator(build_application(get_asgi_application()), scope)
    await communicator.send_input({"type": "websocket.connect"})
    accepted = await communicator.receive_output(WAIT_SECONDS)
    assert accepted["type"] == "websocket.accept", accepted
    answers = []
    for message in messages:
        await communicator.send_input({"type": "websocket.receive", "text": json.dumps(message)})
        answers.append(json.loads((await communicator.receive_output(WAIT_SECONDS))["text"]))
    await communicator.send_input({"type": "websocket.disconnect", "code": 1000})
    await communicator.wait(WAIT_SECONDS)
    return answers


HELLO: dict[str, Any] = {"type": "hello", "last_notification_id": None, "seen": []}


@in_a_thread_of_its_own
def test_a_handshake_and_hello_cost_two_hops_three_queries_and_no_repeated_check(
    committed_user: Any,
    tenant_a: Any,
    cost: Cost,
    frozen_clock: list[float],
    one_database_thread: ThreadPoolExecutor,
    statements: list[str],
) -> None:
    alice = committed_user({"tenant_a": "agent"})
    cookie = session_cookie(alice)
    host = tenant_a.primary_host
    async_to_sync(_socket)(host, cookie, HELLO)  # the tenant and membership caches warm

    cost.reset()
    statements.clear()
    [ready] = async_to_sync(_socket)(host, cookie, HELLO)
    assert ready == {"type": "ready", "unread": 0, "last_notification_id": 0}
    assert cost.hops == ["admission", "unit.<locals>.work"]
    queries = [sql for sql in statements if "search_path" not in sql]
    assert len(queries) == len(QUERIES), statements
    for sql, table in zip(queries, QUERIES, strict=True):
        assert f'"{table}"' in sql
    assert cost.health_checks == 0  # checked by the first socket less than a second ago

    memberships.evict(None)  # a person's first socket in this process: one query more
    cost.reset()
    statements.clear()
    async_to_sync(_socket)(host, cookie, HELLO)
    queries = [sql for sql in statements if "search_path" not in sql]
    assert len(cost.hops) == HOPS
    assert len(queries) == len(QUERIES) + 1
    assert '"accounts_membership"' in queries[2]


@in_a_thread_of_its_own
def test_a_ping_costs_no_hop(
    committed_user: Any, tenant_a: Any, cost: Cost, one_database_thread: ThreadPoolExecutor
) -> None:
    alice = committed_user({"tenant_a": "agent"})
    cookie = session_cookie(alice)
    cost.reset()
    answers = async_to_sync(_socket)(tenant_a.primary_host, cookie, HELLO, {"type": "ping"})
    assert answers[1] == {"type": "pong"}
    assert len(cost.hops) == HOPS  # none for the connect, the ping or the close


def _query() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        return int(cursor.fetchone()[0])


@in_a_thread_of_its_own
def test_the_health_check_runs_at_most_once_a_second_per_connection(
    cost: Cost, frozen_clock: list[float], one_database_thread: ThreadPoolExecutor
) -> None:
    run = async_to_sync(db.hop(_query))

    def close_the_threads_connection() -> None:
        # `connection` named in the database thread: that thread's own.
        one_database_thread.submit(lambda: connection.close()).result()

    close_the_threads_connection()
    assert run() == 2  # a new connection: healthy, not checked
    assert cost.health_checks == 0
    frozen_clock[0] += db.HEALTH_CHECK_SECONDS - 0.01
    assert run() == 2  # opened less than a second ago
    assert cost.health_checks == 0
    frozen_clock[0] += 0.01
    assert (run(), run()) == (2, 2)  # a second after: checked once, then trusted
    assert cost.health_checks == 1
    frozen_clock[0] += db.HEALTH_CHECK_SECONDS
    async_to_sync(db.hop(lambda: None))()  # a hop without a query proves nothing
    assert cost.health_checks == 1
    assert run() == 2
    assert cost.health_checks == 2
    close_the_threads_connection()  # another server connection: its own count
    assert run() == 2
    assert cost.health_checks == 2


def test_hops_run_in_the_database_threads_not_one_after_another() -> None:
    """Production's executor: several threads, so one socket's round trips do not wait for
    every other socket's (Channels' one database thread did)."""
    assert db.THREADS > 1
    assert db.executor._max_workers == db.THREADS
