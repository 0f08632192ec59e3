"""Writes to the index: after an event, for a list of objects, or a whole tenant (rebuild).

Every write is idempotent: entries are upserted by (tenant, kind, id), an object that its kind
no longer returns is removed. Entries are built in the tenant's schema by the kind's own
function (`registry.SearchKind.entries`), then written by the configured backend.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django_tenants.utils import schema_context

from tenants.models import Tenant

from .backends import get_backend
from .backends.base import SearchBackend
from .models import ReindexCheckpoint
from .registry import SearchKind, kinds_for_verb, search_kind, search_kinds

logger = logging.getLogger(__name__)

Progress = Callable[[Tenant, SearchKind, int, int], None]  # tenant, kind, done, total


def index_objects(tenant: Tenant, kind: SearchKind, object_ids: Iterable[int]) -> int:
    """Index these objects of `kind` in `tenant` again; those that are gone leave the index."""
    ids = sorted({int(pk) for pk in object_ids})
    if not ids:
        return 0
    backend = get_backend()
    with schema_context(tenant.schema_name):
        entries = list(kind.entries(ids))
    backend.upsert(tenant.pk, entries)
    backend.delete(tenant.pk, kind.kind, sorted(set(ids) - {e.object_id for e in entries}))
    if kind.carries_space_facts:
        for entry in entries:
            backend.update_space_facts(tenant.pk, entry.object_id, entry)
    return len(entries)


def index_by_schema(tenant_schema: str, kind_name: str, object_ids: Sequence[int]) -> int:
    kind = search_kind(kind_name)
    tenant = Tenant.objects.filter(schema_name=tenant_schema).first()
    if kind is None or tenant is None:
        return 0
    return index_objects(tenant, kind, object_ids)


def index_after_event(tenant_schema: str, payload: Mapping[str, Any]) -> int:
    """What an `activity.recorded` event touched, for every kind that listens to its verb."""
    tenant = Tenant.objects.filter(schema_name=tenant_schema).first()
    if tenant is None:
        return 0
    verb = str(payload.get("verb") or "")
    done = 0
    for kind in kinds_for_verb(verb, str(payload.get("object_type") or "")):
        with schema_context(tenant_schema):
            ids = list(kind.ids_from(payload))
        done += index_objects(tenant, kind, ids)
    return done


def forget_tenant(tenant: Tenant) -> None:
    """Remove a tenant's entries (a tenant deleted or closed)."""
    get_backend().delete_tenant(tenant.pk)


def reindex_tenant(
    tenant: Tenant,
    *,
    kinds: Sequence[SearchKind] | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    backend: SearchBackend | None = None,
) -> int:
    """Rebuild the tenant's entries from its database, kind by kind, in batches of ids.

    With `resume`, each kind starts after the last batch a stopped run recorded
    (`ReindexCheckpoint`, public schema) and finished kinds are skipped; a run that reaches the
    end removes its checkpoints. Entries whose objects
    are gone are removed on the way. Returns the number of entries written.
    """
    backend = backend or get_backend()
    written = 0
    kinds = list(kinds or search_kinds())
    for kind in kinds:
        checkpoint, _created = ReindexCheckpoint.objects.get_or_create(
            tenant_id=tenant.pk, kind=kind.kind
        )
        if not resume:
            checkpoint.last_id, checkpoint.finished = 0, False
        if checkpoint.finished:
            continue
        with schema_context(tenant.schema_name):
            ids = sorted(int(pk) for pk in kind.all_ids())
        ids = [pk for pk in ids if pk > checkpoint.last_id]
        total, done = len(ids), 0
        after = checkpoint.last_id
        for start in range(0, len(ids), kind.batch_size):
            batch = ids[start : start + kind.batch_size]
            with schema_context(tenant.schema_name):
                entries = list(kind.entries(batch))
            backend.upsert(tenant.pk, entries)
            backend.delete_missing(
                tenant.pk, kind.kind, after, batch[-1], [e.object_id for e in entries]
            )
            if kind.carries_space_facts:
                for entry in entries:
                    backend.update_space_facts(tenant.pk, entry.object_id, entry)
            after = batch[-1]
            written += len(entries)
            done += len(batch)
            checkpoint.last_id = after
            checkpoint.save(update_fields=["last_id", "updated_at"])
            if progress is not None:
                progress(tenant, kind, done, total)
        backend.delete_missing(tenant.pk, kind.kind, after, None, [])
        checkpoint.finished = True
        checkpoint.save(update_fields=["last_id", "finished", "updated_at"])
        if progress is not None and not total:
            progress(tenant, kind, 0, 0)
    # Done: nothing of this tenant's run is left to resume.
    ReindexCheckpoint.objects.filter(
        tenant_id=tenant.pk, kind__in=[kind.kind for kind in kinds]
    ).delete()
    return written
