"""Note when a member last visited a tenant (admins see it for their invited citizens).

Cheap on purpose: a per-process note of when each (tenant, person) was last written means at
most one conditional UPDATE per person, tenant and process every `LAST_SEEN_PRECISION`, and no
query at all on the other requests. The UPDATE's condition keeps several processes from
rewriting the same row within the window.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Case, F, Q, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .acting import ReachedAs, reached_as
from .models import Membership

LAST_SEEN_PRECISION = timedelta(minutes=10)
# A request this long after the last one seen starts a new visit: the last one's end is kept
# as `previous_visit_at`, which « Depuis votre dernière visite » starts from.
NEW_VISIT_AFTER = timedelta(hours=1)
MAX_ENTRIES = 100_000

_written: dict[tuple[int, int], float] = {}


def note_visit(membership: Membership) -> bool:
    """Record the visit if the last one recorded is older than the precision; True if written."""
    if membership.pk is None or reached_as(membership) is not ReachedAs.MEMBER:
        return False  # stand-ins (support access, federation) are never saved
    key = (membership.tenant_id, membership.user_id)
    clock = time.monotonic()
    window = LAST_SEEN_PRECISION.total_seconds()
    last = _written.get(key)
    if last is not None and clock - last < window:
        return False
    now = timezone.now()
    seen = membership.last_seen_at
    if seen is not None and now - seen < LAST_SEEN_PRECISION:
        _written[key] = clock - (now - seen).total_seconds()
        return False
    if len(_written) >= MAX_ENTRIES:
        _written.clear()
    _written[key] = clock
    updated = (
        Membership.objects.filter(pk=membership.pk)
        .filter(Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - LAST_SEEN_PRECISION))
        .update(
            last_seen_at=now,
            previous_visit_at=Case(
                When(last_seen_at__lt=now - NEW_VISIT_AFTER, then=F("last_seen_at")),
                default=F("previous_visit_at"),
            ),
        )
    )
    return bool(updated)


def forget_visits() -> None:
    """For tests: start again as a fresh process would."""
    _written.clear()


class LastSeenMiddleware:
    """After `TenantMembershipMiddleware`: note the member's visit to the host's tenant."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership: Membership | None = getattr(request, "membership", None)
        if membership is not None:
            note_visit(membership)
        return self.get_response(request)
