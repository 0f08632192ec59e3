"""Finding the tenant of a host name without a query, and pointing the connection at its schema.

Why: django-tenants' own middleware costs every request `SET public`, a domain lookup and
`SET tenant` (+1.5-1.7 ms on a one-query view). Here a warm request costs no statement at all:

- **Per-process cache.** host → Tenant lives in a dictionary of this process. Only open tenants
  (trial, active, read-only) are kept: a closed one is read again on each request, so reopening
  it (even through `QuerySet.update()`, as provisioning does) takes effect at once. Unknown
  hosts are remembered too (a bounded number, oldest dropped first, for
  `UNKNOWN_HOST_SECONDS`), so a flood of made-up subdomains costs neither a query each nor
  unbounded memory.
- **Invalidation across processes.** A change (signals.py, or `note_change()` by code that
  writes with `update()`) evicts this process's entries at once and, once its transaction
  commits, increments a generation number in the shared cache (Redis) and records what changed
  under that generation. Every process reads the generation at most once per
  `RECHECK_SECONDS` (one Redis GET, never an SQL statement) and evicts only what the recorded
  changes name; when a record is missing or too many changes were missed, it drops everything.
- **Staleness bounds**, in another process than the writer's: ≤ `RECHECK_SECONDS` (1 s) after
  the commit for anything that goes through signals or `note_change()`; if Redis is unreachable
  the process drops its whole cache at each recheck (so ≤ 1 s too, at the price of a query per
  host), and a change that could not be published is retried at each recheck. A write that
  bypasses both (raw SQL, `update()` without `note_change()`) is caught by the age limit
  `MAX_AGE_SECONDS` (5 min). In the writer's own process every change takes effect at once.
  The age limit is a backstop for writes that forget to publish, not the main mechanism: it
  also sets how often a host is read again when nothing changed, and with thousands of
  tenants most hosts are visited less than once a minute by a given process.
- **Shared-cache keys are schema-free.** The project's cache prefixes keys with the connection's
  current schema (`django_tenants.cache.make_key`), which would give each schema its own
  generation; this module uses its own client of the same cache without that key function.
- **Other caches ride on the same channel.** `register_local_cache(kind, evict)` lets another
  module (the membership cache of `entente.accounts`) be evicted by the same published changes,
  with the same bounds, without `tenants` importing it.

`use_schema_of()` points the connection at a schema and leaves it alone when it already points
there: django-tenants' `set_tenant()` always forgets the search_path it sent, so calling it on
each request costs one `SET` per request even on a persistent connection. The backend still
re-sends the `SET` whenever the server may have lost it (new connection after
`CONN_HEALTH_CHECKS` or `CONN_MAX_AGE`, rollback, savepoint rollback), so the skip is safe.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache.backends.base import BaseCache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model
from django.db.models.base import ModelState
from django.utils.module_loading import import_string
from django_tenants.utils import get_public_schema_name

from .models import Domain, Tenant

logger = logging.getLogger(__name__)

GENERATION_KEY = "tenants:routing:generation"
CHANGES_KEY = "tenants:routing:changes:{generation}"

RECHECK_SECONDS = 1.0
"""How often a process asks the shared cache whether something changed elsewhere."""
MAX_AGE_SECONDS = 300.0
"""Backstop: an entry is read again after this long, whatever the signals said."""
UNKNOWN_HOST_SECONDS = 5.0
"""How long a host that names no tenant is remembered (a domain created by raw SQL shows up)."""
MAX_UNKNOWN_HOSTS = 10_000
MAX_REPLAYED_CHANGES = 64
"""A process that missed more generations than this drops everything instead of replaying."""
CHANGE_RECORD_SECONDS = 3600

HOST = "host"
TENANT = "tenant"
EVERYTHING = None
"""`Evictor` argument meaning "drop all your entries"."""

Evictor = Callable[[frozenset[str] | None], None]
Changes = Mapping[str, Iterable[object]]

M = TypeVar("M", bound=Model)

clock: Callable[[], float] = time.monotonic
"""The clock used for every bound; tests replace it to move time without sleeping."""


@dataclass(slots=True)
class _Route:
    tenant: Tenant
    loaded_at: float


@dataclass
class _State:
    hosts: dict[str, _Route] = field(default_factory=dict)
    unknown: dict[str, float] = field(default_factory=dict)
    generation: int | None = None
    checked_at: float = float("-inf")
    epoch: int = 0
    """Changed by every eviction: a lookup that raced with one does not store its result."""
    unsent: list[dict[str, list[str]] | None] = field(default_factory=list)


_state = _State()
_epochs = itertools.count(1)  # next() is atomic under the GIL, `+= 1` is not
_sync_lock = threading.Lock()
_evictors: dict[str, list[Evictor]] = {}
_shared: BaseCache | None = None


# -- Looking up ---------------------------------------------------------------------------------


def is_platform_host(host: str) -> bool:
    """The bare domain: landing page, sign-up and console, on the public schema."""
    return host == settings.ENTENTE_DOMAIN.lower()


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant reached by this host name (lower case, no port), or None if none is.

    Returns a private copy each time: callers may change it without touching the cache.
    """
    now = refresh_if_due()
    route = _state.hosts.get(host)
    if route is not None and now - route.loaded_at < MAX_AGE_SECONDS:
        return copy_instance(route.tenant)
    seen_unknown_at = _state.unknown.get(host)
    if seen_unknown_at is not None and now - seen_unknown_at < UNKNOWN_HOST_SECONDS:
        return None

    epoch = _state.epoch
    tenant = _load(host)
    if epoch == _state.epoch:  # no eviction ran meanwhile: the answer is still current
        _remember(host, tenant, now)
    return copy_instance(tenant) if tenant is not None else None


