"""A working day at rising load on `make run`'s servers: the knee of the curve, then a soak.

`make load` (locust installed, about 40 minutes). What it does:
1. starts `make run`'s servers (`infra.devserver`: uvicorn, a Celery worker, beat, the mail
   receiver) on a free port, on a throwaway database `entente_load` with the demo seeded, and
   Redis database 9 (its own task queue): `make run`'s data is left alone;
2. runs `benchmarks/load_scenario.py` (agents, elected officials, a CC meeting, citizens, by
   links only, writes included) with locust, at each number of simulated users of --steps
   in turn: after everyone is logged in and spawned, --step-seconds counted;
3. prints per step: requests per second, latency percentiles, failures, the CPU and memory of
   the web server and the worker; the knee is the last step whose throughput still grew with
   the users (≥ 80 % of proportional) and whose p95 stayed under 3× the first step's;
4. soaks at half the knee's users for --soak-minutes, sampling the resident memory of the web
   server and the worker every 30 s, and prints its growth after the first 5 minutes.

The load generator runs on the same machine (2 cores shared): it takes CPU from the server, so
the knee is the pair's, printed with the load average. --url uses servers already running
(their data gets the comments the scenario writes); the memory is then not sampled.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit
from urllib.request import Request, urlopen

ROOT_DIR = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT_DIR), str(ROOT_DIR / "platform")]

from benchmarks._common import (  # noqa: E402
    ROOT,
    embedded_database_url,
    embedded_setting,
    free_port,
    maintenance_conninfo,
    print_conditions,
    throwaway_database,
    with_database,
)

DATABASE = "entente_load"
REDIS_DB = "9"
SCENARIO = ROOT / "benchmarks" / "load_scenario.py"
SAMPLE_SECONDS = 2.0
SOAK_SAMPLE_SECONDS = 30.0
SOAK_WARM_UP_SECONDS = 300.0


def own_redis(url: str) -> str:
    """The same Redis server, database 9: the load run's tasks never reach `make run`'s worker."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if "db" in query or parts.scheme.startswith("unix"):
        return urlunsplit(parts._replace(query=urlencode({**query, "db": REDIS_DB})))
    return urlunsplit(parts._replace(path=f"/{REDIS_DB}"))


def demo_accounts() -> tuple[dict[str, list[str]], str]:
    """persona → the demo's e-mail addresses, from the demo catalogue (its one source)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
    import django

    django.setup()
    from entente.accounts.models import Role
    from entente.demo.catalogue import DEMO_PASSWORD, EPCI_SIREN, PEOPLE

    accounts: dict[str, list[str]] = {"agent": [], "elected": [], "epci": [], "citizen": []}
    for person in PEOPLE:
        first_role = person.memberships[0][1]
        if any(code == EPCI_SIREN for code, _ in person.memberships):
            accounts["epci"].append(person.email)
        if first_role == Role.AGENT:
            accounts["agent"].append(person.email)
        elif first_role == Role.ELECTED:
            accounts["elected"].append(person.email)
        elif first_role == Role.GUEST:
            accounts["citizen"].append(person.email)
    return accounts, DEMO_PASSWORD


def log_in(base: str, email: str, password: str) -> dict[str, Any]:
    """The demo person's session (cookies) and home page, by the login form, as a browser would.

    Done here once per person, not by each locust process: the login's rate limit (allauth's
    30 a minute per address) is the product's defence, not something to measure. A 429 waits.
    The cookies are kept by hand: they are set for `.entente.localhost`, the requests go to
    127.0.0.1 with that Host.
    """
    from http.cookies import SimpleCookie

    import requests

    parts = urlsplit(base)
    local = f"http://127.0.0.1:{parts.port}"
    cookies: dict[str, str] = {}

    def call(method: str, path: str, **kwargs: Any) -> Any:
        header = "; ".join(f"{name}={value}" for name, value in cookies.items())
        headers = {"Host": parts.netloc, "Cookie": header, **kwargs.pop("headers", {})}
        answer = requests.request(
            method, f"{local}{path}", headers=headers, allow_redirects=False, timeout=30, **kwargs
        )
        for line in answer.raw.headers.getlist("Set-Cookie"):
            cookies.update({name: morsel.value for name, morsel in SimpleCookie(line).items()})
        return answer

    while True:
        form = call("GET", "/comptes/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
        answer = call(
            "POST", "/comptes/login/",
            data={"csrfmiddlewaretoken": token.group(1) if token else "", "login": email,
                  "password": password},
            headers={"Referer": f"{base}/comptes/login/"},
        )  # fmt: skip
        if answer.status_code != 429:
            break
        time.sleep(5)
    if answer.status_code != 302 or not any("session" in name for name in cookies):
        raise SystemExit(f"The demo login of {email} answered {answer.status_code}.")
    home = urljoin(base, answer.headers["Location"])
    if urlsplit(home).hostname == parts.hostname:  # several collectivités: the first one listed
        listing = call("GET", urlsplit(home).path).text
        tenants = re.findall(rf'href="(http://[a-z0-9-]+\.{re.escape(parts.netloc)}/)"', listing)
        home = tenants[0] if tenants else home
    kept = {name: value for name, value in cookies.items() if "session" in name or "csrf" in name}
    return {"cookies": kept, "home": home}


def answers(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or 80
    request = Request(f"http://127.0.0.1:{port}/healthz", headers={"Host": host})
    try:
        with urlopen(request, timeout=2) as response:  # noqa: S310 (our own server)
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def servers(log: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`make run`'s servers on a throwaway database; (base URL, the supervisor process)."""
    server_url = embedded_database_url()
    redis_url = embedded_setting("REDIS_URL") or "redis://127.0.0.1:6379/0"
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="entente-load-"))
    env = {
        **os.environ,
        "DATABASE_URL": with_database(server_url, DATABASE),
        "REDIS_URL": own_redis(redis_url),
        "CACHE_KEY_PREFIX": "load",
        "ENTENTE_PORT": str(port),
        "ENTENTE_SMTP_PORT": str(free_port()),
        "ENTENTE_DATA_DIR": str(data_dir),
        "ENTENTE_MEDIA_ROOT": str(data_dir / "media"),
    }
    env.pop("CELERY_BROKER_URL", None)
    conninfo = maintenance_conninfo(server_url)
    with throwaway_database(DATABASE, keep=False, conninfo=conninfo), log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "infra.devserver"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        url = f"http://entente.localhost:{port}"
        try:
            started = time.monotonic()
            while not answers(url):
                if process.poll() is not None or time.monotonic() - started > 600:
                    raise SystemExit(f"The servers did not start; see {log}.")
                time.sleep(1)
            print(f"Servers ready in {time.monotonic() - started:.0f} s (demo seeded).")
            yield url, process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@contextmanager
