"""The web process (uvicorn) stopped with SIGTERM during writes; the supervisor restarts it."""

from __future__ import annotations

import signal
import sys
from urllib.error import URLError
from urllib.request import Request, urlopen

from .harness import kill, processes_matching, run_fault


def main() -> int:
    def inject() -> None:
        servers = processes_matching("uvicorn", "entente.config.asgi:application")
        if not servers:
            raise SystemExit("No uvicorn of this checkout runs: start `make run` first.")
        kill(servers[0], signal.SIGTERM)

    def back() -> bool:
        import os

        from django.conf import settings

        port = os.environ.get("ENTENTE_PORT", "8000")
        request = Request(
            f"http://127.0.0.1:{port}/healthz", headers={"Host": settings.ENTENTE_DOMAIN}
        )
        try:
            with urlopen(request, timeout=1) as response:  # noqa: S310 (loopback)
                return bool(response.status == 200)
        except (URLError, OSError):
            return False

    return run_fault("web stopped (SIGTERM)", inject, back, during=5.0)


if __name__ == "__main__":
    sys.exit(main())
