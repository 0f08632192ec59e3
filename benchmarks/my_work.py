"""« Mon travail » for a person in 5 tenants with 1,000 tasks each: median and p95 (target ≤ 50 ms).

Run from the repository root (the embedded PostgreSQL and Redis must be up):

    .venv/bin/python benchmarks/my_work.py               # 300 runs of each measure
    .venv/bin/python benchmarks/my_work.py --runs 100 --keep

It creates its own database (`bench_my_work`), migrates it, provisions 5 communes, and drops the
database at the end (`--keep` keeps it). In each commune: 1,000 tasks in three spaces (one open
to the whole commune, one private the person belongs to, one private they do not), a fifth of
them assigned to the person (the others to 5 colleagues), a quarter of all tasks done; two
checklists; in the public inbox, 10 unread mentions and 200 read notifications per commune.

Measured, in one process, after a warm-up, each `--runs` times:
- `work_page(user)`: the selector the page serves: page 1 (50 items) and every filter's count,
  filtered, counted, sorted and cut in SQL; the tenants reached come from the process's cache
  (`entente.federation.reach`), and the « cold » lines forget them before each run (two more
  queries, as after a change or a minute without a page);
- `GET /mon-travail/` and `GET /api/v1/me/work/` (page 1: 50 items) through Django's test
  client on a tenant's host: every middleware (tenant routing, membership, support, read-only),
  the session, the template or the serializer; no network and no ASGI server.
Two references in the same conditions show what the machine gives to any page: the tenant's
home page and the single-tenant `GET /api/v1/me/tasks/` (page 1, 50 tasks); a third,
`my_work(user)`, builds the whole list (what the page did before it was paginated in SQL).
Before measuring, the selector's answer is checked against the ORM (one query per tenant), and
every filter's first page, the second and the last page, and the counts against the whole list
filtered and counted in Python; the tables are analysed (fresh bulk inserts have no planner
statistics).
"""

from __future__ import annotations

import argparse
import datetime
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    load_average,
    maintenance_conninfo,
    p95,
    print_conditions,
    server_version,
    throwaway_database,
    use_embedded_database,
)

DB_NAME = "bench_my_work"
TENANTS = 5
TASKS = 1000
ASSIGNED_SHARE = 5  # one task in five is the person's


def _assignee(i: int, person: Any, colleagues: list[Any], rng: random.Random) -> Any:
    return person if i % ASSIGNED_SHARE == 0 else rng.choice(colleagues)


def fill(rng: random.Random) -> dict[str, Any]:
    """The person, their 5 communes and everything in them; returns what the measures need."""
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from entente.accounts.models import Role, User
    from entente.accounts.services import add_member
    from entente.checklists.models import Checklist, ChecklistItem
    from entente.core.db import connection
    from entente.notifications.models import Notification, NotificationKind
    from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
    from entente.tasks.models import Task, TaskAssignment, TaskPriority, TaskStatus
    from tenants.models import TenantKind
    from tenants.provisioning import create_tenant
    from tenants.template import ensure_template

    ensure_template()
    person = User.objects.create_user("agent@mesure.test", "mot-de-passe-solide-42")
    colleagues = [
        User.objects.create_user(f"collegue{i}@mesure.test", "mot-de-passe-solide-42")
        for i in range(5)
    ]
    today = timezone.localdate()
    tenants = []
    for n in range(TENANTS):
        tenant = create_tenant(
            name=f"Commune de mesure {n + 1}",
            kind=TenantKind.COMMUNE,
            official_code=f"990{n + 1:02d}",
            slug=f"mesure-{n + 1}",
        )
        tenants.append(tenant)
        for someone in [person, *colleagues]:
            add_member(tenant, someone, Role.AGENT)
        with tenant_context(tenant):
            spaces = [
                Space.objects.create(name="Services techniques", visibility=Visibility.TENANT),
                Space.objects.create(name="Direction", visibility=Visibility.PRIVATE),
                Space.objects.create(name="Ressources humaines", visibility=Visibility.PRIVATE),
            ]
            SpaceMembership.objects.create(space=spaces[1], user=person, role=SpaceRole.EDITOR)
            tasks = Task.objects.bulk_create(
                [
                    Task(
                        space=spaces[i % 3],
                        title=f"Tâche {i:04d} : intervention rue {i % 97}",
                        status=TaskStatus.DONE if i % 4 == 0 else rng.choice(TaskStatus.values),
                        priority=rng.choice(TaskPriority.values),
                        due_date=None
                        if i % 10 == 0
                        else today + datetime.timedelta(days=rng.randrange(-30, 120)),
                        created_by=rng.choice(colleagues),
                    )
                    for i in range(TASKS)
                ]
            )
            TaskAssignment.objects.bulk_create(
                [
                    TaskAssignment(
                        task=task,
                        user=person if i % ASSIGNED_SHARE == 0 else rng.choice(colleagues),
                    )
                    for i, task in enumerate(tasks)
                ]
            )
            for c in range(2):
                checklist = Checklist.objects.create(
                    space=spaces[0],
                    name=f"Conseil municipal {c + 1}",
                    reference_date=today,
                    created_by=person if c == 0 else colleagues[0],
                )
                ChecklistItem.objects.bulk_create(
                    [
                        ChecklistItem(checklist=checklist, title=t.title, task=t, position=k)
                        for k, t in enumerate(tasks[c * 20 : c * 20 + 10])
                    ]
                )
        now = timezone.now()
        Notification.objects.bulk_create(
            [
                Notification(
                    user=person,
                    tenant=tenant,
                    kind=NotificationKind.MENTIONED if k < 10 else NotificationKind.TASK_ASSIGNED,
                    title=f"Notification {k}",
                    url=tenant.url("/"),
                    read_at=None if k < 10 else now,
                )
                for k in range(210)
            ]
        )
    connection.set_schema_to_public()
    return {"person": person, "tenants": tenants}


