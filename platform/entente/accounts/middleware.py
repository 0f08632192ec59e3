"""On a tenant's host, only its members go further.

Anonymous people are sent to log in; a logged-in person who is not a member gets the page
"you are not a member of <tenant>", never the tenant's content. Pages that must answer
everyone (log in, health, static files) are listed in OPEN_PATHS. API requests carrying an
`Authorization` header go through to DRF, whose `IsTenantMember` applies the same rule.

The membership is answered from a per-process cache, so a member's request costs no query for
it. Choice of freshness, the same as tenant routing's (tenants/routing.py): a membership that
is added, changed or removed takes effect at once in the process that wrote it and within
`tenants.routing.RECHECK_SECONDS` (1 s) in every other process, through the changes published
by `entente.accounts.signals` after commit; if the shared cache (Redis) is unreachable, each
process drops this cache at every recheck, which keeps the 1 s bound. A write that sends no
signal (`QuerySet.update()` without `note_membership_change()`) is seen within
`MAX_AGE_SECONDS`. A session-stored membership was rejected: another process could not
revoke it.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.views import redirect_to_login
from django.db.models.base import ModelState
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from entente.federation.access import federated_membership
from tenants import routing
from tenants.models import Tenant

from .models import Membership, Role, User
from .selectors import membership_for
from .signals import MEMBERSHIP, membership_key

# /invitation/: a citizen's invitation link (entente.citizens) opens before they are a member.
OPEN_PATHS = (
    "/comptes/",
    "/healthz",
    "/readyz",
    "/static/",
    "/i18n/",
    "/favicon.ico",
    "/invitation/",
)

MAX_AGE_SECONDS = 60.0
MAX_ENTRIES = 100_000


@dataclass(slots=True)
class _Entry:
    membership: Membership | None
    loaded_at: float


class MembershipCache:
    """(tenant, person) → membership or None, evicted by published membership changes."""

    def __init__(self) -> None:
        self.entries: dict[str, _Entry] = {}
        self._epochs = itertools.count(1)
        self.epoch = 0

    def evict(self, keys: frozenset[str] | None) -> None:
        self.epoch = next(self._epochs)
        if keys is None:
            self.entries = {}
            return
        for key in keys:
            self.entries.pop(key, None)

    def membership(self, user: User, tenant: Tenant) -> Membership | None:
        now = routing.refresh_if_due()
        key = membership_key(tenant.pk, user.pk)
        entry = self.entries.get(key)
        if entry is None or now - entry.loaded_at >= MAX_AGE_SECONDS:
            epoch = self.epoch
            entry = _Entry(membership_for(user, tenant), now)
            if epoch == self.epoch:  # no eviction raced with the query
                self._store(key, entry)
        if entry.membership is None:
            return None
        return _copy(entry.membership, user, tenant)

    def cached_members(self, tenant_id: int, user_ids: Iterable[int]) -> tuple[set[int], set[int]]:
        """(members, not known to be) among `user_ids`, from the cache alone: never a query.

        For callers that check many people at once (the live hub) and ask the database, in one
        batch, only about the second set (not cached, too old, or cached as not a member).
        """
        now = routing.refresh_if_due()
        entries = self.entries
        members: set[int] = set()
        others: set[int] = set()
        for user_id in user_ids:
            entry = entries.get(membership_key(tenant_id, user_id))
            fresh = entry is not None and now - entry.loaded_at < MAX_AGE_SECONDS
            if fresh and entry is not None and entry.membership is not None:
                members.add(user_id)
            else:
                others.add(user_id)
        return members, others

    def _store(self, key: str, entry: _Entry) -> None:
        entries = self.entries
        entries.pop(key, None)
        while len(entries) >= MAX_ENTRIES:
            try:
                entries.pop(next(iter(entries)), None)
            except (StopIteration, RuntimeError):  # changed by another thread meanwhile
                break
        entries[key] = entry


def _copy(membership: Membership, user: User, tenant: Tenant) -> Membership:
    """A private copy, its person and tenant those of the request (no query to reach them)."""
    clone = Membership.__new__(Membership)
    clone.__dict__.update(membership.__dict__)
    state = ModelState()
    state.db = membership._state.db
    state.adding = False
    state.fields_cache = {"user": user, "tenant": tenant}
    clone._state = state
    return clone


def support_reader(user: User, tenant: Tenant) -> Membership:
    """A stand-in membership, never saved, for vendor staff reading during a support access.

    It reads as an agent does (not private spaces, no admin pages); writes are refused before
    it is ever used (`SupportAccessMiddleware`).
    """
    membership = Membership(user=user, tenant=tenant, role=Role.AGENT)
    membership.is_support_reader = True  # type: ignore[attr-defined]
    return membership


memberships = MembershipCache()
routing.register_local_cache(MEMBERSHIP, memberships.evict)


class TenantMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        request.membership = None  # type: ignore[attr-defined]
        if tenant is None or request.path.startswith(OPEN_PATHS):
            return self.get_response(request)
        is_api = request.path.startswith("/api/")
        if is_api and "HTTP_AUTHORIZATION" in request.META:
            # A personal API token: its person is known only once DRF has authenticated it, so
            # `api.permissions.IsTenantMember` (every API view's default) decides membership.
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated:
            if is_api:
                return JsonResponse({"detail": _("Authentification requise.")}, status=401)
            return redirect_to_login(request.get_full_path())
        membership = memberships.membership(user, tenant)
        if membership is None:
            # Staff of a commune linked to this EPCI: a stand-in (entente.federation.access).
            membership = federated_membership(user, tenant)
        if membership is None and getattr(request, "support_grant", None) is not None:
            # Vendor staff during a support access (entente.console.middleware checked it).
            membership = support_reader(user, tenant)
        if membership is None:
            if is_api:
                return JsonResponse(
                    {
                        "detail": _("Vous n'êtes pas membre de %(tenant)s.")
                        % {"tenant": tenant.name}
                    },
                    status=403,
                )
            return render(request, "accounts/not_a_member.html", {"tenant": tenant}, status=403)
        request.membership = membership  # type: ignore[attr-defined]
        return self.get_response(request)
