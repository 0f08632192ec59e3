"""Live connections: how many one server process holds, their memory, and delivery delay.

Run from the repository root (the embedded PostgreSQL and Redis must be up):

    .venv/bin/python benchmarks/realtime.py                  # 10,000 sockets, 1,000 people
    .venv/bin/python benchmarks/realtime.py --sockets 2000 --rounds 10

It creates its own database (`bench_realtime`), migrates it, provisions one tenant with
`--people` members (each with a real session), and drops the database at the end (`--keep`
keeps it). Then, for Entente and for a bare `websockets` server measured the same way:

1. Capacity: `--servers` server processes (default 2, the cores of this machine); `--sockets`
   connections (default 10,000) opened from as many client processes, each socket saying
   hello and waiting for the server's answer (for Entente: the session, tenant, origin and
   membership checks and the catch-up query have run). Reported: sockets held, failures,
   time to open them, RSS of each server process before and after, RSS per socket.
2. Delay: one socket per person (`--people`, default 1,000) spread over the servers. Each round
   makes one notification for every person and publishes it (Entente: rows inserted in one
   transaction, then `notification.created` through entente.core.events → the channel layer →
   each server's hub → the sockets; bare: one Redis PUBLISH → each server → `broadcast`). The
   delay is from just before the service call to the moment the client reads the message
   (same machine, same clock). p50 and p99 over every (round, person); target p99 ≤ 250 ms.
   Also shown: the delay after the service call returned (the delivery's own share).
   Both servers run without permessage-deflate (uvicorn `--ws-per-message-deflate false`, as
   `make run` does; websockets `compression=None`): small JSON messages, a zlib context less
   per socket. `--sockets 0` skips the capacity part.
   With `--service-rounds`, also through entente.notifications.services.notify (active
   people, dedup, preferences, then every row in one INSERT … ON CONFLICT DO NOTHING).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    embedded_setting,
    free_port,
    maintenance_conninfo,
    percentile,
    print_conditions,
    throwaway_database,
    use_embedded_database,
)

DB_NAME = "bench_realtime"
TENANT_SLUG = "direct"
BARE_CHANNEL = "bench-realtime:bare"
CALL_MS: list[float] = []
"""How long each service call itself took (insert, commit, publish), for the report."""
CALL_ENDS: dict[str, float] = {}
"""When each round's service call returned: the delay after it is the delivery's own."""


def raise_fd_limit() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- Data ---------------------------------------------------------------------------------------


def fill(people: int) -> dict[str, Any]:
    """One tenant, `people` members, a session each; returns what the clients need."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    from entente.accounts.models import Membership, Role, User
    from tenants.models import TenantKind
    from tenants.provisioning import create_tenant
    from tenants.template import ensure_template

    ensure_template()
    tenant = create_tenant(
        name="Commune du direct", kind=TenantKind.COMMUNE, official_code="99002", slug=TENANT_SLUG
    )
    users = User.objects.bulk_create(
        [User(email=f"personne{i}@direct.test", full_name=f"Personne {i}") for i in range(people)]
    )
    Membership.objects.bulk_create(
        [Membership(user=user, tenant=tenant, role=Role.AGENT) for user in users]
    )
    engine = import_module(settings.SESSION_ENGINE)
    cookies = []
    for user in users:
        session = engine.SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return {
        "host": tenant.primary_host,
        "tenant_id": tenant.pk,
        "schema": tenant.schema_name,
        "user_ids": [user.pk for user in users],
        "cookies": cookies,
    }


# -- Servers ------------------------------------------------------------------------------------


def wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not listen within 60 s")


@contextmanager
def servers(kind: str, count: int) -> Iterator[list[tuple[int, subprocess.Popen[bytes]]]]:
    started: list[tuple[int, subprocess.Popen[bytes]]] = []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")])}
    try:
        for _ in range(count):
            port = free_port()
            if kind == "entente":
                args = [
                    sys.executable, "-m", "uvicorn", "entente.config.asgi:application",
                    "--host", "127.0.0.1", "--port", str(port), "--ws", "websockets-sansio",
                    "--lifespan", "off", "--backlog", "4096", "--no-access-log",
                    "--ws-per-message-deflate", "false",
                    "--log-level", "warning",
                ]  # fmt: skip
            else:
                args = [sys.executable, str(Path(__file__)), "--bare-server", str(port)]
            process = subprocess.Popen(args, cwd=ROOT, env={**env, "ENTENTE_PORT": str(port)})
            started.append((port, process))
        for port, process in started:
            wait_for_port(port, process)
        yield started
    finally:
        for _port, process in started:
            process.terminate()
        for _port, process in started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def rss(process: subprocess.Popen[bytes]) -> int:
    import psutil

    return int(psutil.Process(process.pid).memory_info().rss)


