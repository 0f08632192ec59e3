"""The date arithmetic of recurring tasks (pure: no database)."""

from __future__ import annotations

import datetime

import pytest

from entente.tasks import recurrence
from entente.tasks.recurrence import Rule, next_after, nth_weekday

D = datetime.date
TUESDAY, FRIDAY, SUNDAY = 1, 4, 6


def series(rule: Rule, anchor: datetime.date, count: int) -> list[datetime.date]:
    dates, current = [], anchor
    for _ in range(count):
        current = next_after(rule, anchor, current)
        dates.append(current)
    return dates


def test_daily_with_an_interval() -> None:
    rule = Rule(recurrence.DAILY, interval=3)
    assert series(rule, D(2026, 2, 26), 3) == [D(2026, 3, 1), D(2026, 3, 4), D(2026, 3, 7)]


def test_weekly_keeps_the_weekday_across_years() -> None:
    rule = Rule(recurrence.WEEKLY, interval=2)
    assert series(rule, D(2026, 12, 22), 2) == [D(2027, 1, 5), D(2027, 1, 19)]


def test_monthly_on_the_31st_uses_the_last_day_and_comes_back_to_the_31st() -> None:
    rule = Rule(recurrence.MONTHLY)
    assert series(rule, D(2026, 1, 31), 4) == [
        D(2026, 2, 28),
        D(2026, 3, 31),
        D(2026, 4, 30),
        D(2026, 5, 31),
    ]


def test_monthly_on_the_30th_in_a_leap_february() -> None:
    assert next_after(Rule(recurrence.MONTHLY), D(2028, 1, 30), D(2028, 1, 30)) == D(2028, 2, 29)


def test_monthly_with_an_interval_across_the_year_end() -> None:
    rule = Rule(recurrence.MONTHLY, interval=3)
    assert series(rule, D(2026, 11, 15), 2) == [D(2027, 2, 15), D(2027, 5, 15)]


def test_yearly_on_29_february() -> None:
    rule = Rule(recurrence.YEARLY)
    assert series(rule, D(2024, 2, 29), 4) == [
        D(2025, 2, 28),
        D(2026, 2, 28),
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_second_tuesday_of_the_month() -> None:
    rule = Rule(recurrence.MONTHLY_WEEKDAY, weekday=TUESDAY, week=2)
    assert series(rule, D(2026, 1, 13), 3) == [D(2026, 2, 10), D(2026, 3, 10), D(2026, 4, 14)]


def test_a_fifth_weekday_that_does_not_exist_is_the_last() -> None:
    # March 2026 has five Tuesdays (3…31); February 2026 has four (3…24).
    assert nth_weekday(2026, 3, TUESDAY, 5) == D(2026, 3, 31)
    assert nth_weekday(2026, 2, TUESDAY, 5) == D(2026, 2, 24)
    rule = Rule(recurrence.MONTHLY_WEEKDAY, weekday=TUESDAY, week=5)
    assert series(rule, D(2026, 3, 31), 2) == [D(2026, 4, 28), D(2026, 5, 26)]


def test_last_weekday_of_the_month() -> None:
    assert nth_weekday(2026, 2, FRIDAY, -1) == D(2026, 2, 27)
    assert nth_weekday(2028, 2, TUESDAY, -1) == D(2028, 2, 29)  # leap day is a Tuesday
    assert nth_weekday(2026, 11, SUNDAY, 1) == D(2026, 11, 1)


def test_next_after_skips_ahead_when_far_behind() -> None:
    rule = Rule(recurrence.WEEKLY)
    assert next_after(rule, D(2026, 1, 5), D(2026, 3, 1)) == D(2026, 3, 2)
    rule = Rule(recurrence.MONTHLY_WEEKDAY, weekday=TUESDAY, week=2)
    assert next_after(rule, D(2026, 1, 13), D(2026, 11, 10)) == D(2026, 12, 8)


def test_next_after_a_date_before_the_anchor_is_the_anchor() -> None:
    assert next_after(Rule(recurrence.DAILY), D(2026, 5, 1), D(2026, 4, 1)) == D(2026, 5, 1)
    assert next_after(Rule(recurrence.MONTHLY), D(2026, 5, 31), D(2026, 4, 1)) == D(2026, 5, 31)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"frequency": "hourly"},
        {"frequency": recurrence.DAILY, "interval": 0},
        {"frequency": recurrence.MONTHLY_WEEKDAY, "weekday": 1},
        {"frequency": recurrence.MONTHLY_WEEKDAY, "weekday": 7, "week": 1},
        {"frequency": recurrence.MONTHLY_WEEKDAY, "weekday": 1, "week": 6},
    ],
)
def test_invalid_rules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"frequency|interval|weekday|week"):
        Rule(**kwargs)  # type: ignore[arg-type]


def test_describe_in_french() -> None:
    assert recurrence.describe(Rule(recurrence.MONTHLY_WEEKDAY, weekday=1, week=2)) == (
        "tous les mois, le 2e mardi"
    )
    assert recurrence.describe(Rule(recurrence.WEEKLY, interval=2)) == "toutes les 2 semaines"
    assert recurrence.describe(Rule(recurrence.MONTHLY_WEEKDAY, weekday=4, week=-1)) == (
        "tous les mois, le dernier vendredi"
    )
