"""A real ASGI server (uvicorn, as in production) serving the test database, in a subprocess.

Browser and websocket tests talk to it over loopback. Data they need must be committed (not
inside a test transaction) so that the server's connections see it.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import URLError
from urllib.parse import quote
from urllib.request import Request, urlopen

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Tests that talk to a live server need committed rows: a transactional test database.
# `available_apps` makes the flush at the end TRUNCATE … CASCADE, which the foreign keys from
# tenant schemas to people require; the flush also empties the public tables, after which
# tests/conftest.py provisions the session tenants again.
LIVE_DB = pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_database_url() -> str:
    """The URL of the database this test process uses (the test database, once set up)."""
    db = connection.settings_dict
    host = db.get("HOST") or ""
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    if host.startswith("/"):
        return f"postgres://{auth}/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def server_environment(**extra: str) -> dict[str, str]:
    """A server or worker process of the test run, connected as production's are: through
    Django's pool (the suite's own process keeps one connection per thread for its rolled-back
    transactions, settings/test.py)."""
    return {
        **os.environ,
        "DATABASE_POOL": "true",
        "DJANGO_SETTINGS_MODULE": "entente.config.settings.test",
        "DATABASE_URL": test_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        **extra,
    }


def wait_until_it_answers(
    process: subprocess.Popen[bytes], request: Request, name: str, seconds: float = 30
) -> None:
    """Poll `request` until it answers 200; fail if `process` exits or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}")
        try:
            with urlopen(request, timeout=1) as response:  # noqa: S310 (loopback only)
                if response.status == 200:
                    return
        except (URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{name} did not answer {request.full_url} within {seconds:.0f} s")
        time.sleep(0.1)


@contextmanager
def live_asgi_server(**extra_env: str) -> Iterator[str]:
    """Start uvicorn on a free loopback port; yield its port as a string; stop it after."""
    with live_asgi_server_at(free_port(), **extra_env) as port:
        yield port


@contextmanager
def live_asgi_server_at(port: int, **extra_env: str) -> Iterator[str]:
    """The same on `port`, chosen earlier when something must know it before the server
    starts (an identity provider's redirect URI)."""
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "entente.config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
        ],
        cwd=ROOT,
        env=server_environment(ENTENTE_PORT=str(port), **extra_env),
    )  # fmt: skip
    try:
        wait_until_it_answers(
            process,
            Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.ENTENTE_DOMAIN}),
            "uvicorn",
        )
        yield str(port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
