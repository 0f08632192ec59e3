"""Reads: a person's discovery, a tenant's adoption, a trial's activation."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role
from entente.spaces.selectors import team_members
from tenants.models import Tenant

from .discovery import Feature, activation_reasons, features
from .models import DailyUsage, DismissedSuggestion, UsageEvent

LEVELS: tuple[tuple[int, str | Promise], ...] = (
    (0, _("Découverte")),
    (40, _("Pratique")),
    (75, _("Expert")),
)
THRESHOLDS = (25, 50, 75)


@dataclass(frozen=True)
class Discovery:
    percent: int
    level: str | Promise
    found: list[Feature]
    next_to_try: list[Feature]


def level_for(percent: int) -> str | Promise:
    return [label for floor, label in LEVELS if percent >= floor][-1]


def discovery_of(names: set[str]) -> Discovery:
    """The score of someone who did the usage events `names` (weights of what they found)."""
    catalogue = features()
    total = sum(f.weight for f in catalogue) or 1
    found = [f for f in catalogue if f.events & names]
    percent = round(100 * sum(f.weight for f in found) / total)
    rest = [f for f in catalogue if f not in found]
    return Discovery(percent, level_for(percent), found, rest[:3])


def person_discovery(user_id: int, tenant: Tenant) -> Discovery:
    names = set(
        UsageEvent.objects.filter(tenant=tenant, user_id=user_id)
        .values_list("name", flat=True)
        .distinct()
    )
    return discovery_of(names)


@dataclass(frozen=True)
class Group:
    """A share of the tenant's people (a role, a service): counts and an average, no names."""

    label: str | Promise
    people: int
    active_7_days: int
    average_percent: int
    actions_30_days: int = 0

    @property
    def active_share(self) -> int:
        return round(100 * self.active_7_days / self.people) if self.people else 0


def _group(
    label: str | Promise, ids: set[int], percents: dict[int, int], active: set[int], actions: int
) -> Group:
    return Group(
        label=label,
        people=len(ids),
        active_7_days=len(ids & active),
        average_percent=round(sum(percents.get(pk, 0) for pk in ids) / len(ids)) if ids else 0,
        actions_30_days=actions,
    )


@dataclass
class Adoption:
    people: int
    active_7_days: int
    above: dict[int, int]  # threshold → people at or above it
    levels: dict[str, int]
    per_feature: list[tuple[Feature, int]]  # people who found it
    daily: list[tuple[datetime.date, int]] = field(default_factory=list)  # events per day
    by_role: list[Group] = field(default_factory=list)
    by_service: list[Group] = field(default_factory=list)

    def share(self, count: int) -> int:
        return round(100 * count / self.people) if self.people else 0


