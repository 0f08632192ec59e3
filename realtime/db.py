"""The live connection's hops to the database threads, and what each one costs.

Every socket's gate, hello and watch, and every delivery of the hub, runs its queries in a
thread (`hop()`). Not Channels' one database thread (`database_sync_to_async`,
thread-sensitive): every hop of a process then waited for the one before it, three round trips
to PostgreSQL each, and 10,000 sockets took 35.7 s to open where Channels with no query of its
own took 10.3 s (`benchmarks/realtime.py`, the `channels-floor` server). The hops run in
`executor`, `THREADS` threads a process: each has its own connection (from the pool, or a
persistent one), a hop's queries run in one of them, and a socket's hops follow each other
(each is awaited). 27.9 s for the same 10,000 sockets.

Channels runs `close_old_connections()` around each hop, as Django does around a request, and
with `CONN_HEALTH_CHECKS` the first query of each hop is preceded by a `SELECT 1`: while 10,000
sockets open, a thread's connection was checked twice per socket, milliseconds after its
previous query had succeeded (19 % of the server's samples in a profile taken during
benchmarks/realtime.py).

`hop()` keeps Channels' hop (`close_old_connections()` before and after: the age limit,
the errors, the autocommit check) but trusts a connection that passed a health check, or
was opened, less than `HEALTH_CHECK_SECONDS` ago: at most one check a second per connection,
the first hop after a quiet second always checks. A connection lost within that second makes
one hop fail (its socket closes, the page reconnects and catches up) and Django closes it
after that hop (`errors_occurred`), as it would for a connection lost during a hop. HTTP
requests and Celery tasks keep Django's check on every request.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from asgiref.sync import SyncToAsync
from django.db import close_old_connections, connections

from entente.core.db import recycle_connections_if_needed

P = ParamSpec("P")
R = TypeVar("R")

THREADS = 4
"""Database threads of a process's live connections: below the pool's size per process
(`DATABASE_POOL_MAX_SIZE`, 10), so pages keep connections of their own."""
executor = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="live-db")
"""Where hops run (tests may put a one-thread executor in its place)."""
HEALTH_CHECK_SECONDS = 1.0
"""A connection checked (or opened) less than this long ago is not checked again."""
clock: Callable[[], float] = time.monotonic
"""The clock of that bound; tests replace it to move time without sleeping."""
_CHECKED = "_entente_live_checked"
"""On the connection wrapper: (the server connection checked, when)."""


class _Hop(SyncToAsync[P, R]):
    """Channels' `DatabaseSyncToAsync`, with the health check at most once a second."""

    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        close_old_connections()
        started = clock()
        trusted = _trust_recent_checks(started)
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            _note_checks(trusted, started)
            close_old_connections()


def _trust_recent_checks(now: float) -> set[str]:
    """Mark as checked the connections whose last check is recent; their aliases."""
    trusted = set()
    wrapper: Any  # django-stubs does not know `health_check_done`
    for wrapper in connections.all(initialized_only=True):
        checked = wrapper.__dict__.get(_CHECKED)
        if (
            wrapper.connection is not None
            and not wrapper.health_check_done
            and checked is not None
            and checked[0] is wrapper.connection
            and now - checked[1] < HEALTH_CHECK_SECONDS
        ):
            wrapper.health_check_done = True
            trusted.add(wrapper.alias)
    return trusted


def _note_checks(trusted: set[str], started: float) -> None:
    """Remember the connections Django checked (or opened) during this hop."""
    wrapper: Any
    for wrapper in connections.all(initialized_only=True):
        # Reset before the hop (close_old_connections): True now if a check or a connect ran.
        if wrapper.alias not in trusted and wrapper.connection and wrapper.health_check_done:
            setattr(wrapper, _CHECKED, (wrapper.connection, started))


def hop(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """`function` run in one of the database threads (checked as above)."""
    return _Hop(function, thread_sensitive=False, executor=executor)


def unit(function: Callable[P, R]) -> Callable[P, Awaitable[R]]:
    """The same, then the thread's connections that visited too many schemas are closed
    (`core.db`): a consumer message's queries and that safe point in one hop, not two."""

    def work(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return function(*args, **kwargs)
        finally:
            recycle_connections_if_needed()

    return _Hop(work, thread_sensitive=False, executor=executor)
