"""Serving a task's attachment: always as a download, after the caller checked abilities."""

from __future__ import annotations

from django.http import FileResponse, Http404

from .models import TaskAttachment


def attachment_response(attachment: TaskAttachment) -> FileResponse:
    """Never rendered inline (nosniff, sandboxed): an uploaded HTML page cannot run."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
