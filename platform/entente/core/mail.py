"""What every e-mail the platform sends has in common."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def one_line(text: str) -> str:
    """A header value (a subject, a reference) on one line, whatever people typed in the names it
    quotes or an incoming message carried: a line break would make Django refuse the header
    (BadHeaderError) and the mail would be lost; it can never add a header (`Bcc:`…) either way."""
    return " ".join(text.split())


# -- Personal links -------------------------------------------------------------------------------
# A line some people's e-mails carry about a tenant, whatever the mail is about: the élus'
# « Mes séances » link (entente.meetings.elected_link). Providers are registered by the apps
# (`AppConfig.ready`); each gets the recipient and the tenant the mail speaks of, and answers
# (label, address) or None. Every mail to a person about a tenant lists them (the convocation,
# the notifications at once and in digests), so a provider is written once.

PersonalLink = tuple[str, str]
_PROVIDERS: list[Callable[[Any, Any], PersonalLink | None]] = []


def register_personal_link(provider: Callable[[Any, Any], PersonalLink | None]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def personal_links(user: Any, tenant: Any) -> list[PersonalLink]:
    """The (label, address) lines for `user`'s e-mail about `tenant` (none without a tenant)."""
    if user is None or tenant is None:
        return []
    return [link for provider in _PROVIDERS if (link := provider(user, tenant)) is not None]
