"""Request routing costs no query when warm, stays true when tenants, domains or memberships change.

Time is moved with a fake clock (`routing.clock`), never slept. "Another process" is simulated
by writing to the shared cache exactly what a process publishes after a commit: the generation
incremented and the change recorded under it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings as django_settings
from django.db import DatabaseError, connection, connections, transaction
from django.http import HttpRequest, JsonResponse
from django.test import AsyncClient, Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from entente.accounts import acting
from entente.accounts.models import Membership, Role
from entente.accounts.services import add_member, remove_member
from entente.accounts.signals import MEMBERSHIP, membership_key
from entente.spaces.models import Space
from entente.spaces.services import create_space
from tenants import routing
from tenants.middleware import request_host
from tenants.models import Domain, Tenant, TenantState
from tests.support.acting import seeding
from tests.support.routing import FakeClock, publish_from_another_process

# -- Views served by this module's URLconf ------------------------------------------------------


def _current_schema() -> str:
    """The schema the server itself resolves unqualified names in: the truth, not the wrapper's."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        return str(cursor.fetchone()[0])


def one_query(request: HttpRequest) -> JsonResponse:
    names = list(Space.objects.order_by("name").values_list("name", flat=True))
    return JsonResponse({"spaces": names})


def schema(request: HttpRequest) -> JsonResponse:
    membership = getattr(request, "membership", None)
    return JsonResponse(
        {"schema": _current_schema(), "role": membership.role if membership else None}
    )


async def schema_async(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"schema": await sync_to_async(_current_schema)()})


def leaves_another_schema_and_fails(request: HttpRequest) -> JsonResponse:
    other = Tenant.objects.get(slug=request.GET["autre"])
    connection.set_tenant(other)  # type: ignore[attr-defined]
    _current_schema()
    raise RuntimeError("panne au milieu de la requête")


def fails_in_sql(request: HttpRequest) -> JsonResponse:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT * FROM table_qui_n_existe_pas")
    return JsonResponse({})


urlpatterns = [
    path("une-requete/", one_query),
    path("schema/", schema),
    path("schema-async/", schema_async),
    path("panne/", leaves_another_schema_and_fails),
    path("panne-sql/", fails_in_sql),
    # The real pages too: the 403/404/503 pages' layout links to them.
    path("", include("entente.config.urls_tenants")),
]


# -- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def routed(settings: Any) -> None:
    """This module's views behind the routing middleware only (no login, no membership)."""
    settings.ROOT_URLCONF = __name__
    settings.PUBLIC_SCHEMA_URLCONF = __name__
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "Membership" not in m]


@pytest.fixture
def routed_for_members(settings: Any) -> None:
    """This module's views behind the whole middleware stack."""
    settings.ROOT_URLCONF = __name__


def statements(context: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in context.captured_queries]


def set_statements(context: CaptureQueriesContext) -> list[str]:
    return [sql for sql in statements(context) if sql.upper().startswith("SET SEARCH_PATH")]


def get(tenant_or_host: Tenant | str, url: str, client: Client | None = None) -> Any:
    host = tenant_or_host if isinstance(tenant_or_host, str) else tenant_or_host.primary_host
    return (client or Client()).get(url, HTTP_HOST=host)


# -- Looking up hosts ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_request_host_drops_port_case_and_trailing_dot() -> None:
    factory = RequestFactory()
    assert request_host(factory.get("/", HTTP_HOST="LEGE.Entente.Localhost:8000")) == (
        "lege.entente.localhost"
    )
    assert request_host(factory.get("/", HTTP_HOST="lege.entente.localhost.")) == (
        "lege.entente.localhost"
    )
    assert routing.is_platform_host(request_host(factory.get("/", HTTP_HOST="ENTENTE.localhost")))