def already_running(url: str) -> Iterator[tuple[str, None]]:
    yield url, None


def server_processes(supervisor: subprocess.Popen[bytes] | None) -> dict[str, list[Any]]:
    """The web server's and the worker's processes (psutil), by role."""
    import psutil

    found: dict[str, list[Any]] = {"web": [], "worker": []}
    if supervisor is None:
        return found
    for child in psutil.Process(supervisor.pid).children(recursive=True):
        command = " ".join(child.cmdline())
        if "uvicorn" in command:
            found["web"].append(child)
        elif "celery" in command and " worker" in command:
            found["worker"].append(child)
    return found


def sample(processes: dict[str, list[Any]]) -> dict[str, tuple[float, float]]:
    """role → (CPU % since the last sample, resident MiB), summed over the role's processes."""
    import psutil

    result = {}
    for role, members in processes.items():
        cpu = rss = 0.0
        for process in members:
            with contextlib.suppress(psutil.Error):  # a process the supervisor restarted
                cpu += process.cpu_percent()
                rss += process.memory_info().rss / 2**20
        result[role] = (cpu, rss)
    return result


def locust(url: str, users: int, seconds: float, prefix: Path, env: dict[str, str]) -> Any:
    """Start locust headless: `users` spawned in ≤ 10 s, stats reset once all are there."""
    spawn_rate = max(users / 10, 1)
    return subprocess.Popen(
        [
            sys.executable, "-m", "locust", "-f", str(SCENARIO), "--headless",
            "--host", url, "--users", str(users), "--spawn-rate", f"{spawn_rate:g}",
            "--run-time", f"{int(seconds + users / spawn_rate + 5)}s", "--reset-stats",
            "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=(prefix.parent / f"{prefix.name}.log").open("wb"),
    )  # fmt: skip


def aggregated(prefix: Path) -> dict[str, float]:
    with Path(f"{prefix}_stats.csv").open() as stats:
        for row in csv.DictReader(stats):
            if row["Name"] == "Aggregated":
                return {
                    "requests": float(row["Request Count"]),
                    "failures": float(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                }
    raise SystemExit(f"No aggregated row in {prefix}_stats.csv")


def step(url: str, users: int, seconds: float, workdir: Path, env: dict[str, str],
         processes: dict[str, list[Any]]) -> dict[str, float]:  # fmt: skip
    prefix = workdir / f"step-{users}"
    run = locust(url, users, seconds, prefix, env)
    sample(processes)
    samples = []
    while run.poll() is None:
        time.sleep(SAMPLE_SECONDS)
        samples.append(sample(processes))
    figures = aggregated(prefix)
    busy = samples[len(samples) // 3 :] or samples  # after the spawning
    for role in processes:
        figures[f"{role}_cpu"] = sum(s[role][0] for s in busy) / max(len(busy), 1)
        figures[f"{role}_mib"] = max((s[role][1] for s in busy), default=0.0)
    return figures


def knee(rows: list[tuple[int, dict[str, float]]]) -> int:
    """The last step where throughput still grew with the users and p95 stayed in bounds."""
    best = rows[0][0]
    first_p95 = rows[0][1]["p95"]
    for (users, figures), (previous_users, previous) in zip(rows[1:], rows, strict=False):
        proportional = previous["rps"] * users / previous_users
        if figures["rps"] < 0.8 * proportional or figures["p95"] > 3 * max(first_p95, 1):
            break
        best = users
    return best


def soak(url: str, users: int, minutes: float, workdir: Path, env: dict[str, str],
         processes: dict[str, list[Any]]) -> None:  # fmt: skip
    print(f"\nSoak: {users} users for {minutes:g} min; resident memory (MiB) every 30 s.")
    prefix = workdir / "soak"
    run = locust(url, users, minutes * 60, prefix, env)
    started = time.monotonic()
    series: list[tuple[float, dict[str, tuple[float, float]]]] = []
    sample(processes)
    while run.poll() is None:
        time.sleep(SOAK_SAMPLE_SECONDS)
        series.append((time.monotonic() - started, sample(processes)))
        elapsed, last = series[-1]
        if len(series) % 10 == 0:
            memory = ", ".join(f"{role} {last[role][1]:.0f}" for role in processes)
            print(f"  {elapsed / 60:5.1f} min: {memory}", flush=True)
    figures = aggregated(prefix)
    print(
        f"  {figures['requests']:.0f} requests, {figures['failures']:.0f} failed, "
        f"{figures['rps']:.1f} req/s, p95 {figures['p95']:.0f} ms"
    )
    for role in processes:
        after = [(t, s[role][1]) for t, s in series if t >= SOAK_WARM_UP_SECONDS]
        if len(after) < 2:
            continue
        slope = least_squares_slope(after) * 600
        print(
            f"  {role}: {after[0][1]:.0f} MiB at {after[0][0] / 60:.0f} min → {after[-1][1]:.0f}"
            f" MiB at the end (max {max(m for _, m in after):.0f}); trend {slope:+.1f} MiB"
            " per 10 min after the first 5 minutes"
        )


def least_squares_slope(points: list[tuple[float, float]]) -> float:
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread if spread else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="servers already running, e.g. http://entente.localhost:8000")
    parser.add_argument("--steps", default="5,10,20,40,80,160,240",
                        help="simulated users at each step (comma-separated)")  # fmt: skip
    parser.add_argument("--step-seconds", type=float, default=60.0)
    parser.add_argument("--soak-minutes", type=float, default=30.0, help="0: no soak")
    parser.add_argument("--soak-users", type=int, help="default: half the knee's users")
    args = parser.parse_args()
    try:
        import locust as _  # noqa: F401
    except ImportError:
        raise SystemExit("locust is not installed: `make load` installs it.") from None

    accounts, password = demo_accounts()
    from django.conf import settings

    steps = [int(value) for value in args.steps.split(",")]
    print_conditions(
        f"Scenario: {SCENARIO.name}; steps {steps} simulated users, {args.step_seconds:g} s each",
        f"Demo accounts: {', '.join(f'{k} {len(v)}' for k, v in accounts.items())}",
        "Load generator: locust, one process, on this machine",
        f"Servers: make run's settings (DEBUG on), DATABASE_POOL={settings.DATABASE_POOL}",
        distributions=("Django", "uvicorn", "locust", "celery"),
    )
    workdir = Path(tempfile.mkdtemp(prefix="entente-locust-"))
    running = already_running(args.url) if args.url else servers(workdir / "servers.log")
    with running as (url, supervisor):
        processes = server_processes(supervisor)
        started = time.monotonic()
        sessions = {
            persona: [log_in(url, email, password) for email in emails]
            for persona, emails in accounts.items()
        }
        print(f"{sum(map(len, accounts.values()))} demo people logged in, "
              f"in {time.monotonic() - started:.0f} s.")  # fmt: skip
        env = {**os.environ, "LOAD_SESSIONS": json.dumps(sessions)}
        print(f"\n{'users':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'failed':>7}"
              f" {'web CPU':>8} {'web MiB':>8} {'worker CPU':>10}")  # fmt: skip
        rows = []
        for users in steps:
            figures = step(url, users, args.step_seconds, workdir, env, processes)
            rows.append((users, figures))
            print(
                f"{users:>5} {figures['rps']:>7.1f} {figures['p50']:>5.0f}ms"
                f" {figures['p95']:>5.0f}ms {figures['p99']:>5.0f}ms {figures['failures']:>7.0f}"
                f" {figures.get('web_cpu', 0):>7.0f}% {figures.get('web_mib', 0):>8.0f}"
                f" {figures.get('worker_cpu', 0):>9.0f}%",
                flush=True,
            )
        best = knee(rows)
        top = dict(rows)[best]
        print(
            f"\nKnee: {best} simulated users, {top['rps']:.1f} req/s at p95 {top['p95']:.0f} ms"
            f" (load average now {os.getloadavg()[0]:.2f}). Per-request figures: {workdir}."
        )
        if args.soak_minutes > 0:
            soak(url, args.soak_users or max(best // 2, 1), args.soak_minutes, workdir, env,
                 processes)  # fmt: skip


if __name__ == "__main__":
    main()
