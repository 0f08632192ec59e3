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
   A third server, `channels-floor`, is measured the same way: Entente's uvicorn command line
   and ASGI stack (Django set up by `get_asgi_application`, Channels' `ProtocolTypeRouter` and
   `URLRouter`, the Redis channel layer) with `floor_application` (`uvicorn --factory`,
   benchmarks/realtime_peers.py, with the servers and the spike's client):
   a consumer that accepts, joins its process's one channel-layer subscription as
   realtime.hub does (one layer channel per process in one group, none per socket), answers
   hello with `ready`, and does nothing else: no session, tenant, origin or membership check,
   no catch-up query, no database hop. Entente / floor is what Entente's own checks cost per
   socket; floor / bare what Channels and uvicorn cost over a bare `websockets` server.
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
   With `--spike N`, every delay run (Entente, bare, service) is made under a load spike, the
   9 o'clock storm of people logging in: from before the warm-up rounds to the end of the last
   round's deliveries, a separate client process keeps N more sockets in flight against the
   same servers, each opened with a person's session cookie (the people's own; the gate
   accepts several sockets per person), saying hello, waiting for `ready` as in the capacity
   part, then closed, and the next one opened at once (after a failure, 0.1 s later). Reported
   beside the delays: the spike's handshakes completed per second during the measured rounds,
   how many failed, and their time from opening to `ready`. Without `--spike` (0, the
   default) the output is as before.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import os
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
    maintenance_conninfo,
    percentile,
    print_conditions,
    throwaway_database,
    use_embedded_database,
)
from benchmarks.realtime_peers import (  # noqa: E402
    BARE_CHANNEL,
    Spike,
    bare_server,
    open_and_greet,
    raise_fd_limit,
    rss,
    servers,
)

DB_NAME = "bench_realtime"
TENANT_SLUG = "direct"
CALL_MS: list[float] = []
"""How long each service call itself took (insert, commit, publish), for the report."""
CALL_ENDS: dict[str, float] = {}
"""When each round's service call returned: the delay after it is the delivery's own."""


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


# -- Clients (separate processes) ---------------------------------------------------------------


def client_process(pipe: Any, targets: list[tuple[int, str, str]], host: str) -> None:
    """Open one socket per target (port, origin, cookie); report; record deliveries."""
    raise_fd_limit()
    asyncio.run(_clients(pipe, targets, host))


async def _clients(pipe: Any, targets: list[tuple[int, str, str]], host: str) -> None:

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
                ws = await open_and_greet(host, port, origin, cookie, 120)
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
        storm: contextlib.AbstractContextManager[Spike | None] = contextlib.nullcontext()
        if args.spike:
            every = spread(people * len(ports), ports, data["cookies"], data["host"], 1)[0]
            storm = Spike(args.spike, every, data["host"])
        with clients(groups, data["host"]) as (pipes, reports), storm as spike:
            held = sum(report[1] for report in reports)
            sent: dict[str, float] = {}
            CALL_MS.clear()
            CALL_ENDS.clear()
            rounds = args.service_rounds if how == "service" else args.rounds
            measured_from = time.time()
            for round_no in range(-args.warmup_rounds, rounds):
                title = f"bench {round_no}"
                if round_no == 0:
                    measured_from = time.time()
                if kind == "bare":
                    sent[title] = publish_bare(round_no)
                elif how == "service":
                    sent[title] = publish_service(round_no, data)
                else:
                    sent[title] = publish_entente(round_no, data)
                CALL_ENDS[title] = time.time()
                time.sleep(args.pause)
            time.sleep(max(2.0, 4 * args.pause))  # the last round's deliveries
            measured_to = time.time()
            storm_counts = spike.stop() if spike is not None else None
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
        "spike": (
            spike_figures(storm_counts, measured_from, measured_to) if storm_counts else None
        ),
    }