def test_warm_lookup_costs_no_query(tenant_a: Tenant, clock: FakeClock) -> None:
    with CaptureQueriesContext(connection) as cold:
        assert routing.tenant_for_host(tenant_a.primary_host) == tenant_a
    assert len(cold.captured_queries) == 1

    with CaptureQueriesContext(connection) as warm:
        for _ in range(3):
            clock.advance(routing.RECHECK_SECONDS)  # rechecks read Redis, never the database
            assert routing.tenant_for_host(tenant_a.primary_host) == tenant_a
    assert statements(warm) == []


def test_lookup_hands_out_private_copies(tenant_a: Tenant) -> None:
    first = routing.tenant_for_host(tenant_a.primary_host)
    assert first is not None
    first.name = "Modifié par une vue"
    first.state = TenantState.SUSPENDED
    second = routing.tenant_for_host(tenant_a.primary_host)
    assert second is not None
    assert (second.name, second.state) == (tenant_a.name, tenant_a.state)


def test_lookup_does_not_depend_on_the_connections_schema(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    connection.set_tenant(tenant_b)  # type: ignore[attr-defined]
    connection.include_public_schema = False  # type: ignore[attr-defined]
    assert routing.tenant_for_host(tenant_a.primary_host) == tenant_a


def test_unknown_host_is_remembered_for_a_short_while(db: None, clock: FakeClock) -> None:
    host = "inconnue.entente.localhost"
    assert routing.tenant_for_host(host) is None
    with CaptureQueriesContext(connection) as again:
        assert routing.tenant_for_host(host) is None
    assert statements(again) == []

    clock.advance(routing.UNKNOWN_HOST_SECONDS)
    with CaptureQueriesContext(connection) as later:
        assert routing.tenant_for_host(host) is None
    assert len(later.captured_queries) == 1


def test_unknown_hosts_are_bounded(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(routing, "MAX_UNKNOWN_HOSTS", 3)
    for n in range(10):
        routing.tenant_for_host(f"inconnue-{n}.entente.localhost")
    assert list(routing._state.unknown) == [f"inconnue-{n}.entente.localhost" for n in (7, 8, 9)]


# -- Changes in this process --------------------------------------------------------------------


def test_suspending_a_tenant_takes_effect_at_once(tenant_a: Tenant, routed: None) -> None:
    assert get(tenant_a, "/schema/").status_code == 200
    tenant_a.state = TenantState.SUSPENDED
    tenant_a.save()
    response = get(tenant_a, "/schema/")
    assert response.status_code == 503
    assert "pas disponible" in response.content.decode()


def test_reopening_takes_effect_at_once_even_without_signal(tenant_a: Tenant, routed: None) -> None:
    """Closed tenants are not cached: provisioning opens them with `update()`, no signal."""
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.PROVISIONING)
    assert get(tenant_a, "/schema/").status_code == 503
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.TRIAL)
    assert get(tenant_a, "/schema/").status_code == 200


def test_a_write_without_signal_is_seen_within_the_age_limit(
    tenant_a: Tenant, routed: None, clock: FakeClock
) -> None:
    assert get(tenant_a, "/schema/").status_code == 200
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.SUSPENDED)
    clock.advance(routing.MAX_AGE_SECONDS)
    assert get(tenant_a, "/schema/").status_code == 503


def test_note_change_after_update_takes_effect_at_once(tenant_a: Tenant, routed: None) -> None:
    assert get(tenant_a, "/schema/").status_code == 200
    # Suspended, not closing: a closing tenant stays open, read-only, until its date.
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.SUSPENDED)
    routing.note_change({routing.TENANT: [tenant_a.pk]})
    assert get(tenant_a, "/schema/").status_code == 503


def test_deleted_domain_stops_routing_at_once(tenant_a: Tenant, routed: None) -> None:
    alias = Domain.objects.create(domain="mairie.lege.entente.localhost", tenant=tenant_a)
    assert get(alias.domain, "/schema/").json()["schema"] == tenant_a.schema_name
    alias.delete()
    response = get("mairie.lege.entente.localhost", "/schema/")
    assert response.status_code == 404
    assert "ne correspond à aucune collectivité" in response.content.decode()


