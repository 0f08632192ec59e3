"""A brand-new collectivité, as its first admin meets it: every empty list says what to do and,
where there is something to do, offers the button that does it (issue 19).

The admin of an empty tenant, with one empty space, crawls it by links (the crawler of
tests/test_navigation_reachability.py). On each page, a sentence that says something is empty
(« Aucun… », « Aucune… », « Pas encore… », « Rien… ») must sit in an `.empty-state` block
(`includes/empty_state.html`), and that block must hold a link or a button, unless it is marked
`empty-state--info`: an inbox with nothing new, a day without meetings, where there is nothing
to do but wait.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest
from django_tenants.utils import tenant_context
from lxml import html as lxml_html

from entente.accounts.models import Membership, Role
from entente.spaces.services import create_space
from tenants.models import Tenant
from tests.test_navigation_reachability import PLATFORM, Actor, World, actor_client, crawl

pytestmark = pytest.mark.django_db

# Pages not ours whose empty lists cannot offer anything, with the reason.
NOTHING_TO_OFFER = {
    "mfa_index": "allauth's page: recovery codes come once an authenticator app is on, which "
    "the panel above it offers",
}
SAYS_EMPTY = re.compile(r"^\s*(Aucun|Aucune|Pas encore|Rien|Personne n)", re.IGNORECASE)


def _empty_sentences(page: Any) -> list[Any]:
    """The elements whose own text starts by saying something is empty."""
    found = []
    for element in page.iter("p", "li", "td", "span", "div"):
        text = element.text or ""
        if SAYS_EMPTY.match(text):
            found.append(element)
    return found


def test_every_empty_list_of_a_new_collectivite_says_what_to_do(
    tenant_a: Tenant, make_user: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    with tenant_context(tenant_a):  # one space, as empty as the rest: its tabs are crawled too
        create_space(Membership.objects.get(user=admin, tenant=tenant_a), name="Voirie")
    world = World({"new": tenant_a}, {"admin": Actor(admin, {"new": "new", PLATFORM: PLATFORM})})
    result = crawl(world, "admin")
    assert not result.dead, result.dead
    actor = world.actors["admin"]
    checked, empty, problems = 0, 0, []
    for route, (key, url) in sorted(result.pages_of.items()):
        page = lxml_html.fromstring(actor_client(world, actor, key).get(url).content)
        main = page.find(".//main")
        if main is None:
            continue
        checked += 1
        for element in _empty_sentences(main):
            empty += 1
            # An empty state of ours, or the panel an outside page (allauth's MFA) puts it in.
            block = element.xpath(
                'ancestor-or-self::*[contains(@class, "empty-state") or contains(@class, "panel")]'
                "[1]"
            )
            sentence = " ".join(element.text_content().split())
            if not block:
                problems.append(f"{route} {url}: « {sentence} » is not an empty state")
            elif (
                "empty-state--info" not in block[0].get("class", "")
                and not block[0].xpath(".//a | .//button")
                and route not in NOTHING_TO_OFFER
            ):
                problems.append(f"{route} {url}: « {sentence} » offers nothing to do")
    sys.stdout.write(
        f"\nempty states: {checked} pages of a new collectivité, {empty} empty lists, "
        f"{len(problems)} without what to do\n"
    )
    assert checked > 30, checked
    assert not problems, "\n".join(problems)
