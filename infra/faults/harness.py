"""Fault runs against `make run`: writes during a fault, then what was lost and how long it took.

Each script of this folder injects one fault (see its docstring) while this harness, in its own
process, keeps writing through the services as the site would (an admin assigns a new task to
an agent of the demo EPCI, every `--interval` s) and asks the site for a page and an API list
over HTTP. After the fault it waits until every acknowledged write's notification exists, and
prints: writes acknowledged / failed / missing, notifications expected / made, the HTTP answers
seen meanwhile (no 500 is the target), and the seconds from the component's return until the
last notification existed (target ≤ 15 s).

Run from the repository root while `make run` serves (ENTENTE_PORT, default 8000):
    .venv/bin/python -m infra.faults.redis_killed
"""

from __future__ import annotations

import collections
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(os.environ.get("ENTENTE_DATA_DIR", ROOT / ".data"))
WAIT_AFTER_SECONDS = 180


def setup_django() -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
    env_file = DATA / "embedded.env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
    import django

    django.setup()


def pid_from(path: Path) -> int:
    return int(path.read_text().split()[0])


def processes_matching(*words: str) -> list[int]:
    """Processes of this machine whose command line holds every word (this checkout's only)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if all(word in cmdline for word in words) and cwd == str(ROOT):
            found.append(int(entry.name))
    return sorted(found)


def children_of(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def kill(pid: int, signum: int = signal.SIGKILL) -> None:
    print(f"fault | signal {signum} to process {pid}", flush=True)
    os.kill(pid, signum)


@dataclass
class Run:
    interval: float = 0.5
    acknowledged: list[int] = field(default_factory=list)
    failed: collections.Counter[str] = field(default_factory=collections.Counter)
    http: collections.Counter[str] = field(default_factory=collections.Counter)
    stop: threading.Event = field(default_factory=threading.Event)
    world_cache: tuple[Any, Any, Any, Any] = (None, None, None, None)
    """(tenant, space, the admin who assigns, the agent assigned)."""

    def world(self) -> tuple[Any, Any, Any, Any]:
        from django_tenants.utils import tenant_context

        from entente.demo.services import demo_epci
        from entente.spaces.models import SpaceMembership, SpaceRole

        tenant = demo_epci()
        assert tenant is not None, "seed the demo first (make run does)"
        with tenant_context(tenant):
            editors = SpaceMembership.objects.filter(role=SpaceRole.EDITOR).select_related(
                "space", "user"
            )
            for membership in editors:
                others = SpaceMembership.objects.filter(space=membership.space).exclude(
                    user=membership.user
                )
                other = others.select_related("user").first()
                if other is not None:
                    return tenant, membership.space, membership.user, other.user
        raise SystemExit("No space with an editor and another member in the demo EPCI.")

    def write(self, n: int) -> None:
        from django.db import connections
        from django_tenants.utils import tenant_context

        from entente.accounts.models import Membership
        from entente.tasks.services import create_task

        tenant, space, actor, agent = self.world_cache
        try:
            acting = Membership.objects.select_related("user", "tenant").get(
                user=actor, tenant=tenant
            )
            with tenant_context(tenant):
                task = create_task(
                    acting,
                    space=space,
                    title=f"Essai de panne n° {n}",
                    assignee_ids=[agent.pk],
                )
            self.acknowledged.append(task.pk)
        except Exception as error:
            self.failed[type(error).__name__] += 1
            connections.close_all()

    def probe_http(self) -> None:
        tenant = self.world_cache[0]
        port = os.environ.get("ENTENTE_PORT", "8000")
        for path in ("/", "/api/v1/spaces/"):
            request = Request(
                f"http://127.0.0.1:{port}{path}", headers={"Host": tenant.primary_host}
            )
            try:
                with urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
                    self.http[f"{path} {response.status}"] += 1
            except HTTPError as error:
                self.http[f"{path} {error.code}"] += 1
            except (URLError, OSError) as error:
                self.http[f"{path} {type(error).__name__}"] += 1

    def loop(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            self.write(n)
            self.probe_http()
            self.stop.wait(self.interval)

    def notifications_made(self) -> int:
        from django.db import connections

        from entente.notifications.models import Notification, NotificationKind

        agent = self.world_cache[3]
        try:
            return Notification.objects.filter(
                user=agent,
                kind=NotificationKind.TASK_ASSIGNED,
                object_type="task",
                object_id__in=self.acknowledged,
            ).count()
        except Exception:
            connections.close_all()
            return -1


def run_fault(
    name: str,
    inject: Callable[[], None],
    back: Callable[[], bool],
    *,
    before: float = 5.0,
    during: float = 60.0,
) -> int:
    """Write for `before` s, inject, keep writing for `during` s, then wait for the backlog."""
    setup_django()
    run = Run()
    run.world_cache = run.world()
    writer = threading.Thread(target=run.loop, daemon=True)
    writer.start()
    time.sleep(before)
    started = time.monotonic()
    inject()
    time.sleep(during)
    while not back():
        if time.monotonic() - started > during + WAIT_AFTER_SECONDS:
            print("fault | the component did not come back by itself", flush=True)
            break
        time.sleep(0.2)
    back_at = time.monotonic()
    print(f"fault | {name}: component back {back_at - started:.1f} s after the fault", flush=True)
    run.stop.set()
    writer.join()
    made = run.notifications_made()
    while made != len(run.acknowledged) and time.monotonic() - back_at < WAIT_AFTER_SECONDS:
        time.sleep(0.5)
        made = run.notifications_made()
    settled = time.monotonic() - back_at
    print()
    print(f"Fault: {name}")
    print(f"  writes acknowledged: {len(run.acknowledged)}; failed (not acknowledged): "
          f"{sum(run.failed.values())} {dict(run.failed)}")  # fmt: skip
    print(f"  notifications expected: {len(run.acknowledged)}; made: {made}")
    print(f"  seconds from the component's return to the last notification: {settled:.1f}")
    print(f"  HTTP answers meanwhile: {dict(sorted(run.http.items()))}")
    return 0 if made == len(run.acknowledged) else 1
