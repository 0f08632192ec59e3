"""The search backends: PostgreSQL by default, OpenSearch when `OPENSEARCH_URL` is set."""

from __future__ import annotations

from functools import cache

from django.conf import settings

from .base import SearchBackend


@cache
def _backend_for(url: str) -> SearchBackend:
    if url:
        from .opensearch import OpenSearchBackend

        return OpenSearchBackend.from_url(url)
    from .postgres import PostgresBackend

    return PostgresBackend()


def get_backend() -> SearchBackend:
    """The configured backend (one per URL, so tests may switch with `override_settings`)."""
    return _backend_for(getattr(settings, "OPENSEARCH_URL", "") or "")
