"""What search indexes: kinds contributed by the apps that own the objects.

A capability app (tasks, discussions, documents, meetings…) writes a `search.py` beside its
models and registers its kinds in its `AppConfig.ready()`, in one call::

    # entente/documents/search.py
    from entente.search.registry import Entry, SearchKind, space_facts

    def _entries(ids: Sequence[int]) -> list[Entry]:
        documents = Document.objects.filter(pk__in=ids).select_related("space")
        return [
            Entry(
                kind="document", object_id=d.pk, title=d.name, body=d.summary,
                url=reverse("documents:detail", args=[d.space_id, d.pk]),
                date=d.updated_at, author_id=d.created_by_id, section="documents",
                file=d.file,  # its text is extracted by `set_file_text_extractor`'s function
                **space_facts(d.space),
            )
            for d in documents
        ]

    KINDS = (SearchKind(
        kind="document", label=_("Document"), entries=_entries,
        all_ids=lambda: Document.objects.values_list("pk", flat=True),
        verbs=("document.",),  # activity verbs after which the object is indexed again
    ),)

    # entente/documents/apps.py, in ready():
    from entente.search.registry import register_kinds
    from .search import KINDS
    register_kinds(KINDS)

`entries(ids)` runs in the tenant's schema and returns the entries of those objects that exist;
an id it leaves out is removed from the index (deleted, or no longer searchable). `all_ids()`
lists every object for a rebuild (`manage.py search_reindex`). An entry holds only *object
facts*: its tenant (added by the indexer), space, the space's visibility, archiving and
federation scope, the space section a citizen needs open, author, date, title, body, URL.
Who may see it (memberships, federation links, sections opened to citizens) is decided at
query time, so that leaving a space or the end of a federation link needs no re-indexing.

Freshness: after commit, every `activity.recorded` event whose verb a kind lists (a verb ending
in "." is a prefix) sends a Celery task that indexes `ids_from(payload)` (by default the
payload's `object_id`) again; `ids_from` runs in the task, in the tenant's schema, so it may
query (a comment's thread). A kind with `carries_space_facts=True` (the space itself) also
copies its visibility, archiving and scope onto every entry of that space.

Entries in no space (procedure templates, people) are for the tenant's staff only.

File contents (PDF, ODT/DOCX, text) belong to the documents app: an entry names its file in
`file`, and the function installed by `set_file_text_extractor` (documents, in its `ready()`)
turns it into text appended to the body, with its own size and time limits. With no extractor
installed, files add nothing. This module imports no app.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise

# The space's visibility as `entente.spaces.models.Visibility` spells it; "" outside a space.
PRIVATE, TENANT, FEDERATION, PUBLIC_PROJECT = "private", "tenant", "federation", "public_project"

BODY_LIMIT = 100_000  # characters of body kept per entry (tsvector's limit is 1 MB)


@dataclass(frozen=True)
class Entry:
    """One searchable object, as the index holds it (object facts only, no permissions)."""

    kind: str
    object_id: int
    title: str
    url: str  # path on the tenant's host, e.g. "/taches/12/"
    date: datetime.datetime
    body: str = ""  # plain text (no HTML)
    author_id: int | None = None
    space_id: int | None = None
    visibility: str = ""  # of the space; "" for tenant-wide entries (staff only)
    archived: bool = False  # the space is archived: out of search results
    scope: tuple[int, ...] = ()  # federation space opened to these communes only; () = all
    section: str = ""  # section key a citizen needs open in the space ("" = the space itself)
    file: Any = None  # a file whose text the installed extractor adds to the body

    def indexed_body(self) -> str:
        text = self.body
        if self.file is not None and _file_text_extractor is not None:
            extracted = _file_text_extractor(self.file)
            if extracted:
                text = f"{text}\n{extracted}" if text else extracted
        return text[:BODY_LIMIT]


def space_facts(space: Any) -> dict[str, Any]:
    """The facts of an `entente.spaces.models.Space` that an entry in it carries."""
    return {
        "space_id": space.pk,
        "visibility": str(space.visibility),
        "archived": space.archived_at is not None,
        "scope": tuple(getattr(space, "federation_scope", None) or ()),
    }


def entry_of(
    obj: Any,
    *,
    kind: str,
    title: str,
    url: str,
    body: str = "",
    space: Any = None,
    section: str = "",
    date: datetime.datetime | None = None,
    file: Any = None,
) -> Entry:
    """The entry of a model row with `pk`, `created_by_id` and `updated_at` (the date unless
    `date` is given), carrying the facts of its `space` when it has one."""
    return Entry(
        kind=kind,
        object_id=obj.pk,
        title=title,
        body=body,
        url=url,
        date=date or obj.updated_at,
        author_id=obj.created_by_id,
        section=section,
        file=file,
        **(space_facts(space) if space is not None else {}),
    )


IdsFrom = Callable[[Mapping[str, Any]], Iterable[int]]


def object_id_of(payload: Mapping[str, Any]) -> list[int]:
    object_id = payload.get("object_id")
    return [int(object_id)] if object_id else []


@dataclass(frozen=True)
class SearchKind:
    kind: str  # unique, e.g. "task"; also the API's `kind` filter
    label: str | Promise  # French, e.g. _("Tâche")
    entries: Callable[[Sequence[int]], Iterable[Entry]]
    all_ids: Callable[[], Iterable[int]]
    verbs: tuple[str, ...] = ()  # activity verbs re-indexing it; "task." is a prefix
    ids_from: IdsFrom = object_id_of
    object_types: tuple[str, ...] = ()  # if set, only events on these object types
    carries_space_facts: bool = False  # the space itself: its facts go to its entries
    order: int = 100  # smaller first in kind lists (filters, grouped results)
    batch_size: int = field(default=500, compare=False)

    def reindexed_by(self, verb: str, object_type: str = "") -> bool:
        if self.object_types and object_type not in self.object_types:
            return False
        return any(
            verb.startswith(known) if known.endswith(".") else verb == known for known in self.verbs
        )


_kinds: dict[str, SearchKind] = {}
FileTextExtractor = Callable[[Any], str]
_file_text_extractor: FileTextExtractor | None = None


def register_kinds(kinds: Iterable[SearchKind]) -> None:
    """Plug in an app's kinds; a second, different kind of the same name is refused."""
    for kind in kinds:
        known = _kinds.get(kind.kind)
        if known is not None and known != kind:
            raise ImproperlyConfigured(f"The search kind {kind.kind!r} is already {known!r}")
        _kinds[kind.kind] = kind


def unregister_kinds(kinds: Iterable[SearchKind]) -> None:
    for kind in kinds:
        if _kinds.get(kind.kind) == kind:
            del _kinds[kind.kind]


def search_kinds() -> list[SearchKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.kind))


def search_kind(name: str) -> SearchKind | None:
    return _kinds.get(name)


def kinds_for_verb(verb: str, object_type: str = "") -> list[SearchKind]:
    return [kind for kind in search_kinds() if kind.reindexed_by(verb, object_type)]


def set_file_text_extractor(extractor: FileTextExtractor | None) -> None:
    """Install the function that turns an entry's `file` into text (the documents app)."""
    global _file_text_extractor
    _file_text_extractor = extractor