def tenant_for_slug(slug: str) -> Tenant | None:
    return tenant_for_host(f"{slug}.{settings.ENTENTE_DOMAIN}".lower())


def _load(host: str) -> Tenant | None:
    # Tables named with their schema: the answer cannot depend on the search_path that the
    # previous request left on this connection.
    public = connection.ops.quote_name(get_public_schema_name())
    tenant_table = connection.ops.quote_name(Tenant._meta.db_table)
    domain_table = connection.ops.quote_name(Domain._meta.db_table)
    sql = (
        f"SELECT t.* FROM {public}.{tenant_table} t "  # noqa: S608 (names, not input)
        f"JOIN {public}.{domain_table} d ON d.tenant_id = t.id "
        "WHERE d.domain = %s LIMIT 1"
    )
    found = list(Tenant.objects.raw(sql, [host]))
    return found[0] if found else None


def _remember(host: str, tenant: Tenant | None, now: float) -> None:
    if tenant is None:
        _state.hosts.pop(host, None)
        unknown = _state.unknown
        unknown.pop(host, None)
        while len(unknown) >= MAX_UNKNOWN_HOSTS:
            _drop_oldest(unknown)
        unknown[host] = now
    elif tenant.is_open:
        _state.unknown.pop(host, None)
        _state.hosts[host] = _Route(tenant, now)
    else:
        # Not kept: reopening must take effect at once, and closed tenants get few requests.
        _state.hosts.pop(host, None)
        _state.unknown.pop(host, None)


def _drop_oldest(entries: dict[str, float]) -> None:
    # StopIteration, RuntimeError: emptied or changed by another thread meanwhile.
    with contextlib.suppress(StopIteration, RuntimeError):
        entries.pop(next(iter(entries)), None)


def copy_instance(instance: M, **related: Model) -> M:
    """A shallow copy of a cached model instance (~1 µs; a model's __init__ costs ten times
    more), its related objects those given and no others: the caller may change it without
    touching the cache. The routing, membership and reach caches hand out such copies."""
    clone = type(instance).__new__(type(instance))
    clone.__dict__.update(instance.__dict__)
    state = ModelState()
    state.db = instance._state.db
    state.adding = False
    state.fields_cache = dict(related)
    clone._state = state
    return clone


# -- Pointing the connection at a schema --------------------------------------------------------


def use_schema_of(tenant: Tenant | None) -> None:
    """Point the connection at the tenant's schema (the public one for None).

    Nothing is sent to the server here: the backend sends `SET search_path` before the next
    statement if, and only if, the schema changed or the server may have forgotten it.
    """
    # The wrapper itself, looked up once: each attribute read through the `connection` proxy
    # costs a thread-local lookup (~1-4 µs). Typed Any: the stubs know only Django's wrapper.
    db: Any = connections[DEFAULT_DB_ALIAS]
    schema = tenant.schema_name if tenant is not None else get_public_schema_name()
    if db.schema_name == schema and db.include_public_schema:
        if tenant is not None:
            db.tenant = tenant  # same schema: only the instance is fresher
        return
    if tenant is None:
        db.set_schema_to_public()
    else:
        db.set_tenant(tenant)


# -- Invalidation -------------------------------------------------------------------------------


def register_local_cache(kind: str, evict: Evictor) -> None:
    """Have `evict(keys)` called when changes of this kind are noted, here or elsewhere.

    `keys` is a frozenset of strings, or None (EVERYTHING) when the whole cache must go. A kind
    may have several listeners, and a cache may listen to several kinds.
    """
    registered = _evictors.setdefault(kind, [])
    if evict not in registered:
        registered.append(evict)


def note_change(changes: Changes | None = EVERYTHING) -> None:
    """Something that routing (or a registered cache) depends on was written.

    This process forgets it at once; every process forgets it once the current transaction
    commits (nothing is published if it rolls back). `changes` maps a kind (`"host"`,
    `"tenant"`, or a registered one) to keys; None means everything.
    """
    payload = _payload(changes)
    _evict(payload)
    transaction.on_commit(lambda: _publish(payload))


def bump_generation(changes: Changes | None = EVERYTHING) -> None:
    """Tell every process now (not waiting for a commit) that this changed; None: everything."""
    payload = _payload(changes)
    _evict(payload)
    _publish(payload)


