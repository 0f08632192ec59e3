"""PostgreSQL's postmaster killed (SIGKILL) during writes; the supervisor starts it again."""

from __future__ import annotations

import sys

from .harness import DATA, kill, pid_from, run_fault


def main() -> int:
    def inject() -> None:
        kill(pid_from(DATA / "postgres" / "postmaster.pid"))

    def back() -> bool:
        from django.db import connection

        try:
            connection.close()
            connection.ensure_connection()
            return True
        except Exception:
            return False

    return run_fault("PostgreSQL killed", inject, back, during=5.0)


if __name__ == "__main__":
    sys.exit(main())
