"""Plain text for the index out of the sanitised HTML that tasks and discussions store."""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils.html import strip_tags


def plain_text(value: str) -> str:
    """Tags dropped (block ends become spaces), entities decoded, blanks collapsed."""
    spaced = value.replace("</p>", "</p> ").replace("<br>", " ").replace("</li>", "</li> ")
    return " ".join(html.unescape(strip_tags(spaced)).split())


def joined(parts: Iterable[str]) -> str:
    return "\n".join(part for part in (plain_text(p) for p in parts) if part)
