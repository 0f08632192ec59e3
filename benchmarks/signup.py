"""Sign-up: confirmation click → tenant usable, and the collectivité picker's latency.

Run: `.venv/bin/python benchmarks/signup.py [--signups 20] [--rounds 20]`. It works in a
database of its own (`bench_signup`, on the server of the Django settings): migrates it, imports
the official communes and EPCI, starts a real Celery worker (one prefork process) on a queue of
its own, then:

1. for each of N communes and each way of building the tenant (MODES: a spare schema
   renamed, the template replayed, the worker alone), records a sign-up, and times the click
   on "Confirmer et créer l'espace" (a POST through Django's full middleware stack) until the
   new tenant's welcome page answers 200 to its new admin. In between, it polls the sign-up's
   state as the progress page does (every 20 ms);
2. times the picker's HTMX endpoint (`/inscription/recherche/?q=…`, the whole request) and its
   selector alone, over typical queries typed by people.

It prints the figures and the conditions, and drops the database at the end (`--keep` leaves
it). Targets (issue 3): autocomplete < 100 ms; a trial usable within seconds of the click.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entente.config.settings.local")
os.environ["DJANGO_DEBUG"] = "false"  # no query log: time what production runs
os.environ.setdefault("CACHE_KEY_PREFIX", "bench-signup")  # leave the dev cache alone
os.environ.setdefault("CELERY_TASK_DEFAULT_QUEUE", "bench-signup-tasks")  # and the dev worker
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from benchmarks._common import (  # noqa: E402
    check_throwaway_name,
    load_average,
    percentile,
    print_conditions,
    server_version,
    settings_conninfo,
    throwaway_database,
)
from entente.core.db import connection  # noqa: E402
from entente.reference.models import Commune, Epci  # noqa: E402
from entente.reference.services import ensure_reference_data  # noqa: E402
from entente.signup import services  # noqa: E402
from entente.signup.models import Signup, SignupState  # noqa: E402
from entente.signup.selectors import collectivity_by_code, search_choices  # noqa: E402
from tenants import spares  # noqa: E402
from tenants.models import SpareSchema, Tenant  # noqa: E402

BENCH_DATABASE = "bench_signup"
TARGET_AUTOCOMPLETE_P95_MS = 100.0
POLL_SECONDS = 0.02
WAIT_SECONDS = 120.0
# What people type, keystroke by keystroke or whole: names, prefixes, postal and INSEE codes,
# SIREN, a word inside a name, a typo.
QUERIES = [
    "sa", "sai", "saint", "saint h", "saint herblain", "na", "nan", "nant", "nantes", "lege",
    "machecoul", "la roche", "bourg", "villeneuve", "sur loire", "ile d yeu", "marseille",
    "paris", "cc sud", "metropole", "44650", "44087", "75056", "200071546", "nantse", "machcoul",
]  # fmt: skip


def database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or ""
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    if host.startswith("/"):
        return f"postgres://{auth}/{db['NAME']}?host={host}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        # The spares are made here, untimed, before the sign-ups that take one (MODES): the
        # worker's refill after a claim would otherwise run beside the next timed sign-up.
        "ENTENTE_SPARE_SCHEMAS": "0",
    }
    with log.open("wb") as output:
        return subprocess.Popen(
            [
                sys.executable, "-m", "celery", "-A", "entente.config.celery_app", "worker",
                "--pool", "prefork", "--concurrency", "1",
                "--queues", settings.CELERY_TASK_DEFAULT_QUEUE,
                "--hostname", f"bench-signup-{os.getpid()}@%h",
                "--without-mingle", "--without-gossip", "--without-heartbeat",
                "--loglevel", "warning",
            ],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip


def summary(values: list[float]) -> str:
    return (
        f"median {statistics.median(values):7.1f} ms   p95 {percentile(values, 0.95):7.1f} ms   "
        f"min {min(values):7.1f}   max {max(values):7.1f}   (n={len(values)})"
    )


def communes_to_sign_up(count: int) -> list[str]:
    """Large communes first (long names and many homonyms are the usual case), none on Entente."""
    return list(
        Commune.objects.filter(is_current=True, population__isnull=False)
        .order_by("-population")
        .values_list("insee_code", flat=True)[:count]
    )


def one_signup(code: str, process: subprocess.Popen[bytes], log: Path) -> dict[str, float]:
    collectivity = collectivity_by_code("commune", code)
    assert collectivity is not None
    signup = services.start_signup(
        collectivity=collectivity,
        full_name="Personne de mesure",
        email=f"mesure-{uuid.uuid4().hex[:10]}@bench.test",
        function="Secrétaire de mairie",
        ip_address=None,
    )
    browser = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    token = services.signup_token(signup)
    started = time.perf_counter()
    response = browser.post(f"/inscription/confirmer/{token}/")
    clicked = time.perf_counter()
    assert response.status_code == 302, response.status_code
    deadline = started + WAIT_SECONDS
    while True:
        state = Signup.objects.filter(pk=signup.pk).values_list("state", flat=True).get()
        if state == SignupState.READY:
            break
        if state == SignupState.FAILED or process.poll() is not None:
            raise SystemExit(f"Sign-up {code} failed ({state}). Worker log:\n{log.read_text()}")
        if time.perf_counter() > deadline:
            raise SystemExit(f"Sign-up {code} not ready in {WAIT_SECONDS} s:\n{log.read_text()}")
        time.sleep(POLL_SECONDS)
    ready = time.perf_counter()
    tenant = Tenant.objects.get(pk=Signup.objects.get(pk=signup.pk).tenant_id)
    # The redirect the progress page makes: the new host, with the session of the click.
    inside = Client(HTTP_HOST=tenant.primary_host)
    inside.cookies = browser.cookies
    welcome = inside.get("/bienvenue/")
    usable = time.perf_counter()
    assert welcome.status_code == 200, welcome.status_code
    connection.set_schema_to_public()
    return {
        "click": (clicked - started) * 1000,
        "ready": (ready - started) * 1000,
        "usable": (usable - started) * 1000,
    }


MODES = {
    "spare": "the click's request renames a spare schema (the default)",
    "replay": "the click's request replays the template (no spare left)",
    "worker": "the worker alone (ENTENTE_SIGNUP_INLINE_PROVISIONING off)",
}


def prepare_spares(mode: str) -> None:
    """One spare ready for the `spare` sign-ups (as the worker leaves one between two real
    sign-ups), none for the others."""
    if mode == "spare":
        spares.refill(1)
        return
    for spare in SpareSchema.objects.all():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{spare.name}" CASCADE')
        spare.delete()


def bench_signups(count: int) -> None:
    """The three ways in one run, alternating sign-ups (MODES)."""
    from django.test import override_settings

    log = Path(tempfile.gettempdir()) / f"bench-signup-worker-{os.getpid()}.log"
    process = start_worker(log)
    rows: dict[str, list[dict[str, float]]] = {mode: [] for mode in MODES}
    try:
        # Warm up the worker (Django's start-up and the first task) and this process.
        codes = communes_to_sign_up(len(MODES) * (count + 1))
        for index, code in enumerate(codes):
            mode = list(MODES)[index % len(MODES)]
            prepare_spares(mode)
            with override_settings(ENTENTE_SIGNUP_INLINE_PROVISIONING=mode != "worker"):
                figures = one_signup(code, process, log)
            if index >= len(MODES):
                rows[mode].append(figures)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
    for mode, label in MODES.items():
        done = rows[mode]
        print(f"\nConfirmation click → tenant usable, {label}, over {count} sign-ups")
        print(f"  the click (POST)                   : {summary([r['click'] for r in done])}")
        print(f"  click → sign-up READY              : {summary([r['ready'] for r in done])}")
        print(f"  click → welcome page 200 (usable)  : {summary([r['usable'] for r in done])}")
    print(f"  (state polled every {POLL_SECONDS * 1000:.0f} ms, as often as a page could)")


def bench_autocomplete(rounds: int) -> None:
    client = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    for query in QUERIES:  # warm-up: plans, caches
        client.get("/inscription/recherche/", {"q": query})
    whole: list[float] = []
    selector: list[float] = []
    per_query: dict[str, list[float]] = {query: [] for query in QUERIES}
    for _round in range(rounds):
        for query in QUERIES:
            started = time.perf_counter()
            response = client.get("/inscription/recherche/", {"q": query})
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200
            whole.append(elapsed)
            per_query[query].append(elapsed)
            started = time.perf_counter()
            search_choices(query, limit=8)
            selector.append((time.perf_counter() - started) * 1000)
    print(f"\nAutocomplete over {len(QUERIES)} typical queries × {rounds} rounds")
    print(f"  whole request (/inscription/recherche/): {summary(whole)}")
    print(f"  selector alone (search_choices)        : {summary(selector)}")
    slowest = sorted(per_query.items(), key=lambda item: -statistics.median(item[1]))[:5]
    print(
        "  slowest queries (median ms): "
        + ", ".join(f"{query!r} {statistics.median(times):.1f}" for query, times in slowest)
    )
    verdict = "meets" if percentile(whole, 0.95) < TARGET_AUTOCOMPLETE_P95_MS else "MISSES"
    print(f"  target p95 < {TARGET_AUTOCOMPLETE_P95_MS:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signups", type=int, default=20, help="sign-ups timed (default 20)")
    parser.add_argument("--rounds", type=int, default=20, help="autocomplete rounds (default 20)")
    parser.add_argument("--database", default=BENCH_DATABASE, help="throwaway database")
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    check_throwaway_name(args.database, settings.DATABASES["default"]["NAME"])
    conninfo = settings_conninfo()
    settings.DATABASES["default"]["NAME"] = args.database
    settings.SIGNUP_RATE_LIMIT_PER_EMAIL = 10**6
    # Pages render `{% static %}` with DEBUG off: no manifest needed (nothing is collected here).
    override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    with throwaway_database(args.database, args.keep, conninfo):
        started = time.perf_counter()
        call_command("migrate_schemas", interactive=False, verbosity=0)
        connection.set_schema_to_public()
        ensure_reference_data()
        prepared = time.perf_counter() - started
        print("Sign-up: confirmation → usable tenant, and the collectivité picker")
        print_conditions(
            f"PostgreSQL {server_version()}, database {args.database} prepared in "
            f"{prepared:.1f} s; celery: 1 prefork worker process, Redis broker",
            distributions=("Django", "celery"),
        )
        print(
            f"Reference: {Commune.objects.filter(is_current=True).count():,} communes, "
            f"{Epci.objects.filter(is_current=True).count():,} EPCI; "
            f"trigram GIN indexes on search_name"
        )
        bench_autocomplete(args.rounds)
        bench_signups(args.signups)
        print(f"\nTenants at the end: {Tenant.objects.count()} (load average {load_average()})")


if __name__ == "__main__":
    main()
