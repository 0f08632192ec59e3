"""Redis killed (SIGKILL) during writes; `make run`'s supervisor must bring it back with its data.

`--freeze 60` instead stops it (SIGSTOP) for 60 s, then lets it go on: Redis unreachable for a
minute, as in the reliability issue's run, without racing the supervisor.
"""

from __future__ import annotations

import argparse
import signal
import sys

from .harness import DATA, kill, pid_from, run_fault


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--freeze", type=float, default=0.0)
    args = parser.parse_args()
    pidfile = DATA / "redis" / "redis.pid"

    def inject() -> None:
        pid = pid_from(pidfile)
        if args.freeze:
            kill(pid, signal.SIGSTOP)
            import threading

            threading.Timer(args.freeze, lambda: kill(pid, signal.SIGCONT)).start()
        else:
            kill(pid)

    def back() -> bool:
        import redis
        from django.conf import settings

        try:
            return bool(redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1).ping())
        except (redis.RedisError, OSError):
            return False

    during = args.freeze + 1 if args.freeze else 5.0
    return run_fault(
        "Redis " + ("frozen" if args.freeze else "killed"), inject, back, during=during
    )


if __name__ == "__main__":
    sys.exit(main())
