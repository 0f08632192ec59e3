"""Rollups: the same rows however often they run, only new days filled, raw events purged."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection

from entente.accounts.models import User
from entente.analytics import rollups
from entente.analytics.models import DailyUsage, FillState, UsageEvent
from entente.analytics.services import purge_expired_events
from tenants.models import Tenant

DAY = datetime.date(2026, 3, 2)


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


@pytest.fixture
def log(tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User]) -> None:
    UsageEvent.objects.all().delete()
    alice, bruno = make_user(tenant=tenant_a), make_user(tenant=tenant_a)
    carole = make_user(tenant=tenant_b)
    rows = [
        (tenant_a, alice, "task.created", DAY),
        (tenant_a, alice, "task.created", DAY),
        (tenant_a, bruno, "task.created", DAY),
        (tenant_a, bruno, "search.done", DAY + datetime.timedelta(days=1)),
        (tenant_b, carole, "task.created", DAY),
    ]
    UsageEvent.objects.bulk_create(
        UsageEvent(key=f"k{n}", tenant=t, user=u, role="agent", name=name, occurred_at=_at(day))
        for n, (t, u, name, day) in enumerate(rows)
    )


def _rows() -> list[tuple[int, datetime.date, str, str, int, int]]:
    return list(
        DailyUsage.objects.order_by("tenant_id", "day", "name").values_list(
            "tenant_id", "day", "name", "role", "events", "people"
        )
    )


@pytest.mark.usefixtures("log")
def test_a_rollup_counts_events_and_people_per_tenant_feature_role_and_day(
    tenant_a: Tenant, tenant_b: Tenant
) -> None:
    assert rollups.run_rollups(_at(DAY + datetime.timedelta(days=2))) == 2
    assert set(_rows()) == {
        (tenant_a.pk, DAY, "task.created", "agent", 3, 2),
        (tenant_a.pk, DAY + datetime.timedelta(days=1), "search.done", "agent", 1, 1),
        (tenant_b.pk, DAY, "task.created", "agent", 1, 1),
    }


@pytest.mark.usefixtures("log")
def test_a_rollup_rerun_gives_the_same_rows() -> None:
    rollups.run_rollups(_at(DAY + datetime.timedelta(days=2)))
    first = _rows()
    FillState.objects.all().delete()  # as if it had never run
    rollups.run_rollups(_at(DAY + datetime.timedelta(days=2)))
    rollups.fill_day(DAY)
    assert _rows() == first


@pytest.mark.usefixtures("log")
def test_a_rollup_is_incremental_and_leaves_today_alone(tenant_a: Tenant) -> None:
    assert rollups.run_rollups(_at(DAY + datetime.timedelta(days=1))) == 1  # DAY only
    state = FillState.objects.get()
    assert (state.end_day, state.state) == (DAY, FillState.DONE)
    assert rollups.run_rollups(_at(DAY + datetime.timedelta(days=1))) == 0
    assert rollups.run_rollups(_at(DAY + datetime.timedelta(days=3))) == 2
    assert FillState.objects.get().end_day == DAY + datetime.timedelta(days=2)


@pytest.mark.usefixtures("log")
def test_a_rollup_stopped_mid_day_fills_that_day_again() -> None:
    FillState.objects.create(rollup=rollups.ROLLUP, end_day=DAY, state=FillState.STARTED)
    assert rollups.first_day_to_fill() == DAY
    rollups.run_rollups(_at(DAY + datetime.timedelta(days=1)))
    assert DailyUsage.objects.filter(day=DAY).count() == 2


def test_the_fill_query_names_the_models_tables(db: None) -> None:
    tables = connection.introspection.table_names()
    assert DailyUsage._meta.db_table in rollups._FILL_DAY
    assert UsageEvent._meta.db_table in rollups._FILL_DAY
    assert {DailyUsage._meta.db_table, UsageEvent._meta.db_table} <= set(tables)


@pytest.mark.usefixtures("log")
def test_raw_events_are_purged_after_the_retention_and_rollups_stay(settings: object) -> None:
    settings.ENTENTE_ANALYTICS_RETENTION_DAYS = 395  # type: ignore[attr-defined]
    rollups.run_rollups(_at(DAY + datetime.timedelta(days=2)))
    assert purge_expired_events(_at(DAY + datetime.timedelta(days=395))) == 0
    assert purge_expired_events(_at(DAY + datetime.timedelta(days=396))) == 4
    assert list(UsageEvent.objects.values_list("name", flat=True)) == ["search.done"]
    assert DailyUsage.objects.count() == 3


@pytest.mark.usefixtures("log")
def test_refilling_an_old_day_leaves_the_fill_state_where_it_was() -> None:
    rollups.run_rollups(_at(DAY + datetime.timedelta(days=2)))
    rollups.fill_day(DAY)
    state = FillState.objects.get()
    assert (state.end_day, state.state) == (DAY + datetime.timedelta(days=1), FillState.DONE)
