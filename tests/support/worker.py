"""A real Celery worker (a subprocess, as in production) on this test run's own queue.

It reads the test database (`server_environment`), so what it needs must be committed. Used by
tests whose web requests send tasks to a worker (sign-up provisioning), alongside the live
ASGI server; tests/entente/test_celery_worker.py shows the schema handling in detail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from tests.support.live import ROOT, server_environment


def purge_queue(queue: str) -> int:
    """Drop every message waiting on `queue` (this test run's own); how many were dropped."""
    from entente.config.celery_app import app

    with app.connection_for_write() as connection:
        return int(connection.default_channel.queue_purge(queue) or 0)


@contextmanager
def celery_worker(
    log_dir: Path, **extra_env: str
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Start `celery worker` on this run's queue; yield the process and its log file.

    The queue is purged first: earlier tests' on-commit callbacks left tasks there that name
    rows of tests now gone, whose ids a later test may have reused (a notification for the
    wrong test's person, say).
    """
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    purge_queue(queue)
    log = log_dir / f"worker-{uuid.uuid4().hex[:8]}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "entente.config.celery_app", "worker",
                "--pool", "prefork", "--concurrency", "1", "--queues", queue,
                "--hostname", f"test-{os.getpid()}-{uuid.uuid4().hex[:6]}@%h",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
                "--loglevel", "info",
            ],
            cwd=ROOT,
            env=server_environment(CELERY_TASK_DEFAULT_QUEUE=queue, **extra_env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield process, log
    finally:
        process.terminate()  # warm shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
