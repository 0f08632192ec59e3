"""Search at scale: a permission-filtered query vs an unfiltered one, and save → searchable.

Run from the repository root with the embedded servers (PostgreSQL, Redis):

    .venv/bin/python -m infra.embedded run -- .venv/bin/python benchmarks/search.py
    .venv/bin/python -m infra.embedded run -- .venv/bin/python benchmarks/search.py \\
        --tenants 1000 --objects 1000000 --runs 300          # the issue's scale (minutes)

It creates its own database (`bench_search`), migrates it, and drops it at the end (`--keep`
keeps it). The index (the PostgreSQL backend's public table) receives `--objects` entries
spread over `--tenants` tenants: French words drawn from a municipal vocabulary, five kinds,
twenty spaces per tenant (60 % tenant-wide, 20 % private, 15 % federation, 5 % public
projects), dates over two years. Three of the tenants are real (schemas, spaces, memberships):
the person is an agent of commune A (member of 3 of its private spaces), an admin of commune B,
and reaches EPCI C through A's active federation link (joined 2 federation spaces there): the
three modes of the permission filter, as in production. The table is analysed before measuring.

Measured in one process after a warm-up, each `--runs` times, one query word drawn per run from
the vocabulary (the same sequence for every measure):
- `search(user)`: the selector, the person's reach included (what pages and API call);
- the SQL statement with the permission filter (the scopes computed once);
- the same statement without it: every tenant's entries (the price of the filter);
- save → searchable: `create_task` committed in commune A, then the real path (event after
  commit → Celery worker subprocess → index) until a filtered search finds it (`--saves` times;
  `--inline` runs the task in this process instead of a worker).
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    embedded_database_url,
    maintenance_conninfo,
    run_on_server,
    with_database,
)

DB_NAME = "bench_search"
SPACES_PER_TENANT = 20
NULL = "\\N"  # COPY's text format
KINDS = ("task", "discussion", "checklist", "space", "procedure")
SECTIONS = {
    "task": "tasks",
    "discussion": "discussions",
    "checklist": "checklists",
    "space": "",
    "procedure": "",
}
_WORDS = (
    "réunion conseil municipal communautaire délibération budget voirie école cantine "
    "périscolaire assainissement eau potable déchets collecte déchèterie tourisme sentier "
    "randonnée patrimoine église mairie salle fêtes stade gymnase bibliothèque médiathèque "
    "urbanisme permis construire déclaration travaux chantier entreprise devis marché "
    "public appel offres subvention département région état préfecture élection bureau vote "
    "liste électorale recensement population habitant riverain association bénévole "
    "festival marché noël été rentrée scolaire enseignant directrice parents élèves "
    "transport car ligne horaire arrêt éclairage public lampadaire réseau fibre numérique "
    "site internet bulletin article photo concours jury exposition règlement dossier pièce "
    "signature arrêté registre état civil naissance mariage décès cimetière concession "
    "funéraire agent service technique entretien bâtiment chauffage toiture isolation "
    "énergie rénovation logement social aménagement bourg place parking stationnement "
    "sécurité routière ralentisseur trottoir piste cyclable espace vert tonte fleurissement "
    "arbre haie fossé pluvial inondation marais rivière pont"
)
VOCABULARY = tuple(_WORDS.split())


@contextmanager
def throwaway_database(url: str, keep: bool) -> Iterator[None]:
    run_on_server(maintenance_conninfo(url), f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    run_on_server(maintenance_conninfo(url), f'CREATE DATABASE "{DB_NAME}"')
    try:
        yield
    finally:
        from django.db import connections

        connections.close_all()
        if keep:
            print(f"\nDatabase {DB_NAME} kept.")
        else:
            run_on_server(
                maintenance_conninfo(url), f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)'
            )


def real_world() -> dict[str, Any]:
    """Communes A and B, EPCI C linked to A; the person's memberships; 20 spaces each."""
    from django_tenants.utils import tenant_context

    from entente.accounts.models import Role, User
    from entente.accounts.services import add_member
    from entente.spaces.models import Space, SpaceMembership, SpaceRole
    from tenants.models import FederationLink, FederationState, TenantKind
    from tenants.provisioning import create_tenant

    a = create_tenant(name="Commune A", kind=TenantKind.COMMUNE, official_code="90001")
    b = create_tenant(name="Commune B", kind=TenantKind.COMMUNE, official_code="90002")
    c = create_tenant(name="Intercommunalité C", kind=TenantKind.EPCI, official_code="900000003")
    FederationLink.objects.create(epci=c, commune=a, state=FederationState.ACTIVE)
    person = User.objects.create_user("personne@bench.test", "mot-de-passe-solide-42")
    add_member(a, person, Role.AGENT)
    add_member(b, person, Role.ADMIN)
    spaces: dict[int, list[tuple[int, str]]] = {}
    for tenant in (a, b, c):
        with tenant_context(tenant):
            made = [
                Space.objects.create(name=f"Espace {n}", visibility=_visibility_of(n))
                for n in range(SPACES_PER_TENANT)
            ]
            spaces[tenant.pk] = [(space.pk, str(space.visibility)) for space in made]
            if tenant == a:
                private = [s for s in made if s.visibility == "private"][:3]
                for space in private:
                    SpaceMembership.objects.create(space=space, user=person, role=SpaceRole.READER)
            if tenant == c:
                federation = [s for s in made if s.visibility == "federation"][:2]
                for space in federation:
                    SpaceMembership.objects.create(
                        space=space, user=person, role=SpaceRole.EDITOR, via_tenant_id=a.pk
                    )
    return {"person": person, "tenants": (a, b, c), "spaces": spaces}


