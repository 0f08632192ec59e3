"""Run a piece of a test in a new thread, its failure raised in the test's own.

Why a thread: it has a database connection of its own (outside the test's transaction, so its
writes commit), and no running event loop (after a browser test, Playwright's loop runs in the
test's thread and `async_to_sync` refuses it). The thread's connections are closed at its end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def run_in_a_thread(work: Callable[[], None]) -> None:
    failures: list[BaseException] = []

    def body() -> None:
        try:
            work()
        except BaseException as error:  # handed to the test's own thread
            failures.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=body)
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