def bare_server(port: int) -> None:
    """The baseline: websockets' own server, hello → ready, Redis PUBLISH → broadcast."""
    raise_fd_limit()

    async def main() -> None:
        import redis.asyncio as redis
        from websockets.asyncio.server import broadcast, serve

        clients: set[Any] = set()

        async def handler(ws: Any) -> None:
            await ws.recv()
            await ws.send(json.dumps({"type": "ready", "unread": 0, "last_notification_id": 0}))
            clients.add(ws)
            try:
                await ws.wait_closed()
            finally:
                clients.discard(ws)

        async def relay() -> None:
            client = redis.Redis.from_url(os.environ["REDIS_URL"])
            pubsub = client.pubsub()
            await pubsub.subscribe(BARE_CHANNEL)
            async for message in pubsub.listen():
                if message["type"] == "message":
                    broadcast(clients, message["data"].decode())

        async with serve(
            handler, "127.0.0.1", port, backlog=4096, ping_interval=None, compression=None
        ):
            await relay()

    asyncio.run(main())


# -- Clients (separate processes) ---------------------------------------------------------------


def client_process(pipe: Any, targets: list[tuple[int, str, str]], host: str) -> None:
    """Open one socket per target (port, origin, cookie); report; record deliveries."""
    raise_fd_limit()
    asyncio.run(_clients(pipe, targets, host))


async def _clients(pipe: Any, targets: list[tuple[int, str, str]], host: str) -> None:
    from websockets.asyncio.client import connect

    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(64)
    sockets: list[Any] = []
    failures: list[str] = []
    received: list[tuple[str, float]] = []
    listeners: list[asyncio.Task[None]] = []

    async def listen(ws: Any) -> None:
        try:
            async for raw in ws:
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "notification":
                    received.append((message["title"], now))
        except Exception:  # noqa: S110 (closed at the end)
            pass

    async def one(port: int, origin: str, cookie: str) -> None:
        try:
            async with gate:
                ws = await connect(
                    f"ws://{host}:{port}/ws/live/",
                    host="127.0.0.1",
                    port=port,
                    origin=origin,  # type: ignore[arg-type]
                    additional_headers={"Cookie": cookie},
                    open_timeout=120,
                    ping_interval=None,
                )
                await ws.send(json.dumps({"type": "hello", "last_notification_id": None}))
                while json.loads(await ws.recv()).get("type") != "ready":
                    pass
            sockets.append(ws)
            listeners.append(loop.create_task(listen(ws)))
        except Exception as error:
            failures.append(f"{type(error).__name__}: {error}"[:200])

    started = time.monotonic()
    await asyncio.gather(*(one(*target) for target in targets))
    pipe.send(("open", len(sockets), failures[:5], len(failures), time.monotonic() - started))
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command == "collect":
            pipe.send(received[:])
            received.clear()
        elif command == "close":
            await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
            pipe.send("closed")
            return


@contextmanager
def clients(
    groups: list[list[tuple[int, str, str]]], host: str
) -> Iterator[tuple[list[Any], list[tuple[Any, ...]]]]:
    context = multiprocessing.get_context("spawn")
    pipes, processes = [], []
    for targets in groups:
        parent, child = context.Pipe()
        process = context.Process(target=client_process, args=(child, targets, host))
        process.start()
        pipes.append(parent)
        processes.append(process)
    try:
        reports = [pipe.recv() for pipe in pipes]
        yield pipes, reports
    finally:
        for pipe in pipes:
            pipe.send("close")
        for pipe in pipes:
            if pipe.poll(60):
                pipe.recv()
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()


def spread(
    count: int, ports: list[int], cookies: list[str], host: str, groups: int
) -> list[list[tuple[int, str, str]]]:
    """`count` targets, round-robin over servers and people, cut into `groups` client lists."""
    targets = [
        (ports[i % len(ports)], f"http://{host}:{ports[i % len(ports)]}", cookies[i % len(cookies)])
        for i in range(count)
    ]
    return [targets[g::groups] for g in range(groups)]