def test_renamed_domain_routes_under_its_new_name_only(tenant_a: Tenant, routed: None) -> None:
    domain = Domain.objects.get(domain=tenant_a.primary_host)
    assert get(tenant_a, "/schema/").status_code == 200
    assert get("nouveau-lege.entente.localhost", "/schema/").status_code == 404  # remembered

    domain.domain = "Nouveau-Lege.entente.localhost"
    domain.save()

    assert get(tenant_a, "/schema/").status_code == 404
    response = get("nouveau-lege.entente.localhost", "/schema/")
    assert response.json()["schema"] == tenant_a.schema_name


def test_domain_moved_to_another_tenant_routes_there(
    tenant_a: Tenant, tenant_b: Tenant, routed: None
) -> None:
    domain = Domain.objects.get(domain=tenant_a.primary_host)
    assert get(tenant_a, "/schema/").json()["schema"] == tenant_a.schema_name
    domain.tenant = tenant_b
    domain.is_primary = False
    domain.save()
    assert get(tenant_a, "/schema/").json()["schema"] == tenant_b.schema_name


def test_domain_renamed_and_moved_is_forgotten_under_its_old_name(
    tenant_a: Tenant, tenant_b: Tenant, routed: None
) -> None:
    alias = Domain.objects.create(domain="mairie.lege.entente.localhost", tenant=tenant_a)
    assert get("mairie.lege.entente.localhost", "/schema/").status_code == 200
    alias.domain = "mairie.paulx.entente.localhost"
    alias.tenant = tenant_b
    alias.save()
    assert get("mairie.lege.entente.localhost", "/schema/").status_code == 404
    response = get("mairie.paulx.entente.localhost", "/schema/")
    assert response.json()["schema"] == tenant_b.schema_name


# -- Changes in another process -----------------------------------------------------------------


def test_change_published_elsewhere_is_seen_within_one_recheck(
    tenant_a: Tenant, tenant_b: Tenant, routed: None, clock: FakeClock
) -> None:
    assert get(tenant_a, "/schema/").status_code == 200
    assert get(tenant_b, "/schema/").status_code == 200

    # Another process suspends Legé (its signal does not run here) and publishes it.
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.SUSPENDED)
    publish_from_another_process({routing.TENANT: [str(tenant_a.pk)]})

    clock.advance(routing.RECHECK_SECONDS / 2)
    assert get(tenant_a, "/schema/").status_code == 200  # the documented window
    clock.advance(routing.RECHECK_SECONDS / 2)
    assert get(tenant_a, "/schema/").status_code == 503

    with CaptureQueriesContext(connection) as other:  # only what changed was dropped
        assert routing.tenant_for_host(tenant_b.primary_host) == tenant_b
    assert statements(other) == []


def test_unrecorded_change_elsewhere_drops_everything(
    tenant_a: Tenant, tenant_b: Tenant, clock: FakeClock
) -> None:
    routing.tenant_for_host(tenant_a.primary_host)
    routing.tenant_for_host(tenant_b.primary_host)
    publish_from_another_process(None)
    clock.advance(routing.RECHECK_SECONDS)
    with CaptureQueriesContext(connection) as after:
        routing.tenant_for_host(tenant_a.primary_host)
        routing.tenant_for_host(tenant_b.primary_host)
    assert len(after.captured_queries) == 2


def test_too_many_missed_changes_drop_everything(
    tenant_a: Tenant, tenant_b: Tenant, clock: FakeClock
) -> None:
    routing.tenant_for_host(tenant_b.primary_host)
    for _ in range(routing.MAX_REPLAYED_CHANGES + 1):
        publish_from_another_process({routing.TENANT: [str(tenant_a.pk)]})
    clock.advance(routing.RECHECK_SECONDS)
    with CaptureQueriesContext(connection) as after:
        routing.tenant_for_host(tenant_b.primary_host)
    assert len(after.captured_queries) == 1