def tenant_adoption(tenant: Tenant, *, days: int = 30) -> Adoption:
    """Figures for a tenant's admins: counts and shares, never a list of named people.

    By role (the tenant role today; actions from the rollups, by the role at the time) and by
    service (the tenant's team spaces, read in its schema)."""
    roles = dict(Membership.objects.filter(tenant=tenant).values_list("user_id", "role"))
    member_ids = set(roles)
    names: dict[int, set[str]] = defaultdict(set)
    for user_id, name in (
        UsageEvent.objects.filter(tenant=tenant, user_id__in=member_ids)
        .values_list("user_id", "name")
        .distinct()
    ):
        names[user_id].add(name)
    by_person = {pk: discovery_of(names.get(pk, set())) for pk in member_ids}
    scores = list(by_person.values())
    percents = {pk: score.percent for pk, score in by_person.items()}
    since = timezone.now() - datetime.timedelta(days=7)
    active_ids = set(
        UsageEvent.objects.filter(tenant=tenant, occurred_at__gte=since)
        .exclude(user=None)
        .values_list("user_id", flat=True)
        .distinct()
    )
    levels: dict[str, int] = {str(label): 0 for _, label in LEVELS}
    for score in scores:
        levels[str(score.level)] += 1
    per_feature = [(f, sum(1 for s in scores if f in s.found)) for f in features()]
    first = timezone.now().date() - datetime.timedelta(days=days)
    recent = DailyUsage.objects.filter(tenant=tenant, day__gte=first)
    by_day = dict(recent.values_list("day").annotate(n=Sum("events")).values_list("day", "n"))
    daily = [
        (first + datetime.timedelta(days=i), int(by_day.get(first + datetime.timedelta(days=i), 0)))
        for i in range(days)
    ]
    role_actions = dict(
        recent.values_list("role").annotate(n=Sum("events")).values_list("role", "n")
    )
    by_role = [
        _group(
            label,
            {pk for pk, r in roles.items() if r == value},
            percents,
            active_ids,
            int(role_actions.get(value, 0)),
        )
        for value, label in Role.choices
        if value in roles.values()
    ]
    with tenant_context(tenant):  # the services are the tenant's team spaces
        teams = team_members()
    by_service = [_group(name, ids & member_ids, percents, active_ids, 0) for name, ids in teams]
    return Adoption(
        people=len(member_ids),
        active_7_days=len(active_ids & member_ids) if member_ids else 0,
        above={t: sum(1 for s in scores if s.percent >= t) for t in THRESHOLDS},
        levels=levels,
        per_feature=per_feature,
        daily=daily,
        by_role=by_role,
        by_service=by_service,
    )


@dataclass(frozen=True)
class Activation:
    score: int
    reasons: list[tuple[str | Promise, bool]]
    met: list[str] = field(default_factory=list)  # the keys of the reasons met


def trial_activation(tenant: Tenant) -> Activation:
    """For vendor staff: is this trial taking off? Each reason met weighs the same."""
    members = Membership.objects.filter(tenant=tenant).count()
    events = UsageEvent.objects.filter(tenant=tenant)
    active = events.exclude(user=None).values("user_id").distinct().count()
    days = events.datetimes("occurred_at", "day").count()
    done = set(events.values_list("name", flat=True).distinct())
    # analytics' own reasons (people, return), then those the apps registered
    keyed: list[tuple[str, str | Promise, bool]] = [
        ("people", _("Au moins trois personnes inscrites"), members >= 3),
        ("active", _("Au moins deux personnes actives"), active >= 2),
        ("return", _("Revenu au moins trois jours"), days >= 3),
    ]
    keyed += [(r.key, r.label, bool(r.events & done)) for r in activation_reasons()]
    score = round(100 * sum(1 for *_, ok in keyed if ok) / len(keyed))
    return Activation(
        score, [(label, ok) for _, label, ok in keyed], [key for key, _, ok in keyed if ok]
    )


# -- The header's level and the page's suggestion ---------------------------------------------

HEADER_CACHE_SECONDS = 300


def _header_key(user_id: int, tenant_id: int) -> str:
    return f"analytics:header:{tenant_id}:{user_id}"


def header_state(user_id: int, tenant: Tenant) -> tuple[int, set[str], set[str]]:
    """(percent, features found, features dismissed), cached a few minutes: every page of a
    tenant shows the level, and discovery only grows (a dismissal clears the cache)."""
    key = _header_key(user_id, tenant.pk)
    cached = cache.get(key)
    if cached is None:
        score = person_discovery(user_id, tenant)
        dismissed = set(
            DismissedSuggestion.objects.filter(user_id=user_id).values_list("feature", flat=True)
        )
        cached = (score.percent, {f.key for f in score.found}, dismissed)
        cache.set(key, cached, HEADER_CACHE_SECONDS)
    return cached


def forget_header_state(user_id: int, tenant_id: int) -> None:
    cache.delete(_header_key(user_id, tenant_id))


def suggestion_for(url_name: str, found: set[str], dismissed: set[str]) -> Feature | None:
    """At most one feature to suggest on this page: not found, not dismissed, first in order."""
    for feature in features():
        if url_name in feature.suggest_on and feature.key not in found | dismissed:
            return feature
    return None
