"""What a search asks and what it answers, the same for every backend."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

RELEVANCE, DATE = "relevance", "date"
SORTS = (RELEVANCE, DATE)
MAX_WORDS = 12
MAX_LIMIT = 100

# Marks around matched words in excerpts: private-use characters, never in text people type,
# so that the excerpt is escaped first and the marks become <mark> after.
MARK_START, MARK_STOP = "\ue000", "\ue001"

_WORD = re.compile(r"\w+", re.UNICODE)
# French elision: « l'école », « d’un », « qu'il », « jusqu'au »: the article is not a word.
_ELISION = re.compile(r"^(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu|quoiqu)['’]", re.IGNORECASE)


def query_words(text: str) -> list[str]:
    """The words of what someone typed, elided articles dropped, at most MAX_WORDS."""
    words: list[str] = []
    for chunk in text.split():
        chunk = _ELISION.sub("", chunk.strip("\"'’«»()"))
        words += _WORD.findall(chunk)
    return [word for word in words if word.strip("_")][:MAX_WORDS]


@dataclass(frozen=True)
class SearchQuery:
    text: str
    kinds: tuple[str, ...] = ()
    tenant_ids: tuple[int, ...] = ()
    tenant_slugs: tuple[str, ...] = ()  # resolved among the tenants the person reaches
    space_id: int | None = None  # only with one tenant in `tenant_ids`
    author_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    sort: str = RELEVANCE
    prefix: bool = True  # the last word may be the start of a word (as you type)
    limit: int = 20
    offset: int = 0

    @property
    def words(self) -> list[str]:
        return query_words(self.text)

    def plain(self) -> str:
        """The words in lower case without accents, joined by spaces: what the trigram match
        compares with titles (stored the same way by `unaccent`; œ and æ are spelled out)."""
        return without_accents(" ".join(self.words).lower())


@dataclass(frozen=True)
class Hit:
    tenant_id: int
    kind: str
    object_id: int
    title: str
    url: str  # path on the tenant's host
    date: datetime.datetime
    space_id: int | None = None
    author_id: int | None = None
    title_marked: str = ""  # with MARK_START/MARK_STOP around matches
    excerpt_marked: str = ""
    score: float = 0.0

    @property
    def title_html(self) -> SafeString:
        return marked_html(self.title_marked or self.title)

    @property
    def excerpt_html(self) -> SafeString:
        return marked_html(self.excerpt_marked)


@dataclass(frozen=True)
class Results:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0


def without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("æ", "ae"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def marked_html(text: str) -> SafeString:
    """Escape a marked text, then turn its marks into <mark> (the only markup let through)."""
    escaped = str(escape(text))
    return mark_safe(  # noqa: S308  # escaped just above; only our own tags added
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def strip_marks(text: str) -> str:
    return text.replace(MARK_START, "").replace(MARK_STOP, "")
