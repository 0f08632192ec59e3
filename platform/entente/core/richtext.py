"""Rich text written by people: sanitised HTML and @mentions.

Descriptions and comments accept a little formatting (bold, lists, links). nh3 (Ammonia) keeps
only the tags below, so nothing a person writes can run in another person's browser.
Mentions are written `@prénom.nom` or `@email@domain`: `extract_mentions` resolves them against
the people who may be mentioned (the caller passes them: a space's members, a tenant's staff).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "a", "blockquote",
    "code", "pre", "h3", "h4",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}

MENTION_RE = re.compile(r"(?<![\w@])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)", re.UNICODE)


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def mention_handle(email: str) -> str:
    """The handle a person is mentioned by: the local part of their e-mail address."""
    return email.split("@", 1)[0].lower()


def extract_mentions(text: str, people: Mapping[int, str] | Iterable[tuple[int, str]]) -> set[int]:
    """Ids of the people mentioned in `text`, among `people` (id → e-mail address).

    `@claire.morand` matches the person whose address starts with `claire.morand@`;
    `@claire.morand@mairie-lege.fr` matches the full address. Unknown handles are ignored.
    """
    by_email: dict[str, int] = {}
    by_handle: dict[str, list[int]] = {}
    items = people.items() if isinstance(people, Mapping) else people
    for person_id, address in items:
        by_email[address.lower()] = person_id
        by_handle.setdefault(mention_handle(address), []).append(person_id)
    found: set[int] = set()
    for raw in MENTION_RE.findall(text):
        token = raw.lower().rstrip(".")
        if token in by_email:
            found.add(by_email[token])
        elif len(by_handle.get(token, [])) == 1:  # ambiguous handles mention nobody
            found.add(by_handle[token][0])
    return found
