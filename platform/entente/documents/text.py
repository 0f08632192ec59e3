"""The text of a version, for search: PDF (pypdf), DOCX (python-docx), ODT/ODS/ODP (odfpy), text.

Bounded on three sides, because the files come from anyone: a file larger than
`MAX_FILE_BYTES` is not read, extraction stops once `MAX_SECONDS` have passed (checked between
pages and paragraphs: a single hostile page can still take longer, which is why it runs in a
Celery task with the global time limit, never in a request) and once `MAX_CHARACTERS` are
gathered. A file the libraries cannot read gives "" (logged): search then knows its name only.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterable, Iterator

from .models import Version

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_SECONDS = 10.0
MAX_CHARACTERS = 100_000


def extract_text(version: Version) -> str:
    """The text of `version`'s file, "" for what has none we can read."""
    if version.size > MAX_FILE_BYTES:
        return ""
    reader = _READERS.get(version.content_type.split(";")[0])
    if reader is None:
        return ""
    try:
        with version.file.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        return _bounded(reader(data))
    except Exception:  # a broken or hostile file must not stop indexing
        log.warning("No text from document version %s", version.pk, exc_info=True)
        return ""


def _bounded(parts: Iterable[str]) -> str:
    deadline = time.monotonic() + MAX_SECONDS
    gathered: list[str] = []
    total = 0
    for part in parts:
        text = part.strip()
        if text:
            gathered.append(text)
            total += len(text) + 1
        if total >= MAX_CHARACTERS or time.monotonic() > deadline:
            break
    return "\n".join(gathered)[:MAX_CHARACTERS]


def _pdf(data: bytes) -> Iterator[str]:
    from pypdf import PdfReader

    for page in PdfReader(io.BytesIO(data)).pages:
        yield page.extract_text() or ""


def _docx(data: bytes) -> Iterator[str]:
    import docx

    document = docx.Document(io.BytesIO(data))
    for paragraph in document.paragraphs:
        yield paragraph.text
    for table in document.tables:
        for row in table.rows:
            yield " ".join(cell.text for cell in row.cells)


def _opendocument(data: bytes) -> Iterator[str]:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    document = load(io.BytesIO(data))
    for element_type in (H, P):
        for element in document.getElementsByType(element_type):
            yield teletype.extractText(element)


def _plain(data: bytes) -> Iterator[str]:
    yield data[: MAX_CHARACTERS * 4].decode("utf-8", errors="replace")


_READERS = {
    "application/pdf": _pdf,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _docx,
    "application/vnd.oasis.opendocument.text": _opendocument,
    "application/vnd.oasis.opendocument.spreadsheet": _opendocument,
    "application/vnd.oasis.opendocument.presentation": _opendocument,
    "text/plain": _plain,
}
