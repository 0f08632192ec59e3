"""Finding the tenant of a host name, cheaply.

The answer is kept in a per-process dictionary, so the common request costs no query. Changes
to a tenant or a domain bump a generation number in the shared cache (signals.py); a process
notices the new generation at most `ROUTING_RECHECK_SECONDS` later and starts over.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .models import Domain, Tenant

GENERATION_KEY = "tenants:routing-generation"
ROUTING_RECHECK_SECONDS = 1.0


@dataclass
class _RoutingCache:
    generation: int | None = None
    checked_at: float = 0.0
    hosts: dict[str, Tenant | None] | None = None


_cache = _RoutingCache(hosts={})


def bump_generation() -> None:
    """Tell every process that a tenant or domain changed."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
    clear_local()


def clear_local() -> None:
    _cache.hosts = {}
    _cache.generation = None
    _cache.checked_at = 0.0


def _current_generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _refresh_if_stale() -> None:
    now = time.monotonic()
    if now - _cache.checked_at < ROUTING_RECHECK_SECONDS:
        return
    generation = _current_generation()
    if generation != _cache.generation:
        _cache.hosts = {}
        _cache.generation = generation
    _cache.checked_at = now


def is_platform_host(host: str) -> bool:
    return host == settings.ENTENTE_DOMAIN


def tenant_for_host(host: str) -> Tenant | None:
    """The tenant reached by this host name (lower case, no port), or None."""
    _refresh_if_stale()
    hosts = _cache.hosts
    assert hosts is not None
    if host in hosts:
        return hosts[host]
    domain = Domain.objects.select_related("tenant").filter(domain=host).first()
    tenant = domain.tenant if domain is not None else None
    hosts[host] = tenant
    return tenant


def tenant_for_slug(slug: str) -> Tenant | None:
    return tenant_for_host(f"{slug}.{settings.ENTENTE_DOMAIN}")