def test_domain_added_elsewhere_is_found_within_one_recheck(
    tenant_a: Tenant, clock: FakeClock
) -> None:
    host = "lege-bis.entente.localhost"
    assert routing.tenant_for_host(host) is None
    Domain.objects.bulk_create([Domain(domain=host, tenant=tenant_a)])  # no signal here
    publish_from_another_process({routing.HOST: [host]})
    clock.advance(routing.RECHECK_SECONDS)
    assert routing.tenant_for_host(host) == tenant_a


def test_commit_publishes_what_changed(
    tenant_a: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    shared = routing._shared_cache()
    before = shared.get(routing.GENERATION_KEY) or 0
    with django_capture_on_commit_callbacks(execute=True):
        tenant_a.state = TenantState.READ_ONLY
        tenant_a.save()
    after = shared.get(routing.GENERATION_KEY)
    assert after == before + 1
    record = shared.get(routing.CHANGES_KEY.format(generation=after))
    assert record == {routing.TENANT: [str(tenant_a.pk)]}


def test_shared_keys_do_not_depend_on_the_connections_schema(tenant_b: Tenant) -> None:
    """The project's cache keys carry the schema; the generation must be one for all schemas."""
    on_public = routing._shared_cache().make_key(routing.GENERATION_KEY)
    connection.set_tenant(tenant_b)  # type: ignore[attr-defined]
    assert routing._shared_cache().make_key(routing.GENERATION_KEY) == on_public


class BrokenCache:
    def __getattr__(self, name: str) -> Callable[..., Any]:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise ConnectionError("Redis injoignable")

        return fail


def test_unreachable_redis_falls_back_to_the_database(
    tenant_a: Tenant, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert routing.tenant_for_host(tenant_a.primary_host) == tenant_a
    monkeypatch.setattr(routing, "_shared_cache", BrokenCache)
    Tenant.objects.filter(pk=tenant_a.pk).update(state=TenantState.SUSPENDED)  # elsewhere
    clock.advance(routing.RECHECK_SECONDS)
    found = routing.tenant_for_host(tenant_a.primary_host)
    assert found is not None
    assert found.state == TenantState.SUSPENDED


def test_change_that_could_not_be_published_is_sent_later(
    tenant_a: Tenant, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = routing._shared_cache()
    before = real.get(routing.GENERATION_KEY) or 0
    monkeypatch.setattr(routing, "_shared_cache", BrokenCache)
    routing.bump_generation({routing.TENANT: [tenant_a.pk]})
    assert real.get(routing.GENERATION_KEY) == before

    monkeypatch.setattr(routing, "_shared_cache", lambda: real)
    clock.advance(routing.RECHECK_SECONDS)
    routing.refresh_if_due()
    assert real.get(routing.GENERATION_KEY) == before + 1


# -- SQL per request ----------------------------------------------------------------------------


def test_warm_one_query_view_issues_one_statement(tenant_a: Tenant, routed: None) -> None:
    get(tenant_a, "/une-requete/")
    with CaptureQueriesContext(connection) as warm:
        response = get(tenant_a, "/une-requete/")
    assert response.status_code == 200
    assert len(statements(warm)) == 1
    assert "spaces_space" in statements(warm)[0]


def test_search_path_is_sent_on_tenant_switch_only(
    tenant_a: Tenant, tenant_b: Tenant, routed: None
) -> None:
    with CaptureQueriesContext(connection) as first:
        get(tenant_a, "/une-requete/")
    assert len(set_statements(first)) == 1

    with CaptureQueriesContext(connection) as same:
        get(tenant_a, "/une-requete/")
        get(tenant_a, "/une-requete/")
    assert set_statements(same) == []

    with CaptureQueriesContext(connection) as switch:
        get(tenant_b, "/une-requete/")
    assert len(set_statements(switch)) == 1
    assert tenant_b.schema_name in set_statements(switch)[0]

    with CaptureQueriesContext(connection) as bare:
        get(django_settings.ENTENTE_DOMAIN, "/schema/")
    assert len(set_statements(bare)) == 1


def test_each_request_sees_only_its_tenants_data(
    tenant_a: Tenant, tenant_b: Tenant, routed: None
) -> None:
    from django_tenants.utils import tenant_context

    with tenant_context(tenant_a):
        create_space(seeding(), name="Voirie de Legé")
    with tenant_context(tenant_b):
        create_space(seeding(), name="Écoles de Paulx")
    for tenant, expected in [(tenant_a, "Voirie de Legé"), (tenant_b, "Écoles de Paulx")] * 2:
        assert get(tenant, "/une-requete/").json()["spaces"] == [expected]


def test_unknown_host_and_bare_domain_use_the_public_schema(tenant_a: Tenant, routed: None) -> None:
    get(tenant_a, "/schema/")
    response = get("inconnue.ENTENTE.localhost:8000", "/schema/")
    assert response.status_code == 404
    assert connection.schema_name == "public"  # type: ignore[attr-defined]
    assert get(django_settings.ENTENTE_DOMAIN, "/schema/").json()["schema"] == "public"


def test_host_with_port_and_capitals_reaches_the_tenant(tenant_a: Tenant, routed: None) -> None:
    response = get(tenant_a.primary_host.upper() + ":8000", "/schema/")
    assert response.json()["schema"] == tenant_a.schema_name


# -- Never the wrong schema ---------------------------------------------------------------------


def test_request_after_a_crash_in_another_schema_uses_its_own(
    tenant_a: Tenant, tenant_b: Tenant, routed: None
) -> None:
    client = Client(raise_request_exception=False)
    crashed = get(tenant_a, f"/panne/?autre={tenant_b.slug}", client)
    assert crashed.status_code == 500
    assert get(tenant_a, "/schema/").json()["schema"] == tenant_a.schema_name


def test_request_after_a_failed_statement_uses_its_schema(tenant_a: Tenant, routed: None) -> None:
    client = Client(raise_request_exception=False)
    assert get(tenant_a, "/schema/").json()["schema"] == tenant_a.schema_name
    assert get(tenant_a, "/panne-sql/", client).status_code == 500
    assert get(tenant_a, "/schema/").json()["schema"] == tenant_a.schema_name


@pytest.fixture
def own_connection() -> Iterator[Any]:
    """A connection outside the test's transaction, as a server process has (it can be closed)."""
    original = connections["default"]
    fresh = connections.create_connection("default")
    connections["default"] = fresh
    try:
        yield fresh
    finally:
        fresh.close()
        connections["default"] = original


def test_reconnection_after_failed_health_check_sets_the_schema_again(
    tenant_a: Tenant, routed: None, own_connection: Any
) -> None:
    """The server-side session (and its search_path) is lost; the wrapper still says tenant A."""
    assert get(tenant_a, "/schema/").json()["schema"] == tenant_a.schema_name
    backend_pid = own_connection.connection.info.backend_pid
    killer = connections.create_connection("default")
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [backend_pid])
    finally:
        killer.close()
    own_connection.close_if_unusable_or_obsolete()  # what Django does between requests

    with CaptureQueriesContext(own_connection) as after:
        assert get(tenant_a, "/schema/").json()["schema"] == tenant_a.schema_name
    assert own_connection.connection.info.backend_pid != backend_pid
    assert len(set_statements(after)) == 1


def test_rolled_back_search_path_is_sent_again(tenant_a: Tenant, own_connection: Any) -> None:
    """PostgreSQL undoes a SET with the transaction that issued it."""
    own_connection.set_schema_to_public()

    def switch_then_fail() -> None:
        with transaction.atomic():
            routing.use_schema_of(tenant_a)
            _current_schema()  # sends the SET inside the transaction
            with own_connection.cursor() as cursor:
                cursor.execute("SELECT * FROM table_qui_n_existe_pas")

    with pytest.raises(DatabaseError):
        switch_then_fail()
    routing.use_schema_of(tenant_a)  # same schema: nothing to do, says the wrapper
    assert _current_schema() == tenant_a.schema_name


def test_async_handler_serves_each_tenant_from_its_schema(
    tenant_a: Tenant, tenant_b: Tenant, routed: None, settings: Any
) -> None:
    # Django's AsyncClient always sends `Host: testserver`; a proxy's header names the tenant.
    settings.USE_X_FORWARDED_HOST = True
    client = AsyncClient()
    visits = [(tenant_a, "/schema/"), (tenant_b, "/schema-async/"), (tenant_a, "/schema-async/")]
    for tenant, url in visits:
        # From a thread of its own: a browser test's Playwright may run a loop in this one.
        with ThreadPoolExecutor(max_workers=1) as thread:
            response = thread.submit(
                async_to_sync(client.get), url, headers={"x-forwarded-host": tenant.primary_host}
            ).result()
        assert response.json()["schema"] == tenant.schema_name


# -- Memberships --------------------------------------------------------------------------------


def test_warm_member_request_costs_no_membership_query(
    tenant_a: Tenant, make_user: Any, client_for: Any, routed_for_members: None
) -> None:
    anne = make_user(tenant=tenant_a)
    client = client_for(tenant_a, anne)
    assert client.get("/schema/").status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get("/schema/").status_code == 200
    assert not [sql for sql in statements(warm) if "accounts_membership" in sql]


def test_membership_hands_out_its_tenant_and_person_without_query(
    tenant_a: Tenant, make_user: Any
) -> None:
    anne = make_user(tenant=tenant_a, role=Role.ADMIN)
    acting.memberships.membership(anne, tenant_a)
    with CaptureQueriesContext(connection) as warm:
        membership = acting.memberships.membership(anne, tenant_a)
        assert membership is not None
        assert (membership.tenant, membership.user, membership.role) == (tenant_a, anne, Role.ADMIN)
    assert statements(warm) == []


def test_removed_member_is_refused_at_once(
    tenant_a: Tenant, make_user: Any, client_for: Any, routed_for_members: None
) -> None:
    anne = make_user(tenant=tenant_a)
    client = client_for(tenant_a, anne)
    assert client.get("/schema/").status_code == 200
    remove_member(tenant_a, anne)
    response = client.get("/schema/")
    assert response.status_code == 403
    assert "pas membre" in response.content.decode()


def test_new_role_applies_at_once(
    tenant_a: Tenant, make_user: Any, client_for: Any, routed_for_members: None
) -> None:
    anne = make_user(tenant=tenant_a, role=Role.AGENT)
    client = client_for(tenant_a, anne)
    assert client.get("/schema/").json()["role"] == Role.AGENT
    add_member(tenant_a, anne, Role.ADMIN)
    assert client.get("/schema/").json()["role"] == Role.ADMIN


def test_outsider_let_in_once_added(
    tenant_a: Tenant, make_user: Any, client_for: Any, routed_for_members: None
) -> None:
    bruno = make_user()
    client = client_for(tenant_a, bruno)
    assert client.get("/schema/").status_code == 403
    add_member(tenant_a, bruno)
    assert client.get("/schema/").status_code == 200


def test_member_removed_elsewhere_is_refused_within_one_recheck(
    tenant_a: Tenant, make_user: Any, client_for: Any, routed_for_members: None, clock: FakeClock
) -> None:
    anne = make_user(tenant=tenant_a)
    client = client_for(tenant_a, anne)
    assert client.get("/schema/").status_code == 200

    # Another process removes the membership: no signal runs here, only its publication.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM public.{Membership._meta.db_table} WHERE tenant_id = %s AND user_id = %s",  # noqa: S608
            [tenant_a.pk, anne.pk],
        )
    publish_from_another_process({MEMBERSHIP: [membership_key(tenant_a.pk, anne.pk)]})

    clock.advance(routing.RECHECK_SECONDS)
    assert client.get("/schema/").status_code == 403