def expected_count(person: Any, tenants: list[Any]) -> int:
    """The same answer through the ORM, one tenant at a time (spaces_for: the one rule)."""
    from django.db.models import Exists, OuterRef, Q
    from django_tenants.utils import tenant_context

    from entente.accounts.models import Membership
    from entente.checklists.models import Checklist, ChecklistItem
    from entente.notifications.models import Notification, NotificationKind
    from entente.spaces.selectors import spaces_for
    from entente.tasks.models import Task, TaskStatus

    total = 0
    for tenant in tenants:
        membership = Membership.objects.get(tenant=tenant, user=person)
        with tenant_context(tenant):
            spaces = spaces_for(membership)
            total += (
                Task.objects.filter(space__in=spaces, assignments__user=person)
                .exclude(status=TaskStatus.DONE)
                .count()
            )
            open_step = ChecklistItem.objects.filter(checklist=OuterRef("pk")).filter(
                Q(task__isnull=True) | ~Q(task__status=TaskStatus.DONE)
            )
            mine = ChecklistItem.objects.filter(
                checklist=OuterRef("pk"), task__assignments__user=person
            )
            total += (
                Checklist.objects.filter(space__in=spaces)
                .filter(Q(created_by=person) | Exists(mine))
                .filter(Exists(open_step))
                .count()
            )
    total += Notification.objects.filter(
        user=person, kind=NotificationKind.MENTIONED, read_at__isnull=True
    ).count()
    return total


def explain_times(person: Any, runs: int) -> tuple[float, float]:
    """Median planning and execution times of work_page()'s statement (page 1 of 50 and the
    counts), as PostgreSQL counts them."""
    from django.db import connection

    from entente.federation.reach import reachable_tenants
    from entente.mywork.selectors import _work_query

    query, params = _work_query(reachable_tenants(person), person.pk, limit=50)
    planning: list[float] = []
    execution: list[float] = []
    with connection.cursor() as cursor:
        for _ in range(runs):
            cursor.execute("EXPLAIN (ANALYZE, SUMMARY) " + query, params)
            lines = [row[0] for row in cursor.fetchall()]
            for line, into in (("Planning Time:", planning), ("Execution Time:", execution)):
                into.append(float(next(x for x in lines if x.startswith(line)).split()[2]))
    return statistics.median(planning), statistics.median(execution)


def measure(fn: Callable[[], Any], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - t0)
    return timings