# The 20 spaces of a tenant: 12 tenant-wide, 4 private, 3 federation, 1 public project.
VISIBILITIES = ("tenant",) * 12 + ("private",) * 4 + ("federation",) * 3 + ("public_project",)


def _visibility_of(n: int) -> str:
    return VISIBILITIES[n % SPACES_PER_TENANT]


def fill_index(
    tenant_count: int, objects: int, real: dict[int, list[tuple[int, str]]], rng: random.Random
) -> float:
    """COPY the entries into a staging table, then one INSERT … SELECT computes the tsvectors."""
    from django.db import connection

    real_ids = list(real)
    synthetic = [100_000 + i for i in range(max(0, tenant_count - len(real_ids)))]
    tenant_ids = real_ids + synthetic
    now = datetime.datetime.now(datetime.UTC)
    t0 = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_stage (tenant_id bigint, kind text, object_id bigint,"
            " space_id bigint, visibility text, section text, author_id bigint,"
            " date timestamptz, title text, body text)"
        )
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        batch = 50_000
        for start in range(0, objects, batch):
            buffer = io.StringIO()
            for i in range(start, min(objects, start + batch)):
                tenant_id = tenant_ids[i % len(tenant_ids)]
                kind = KINDS[i % len(KINDS)]
                n = rng.randrange(SPACES_PER_TENANT)
                if tenant_id in real:
                    space_id, visibility = real[tenant_id][n]
                else:
                    space_id, visibility = n + 1, _visibility_of(n)
                if kind == "procedure":
                    space_id, visibility = 0, ""
                title = " ".join(rng.choices(VOCABULARY, k=rng.randint(3, 7))).capitalize()
                body = " ".join(rng.choices(VOCABULARY, k=rng.randint(15, 50)))
                date = now - datetime.timedelta(minutes=rng.randrange(2 * 365 * 24 * 60))
                space = str(space_id) if space_id else NULL
                buffer.write(
                    f"{tenant_id}\t{kind}\t{i + 1}\t{space}\t{visibility}\t"
                    f"{SECTIONS[kind]}\t{rng.randint(1, 50)}\t{date.isoformat()}\t{title}\t{body}\n"
                )
            buffer.seek(0)
            with raw.copy("COPY bench_stage FROM STDIN") as copy:
                copy.write(buffer.read())
        # A bulk load: the search indexes are built once after the rows, not row by row.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'search_searchentry'"
            " AND indexname IN ('search_entry_document', 'search_entry_title_trgm')"
        )
        search_indexes = cursor.fetchall()
        for name, _definition in search_indexes:
            cursor.execute(f'DROP INDEX public."{name}"')
        cursor.execute(
            "INSERT INTO public.search_searchentry (tenant_id, kind, object_id, space_id,"
            " visibility, archived, scope, section, author_id, date, title, body, url,"
            " title_plain, document, indexed_at)"
            " SELECT tenant_id, kind, object_id, space_id, visibility, false, '{}', section,"
            " author_id, date, title, body, '/', lower(public.unaccent(title)),"
            " setweight(to_tsvector('public.entente_french', title), 'A')"
            " || setweight(to_tsvector('public.entente_french', body), 'B'), now()"
            " FROM bench_stage"
        )
        for _name, definition in search_indexes:
            cursor.execute(definition)
        cursor.execute("DROP TABLE bench_stage")
        cursor.execute("ANALYZE public.search_searchentry")
    return time.perf_counter() - t0


