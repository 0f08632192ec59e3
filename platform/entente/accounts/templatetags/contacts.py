"""`{% contact_email person as email %}`: the address if the viewer may see it (else "").

The rule is `entente.accounts.contacts`; the contact book is made once per request.
"""

from __future__ import annotations

from typing import Any

from django import template

from entente.accounts.contacts import ContactBook, contact_book
from entente.accounts.models import User

register = template.Library()


def book_of_request(request: Any) -> ContactBook:
    book: ContactBook | None = getattr(request, "contact_book", None)
    if book is None:
        book = contact_book(getattr(request, "membership", None))
        if request is not None:
            request.contact_book = book
    return book


@register.simple_tag(takes_context=True)
def contact_email(context: Any, person: User | None) -> str:
    return book_of_request(context.get("request")).email_of(person) or ""
