"""Upload safety: the size limit, names made harmless, the type read from the content.

The type a client declares (its Content-Type, the file's extension alone) is never trusted:
`sniff` reads the first bytes and the extension must agree with them. HTML, SVG and anything
that reads like markup are refused outright, so that nothing stored can run in a browser;
served files carry `nosniff` as well (`files.py`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.utils.translation import gettext as _

RESERVED = {"con", "prn", "aux", "nul"} | {f"{p}{n}" for p in ("com", "lpt") for n in range(10)}
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
UNSAFE_CHARACTERS = re.compile(r'[<>:"|?*]')
MAX_NAME = 200
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Kind:
    content_type: str
    inline: bool  # previewed in the page and served inline (PDF, images); others: attachment


PDF = Kind("application/pdf", True)
PNG = Kind("image/png", True)
JPEG = Kind("image/jpeg", True)
GIF = Kind("image/gif", True)
WEBP = Kind("image/webp", True)
ZIP_OFFICE = Kind("application/zip", False)  # docx/xlsx/pptx and OpenDocument are ZIP files
OLE_OFFICE = Kind("application/x-ole-storage", False)
TEXT = Kind("text/plain; charset=utf-8", False)

OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
# The extension → what its first bytes must be.
EXPECTED: dict[str, Kind] = {
    "pdf": PDF,
    "png": PNG,
    "jpg": JPEG,
    "jpeg": JPEG,
    "gif": GIF,
    "webp": WEBP,
    **dict.fromkeys(("docx", "xlsx", "pptx", "odt", "ods", "odp"), ZIP_OFFICE),
    **dict.fromkeys(("doc", "xls", "ppt"), OLE_OFFICE),
    **dict.fromkeys(("txt", "csv", "md"), TEXT),
}
MARKUP = re.compile(rb"<\s*(!doctype|html|script|svg|iframe|object|body|head|\?xml)", re.I)


def max_bytes() -> int:
    return int(settings.ENTENTE_DOCUMENTS_MAX_BYTES)


def too_large_message() -> str:
    return _(
        "Ce fichier dépasse la taille maximale de %(size)s Mo : réduisez-le ou découpez-le."
    ) % {"size": max_bytes() // (1024 * 1024)}


def clean_name(raw: str) -> str:
    """A name safe to show and to offer as a download name, or ValidationError.

    A name with path parts (`../../etc/passwd`, `C:\\x`) is refused: no browser sends one, so
    it is an attack. Control characters go, Windows' reserved names get a `_` in front.
    """
    if "/" in raw or "\\" in raw or raw.strip() in {".", ".."}:
        raise ValidationError(
            _("Nom de fichier refusé : il ne doit contenir ni « / », ni « \\ », ni « .. ».")
        )
    name = unicodedata.normalize("NFC", CONTROL.sub("", raw))
    name = UNSAFE_CHARACTERS.sub("_", name).strip().strip(".").strip()
    if not name:
        raise ValidationError(_("Donnez un nom au fichier."))
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.lower() in RESERVED or name.lower() in RESERVED:
        name = f"_{name}"
    if len(name) > MAX_NAME:
        keep = MAX_NAME - len(ext) - 1 if ext else MAX_NAME
        name = f"{name[:keep]}.{ext}" if ext else name[:MAX_NAME]
    return name


def extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot else ""


def sniff(head: bytes) -> Kind | None:
    """What the first bytes say the file is (None: nothing we accept)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in {b"GIF87a", b"GIF89a"}:
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return ZIP_OFFICE
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE_OFFICE
    if b"\x00" in head or MARKUP.search(head):
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not merely a character cut at the end of the sample
            return None
    return TEXT


def check_content(name: str, handle: IO[bytes]) -> str:
    """The content type to store for this file, or ValidationError (the French reason)."""
    ext = extension(name)
    expected = EXPECTED.get(ext)
    if expected is None:
        raise ValidationError(
            _(
                "Type de fichier refusé (%(ext)s). Acceptés : PDF, images (PNG, JPEG, GIF, WebP), "
                "documents bureautiques (ODT, ODS, ODP, DOCX, XLSX, PPTX, DOC, XLS, PPT) et texte "
                "(TXT, CSV, MD)."
            )
            % {"ext": f".{ext}" if ext else _("sans extension")}
        )
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    found = sniff(head)
    if found is None and MARKUP.search(head):
        raise ValidationError(
            _("Ce fichier contient du HTML, du SVG ou du script : il est refusé par sécurité.")
        )
    if found != expected:
        raise ValidationError(
            _(
                "Le contenu de « %(name)s » ne correspond pas à son extension .%(ext)s : "
                "le fichier est refusé."
            )
            % {"name": name, "ext": ext}
        )
    return OFFICE_TYPES.get(ext, expected.content_type)


def is_inline(content_type: str) -> bool:
    return content_type == PDF.content_type or content_type in {
        PNG.content_type,
        JPEG.content_type,
        GIF.content_type,
        WEBP.content_type,
    }


# -- Before the body is read ---------------------------------------------------------------------


def declared_too_large(request: Any) -> bool:
    """The request announces more than the limit (Content-Length): answer before reading it."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes() + 64 * 1024  # the multipart envelope around the files


class LimitedUploadHandler(FileUploadHandler):
    """Stops an upload whose body grows past the limit (a body sent without a length)."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > max_bytes():
            if self.request is not None:
                self.request.upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_uploads(request: Any) -> None:
    """Install the limit before anything reads the body (a page exempt from CSRF, or an API
    view before authentication, which may read the body for its CSRF check)."""
    request.upload_handlers.insert(0, LimitedUploadHandler(request))