def _met(timings: list[float]) -> str:
    return "met" if p95(timings) <= 0.05 else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()

    url = use_embedded_database(DB_NAME, "bench-my-work", "entente.config.settings.test")
    with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        from entente.federation.reach import reaches
        from entente.mywork.selectors import (
            FILTERS,
            counts_by_filter,
            filter_items,
            my_work,
            work_page,
        )

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        data = fill(random.Random(args.seed))
        prepared = time.perf_counter() - t0
        person, tenants = data["person"], data["tenants"]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh bulk inserts: give the planner the statistics

        items = my_work(person)
        expected = expected_count(person, tenants)
        if len(items) != expected:
            raise SystemExit(f"my_work() found {len(items)} items, the ORM {expected}")
        counts = counts_by_filter(items)
        for key in FILTERS:
            for number in (1, 2, 10**6):  # the last: beyond it, `get_page` answers it
                page, page_counts = work_page(person, key=key, page=number)
                kept = filter_items(items, key)
                start = (page.number - 1) * 50
                if page_counts != counts or page.object_list != kept[start : start + 50]:
                    raise SystemExit(f"work_page(filter={key}, page={number}) differs")
        statements: list[str] = []

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            work_page(person)
        kinds = {kind: sum(1 for i in items if i.kind == kind) for kind in ("task", "checklist")}
        kinds["mention"] = len(items) - sum(kinds.values())

        client = Client(HTTP_HOST=tenants[0].primary_host)
        client.force_login(person)
        for path in ("/mon-travail/", "/api/v1/me/work/"):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: answered {response.status_code}, not 200")

        pg_version = server_version()
        server_side = explain_times(person, runs=min(args.runs, 50))
        load_before = load_average()

        def cold(fn: Callable[[], Any]) -> Callable[[], Any]:
            """`fn` with the person's reaches forgotten first, as after a change or a minute."""

            def run() -> Any:
                reaches.clear()
                return fn()

            return run

        measures = {
            "work_page(user)": lambda: work_page(person),
            "GET /mon-travail/": lambda: client.get("/mon-travail/"),
            "GET /api/v1/me/work/": lambda: client.get("/api/v1/me/work/"),
            "work_page(user), cold": cold(lambda: work_page(person)),
            "GET /mon-travail/, cold": cold(lambda: client.get("/mon-travail/")),
            # References in the same conditions: one tenant only, no cross-schema read.
            "ref: GET / (home)": lambda: client.get("/"),
            "ref: GET /api/v1/me/tasks/": lambda: client.get("/api/v1/me/tasks/"),
            "ref: my_work(user), all": lambda: my_work(person),
        }
        results = {name: measure(fn, args.runs, args.warmup) for name, fn in measures.items()}
        load_after = load_average()

        print("« Mon travail »: a person in 5 tenants with 1,000 tasks each")
        print_conditions(
            f"load average (1/5/15 min) before {load_before}, after {load_after}",
            f"PostgreSQL {pg_version}, same machine; database {DB_NAME} (throwaway)",
            f"ready in {prepared:.1f} s: {TENANTS} communes × {TASKS} tasks (3 spaces each), "
            f"{TENANTS * TASKS // ASSIGNED_SHARE} assigned to the person",
            f"the person's list: {len(items)} items ({kinds['task']} open tasks, "
            f"{kinds['checklist']} checklists, {kinds['mention']} unread mentions), equal to "
            f"the ORM's count; work_page() = {len(statements)} SQL queries, its pages and "
            "counts equal to the whole list's, filtered and counted in Python",
            f"{args.runs} runs each after {args.warmup} warm-up runs, one process, "
            "Django test client (no network), pages = page 1 of 50 items; the person's "
            "reaches cached in the process (entente.federation.reach) except in the "
            "« cold » lines, where they are forgotten before each run",
            "the one SQL statement (page 1 and the counts), inside PostgreSQL (EXPLAIN "
            "ANALYZE, median): planning "
            f"{server_side[0]:.1f} ms, execution {server_side[1]:.1f} ms",
        )
        print()
        for name, timings in results.items():
            print(
                f"  {name:<28} median {statistics.median(timings) * 1000:6.1f} ms   "
                f"p95 {p95(timings) * 1000:6.1f} ms   min {min(timings) * 1000:6.1f} ms   "
                + ("" if name.startswith("ref:") else f"(target p95 ≤ 50 ms: {_met(timings)})")
            )


if __name__ == "__main__":
    main()