def spike_figures(
    counts: tuple[list[tuple[float, float]], list[float], list[str]], start: float, end: float
) -> dict[str, Any]:
    """The spike's handshakes during the measured rounds (`start` to `end`, deliveries done)."""
    completed, failed, samples = counts
    during = sorted(seconds * 1000 for at, seconds in completed if start <= at <= end)
    return {
        "completed": len(during),
        "per_second": len(during) / (end - start) if end > start else float("nan"),
        "failed": sum(1 for at in failed if start <= at <= end),
        "failed_in_all": len(failed),
        "completed_in_all": len(completed),
        "p50": percentile(during, 0.5),
        "p99": percentile(during, 0.99),
        "samples": samples,
    }


def quotient(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


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
    parser.add_argument(
        "--spike",
        type=int,
        default=0,
        metavar="N",
        help="delays under a load spike: N more sockets kept opening and closing (0: none)",
    )
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
        for kind in ("entente", "channels-floor", "bare") if args.sockets else ():
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
            entente, floor, bare = held["entente"], held["channels-floor"], held["bare"]
            print(
                "  memory per socket, Entente / channels-floor: "
                f"{quotient(entente['per_socket'], floor['per_socket']):.2f}, "
                f"channels-floor / bare: {quotient(floor['per_socket'], bare['per_socket']):.2f}"
            )
            # Wall-clock time to open them all, per socket held (the opening is concurrent).
            e, f, b = (
                result["seconds"] / max(result["held"], 1) for result in (entente, floor, bare)
            )
            print(
                f"  time to open per socket, Entente / channels-floor: {quotient(e, f):.2f}, "
                f"channels-floor / bare: {quotient(f, b):.2f}, Entente / bare: {quotient(e, b):.2f}"
            )

        print(
            f"\n2. Delay, service call → message read by the client: {args.people} people "
            f"connected (1 socket each), {args.rounds} rounds after {args.warmup_rounds} "
            f"of warm-up, {args.pause} s apart"
        )
        if args.spike:
            print(
                f"  LOAD SPIKE ON: {args.spike} more sockets kept in flight by another client "
                "process during every run below (open with a person's session, hello → ready, "
                "close, open the next)"
            )
        figures: dict[str, tuple[float, float]] = {}
        lost: dict[str, int] = {}
        scenarios = [("entente", "direct"), ("bare", "direct")]
        if args.service_rounds:
            scenarios.append(("entente", "service"))
        for kind, how in scenarios:
            result = delays(kind, args, data, how)
            values = result["values"]
            p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
            label = {"direct": kind, "service": "entente via notifications.services.notify"}[how]
            key = kind if how == "direct" else "service"
            figures[key] = (p50, p99)
            lost[key] = result["expected"] - len(values)
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
            storm = result["spike"]
            if storm:
                print(
                    f"  {'':<8} spike ({args.spike} in flight): {storm['completed']} handshakes "
                    f"completed during the rounds, {storm['per_second']:.1f}/s, "
                    f"{storm['failed']} failed; opening → ready p50 {storm['p50']:.0f} ms, "
                    f"p99 {storm['p99']:.0f} ms; lost {result['expected'] - len(values)} "
                    f"(whole spike: {storm['completed_in_all']} completed, "
                    f"{storm['failed_in_all']} failed)"
                )
                for sample in storm["samples"]:
                    print(f"           e.g. {sample}")
        e50, e99 = figures["entente"]
        b50, b99 = figures["bare"]
        # The target is the issue's: p99 from notify() (the service run when there is one),
        # and nothing lost in any of Entente's runs.
        judged = "service" if "service" in figures else "entente"
        j99 = figures[judged][1]
        lost_entente = lost["entente"] + lost.get("service", 0)
        met = j99 <= 250 and lost_entente == 0
        print(
            f"  Entente / bare: p50 ×{e50 / b50:.1f}, p99 ×{e99 / b99:.1f}; target p99 ≤ 250 ms "
            f"({'via notify()' if judged == 'service' else 'direct'}) and 0 lost: "
            f"{'met' if met else 'NOT met'} ({j99:.0f} ms, {lost_entente} lost"
            + (f", under a load spike of {args.spike} sockets" if args.spike else "")
            + ")"
        )


if __name__ == "__main__":
    main()
