"""What every e-mail the platform sends has in common."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_ADDRESSES = 50


def one_line(text: str) -> str:
    """A header value (a subject, a reference) on one line, whatever people typed in the names it
    quotes or an incoming message carried: a line break would make Django refuse the header
    (BadHeaderError) and the mail would be lost; it can never add a header (`Bcc:`…) either way."""
    return " ".join(text.split())


def parse_addresses(raw: str | list[str], *, most: int = MAX_ADDRESSES) -> list[str]:
    """One or several addresses (commas, semicolons, spaces or lines), lower case, de-duplicated,
    for the invitations' forms; errors under `emails`, in French."""
    parts = raw if isinstance(raw, list) else raw.replace(";", ",").replace("\n", ",").split(",")
    words = [w for part in parts for w in str(part).replace(",", " ").split()]
    addresses: list[str] = []
    bad: list[str] = []
    for word in words:
        address = word.strip().strip("<>").lower()
        try:
            validate_email(address)
        except ValidationError:
            bad.append(word)
            continue
        if address not in addresses:
            addresses.append(address)
    if bad:
        raise ValidationError(
            {
                "emails": _("Adresse invalide : %(list)s. Corrigez-la et réessayez.")
                % {"list": ", ".join(bad[:5])}
            }
        )
    if not addresses:
        raise ValidationError({"emails": _("Indiquez au moins une adresse e-mail.")})
    if len(addresses) > most:
        raise ValidationError({"emails": _("%(max)d adresses au plus par envoi.") % {"max": most}})
    return addresses


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
