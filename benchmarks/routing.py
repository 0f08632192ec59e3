"""What tenancy costs a request: Entente's routing against no tenancy and django-tenants' own.

Run from the repository root (the embedded PostgreSQL and Redis must be up):

    .venv/bin/python benchmarks/routing.py                      # 10 and 5,000 tenants
    .venv/bin/python benchmarks/routing.py --tenants 10,500     # quicker

It creates its own database (`bench_routing`) on the same server, migrates it, provisions the
tenants, and drops it at the end (`--keep` keeps it). Requests go through Django's WSGI handler
called in-process (no socket, no HTTP parsing), so the figures are the framework's and the
database's cost only. After a warm-up, the scenarios take turns, one request each in a random
order, so that the load of a shared machine hits them alike; the overhead is the median of
paired differences. The statements of one warm request are captured and printed. Django's
`CONN_HEALTH_CHECKS` probe (`SELECT 1` sent by the driver, invisible to Django's query capture)
is counted apart.

Scenarios, for a minimal tenant page (one query) and a minimal DRF list (one query):
- `no tenancy`: the same middleware without tenant routing or membership, the connection left
  on one tenant's schema: what a single-tenant Django site costs.
- `entente`: Entente's routing middleware, same tenant on each request.
- `entente, switching`: each request on another tenant (round robin over all tenants).
- `django-tenants`: django-tenants' TenantMainMiddleware in place of ours (the reference).
- `… member`: logged-in member, DRF list with session authentication; the baseline checks
  only `IsAuthenticated`, Entente adds the membership check (cached). The member belongs to
  5 tenants spread over the range; `switching` goes round them.
The lookups that had to read the database during the measured turns are counted: a warm
process reads none; a host last seen more than `routing.MAX_AGE_SECONDS` ago is read again.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import sys
import time
import types
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]

from benchmarks._common import (  # noqa: E402
    bulk_tenants,
    maintenance_conninfo,
    percentile,
    server_version,
    throwaway_database,
    use_embedded_database,
)
from benchmarks._common import print_conditions as print_conditions_of  # noqa: E402

DB_NAME = "bench_routing"
SPACES_PER_TENANT = 5
BULK_BATCH = 100  # Tenant and Domain rows per bulk_create
PROVISIONING_SAMPLE = 10  # tenants provisioned the real way before deciding how to fill the rest
MEMBER_TENANTS = 5  # tenants the benchmark's member belongs to, spread over the range


# -- Filling ------------------------------------------------------------------------------------


def _tenant_spec(i: int) -> dict[str, Any]:
    return {
        "name": f"Commune de test {i:05d}",
        "slug": f"bench-{i:05d}",
        "official_code": f"{i:05d}",
    }


def _add_spaces(tenants: list[Any]) -> None:
    from django.db import connection

    from entente.spaces.models import Space

    for tenant in tenants:
        connection.set_tenant(tenant)  # type: ignore[attr-defined]
        Space.objects.bulk_create([Space(name=f"Espace {n}") for n in range(SPACES_PER_TENANT)])
    connection.set_schema_to_public()  # type: ignore[attr-defined]


def fill(target: int, mode: str, budget_s: float, log: list[str]) -> None:
    """Bring the number of tenants to `target`: provisioning when it fits the budget, else bulk."""
    from django.db import connection

    from tenants.models import Tenant, TenantKind
    from tenants.provisioning import create_tenant

    connection.set_schema_to_public()  # type: ignore[attr-defined]
    existing = Tenant.objects.count()
    if existing >= target:
        return
    started = time.perf_counter()
    made: list[Any] = []
    durations: list[float] = []
    i = existing
    use_bulk = mode == "bulk"
    while i < target and not use_bulk:
        t0 = time.perf_counter()
        made.append(create_tenant(kind=TenantKind.COMMUNE, **_tenant_spec(i)))
        durations.append(time.perf_counter() - t0)
        i += 1
        if i % BULK_BATCH == 0:
            connection.close()  # same reason as in _bulk_fill
        # Re-judged as it goes: provisioning slows down on a loaded machine.
        if mode == "auto" and len(durations) % PROVISIONING_SAMPLE == 0:
            recent = statistics.mean(durations[-PROVISIONING_SAMPLE:])
            if sum(durations) + recent * (target - i) > budget_s:
                use_bulk = True
    provisioned = len(made)
    if provisioned:
        log.append(
            f"{provisioned} tenants by tenants.provisioning.create_tenant: "
            f"mean {statistics.mean(durations) * 1000:.0f} ms, "
            f"median {statistics.median(durations) * 1000:.0f} ms each"
        )
    _add_spaces(made)
    if i < target:
        t0 = time.perf_counter()
        _bulk_fill(i, target)
        elapsed = time.perf_counter() - t0
        log.append(
            f"{target - i} tenants in bulk (Tenant+Domain rows by bulk_create, schemas by "
            "replaying the template capture, one schema per transaction): "
            f"{elapsed:.1f} s, {elapsed / (target - i) * 1000:.1f} ms each"
            + (" (provisioning would exceed the fill budget)" if mode == "auto" else "")
        )
    log.append(f"filled to {target} tenants in {time.perf_counter() - started:.1f} s")


def _bulk_fill(start: int, target: int, batch: int = BULK_BATCH) -> None:
    from django.db import connection

    for first in range(start, target, batch):
        specs = [_tenant_spec(i) for i in range(first, min(first + batch, target))]
        # One schema per transaction, as provisioning does.
        _add_spaces(bulk_tenants(specs, schemas_per_transaction=1))
        # A server process keeps the catalog entries of every schema it touched: after a few
        # thousand, each replay took over a second of CPU. A new connection starts lean.
        connection.close()


# -- The views measured -------------------------------------------------------------------------


def build_urlconf() -> str:
    from django.http import HttpRequest, HttpResponse
    from django.urls import include, path
    from rest_framework import generics, serializers
    from rest_framework.authentication import SessionAuthentication
    from rest_framework.permissions import AllowAny, IsAuthenticated

    from api.permissions import IsTenantMember
    from entente.spaces.models import Space

    def page(request: HttpRequest) -> HttpResponse:
        names = [s.name for s in Space.objects.order_by("name")]
        items = "".join(f"<li>{name}</li>" for name in names)
        return HttpResponse(f"<!doctype html><title>Espaces</title><ul>{items}</ul>")

    class SpaceSerializer(serializers.ModelSerializer):
        class Meta:
            model = Space
            fields = ["id", "name", "kind", "visibility"]

    class AnonymousList(generics.ListAPIView):
        queryset = Space.objects.order_by("name")
        serializer_class = SpaceSerializer
        authentication_classes: list[Any] = []
        permission_classes = [AllowAny]
        pagination_class = None

    class AuthenticatedList(AnonymousList):
        authentication_classes = [SessionAuthentication]
        permission_classes = [IsAuthenticated]

    class MemberList(AnonymousList):
        authentication_classes = [SessionAuthentication]
        permission_classes = [IsTenantMember]

    module = types.ModuleType("bench_routing_urls")
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench/page/", page),
        path("bench/api/", AnonymousList.as_view()),
        path("bench/api-authenticated/", AuthenticatedList.as_view()),
        path("bench/api-member/", MemberList.as_view()),
        path("", include("entente.config.urls_tenants")),
    ]
    sys.modules[module.__name__] = module
    return module.__name__


# -- Requests -----------------------------------------------------------------------------------


def handler_with(middleware: list[str]) -> Any:
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    with override_settings(MIDDLEWARE=middleware):
        return WSGIHandler()


def wsgi_call(handler: Any, host: str, path: str, cookie: str = "") -> int:
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "bench",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "HTTP_ACCEPT": "*/*",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    status: list[str] = []
    body = handler(environ, lambda s, h, e=None: status.append(s))
    try:
        for _chunk in body:
            pass
    finally:
        body.close()  # sends request_finished, as a server does
    return int(status[0].split()[0])


class Scenario:
    """One kind of request; before each, the connection is put where the stream would leave it.

    `same`: the previous request on this connection was for the same tenant (pinned to it).
    `switching`: it was for another tenant (pinned to the previous one of a round robin).
    Pinning sends its `SET search_path` before the clock starts, so the timed request pays a
    SET only if its own middleware asks for one.
    """

    def __init__(
        self,
        label: str,
        handler: Any,
        path: str,
        tenants: list[Any],
        cookie: str = "",
        *,
        switching: bool = False,
    ) -> None:
        self.label = label
        self.handler = handler
        self.path = path
        self.tenants = tenants
        self.cookie = cookie
        self.switching = switching
        self.samples: list[int] = []
        self._next = 0

    def _prepare(self) -> str:
        k = self._next
        self._next += 1
        target = self.tenants[k % len(self.tenants)]
        previous = self.tenants[(k - 1) % len(self.tenants)] if self.switching else target
        _pin(previous)
        return str(target.primary_host)

    def request(self) -> int:
        return wsgi_call(self.handler, self._prepare(), self.path, self.cookie)

    def warm_up(self) -> None:
        for _ in range(max(100, len(self.tenants) + 1)):
            status = self.request()
            if status != 200:
                raise SystemExit(f"{self.label}: {self.path} answered {status}")

    def run_once(self) -> None:
        host = self._prepare()
        t0 = time.perf_counter_ns()
        wsgi_call(self.handler, host, self.path, self.cookie)
        self.samples.append(time.perf_counter_ns() - t0)

    def statements(self) -> tuple[list[str], int]:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        host = self._prepare()
        probes = _HealthProbeCounter()
        with probes, CaptureQueriesContext(connection) as captured:
            wsgi_call(self.handler, host, self.path, self.cookie)
        return [q["sql"] for q in captured.captured_queries], probes.count


class _ColdLookups:
    """Counts the routing and membership lookups that had to read the database."""

    def __enter__(self) -> _ColdLookups:
        from entente.accounts import acting
        from tenants import routing

        self.routes = self.memberships = 0
        self._load, self._membership_for = routing._load, acting.membership_for

        def load(host: str) -> Any:
            self.routes += 1
            return self._load(host)

        def membership_for(user: Any, tenant: Any) -> Any:
            self.memberships += 1
            return self._membership_for(user, tenant)

        routing._load = load
        acting.membership_for = membership_for
        return self

    def __exit__(self, *exc: object) -> None:
        from entente.accounts import acting
        from tenants import routing

        routing._load = self._load
        acting.membership_for = self._membership_for


def _pin(tenant: Any) -> None:
    from django.db import connection

    from tenants import routing

    routing.use_schema_of(tenant)
    if connection.search_path_set_schemas is None:  # type: ignore[attr-defined]
        with connection.cursor() as cursor:  # send the SET now, outside the timing
            cursor.execute("SELECT 1")


class _HealthProbeCounter:
    """Counts Django's CONN_HEALTH_CHECKS probes (sent by the driver, not through a cursor)."""

    def __enter__(self) -> _HealthProbeCounter:
        from django.db import connections

        self.count = 0
        self.target = connections["default"]
        self.original = self.target.is_usable

        def counted() -> bool:
            self.count += 1
            return bool(self.original())

        self.target.is_usable = counted  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        self.target.is_usable = self.original  # type: ignore[method-assign]