def measure(fn: Callable[[str], Any], words: list[str], warmup: int) -> list[float]:
    for word in words[:warmup]:
        fn(word)
    timings = []
    for word in words:
        t0 = time.perf_counter()
        fn(word)
        timings.append(time.perf_counter() - t0)
    return timings


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94] if len(values) > 1 else values[0]


def start_worker(queue: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
        "CELERY_TASK_DEFAULT_QUEUE": queue,
    }
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "entente.config.celery_app", "worker",
            "--pool", "solo", "--queues", queue, "--hostname", f"bench-search-{os.getpid()}@%h",
            "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel", "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def save_to_searchable(world: dict[str, Any], saves: int, timeout: float) -> list[float]:
    """Commit a task in commune A; poll a filtered search until it is found."""
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from entente.accounts.actors import FIXTURES
    from entente.search.access import scopes_for
    from entente.search.backends import get_backend
    from entente.search.query import SearchQuery
    from entente.spaces.models import Space
    from entente.tasks.services import create_task

    person, (a, _b, _c) = world["person"], world["tenants"]
    scopes = scopes_for(person)
    backend = get_backend()
    timings = []
    with tenant_context(a):
        space = Space.objects.filter(visibility="tenant").earliest("pk")
    for n in range(saves):
        token = f"jeton{n}x{random.randrange(10**9)}"
        with tenant_context(a):
            with transaction.atomic():
                create_task(FIXTURES.on_behalf_of(person), space=space, title=token)
            t0 = time.perf_counter()  # committed: the event has just been handed over
        while backend.search(scopes, SearchQuery(text=token, prefix=False)).total == 0:
            if time.perf_counter() - t0 > timeout:
                raise SystemExit(f"save → searchable: not found after {timeout} s (worker up?)")
            time.sleep(0.005)
        timings.append(time.perf_counter() - t0)
    return timings


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--objects", type=int, default=30_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--unfiltered-runs", type=int, default=0, help="runs of the unfiltered query (--runs)"
    )
    parser.add_argument("--saves", type=int, default=30)
    parser.add_argument("--inline", action="store_true", help="index in this process, no worker")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = embedded_database_url()
    os.environ["DATABASE_URL"] = with_database(url, DB_NAME)
    os.environ.setdefault("CACHE_KEY_PREFIX", "bench-search")
    os.environ["DJANGO_SETTINGS_MODULE"] = "entente.config.settings.test"
    os.environ["OPENSEARCH_URL"] = ""
    queue = f"bench-search-{os.getpid()}"
    os.environ["CELERY_TASK_DEFAULT_QUEUE"] = queue
    rng = random.Random(args.seed)
    with throwaway_database(url, args.keep):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from entente.config.celery_app import app
        from entente.search.access import scopes_for
        from entente.search.backends.postgres import PostgresBackend
        from entente.search.query import SearchQuery
        from entente.search.selectors import search

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        world = real_world()
        migrated = time.perf_counter() - t0
        filled = fill_index(args.tenants, args.objects, world["spaces"], rng)
        person = world["person"]
        scopes = scopes_for(person)
        backend = PostgresBackend()
        words = [rng.choice(VOCABULARY) for _ in range(args.runs)]

        def query(word: str) -> SearchQuery:
            return SearchQuery(text=word, limit=20)

        visible = [backend.search(scopes, query(w)).total for w in words[:20]]
        everything = [backend.search(None, query(w)).total for w in words[:20]]
        load_before = os.getloadavg()
        results = {
            "search(user), filtered": measure(lambda w: search(person, query(w)), words, 20),
            "SQL statement, filtered": measure(
                lambda w: backend.search(scopes, query(w)), words, args.warmup
            ),
            "SQL statement, unfiltered": measure(
                lambda w: backend.search(None, query(w)),
                words[: args.unfiltered_runs or args.runs],
                min(args.warmup, args.unfiltered_runs or args.runs),
            ),
        }
        worker = None
        if args.inline:
            app.conf.task_always_eager = True
        else:
            connection.close()
            worker = start_worker(queue)
            time.sleep(3)  # the worker connects to the broker
        try:
            saves = save_to_searchable(world, args.saves, timeout=30)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
        load_after = os.getloadavg()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('search_searchentry'))")
            size = cursor.fetchone()[0]

        print("Search: permission-filtered vs unfiltered, PostgreSQL backend")
        print(f"  python {platform.python_version()}, {platform.platform()}")
        print(f"  CPU: {cpu_model()}, {os.cpu_count()} logical CPUs")
        print(
            f"  load average (1/5/15 min) before {load_before[0]:.2f}/{load_before[1]:.2f}/"
            f"{load_before[2]:.2f}, after {load_after[0]:.2f}/{load_after[1]:.2f}/"
            f"{load_after[2]:.2f} (the machine is shared)"
        )
        print(f"  PostgreSQL {pg_version}, same machine; database {DB_NAME} (throwaway)")
        print(
            f"  index: {args.objects:,} entries in {args.tenants:,} tenants ({size}), filled in "
            f"{filled:.1f} s after {migrated:.1f} s of migrations and 3 real tenants"
        )
        print(
            "  the person reaches 3 tenants (agent of A in 3 private spaces, admin of B, "
            "federated in C through A, 2 spaces joined)"
        )
        print(
            f"  one query word per run from a {len(VOCABULARY)}-word vocabulary, page of 20; "
            f"matches (first 20 words, median): {statistics.median(visible):.0f} visible to "
            f"the person, {statistics.median(everything):.0f} in all"
        )
        print(
            f"  {args.runs} runs each ({args.unfiltered_runs or args.runs} unfiltered) after "
            f"{args.warmup} warm-up runs, one process"
        )
        print()
        for name, timings in results.items():
            print(
                f"  {name:<28} p50 {statistics.median(timings) * 1000:7.1f} ms   "
                f"p95 {p95(timings) * 1000:7.1f} ms"
                + ("   (target p95 ≤ 50 ms)" if "filtered" in name and "un" not in name else "")
            )
        how = "inline (no worker)" if args.inline else "Celery worker subprocess (solo pool)"
        print(
            f"  {'save → searchable':<28} p50 {statistics.median(saves) * 1000:7.1f} ms   "
            f"p95 {p95(saves) * 1000:7.1f} ms   (target p95 ≤ 2 s; {len(saves)} saves, {how})"
        )


if __name__ == "__main__":
    main()
