"""Daily rollups of the usage log, as Zulip's `CountStat`: idempotent, resumable, incremental.

Each day is filled in one transaction that deletes its rows and writes them again from the
log, then moves the fill state's `end_day`; a run that stops mid-way leaves the state at the
last complete day (or `started` on the day it was filling, which the next run fills again).
Only complete days (before today, UTC) are filled.
"""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import DailyUsage, FillState, UsageEvent

ROLLUP = "daily_usage"

# The tables of DailyUsage and UsageEvent (a test checks the names).
_FILL_DAY = """
INSERT INTO analytics_dailyusage (tenant_id, day, name, role, events, people)
SELECT tenant_id, %s::date, name, role, COUNT(*), COUNT(DISTINCT user_id)
FROM analytics_usageevent
WHERE occurred_at >= %s AND occurred_at < %s
GROUP BY tenant_id, name, role
"""


def fill_day(day: datetime.date) -> None:
    """(Re)compute one day's rows: the same rows however often it runs."""
    start = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    with transaction.atomic():
        state = FillState.objects.select_for_update().filter(rollup=ROLLUP).first()
        advance = state is None or day >= state.end_day  # refilling an old day moves nothing
        if advance:
            FillState.objects.update_or_create(
                rollup=ROLLUP, defaults={"end_day": day, "state": FillState.STARTED}
            )
        DailyUsage.objects.filter(day=day).delete()
        with connection.cursor() as cursor:
            cursor.execute(_FILL_DAY, [day, start, start + datetime.timedelta(days=1)])
        if advance:
            FillState.objects.filter(rollup=ROLLUP).update(state=FillState.DONE)


def first_day_to_fill() -> datetime.date | None:
    state = FillState.objects.filter(rollup=ROLLUP).first()
    if state is not None:
        if state.state == FillState.STARTED:
            return state.end_day
        return state.end_day + datetime.timedelta(days=1)
    first = UsageEvent.objects.order_by("occurred_at").values_list("occurred_at", flat=True)[:1]
    return first[0].astimezone(datetime.UTC).date() if first else None


def run_rollups(now: datetime.datetime | None = None) -> int:
    """Fill every complete day not filled yet; returns how many days were filled."""
    today = (now or timezone.now()).astimezone(datetime.UTC).date()
    day = first_day_to_fill()
    filled = 0
    while day is not None and day < today:
        fill_day(day)
        filled += 1
        day += datetime.timedelta(days=1)
    return filled