def clear_local() -> None:
    """Forget everything this process knows, as a new process would (tests, after a fork)."""
    with _sync_lock:
        _state.hosts = {}
        _state.unknown = {}
        _state.generation = None
        _state.checked_at = float("-inf")
        _state.epoch = next(_epochs)
        _state.unsent = []
    for evict in _all_evictors():
        evict(EVERYTHING)


def refresh_if_due() -> float:
    """Look for changes published elsewhere if the last look is `RECHECK_SECONDS` old.

    Returns the clock's current reading, for the caller's own age checks.
    """
    now = clock()
    if now - _state.checked_at >= RECHECK_SECONDS:
        refresh(now)
    return now


def refresh(now: float | None = None) -> None:
    """Apply what other processes published since the last look (at most once per second)."""
    now = clock() if now is None else now
    if not _sync_lock.acquire(blocking=False):
        return  # another thread of this process is looking right now
    try:
        if now - _state.checked_at < RECHECK_SECONDS:
            return
        _state.checked_at = now
        _send_unsent()
        try:
            generation = _read_generation()
            missed = _missed_changes(_state.generation, generation)
        except Exception:
            logger.warning(
                "Routing cache: shared cache unreachable, dropping local entries", exc_info=True
            )
            _state.generation = None
            _evict(EVERYTHING)
            return
        if generation != _state.generation:
            _evict(_merge(missed))  # one pass over the cache, however many changes
            _state.generation = generation
    finally:
        _sync_lock.release()


def _payload(changes: Changes | None) -> dict[str, list[str]] | None:
    if changes is None:
        return None
    return {kind: sorted({str(key) for key in keys}) for kind, keys in changes.items()}


def _merge(payloads: list[dict[str, list[str]] | None]) -> dict[str, list[str]] | None:
    merged: dict[str, set[str]] = {}
    for payload in payloads:
        if payload is None:
            return EVERYTHING
        for kind, keys in payload.items():
            merged.setdefault(kind, set()).update(keys)
    return {kind: sorted(keys) for kind, keys in merged.items()}


def _evict(payload: Mapping[str, list[str]] | None) -> None:
    _state.epoch = next(_epochs)
    if payload is None:
        _state.hosts = {}
        _state.unknown = {}
        for evict in _all_evictors():
            evict(EVERYTHING)
        return
    hosts = set(payload.get(HOST, ()))
    tenant_ids = set(payload.get(TENANT, ()))
    if tenant_ids:
        hosts.update(
            host for host, route in list(_state.hosts.items()) if str(route.tenant.pk) in tenant_ids
        )
    for host in hosts:
        _state.hosts.pop(host, None)
        _state.unknown.pop(host, None)
    for kind, keys in payload.items():
        if keys:
            for evictor in list(_evictors.get(kind, ())):
                evictor(frozenset(keys))


def _all_evictors() -> list[Evictor]:
    """Each listener once, though it may listen to several kinds."""
    return list(dict.fromkeys(e for registered in list(_evictors.values()) for e in registered))


def _publish(payload: dict[str, list[str]] | None) -> None:
    # Evict again: a request of this process may have read the old row between the signal
    # and the commit.
    _evict(payload)
    try:
        _send(payload)
    except Exception:
        logger.exception("Routing cache: could not publish a change; retrying every second")
        _state.unsent.append(payload)


def _send_unsent() -> None:
    while _state.unsent:
        payload = _state.unsent[0]
        try:
            _send(payload)
        except Exception:
            return
        _state.unsent.pop(0)


def _send(payload: dict[str, list[str]] | None) -> None:
    shared = _shared_cache()
    shared.add(GENERATION_KEY, 0, timeout=None)  # atomic: never resets a live counter
    generation = shared.incr(GENERATION_KEY)
    if payload is not None:  # no record for "everything": readers then drop everything
        shared.set(
            CHANGES_KEY.format(generation=generation), payload, timeout=CHANGE_RECORD_SECONDS
        )


def _read_generation() -> int | None:
    value = _shared_cache().get(GENERATION_KEY)
    return None if value is None else int(value)


def _missed_changes(known: int | None, current: int | None) -> list[dict[str, list[str]] | None]:
    """The change records between two generations, or [EVERYTHING] if they cannot be told."""
    if current == known:
        return []
    if known is None or current is None or not 0 < current - known <= MAX_REPLAYED_CHANGES:
        return [EVERYTHING]
    keys = [CHANGES_KEY.format(generation=g) for g in range(known + 1, current + 1)]
    records = _shared_cache().get_many(keys)
    if len(records) != len(keys):
        return [EVERYTHING]  # expired, or published a moment ago and not recorded yet
    return [records[key] for key in keys]


def _shared_cache() -> BaseCache:
    """A client of the default cache whose keys do not depend on the connection's schema."""
    global _shared
    if _shared is None:
        params: dict[str, Any] = dict(settings.CACHES["default"])
        params.pop("KEY_FUNCTION", None)
        params.pop("REVERSE_KEY_FUNCTION", None)
        backend = import_string(params.pop("BACKEND"))
        _shared = backend(params.pop("LOCATION", ""), params)
    return _shared
