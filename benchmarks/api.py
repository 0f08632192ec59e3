"""What tenancy costs the task API: a space's task list with and without tenant routing.

Run from the repository root (the embedded PostgreSQL and Redis must be up):

    .venv/bin/python benchmarks/api.py                     # 32 clients, 3 rounds of 10 s
    .venv/bin/python benchmarks/api.py --seconds 5 --rounds 2

It creates its own database (`bench_api`), migrates it, provisions one tenant with a space of
1,000 tasks (assignees, labels), and drops the database at the end (`--keep` keeps it). Two
uvicorn servers (one process, one worker each, same settings otherwise) serve
`GET /api/v1/tasks/?space=<id>` (page 1: 50 tasks, count, labels, assignees) to a logged-in
agent who is an editor of the space:

- `entente`: the product as deployed (tenant routing, membership check, support-access and
  read-only middleware, django-tenants' database backend);
- `no tenancy`: benchmarks/api_baseline.py: those four middleware removed, the connection
  opened on the tenant's schema by PostgreSQL, the membership loaded once; same view, same
  selector, same serializer, same pagination. Both answers are checked to be identical.

Clients: asyncio, raw HTTP/1.1 with keep-alive, 32 connections, each sending its next request
as soon as the previous answer is read (closed loop). Rounds alternate the two servers so that
the load of a shared machine hits them alike; the figures are each server's best round
(requests per second) and the p95 latency of that round. Target: ratio ≥ 0.9.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    free_port,
    maintenance_conninfo,
    p95,
    print_conditions,
    server_version,
    throwaway_database,
    use_embedded_database,
)

DB_NAME = "bench_api"
TASKS = 1000


def fill() -> dict[str, Any]:
    """One tenant, one agent (editor of the space), 1,000 tasks; returns what the clients need."""
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import tenant_context

    from entente.accounts.models import Role, User
    from entente.accounts.services import add_member
    from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
    from entente.tasks.models import Label, Task, TaskAssignment, TaskPriority, TaskStatus
    from tenants.models import TenantKind
    from tenants.provisioning import create_tenant
    from tenants.template import ensure_template

    ensure_template()
    tenant = create_tenant(
        name="Commune de mesure", kind=TenantKind.COMMUNE, official_code="99001", slug="mesure"
    )
    agent = User.objects.create_user("agent@mesure.test", "mot-de-passe-solide-42")
    colleagues = [
        User.objects.create_user(f"collegue{i}@mesure.test", "mot-de-passe-solide-42")
        for i in range(5)
    ]
    for person in [agent, *colleagues]:
        add_member(tenant, person, Role.AGENT)
    rng = random.Random(42)
    with tenant_context(tenant):
        for n in range(4):  # other spaces, so that the space filter has something to do
            Space.objects.create(name=f"Autre espace {n}", visibility=Visibility.TENANT)
        space = Space.objects.create(name="Services techniques", visibility=Visibility.PRIVATE)
        SpaceMembership.objects.create(space=space, user=agent, role=SpaceRole.EDITOR)
        labels = [
            Label.objects.create(name=name, color=color)
            for name, color in (("Voirie", "#1f6feb"), ("Écoles", "#ffd700"), ("Eau", "#2e7d32"))
        ]
        tasks = Task.objects.bulk_create(
            [
                Task(
                    space=space,
                    title=f"Tâche {i:04d} : intervention rue {i % 97}",
                    description="<p>Détails de l'intervention.</p>",
                    status=rng.choice(TaskStatus.values),
                    priority=rng.choice(TaskPriority.values),
                    due_date=None if i % 10 == 0 else _day(rng),
                    created_by=agent,
                )
                for i in range(TASKS)
            ]
        )
        people = [agent, *colleagues]
        TaskAssignment.objects.bulk_create(
            [
                TaskAssignment(task=task, user=person)
                for task in tasks
                for person in rng.sample(people, rng.choice((1, 1, 2)))
            ]
        )
        through = Task.labels.through
        through.objects.bulk_create(
            [
                through(task_id=task.pk, label_id=label.pk)
                for task in tasks
                for label in rng.sample(labels, rng.choice((0, 1, 2)))
            ]
        )
    connection.set_schema_to_public()  # type: ignore[attr-defined]
    client = Client()
    client.force_login(agent)
    from django.conf import settings

    name = settings.SESSION_COOKIE_NAME
    return {
        "host": tenant.primary_host,
        "schema": tenant.schema_name,
        "tenant_id": tenant.pk,
        "space_id": space.pk,
        "cookie": f"{name}={client.cookies[name].value}",
    }


def _day(rng: random.Random) -> Any:
    import datetime

    return datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365))


# -- Servers ------------------------------------------------------------------------------------


@contextmanager
def server(settings_module: str, env: dict[str, str], probe_host: str) -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "entente.config.asgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            "--no-access-log",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            **env,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        },
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with code {process.returncode}")
            request = Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": probe_host})
            try:
                with urlopen(request, timeout=1):  # noqa: S310 (loopback only)
                    break
            except URLError as error:
                if getattr(error, "code", None):  # an HTTP answer: the server is up
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not answer within 60 s")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


# -- Clients ------------------------------------------------------------------------------------


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {
        key.strip().lower(): value.strip()
        for key, _sep, value in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = bytearray()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, bytes(body)
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    return status, await reader.read()


async def _fetch_once(port: int, request: bytes) -> tuple[int, bytes]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    answer = await _read_response(reader)
    writer.close()
    return answer


async def _load(port: int, request: bytes, clients: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.perf_counter() + seconds
    errors: list[tuple[int, bytes]] = []

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                writer.write(request)
                await writer.drain()
                status, body = await _read_response(reader)
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors.append((status, body[:2000]))
        finally:
            writer.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    if errors:
        status, body = errors[0]
        raise RuntimeError(f"{len(errors)} answers were not 200 (first: {status} {body!r})")
    return latencies


def _request(host: str, path: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n"
        "Accept: application/json\r\nConnection: keep-alive\r\n\r\n"
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0, help="per round and server")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds, per server")
    parser.add_argument("--pool", type=int, default=8, help="database connections per server")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = use_embedded_database(DB_NAME, "bench-api", "entente.config.settings.test")
    with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
        import django

        django.setup()
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        data = fill()
        prepared = time.perf_counter() - t0
        from django.db import connections

        connections.close_all()

        path = f"/api/v1/tasks/?space={data['space_id']}"
        env = {
            "BENCH_SCHEMA": data["schema"],
            "BENCH_TENANT_ID": str(data["tenant_id"]),
            "BENCH_POOL_SIZE": str(args.pool),
        }
        scenarios = {
            "entente": ("benchmarks.api_settings", data["host"]),
            "no tenancy": ("benchmarks.api_baseline", data["host"]),
        }
        print("Task list of a space, through the API: Entente against no tenancy")
        print_conditions(
            f"PostgreSQL {server_version()}, database {DB_NAME} (throwaway), ready in "
            f"{prepared:.1f} s: 1 tenant, 5 spaces,",
            f"{TASKS} tasks in the measured space (1–2 assignees, 0–2 labels each)",
            f"GET {path} → page 1 (50 tasks), as an agent editor of the (private) space",
            f"uvicorn, 1 process each, {args.clients} clients "
            f"over keep-alive HTTP/1.1, closed loop, {args.rounds} alternating rounds of "
            f"{args.seconds:.0f} s after {args.warmup:.0f} s of warm-up; Django's connection "
            f"pool, {args.pool} connections per server; DEBUG off; same machine as the database",
            distributions=("Django", "djangorestframework", "uvicorn"),
        )
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in scenarios}
        with (
            server(scenarios["entente"][0], env, data["host"]) as tenant_port,
            server(scenarios["no tenancy"][0], env, "bench.localhost") as bare_port,
        ):
            ports = {"entente": tenant_port, "no tenancy": bare_port}
            bodies = {
                name: asyncio.run(_fetch_once(ports[name], _request(host, path, data["cookie"])))
                for name, (_module, host) in scenarios.items()
            }
            for name, (status, _body) in bodies.items():
                if status != 200:
                    raise SystemExit(f"{name}: answered {status}, not 200")
            _, tenant_body = bodies["entente"]
            _, bare_body = bodies["no tenancy"]
            tail = lambda body: body.split(b"\r\n\r\n")[-1]  # noqa: E731
            if tail(tenant_body) != tail(bare_body):
                raise SystemExit(
                    "The two servers do not answer the same list: not comparable.\n"
                    f"{tail(tenant_body)[:300]!r}\n{tail(bare_body)[:300]!r}"
                )
            print(f"  both answers identical ({len(tenant_body):,} bytes of JSON)")
            for name, (_module, host) in scenarios.items():
                asyncio.run(
                    _load(
                        ports[name], _request(host, path, data["cookie"]), args.clients, args.warmup
                    )
                )
            for round_number in range(args.rounds):
                order = list(scenarios) if round_number % 2 == 0 else list(reversed(scenarios))
                for name in order:
                    host = scenarios[name][1]
                    latencies = asyncio.run(
                        _load(
                            ports[name],
                            _request(host, path, data["cookie"]),
                            args.clients,
                            args.seconds,
                        )
                    )
                    rps = len(latencies) / args.seconds
                    results[name].append((rps, p95(latencies)))
                    print(
                        f"  round {round_number + 1} {name:>10}: {rps:8.1f} req/s, "
                        f"p95 {p95(latencies) * 1000:6.1f} ms ({len(latencies)} requests)"
                    )
        best = {name: max(rounds) for name, rounds in results.items()}
        print()
        for name, (rps, latency) in best.items():
            print(f"  {name:>10}: {rps:8.1f} req/s (best round), p95 {latency * 1000:6.1f} ms")
        ratio = best["entente"][0] / best["no tenancy"][0]
        print(f"  ratio entente / no tenancy: {ratio:.3f} (target ≥ 0.9)")
        medians = {
            name: statistics.median(r for r, _ in rounds) for name, rounds in results.items()
        }
        print(f"  ratio of median rounds: {medians['entente'] / medians['no tenancy']:.3f}")


if __name__ == "__main__":
    main()
