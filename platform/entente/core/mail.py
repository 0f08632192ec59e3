"""What every e-mail the platform sends has in common."""

from __future__ import annotations


def one_line(text: str) -> str:
    """A header value (a subject, a reference) on one line, whatever people typed in the names it
    quotes or an incoming message carried: a line break would make Django refuse the header
    (BadHeaderError) and the mail would be lost; it can never add a header (`Bcc:`…) either way."""
    return " ".join(text.split())
