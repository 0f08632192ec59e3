"""A Celery pool child, then the worker's main process, killed (SIGKILL) during writes."""

from __future__ import annotations

import sys
import time

from .harness import children_of, kill, processes_matching, run_fault


def _workers() -> list[int]:
    return processes_matching("celery", "entente.config.celery_app", "worker")


def main() -> int:
    def inject() -> None:
        mains = [pid for pid in _workers() if children_of(pid)]
        if not mains:
            raise SystemExit("No Celery worker of this checkout runs: start `make run` first.")
        main_pid = mains[0]
        pool = children_of(main_pid)
        kill(pool[0])
        time.sleep(5)
        kill(main_pid)

    def back() -> bool:
        return any(children_of(pid) for pid in _workers())

    return run_fault("Celery pool child then main process killed", inject, back, during=10.0)


if __name__ == "__main__":
    sys.exit(main())
