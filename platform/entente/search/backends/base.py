"""The interface both backends implement: writes by (tenant, kind, id), and the search."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..access import TenantScope
from ..query import Results, SearchQuery
from ..registry import Entry


class SearchBackend(Protocol):
    def upsert(self, tenant_id: int, entries: Sequence[Entry]) -> None:
        """Write these entries; one that exists (tenant, kind, id) is replaced."""

    def delete(self, tenant_id: int, kind: str, object_ids: Sequence[int]) -> None: ...

    def delete_missing(
        self, tenant_id: int, kind: str, after_id: int, up_to: int | None, kept: Sequence[int]
    ) -> None:
        """Remove entries of ids in (after_id, up_to] (no upper bound if None) not in `kept`:
        what a rebuild no longer found."""

    def update_space_facts(self, tenant_id: int, space_id: int, entry: Entry) -> None:
        """Copy a space's visibility, archiving and scope onto every entry in it."""

    def delete_tenant(self, tenant_id: int) -> None: ...

    def search(self, scopes: Sequence[TenantScope], query: SearchQuery) -> Results:
        """Matches the person may open (the filter is part of the query), best or newest first."""