# -- Measures -----------------------------------------------------------------------------------


def capacity(kind: str, args: argparse.Namespace, data: dict[str, Any]) -> dict[str, Any]:
    with servers(kind, args.servers) as running:
        ports = [port for port, _ in running]
        # Warm each process (imports, first queries, the hub) before the baseline RSS.
        with clients(spread(2 * len(ports), ports, data["cookies"], data["host"], 1), data["host"]):
            pass
        before = [rss(process) for _, process in running]
        groups = spread(args.sockets, ports, data["cookies"], data["host"], args.client_processes)
        started = time.monotonic()
        with clients(groups, data["host"]) as (_pipes, reports):
            elapsed = time.monotonic() - started
            after = [rss(process) for _, process in running]
        held = sum(report[1] for report in reports)
        failed = sum(report[3] for report in reports)
        samples = [s for report in reports for s in report[2]]
    per_socket = (sum(after) - sum(before)) / held if held else float("nan")
    return {
        "held": held,
        "failed": failed,
        "samples": samples,
        "seconds": elapsed,
        "before": before,
        "after": after,
        "per_socket": per_socket,
    }


def publish_bare(round_no: int) -> float:
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    message = json.dumps({"type": "notification", "id": round_no, "title": f"bench {round_no}"})
    started = time.time()
    client.publish(BARE_CHANNEL, message)
    CALL_MS.append((time.time() - started) * 1000)
    return started


def publish_entente(round_no: int, data: dict[str, Any]) -> float:
    from django.db import transaction

    from entente.core.events import Event, publish_on_commit
    from entente.notifications.models import Notification, NotificationKind

    started = time.time()
    with transaction.atomic():
        rows = Notification.objects.bulk_create(
            [
                Notification(
                    user_id=pk,
                    tenant_id=data["tenant_id"],
                    kind=NotificationKind.TASK_ASSIGNED,
                    title=f"bench {round_no}",
                )
                for pk in data["user_ids"]
            ]
        )
        publish_on_commit(
            Event(
                name="notification.created",
                tenant_schema=data["schema"],
                user_ids=tuple(data["user_ids"]),
                payload={"notification_ids": [row.pk for row in rows]},
            )
        )
    CALL_MS.append((time.time() - started) * 1000)
    return started


def publish_service(round_no: int, data: dict[str, Any]) -> float:
    from entente.notifications.models import NotificationKind
    from entente.notifications.services import Draft, notify
    from tenants.models import Tenant

    tenant = Tenant.objects.get(pk=data["tenant_id"])
    started = time.time()
    notify(
        tenant=tenant,
        user_ids=data["user_ids"],
        draft=Draft(kind=NotificationKind.TASK_ASSIGNED, title=f"bench {round_no}"),
        dedup_key=f"bench-{round_no}-{time.time_ns()}",
    )
    CALL_MS.append((time.time() - started) * 1000)
    return started


