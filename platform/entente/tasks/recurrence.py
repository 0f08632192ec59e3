"""Date arithmetic of recurring tasks: pure functions, no database, no clock.

Occurrences are counted from an anchor (the first occurrence's due date), not from the previous
one, so a task due on the 31st comes back on the 31st after a short month (30 April, then
31 May) instead of drifting to the 28th for ever. A day the month lacks becomes its last day;
a 29 February comes back on 28 February in common years and 29 February in leap years. "The
n-th weekday of the month" uses the last such weekday when the month has no n-th (the 5th
Tuesday of most months), and week -1 always means the last one.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
MONTHLY_WEEKDAY = "monthly_weekday"
YEARLY = "yearly"
FREQUENCIES = (DAILY, WEEKLY, MONTHLY, MONTHLY_WEEKDAY, YEARLY)

WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class Rule:
    frequency: str
    interval: int = 1
    weekday: int | None = None  # 0 = Monday; MONTHLY_WEEKDAY only
    week: int | None = None  # 1…5, or -1 for the last; MONTHLY_WEEKDAY only

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if self.interval < 1:
            raise ValueError("interval must be at least 1")
        if self.frequency == MONTHLY_WEEKDAY:
            if self.weekday is None or not 0 <= self.weekday <= 6:
                raise ValueError("weekday must be 0 (Monday) to 6 (Sunday)")
            if self.week is None or self.week not in {1, 2, 3, 4, 5, -1}:
                raise ValueError("week must be 1 to 5, or -1 for the last")


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def clamped(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def nth_weekday(year: int, month: int, weekday: int, week: int) -> datetime.date:
    """The `week`-th `weekday` of the month; the last one if there is no such week (or -1)."""
    first = datetime.date(year, month, 1)
    first_match = first + datetime.timedelta(days=(weekday - first.weekday()) % 7)
    matches = [
        day for n in range(5) if (day := first_match + datetime.timedelta(weeks=n)).month == month
    ]
    if week == -1 or week > len(matches):
        return matches[-1]
    return matches[week - 1]


def occurrence(rule: Rule, anchor: datetime.date, index: int) -> datetime.date:
    """The `index`-th occurrence (0 is the anchor's own period)."""
    if rule.frequency == DAILY:
        return anchor + datetime.timedelta(days=index * rule.interval)
    if rule.frequency == WEEKLY:
        return anchor + datetime.timedelta(weeks=index * rule.interval)
    step = 12 * rule.interval if rule.frequency == YEARLY else rule.interval
    year, month = add_months(anchor.year, anchor.month, index * step)
    if rule.frequency == MONTHLY_WEEKDAY:
        assert rule.weekday is not None
        assert rule.week is not None
        return nth_weekday(year, month, rule.weekday, rule.week)
    return clamped(year, month, anchor.day)


def next_after(rule: Rule, anchor: datetime.date, after: datetime.date) -> datetime.date:
    """The first occurrence strictly after `after`."""
    if rule.frequency in {DAILY, WEEKLY}:
        step = rule.interval * (1 if rule.frequency == DAILY else 7)
        elapsed = (after - anchor).days
        index = max(0, elapsed // step + 1) if elapsed >= 0 else 0
        return occurrence(rule, anchor, index)
    step = rule.interval * (12 if rule.frequency == YEARLY else 1)
    months = (after.year - anchor.year) * 12 + after.month - anchor.month
    index = max(0, months // step - 1)
    while (found := occurrence(rule, anchor, index)) <= after:
        index += 1
    return found


def first_on_or_after(rule: Rule, anchor: datetime.date, day: datetime.date) -> datetime.date:
    """The first occurrence on `day` or later: where a series begins."""
    return next_after(rule, anchor, day - datetime.timedelta(days=1))


def describe(rule: Rule) -> str:
    """A French sentence a person can check: « tous les 2 mois, le 2e mardi »."""
    n = rule.interval
    if rule.frequency == DAILY:
        return ngettext("tous les jours", "tous les %(n)d jours", n) % {"n": n}
    if rule.frequency == WEEKLY:
        return ngettext("toutes les semaines", "toutes les %(n)d semaines", n) % {"n": n}
    if rule.frequency == YEARLY:
        return ngettext("tous les ans", "tous les %(n)d ans", n) % {"n": n}
    every = ngettext("tous les mois", "tous les %(n)d mois", n) % {"n": n}
    if rule.frequency == MONTHLY:
        return every
    assert rule.weekday is not None
    assert rule.week is not None
    weekday = _(WEEKDAY_NAMES[rule.weekday])
    if rule.week == -1:
        which = _("le dernier %(weekday)s") % {"weekday": weekday}
    elif rule.week == 1:
        which = _("le 1er %(weekday)s") % {"weekday": weekday}
    else:
        which = _("le %(n)de %(weekday)s") % {"n": rule.week, "weekday": weekday}
    return f"{every}, {which}"
