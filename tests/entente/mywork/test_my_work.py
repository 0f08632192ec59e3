"""« Mon travail »: what it gathers, from where, in which order; the page; the switcher."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.accounts.services import remove_member
from entente.federation.reach import reaches
from entente.mywork.selectors import (
    FILTERS,
    OVERDUE,
    THIS_WEEK,
    WorkItem,
    WorkList,
    counts_by_filter,
    filter_items,
    my_work,
    work_page,
)
from entente.notifications.models import Notification
from entente.spaces.models import Space, Visibility
from tenants.models import FederationLink, FederationState, Tenant

from .conftest import HIDDEN, VISIBLE, World, make_task, mention

pytestmark = pytest.mark.django_db


def titles(items: list[Any]) -> list[str]:
    return [item.title for item in items]


def test_gathers_from_every_tenant_reached_and_marks_each_with_it(
    world: World, tenant_a: Tenant, tenant_b: Tenant, tenant_epci: Tenant
) -> None:
    items = my_work(world.anne, today=world.today)

    assert set(titles(items)) == VISIBLE
    assert not set(titles(items)) & HIDDEN
    tenant_of = {item.title: item.tenant.pk for item in items}
    assert tenant_of["Lege en retard"] == tenant_a.pk
    assert tenant_of["Conseil municipal"] == tenant_a.pk
    assert tenant_of["Paulx cette semaine"] == tenant_b.pk
    assert tenant_of["Mention Paulx"] == tenant_b.pk
    assert tenant_of["EPCI tourisme"] == tenant_epci.pk
    epci_item = next(item for item in items if item.title == "EPCI tourisme")
    assert [commune.pk for commune in epci_item.via] == [tenant_a.pk]
    by_title = {item.title: item for item in items}
    task = by_title["Paulx cette semaine"]
    assert task.url == f"http://{tenant_b.primary_host}/taches/{world.ids[task.title]}/"
    checklist = by_title["Conseil municipal"]
    assert checklist.kind == "checklist"
    assert (checklist.done, checklist.total) == (1, 2)
    assert checklist.url.startswith(f"http://{tenant_a.primary_host}/espaces/")
    assert checklist.url.endswith(f"/procedures/{world.ids['Conseil municipal']}/")
    assert by_title["Mention Paulx"].url == tenant_b.url("/discussions/1/")


def test_sorted_by_due_date_then_the_undated_most_recent_first(world: World) -> None:
    items = my_work(world.anne, today=world.today)

    dated = [item.due_date for item in items if item.due_date is not None]
    assert dated == sorted(dated)
    first_undated = next(i for i, item in enumerate(items) if item.due_date is None)
    assert all(item.due_date is None for item in items[first_undated:])
    assert titles(items)[:4] == [
        "Lege en retard",
        "Paulx cette semaine",
        "EPCI tourisme",
        "Lege plus tard",
    ]
    assert titles(items)[-2:] == ["Mention Paulx", "Paulx sans echeance"]
    assert titles(items)[-3] == "Conseil municipal"  # next open step in 60 days


def test_flags_and_filters(world: World) -> None:
    items = my_work(world.anne, today=world.today)
    flags = {item.title: item.flag for item in items}

    assert flags["Lege en retard"] == OVERDUE
    assert flags["Paulx cette semaine"] == THIS_WEEK
    assert flags["Lege plus tard"] == ""
    assert titles(filter_items(items, "overdue")) == ["Lege en retard"]
    assert titles(filter_items(items, "week")) == ["Paulx cette semaine"]
    assert titles(filter_items(items, "mentions")) == ["Mention Paulx"]
    assert filter_items(items, "all") == items


def test_this_week_ends_on_sunday(world: World, tenant_a: Tenant) -> None:
    monday = datetime.date(2026, 11, 23)
    with tenant_context(tenant_a):
        space = Space.objects.get(name="Voirie")
        anne = (world.anne,)
        make_task(space, "Dimanche", assignees=anne, due=monday + datetime.timedelta(6))
        make_task(space, "Lundi suivant", assignees=anne, due=monday + datetime.timedelta(7))

    flags = {item.title: item.flag for item in my_work(world.anne, today=monday)}

    assert flags["Dimanche"] == THIS_WEEK
    assert flags["Lundi suivant"] == ""


def test_reading_a_mention_takes_it_off_the_list(world: World) -> None:
    Notification.objects.filter(pk=world.ids["Mention Paulx"]).update(read_at=timezone.now())

    assert "Mention Paulx" not in titles(my_work(world.anne, today=world.today))


def test_nothing_from_a_tenant_whose_membership_was_removed(world: World, tenant_b: Tenant) -> None:
    with tenant_context(tenant_b):
        council = Space.objects.get(name="Conseil")
        make_task(council, "CANARI Paulx", assignees=(world.anne,), due=world.today)
    mention(world.anne, tenant_b, "CANARI mention Paulx")
    assert "CANARI Paulx" in titles(my_work(world.anne, today=world.today))

    remove_member(tenant_b, world.anne)
    items = my_work(world.anne, today=world.today)

    assert not [item for item in items if item.tenant.pk == tenant_b.pk]
    assert not [title for title in titles(items) if "Paulx" in title]
    assert "Lege en retard" in titles(items)


def test_nothing_from_an_epci_once_the_link_ended(world: World, tenant_epci: Tenant) -> None:
    FederationLink.objects.filter(epci=tenant_epci).update(state=FederationState.ENDED)

    items = my_work(world.anne, today=world.today)

    assert not [item for item in items if item.tenant.pk == tenant_epci.pk]


def test_a_federated_space_outside_the_persons_communes_is_left_out(
    world: World, tenant_epci: Tenant, tenant_b: Tenant
) -> None:
    assert "EPCI tourisme" in titles(my_work(world.anne, today=world.today))
    with tenant_context(tenant_epci):
        Space.objects.filter(name="Tourisme").update(federation_scope=[tenant_b.pk])

    assert "EPCI tourisme" not in titles(my_work(world.anne, today=world.today))


def test_the_epcis_own_admin_sees_every_space_there(
    world: World, tenant_epci: Tenant, make_user: Callable[..., User]
) -> None:
    admin = make_user(tenant=tenant_epci, role=Role.ADMIN)
    with tenant_context(tenant_epci):
        space = Space.objects.create(name="Privé", visibility=Visibility.PRIVATE)
        make_task(space, "Tâche de l'administrateur", assignees=(admin,))

    assert titles(my_work(admin)) == ["Tâche de l'administrateur"]


def test_one_round_trip_whatever_the_number_of_tenants(world: World) -> None:
    from entente.federation.reach import reachable_tenants

    reaches = reachable_tenants(world.anne)
    assert len(reaches) == 3
    with CaptureQueriesContext(connection) as captured:
        my_work(world.anne, reaches=reaches, today=world.today)

    assert len(captured.captured_queries) == 1
    sql = captured.captured_queries[0]["sql"]
    for reach in reaches:  # schema-qualified, quoted by psycopg
        assert f'"{reach.tenant.schema_name}"."tasks_task"' in sql


@pytest.mark.parametrize("key", list(FILTERS))
def test_pages_and_counts_in_sql_equal_the_whole_list_filtered_in_python(
    key: str, world: World
) -> None:
    from entente.federation.reach import reachable_tenants

    whole = my_work(world.anne, today=world.today)
    kept = filter_items(whole, key)
    reaches = reachable_tenants(world.anne)
    pages: list[WorkItem] = []
    for number in range(1, max(1, (len(kept) + 1) // 2) + 1):
        with CaptureQueriesContext(connection) as captured:
            page, counts = work_page(
                world.anne, key=key, page=number, per_page=2, reaches=reaches, today=world.today
            )
            pages += page.object_list
        assert len(captured.captured_queries) == 1  # the page and every count: one statement
        assert counts == counts_by_filter(whole)
        assert page.paginator.count == len(kept)
    assert pages == kept


@pytest.mark.parametrize(("raw", "number"), [(None, 1), ("x", 1), ("99", 5), ("0", 5)])
def test_a_page_beyond_the_last_is_the_last_as_django_answers_it(
    raw: str | None, number: int, world: World
) -> None:
    from entente.federation.reach import reachable_tenants

    reaches = reachable_tenants(world.anne)
    whole = my_work(world.anne, today=world.today)
    with CaptureQueriesContext(connection) as captured:
        page, _counts = work_page(
            world.anne, page=raw, per_page=2, reaches=reaches, today=world.today
        )

    assert len(captured.captured_queries) == 1
    assert page.number == number
    assert page.object_list == whole[(number - 1) * 2 : number * 2]


def test_a_slice_other_than_the_page_foreseen_is_fetched_not_guessed(world: World) -> None:
    whole = my_work(world.anne, today=world.today)
    work = WorkList(world.anne, page=1, per_page=2, today=world.today)

    assert len(work) == len(whole)
    assert work[0:2] == whole[0:2]
    assert work[3:7] == whole[3:7]
    assert work[-1] == whole[-1]
    assert list(work) == whole


# -- The page -----------------------------------------------------------------------------------


def _items_of(html: str) -> list[str]:
    return re.findall(r'<a class="work-title" href="[^"]*">([^<]*)</a>', html)


def test_page_lists_the_items_with_their_tenant_and_links(
    world: World, tenant_a: Tenant, tenant_b: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_a, world.anne).get("/mon-travail/")

    assert response.status_code == 200
    html = response.content.decode()
    assert set(_items_of(html)) == VISIBLE
    assert "<h1>Mon travail</h1>" in html
    task_id = world.ids["Paulx cette semaine"]
    assert f'href="http://{tenant_b.primary_host}/taches/{task_id}/"' in html
    assert "CC Sud Retz Atlantique (via Legé)" in html
    assert "En retard :" in html
    assert 'aria-current="page">Mon travail</a>' in html  # the main navigation


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("overdue", ["Lege en retard"]),
        ("week", ["Paulx cette semaine"]),
        ("mentions", ["Mention Paulx"]),
    ],
)
def test_page_filters(
    key: str,
    expected: list[str],
    world: World,
    tenant_a: Tenant,
    client_for: Callable[..., Client],
) -> None:
    html = client_for(tenant_a, world.anne).get(f"/mon-travail/?filter={key}").content.decode()

    assert _items_of(html) == expected
    assert f'aria-current="page" data-filter="{key}"' in html


def test_page_on_the_bare_domain_shows_the_same(
    world: World, client_for: Callable[..., Client]
) -> None:
    response = client_for(None, world.anne).get("/mon-travail/")

    assert response.status_code == 200
    assert set(_items_of(response.content.decode())) == VISIBLE


def test_federated_staff_open_the_page_on_the_epci_host(
    world: World, tenant_epci: Tenant, client_for: Callable[..., Client]
) -> None:
    response = client_for(tenant_epci, world.anne).get("/mon-travail/")

    assert response.status_code == 200
    assert set(_items_of(response.content.decode())) == VISIBLE


@pytest.mark.parametrize("on_tenant", [True, False])
def test_anonymous_people_are_sent_to_log_in(on_tenant: bool, tenant_a: Tenant) -> None:
    host = tenant_a.primary_host if on_tenant else "entente.localhost"
    response = Client(HTTP_HOST=host).get("/mon-travail/")

    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_a_person_who_does_not_reach_the_host_is_refused(
    world: World,
    tenant_b: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    stranger = make_user()
    response = client_for(tenant_b, stranger).get("/mon-travail/")

    assert response.status_code == 403
    assert "Paulx cette semaine" not in response.content.decode()


# -- The switcher -------------------------------------------------------------------------------


def _switcher_items(html: str) -> dict[str, str]:
    switcher = html.split('<details class="tenant-switcher"', 1)[1].split("</details>", 1)[0]
    items = switcher.split("<li")[1:]
    return {
        re.search(r'<span class="tenant-name">([^<]*)</span>', item).group(1): item  # type: ignore[union-attr]
        for item in items
    }


def test_switcher_shows_every_reached_tenant_with_its_unread_count(
    world: World,
    tenant_a: Tenant,
    tenant_b: Tenant,
    tenant_epci: Tenant,
    client_for: Callable[..., Client],
) -> None:
    for n in range(2):
        mention(world.anne, tenant_b, f"Encore {n}")
    Notification.objects.create(user=world.anne, tenant=tenant_epci, kind="due_soon", title="x")
    mention(world.anne, tenant_a, "Lue", read=True)
    mention(world.colleague, tenant_a, "Pas pour Anne")

    html = client_for(tenant_a, world.anne).get("/").content.decode()

    items = _switcher_items(html)
    assert set(items) == {"Legé", "Paulx", "CC Sud Retz Atlantique"}
    assert "3 notifications non lues" in items["Paulx"]
    assert 'data-unread="3"' in items["Paulx"]
    assert "1 notification non lue" in items["CC Sud Retz Atlantique"]
    assert "via Legé" in items["CC Sud Retz Atlantique"]
    assert "unread-badge" not in items["Legé"]  # its only mention for Anne was read
    assert "Commune · Élu" in items["Paulx"]


def test_switcher_counts_cost_one_query(
    world: World, tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a, world.anne)
    # The spaces' list: the home page's « Pour vous » reads unread mentions too, in its own
    # statement (tests/entente/spaces/test_home.py).
    client.get("/espaces/")  # warm up the routing and membership caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/espaces/").status_code == 200

    queries = [query["sql"] for query in captured.captured_queries]
    inbox = [sql for sql in queries if "notifications_notification" in sql]
    assert len(inbox) == 1
    assert "COUNT" in inbox[0].upper()


def test_switcher_drops_a_tenant_once_the_membership_is_removed(
    world: World, tenant_a: Tenant, tenant_b: Tenant, client_for: Callable[..., Client]
) -> None:
    remove_member(tenant_b, world.anne)

    items = _switcher_items(client_for(tenant_a, world.anne).get("/").content.decode())

    assert set(items) == {"Legé", "CC Sud Retz Atlantique"}


def test_the_page_reads_the_reaches_once_for_the_list_and_the_switcher(
    world: World, tenant_a: Tenant, client_for: Callable[..., Client]
) -> None:
    client = client_for(tenant_a, world.anne)
    client.get("/mon-travail/")  # warm up the routing, membership and reach caches
    reach_queries = []
    for cold in (True, False):
        if cold:  # the reaches forgotten (as after a change): read once, for both
            reaches.clear()
        with CaptureQueriesContext(connection) as captured:
            html = client.get("/mon-travail/").content.decode()
        queries = [query["sql"] for query in captured.captured_queries]
        reach_queries.append([sql for sql in queries if 'FROM "tenants_federationlink"' in sql])
    assert [len(found) for found in reach_queries] == [1, 0]
    assert "3 notifications non lues" not in html  # Anne's one unread mention is in Paulx
    assert "1 notification non lue" in _switcher_items(html)["Paulx"]