def delays(
    kind: str, args: argparse.Namespace, data: dict[str, Any], how: str = "direct"
) -> dict[str, Any]:
    people = len(data["cookies"])
    with servers(kind, args.servers) as running:
        ports = [port for port, _ in running]
        groups = spread(people, ports, data["cookies"], data["host"], args.client_processes)
        with clients(groups, data["host"]) as (pipes, reports):
            held = sum(report[1] for report in reports)
            sent: dict[str, float] = {}
            CALL_MS.clear()
            CALL_ENDS.clear()
            rounds = args.service_rounds if how == "service" else args.rounds
            for round_no in range(-args.warmup_rounds, rounds):
                title = f"bench {round_no}"
                if kind == "bare":
                    sent[title] = publish_bare(round_no)
                elif how == "service":
                    sent[title] = publish_service(round_no, data)
                else:
                    sent[title] = publish_entente(round_no, data)
                CALL_ENDS[title] = time.time()
                time.sleep(args.pause)
            time.sleep(max(2.0, 4 * args.pause))  # the last round's deliveries
            for pipe in pipes:
                pipe.send("collect")
            received = [item for pipe in pipes for item in pipe.recv()]
    warm = {f"bench {n}" for n in range(-args.warmup_rounds, 0)}
    values = [
        (at - sent[title]) * 1000 for title, at in received if title in sent and title not in warm
    ]
    after_call = sorted(
        (at - CALL_ENDS[title]) * 1000
        for title, at in received
        if title in CALL_ENDS and title not in warm
    )
    expected = held * rounds
    calls = sorted(CALL_MS[args.warmup_rounds :])
    call = calls[len(calls) // 2] if calls else float("nan")
    return {
        "held": held,
        "values": sorted(values),
        "expected": expected,
        "call": call,
        "after_call": after_call,
    }


# -- Main ---------------------------------------------------------------------------------------


def conditions(args: argparse.Namespace, fd_limit: int) -> None:
    import psutil

    print_conditions(
        f"memory {psutil.virtual_memory().total / 2**30:.1f} GiB, open files limit {fd_limit}",
        "uvicorn runs with --ws websockets-sansio",
        f"{args.servers} server processes, {args.client_processes} client processes; "
        "clients, servers, PostgreSQL and Redis (unix socket) on this machine",
        distributions=("uvicorn", "channels", "channels-redis", "redis", "websockets"),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--servers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--warmup-rounds", type=int, default=2)
    parser.add_argument("--service-rounds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between rounds")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if args.bare_server:
        bare_server(args.bare_server)
        return

    fd_limit = raise_fd_limit()
    url = use_embedded_database(DB_NAME, "bench-realtime", "entente.config.settings.test")
    redis_url = embedded_setting("REDIS_URL")
    if redis_url:
        os.environ["REDIS_URL"] = redis_url
    with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        data = fill(args.people)
        connections.close_all()
        print("Live connections (websockets): Entente against a bare websockets server")
        conditions(args, fd_limit)
        print(
            f"  database {DB_NAME} (throwaway), ready in {time.perf_counter() - started:.1f} s: "
            f"1 tenant, {args.people} members with a session each"
        )

        held: dict[str, dict[str, Any]] = {}
        if args.sockets:
            print(f"\n1. Capacity: {args.sockets} sockets over {args.servers} server processes")
        for kind in ("entente", "bare") if args.sockets else ():
            result = capacity(kind, args, data)
            held[kind] = result
            mib = [
                f"{b / 2**20:.0f}→{a / 2**20:.0f}"
                for b, a in zip(result["before"], result["after"], strict=True)
            ]
            print(
                f"  {kind:<8} held {result['held']} ({result['held'] / args.servers:.0f} per "
                f"process), failed {result['failed']}, opened in {result['seconds']:.1f} s; "
                f"RSS MiB per process {', '.join(mib)}; {result['per_socket'] / 1024:.1f} KiB "
                "per socket"
            )
            for sample in result["samples"]:
                print(f"           e.g. {sample}")
        if held:
            ratio = held["entente"]["per_socket"] / held["bare"]["per_socket"]
            print(f"  memory per socket, Entente / bare: {ratio:.2f}")

        print(
            f"\n2. Delay, service call → message read by the client: {args.people} people "
            f"connected (1 socket each), {args.rounds} rounds after {args.warmup_rounds} "
            f"of warm-up, {args.pause} s apart"
        )
        figures: dict[str, tuple[float, float]] = {}
        scenarios = [("entente", "direct"), ("bare", "direct")]
        if args.service_rounds:
            scenarios.append(("entente", "service"))
        for kind, how in scenarios:
            result = delays(kind, args, data, how)
            values = result["values"]
            p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
            label = {"direct": kind, "service": "entente via notifications.services.notify"}[how]
            if how == "direct":
                figures[kind] = (p50, p99)
            print(
                f"  {label:<8} p50 {p50:.1f} ms, p99 {p99:.1f} ms, max "
                f"{(values[-1] if values else float('nan')):.1f} ms; delivered "
                f"{len(values)} of {result['expected']} "
                f"({result['held']} sockets); the call itself {result['call']:.1f} ms (median)"
            )
            after = result["after_call"]
            print(
                f"  {'':<8} after the call returned (commit done, event published): p50 "
                f"{percentile(after, 0.5):.1f} ms, p99 {percentile(after, 0.99):.1f} ms"
            )
        e50, e99 = figures["entente"]
        b50, b99 = figures["bare"]
        print(
            f"  Entente / bare: p50 ×{e50 / b50:.1f}, p99 ×{e99 / b99:.1f}; "
            f"target p99 ≤ 250 ms: {'met' if e99 <= 250 else 'NOT met'} ({e99:.0f} ms)"
        )


if __name__ == "__main__":
    main()