# -- Measuring ----------------------------------------------------------------------------------


def session_cookie(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def measure(count: int, iterations: int) -> None:
    from django.conf import settings

    from entente.accounts.models import Membership, Role, User
    from tenants import routing
    from tenants.models import Tenant

    tenants = list(Tenant.objects.order_by("slug")[:count])
    # A person works in a handful of tenants: the member's, spread over the whole range.
    step = max(1, len(tenants) // MEMBER_TENANTS)
    members_tenants = tenants[::step][:MEMBER_TENANTS]
    member = User.objects.filter(email="bench@example.fr").first() or User.objects.create_user(
        "bench@example.fr", "mot-de-passe-solide-42"
    )
    Membership.objects.bulk_create(
        [Membership(user=member, tenant=t, role=Role.AGENT) for t in members_tenants],
        ignore_conflicts=True,
    )
    cookie = session_cookie(member)
    routing.clear_local()

    full = list(settings.MIDDLEWARE)
    ours = "tenants.middleware.TenantRoutingMiddleware"
    membership = "entente.accounts.middleware.TenantMembershipMiddleware"
    plain = [m for m in full if m not in (ours, membership)]
    routing_only = [m for m in full if m != membership]
    reference = [
        "django_tenants.middleware.main.TenantMainMiddleware" if m == ours else m
        for m in routing_only
    ]
    plain_handler = handler_with(plain)
    routing_handler = handler_with(routing_only)
    full_handler = handler_with(full)
    reference_handler = handler_with(reference)

    one = tenants[:1]
    member_list = "/bench/api-member/"
    scenarios = [
        Scenario("page, no tenancy", plain_handler, "/bench/page/", one),
        Scenario("page, entente", routing_handler, "/bench/page/", one),
        Scenario(
            "page, entente, switching", routing_handler, "/bench/page/", tenants, switching=True
        ),
        Scenario("page, django-tenants", reference_handler, "/bench/page/", one),
        Scenario("DRF list, no tenancy", plain_handler, "/bench/api/", one),
        Scenario("DRF list, entente", routing_handler, "/bench/api/", one),
        Scenario(
            "DRF list, entente, switching", routing_handler, "/bench/api/", tenants, switching=True
        ),
        Scenario("DRF list, django-tenants", reference_handler, "/bench/api/", one),
        Scenario(
            "DRF list member, no tenancy", plain_handler, "/bench/api-authenticated/", one, cookie
        ),
        Scenario("DRF list member, entente", full_handler, member_list, one, cookie),
        Scenario(
            "DRF list member, entente, switching",
            full_handler,
            member_list,
            members_tenants,
            cookie,
            switching=True,
        ),
    ]
    baselines = {"page": scenarios[0], "DRF list member": scenarios[8], "DRF list": scenarios[4]}

    for scenario in scenarios:
        scenario.warm_up()
    # One request of each scenario per turn, in a new random order each turn: load and drift
    # on the machine, and whatever the previous request left in caches, hit them all alike.
    order = random.Random(42)
    with _ColdLookups() as cold:
        for _ in range(iterations):
            for scenario in order.sample(scenarios, len(scenarios)):
                scenario.run_once()

    print(f"\n== {count} tenants: {iterations} requests per scenario, interleaved ==")
    header = f"{'scenario':<38} {'median µs':>10} {'p95 µs':>9} {'overhead ms':>12} {'SQL':>4}"
    print(header)
    print("-" * len(header))
    captured: list[tuple[str, list[str], int]] = []
    for scenario in scenarios:
        base = next(b for key, b in baselines.items() if scenario.label.startswith(key + ","))
        median = statistics.median(scenario.samples) / 1000
        p95 = percentile(scenario.samples, 0.95) / 1000
        # Paired: each request against the baseline's request of the same turn.
        paired = [a - b for a, b in zip(scenario.samples, base.samples, strict=True)]
        overhead = statistics.median(paired) / 1e6
        sql, probes = scenario.statements()
        captured.append((scenario.label, sql, probes))
        shown = "baseline" if scenario is base else f"{overhead:+.3f}"
        print(f"{scenario.label:<38} {median:>10.0f} {p95:>9.0f} {shown:>12} {len(sql):>4}")
    print("overhead: median of the paired differences with the baseline's request of the same turn")
    print(
        f"database lookups during the measured turns: {cold.routes} of a host "
        f"(cache entries live {routing.MAX_AGE_SECONDS:.0f} s), {cold.memberships} of a membership"
    )
    hosts = [t.primary_host for t in tenants]
    same, rotating = routing_alone(hosts[:1]), routing_alone(hosts)
    print(
        f"\nRouting alone, warm (request_host + tenant_for_host + use_schema_of, no SQL): "
        f"{same:.2f} µs per request on one host, {rotating:.2f} µs rotating over "
        f"{min(len(hosts), 1000)} hosts (set_tenant's bookkeeping on each switch)"
    )
    print("\nStatements of one warm request (CONN_HEALTH_CHECKS probes counted apart):")
    for label, sql, probes in captured:
        print(f"  {label}: {len(sql)} statement(s), {probes} health-check probe(s)")
        for statement in sql:
            print(f"    {_shorten(statement)}")


def routing_alone(hosts: list[str], times: int = 200_000) -> float:
    """The middleware's own work on a warm process, without the rest of the request."""
    from django.test import RequestFactory

    from tenants import routing
    from tenants.middleware import request_host

    factory = RequestFactory()
    requests = [factory.get("/", HTTP_HOST=host) for host in hosts[:1000]]
    for request in requests:
        routing.tenant_for_host(request_host(request))
    t0 = time.perf_counter_ns()
    for i in range(times):
        request = requests[i % len(requests)]
        routing.use_schema_of(routing.tenant_for_host(request_host(request)))
    elapsed = time.perf_counter_ns() - t0
    return elapsed / times / 1000


def _shorten(sql: str, width: int = 110) -> str:
    sql = " ".join(sql.split())
    return sql if len(sql) <= width else sql[: width - 1] + "…"


# -- Conditions ---------------------------------------------------------------------------------


def print_conditions(args: argparse.Namespace, fill_log: list[str]) -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    transport = "a Unix socket" if str(db.get("HOST", "")).startswith("/") else "TCP"
    print_conditions_of(
        f"PostgreSQL {server_version()}",
        f"settings {os.environ['DJANGO_SETTINGS_MODULE']} (DEBUG={settings.DEBUG}), "
        f"database {DB_NAME} over {transport}, "
        f"CONN_MAX_AGE={db['CONN_MAX_AGE']}, CONN_HEALTH_CHECKS={db['CONN_HEALTH_CHECKS']}, "
        f"TENANT_LIMIT_SET_CALLS={getattr(settings, 'TENANT_LIMIT_SET_CALLS', False)}",
        "requests: Django's WSGIHandler called in-process, one thread, "
        f"sessions in {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}, "
        f"{SPACES_PER_TENANT} spaces per tenant, GET, response body consumed and closed",
        f"tenants: {args.tenants}; iterations {args.iterations} per scenario",
        *(f"fill: {line}" for line in fill_log),
        distributions=("Django", "django-tenants", "djangorestframework"),
    )


# -- Main ---------------------------------------------------------------------------------------


def main() -> None:
    global DB_NAME
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", default="10,5000", help="tenant counts, comma-separated")
    parser.add_argument("--iterations", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--fill", choices=["auto", "provision", "bulk"], default="auto")
    parser.add_argument(
        "--fill-budget",
        type=float,
        default=600.0,
        help="seconds of provisioning allowed before the rest is filled in bulk (auto)",
    )
    parser.add_argument("--settings", default="entente.config.settings.test")
    parser.add_argument("--database", default=DB_NAME, help="name of the throwaway database")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    counts = sorted({int(n) for n in args.tenants.split(",")})
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", args.database):
        raise SystemExit("--database: lower-case letters, digits and underscores only")
    DB_NAME = args.database

    url = use_embedded_database(DB_NAME, "bench-routing", args.settings)
    with throwaway_database(DB_NAME, args.keep, maintenance_conninfo(url)):
        import logging

        import django

        django.setup()
        logging.disable(logging.WARNING)  # the 404s and health logs are not the subject
        from django.core.management import call_command

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        fill_log = [
            f"migrations of the public schema and template: {time.perf_counter() - t0:.1f} s"
        ]
        from django.conf import settings

        urlconf = build_urlconf()
        settings.ROOT_URLCONF = urlconf

        results_log: list[str] = []
        first = True
        for count in counts:
            fill(count, args.fill, args.fill_budget, results_log)
            if first:
                print_conditions(args, fill_log + results_log)
                first = False
            else:
                for line in results_log:
                    print(f"  fill: {line}")
            results_log.clear()
            measure(count, args.iterations)


if __name__ == "__main__":
    main()
