"""Serving a version's file: only after the ability check, never from a public URL.

PDF and images (whose type was sniffed on upload) may show in the page; everything else is a
download. Every answer carries `nosniff` and a sandboxing CSP, so even a file that slipped past
the checks could not run as a page of the tenant's host.
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import Version
from .uploads import is_inline


def version_response(version: Version, name: str, *, download: bool = False) -> FileResponse:
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = is_inline(version.content_type) and not download
    response = FileResponse(handle, as_attachment=not inline, filename=name)
    response["Content-Type"] = version.content_type
    response["Content-Length"] = str(version.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["ETag"] = f'"{version.sha256}"'
    return response
