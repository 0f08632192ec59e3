"""The demo as its personas browse it (issue 22): no dead link, administration at hand, and
axe-core on every page each of them reaches (issue 19).

`seed_demo` runs once for the module, inside a transaction rolled back at the end (schemas
included), then each featured persona of `entente.demo.catalogue`, and a visitor who is not
logged in, crawls from the home of every collectivité they belong to and from the bare domain,
with the crawler of `tests/test_navigation_reachability.py`. Other tests that need the seeded
demo live here too, to reuse its seed (about 15 s).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, User
from entente.analytics.demo import seed_usage
from entente.analytics.models import DailyUsage, UsageEvent
from entente.analytics.selectors import person_discovery, tenant_adoption
from entente.core.db import connection
from entente.demo.catalogue import EPCI_SIREN, LEGE, MACHECOUL, PEOPLE
from entente.demo.services import demo_tenants, seed_demo
from entente.search.query import SearchQuery
from entente.search.selectors import search
from entente.spaces.models import Space
from tenants.models import Tenant
from tests.conftest import ensure_session_tenants
from tests.support.axe import Audit, in_process_browser
from tests.test_navigation_reachability import (
    ADMIN_WITHIN_TWO_CLICKS,
    PLATFORM,
    Actor,
    Crawl,
    World,
    actor_client,
    crawl,
    host_name,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FEATURED = [person for person in PEOPLE if person.featured]
VISITOR = "Visiteur non connecté"
# The accessibility check's kinds of person: admins and agents see the same pages, the
# administration's being the admins' alone.
KIND_OF_PERSON = {"admin": "staff", "agent": "staff"}


def _demo_world() -> World:
    seed_demo()
    connection.set_schema_to_public()
    codes = {code for person in FEATURED for code, _role in person.memberships}
    tenants = {code: Tenant.objects.get(official_code=code) for code in codes}
    actors = {}
    for person in FEATURED:
        user = User.objects.get(email=person.email)
        hosts = {code: code for code, _role in person.memberships}
        actors[person.full_name] = Actor(user, {**hosts, PLATFORM: PLATFORM})
    actors[VISITOR] = Actor(None, {MACHECOUL: MACHECOUL, PLATFORM: PLATFORM})
    return World(tenants, actors)


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        # The demo adopts the session's tenants: made again first (committed) if a
        # `transaction=True` test's flush left only their schemas.
        ensure_session_tenants()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _demo_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()


@pytest.fixture(scope="module")
def demo_crawls(demo: World) -> dict[str, Crawl]:
    return {name: crawl(demo, name) for name in demo.actors}


@pytest.mark.parametrize("persona", [person.full_name for person in FEATURED])
def test_no_persona_of_the_demo_meets_a_dead_link(
    demo_crawls: dict[str, Crawl], persona: str
) -> None:
    result = demo_crawls[persona]
    assert result.pages > 1, f"{persona} found nothing to follow from home"
    assert not result.dead, f"{persona} meets dead links:\n" + "\n".join(result.dead)


def test_the_communes_admin_reaches_its_administration_within_two_clicks(
    demo_crawls: dict[str, Crawl],
) -> None:
    [admin] = [p.full_name for p in FEATURED if p.memberships == ((MACHECOUL, "admin"),)]
    reached = demo_crawls[admin].reached
    too_far = {
        route: reached.get(route) for route in ADMIN_WITHIN_TWO_CLICKS if reached.get(route, 99) > 2
    }
    assert not too_far, f"{admin}, clicks from home: {too_far}"


def test_the_demo_communes_export_restores_equal(demo: World) -> None:
    """The tenant export's round trip (tenants/export.py) on the seeded demo, here to reuse its
    seed: every section equal, files by checksum (tests/support/export_roundtrip.py)."""
    from tests.support.export_roundtrip import assert_round_trip

    counts = assert_round_trip(demo.tenants[MACHECOUL], slug="copie-demo")
    kinds = ("spaces", "tasks", "meetings", "document_versions")
    empty = [name for name in kinds if not counts[name]]
    assert not empty, f"the demo's Machecoul has no {empty}"


def test_conseil_as_karine_tessier_finds_what_she_may_see(demo: World) -> None:
    """The demo is searchable once seeded: « conseil » as Karine Tessier (agent of
    Machecoul-Saint-Même, federated editor of the CC's « Tourisme ») finds Machecoul's and the
    CC's items she may see, nothing of Legé's, nothing of the CC's spaces she did not join."""
    karine = User.objects.get(full_name="Karine Tessier")
    machecoul, cc, lege = (
        Tenant.objects.get(official_code=code) for code in (MACHECOUL, EPCI_SIREN, LEGE)
    )
    with tenant_context(cc):
        tourisme = Space.objects.get(name="Tourisme")

    found = search(karine, SearchQuery(text="conseil", limit=100)).found

    by_tenant = {item.tenant.pk for item in found}
    assert by_tenant == {machecoul.pk, cc.pk}
    assert {item.hit.space_id for item in found if item.tenant.pk == cc.pk} == {tourisme.pk}
    kinds = {item.hit.kind for item in found if item.tenant.pk == machecoul.pk}
    assert {"space", "task", "procedure"} <= kinds

    # Legé has such items: a person of Legé finds them (the test above could fail).
    sandrine = User.objects.get(full_name="Sandrine Gautier")
    assert lege.pk in {
        item.tenant.pk for item in search(sandrine, SearchQuery(text="conseil")).found
    }


def test_the_demo_has_people_at_several_levels_and_daily_figures(demo: World) -> None:
    """The demo shows people at different discovery levels, and a tenant's adoption chart."""
    tenant = demo_tenants()[0]
    levels = {
        str(person_discovery(m.user_id, tenant).level)
        for m in Membership.objects.filter(tenant=tenant)
    }
    assert len(levels) >= 2
    assert sum(n for _, n in tenant_adoption(tenant).daily) > 0
    assert DailyUsage.objects.filter(tenant=tenant).exists()
    rows = UsageEvent.objects.count()
    assert seed_usage(demo_tenants()) == 0  # idempotent
    assert UsageEvent.objects.count() == rows


def _one_page_per_route_and_kind(
    demo: World, demo_crawls: dict[str, Crawl]
) -> dict[str, dict[str, tuple[str, str]]]:
    """persona → {route → (host key, address)}: each route once per kind of person (the
    staff of a collectivité, an élu, a citizen, a visitor not logged in, anyone on the bare
    domain), since the same route for two of them is one template showing the same controls."""
    roles = {person.full_name: dict(person.memberships) for person in FEATURED}
    done: set[tuple[str, str]] = set()
    chosen: dict[str, dict[str, tuple[str, str]]] = {}
    for name, result in demo_crawls.items():
        actor = demo.actors[name]
        todo = chosen.setdefault(name, {})
        for route, (key, url) in sorted(result.pages_of.items()):
            role = roles.get(name, {}).get(key, "anonymous" if actor.user is None else "person")
            kind = KIND_OF_PERSON.get(role, role)
            if (route, kind) not in done:
                done.add((route, kind))
                todo[route] = (key, url)
    return chosen


@pytest.mark.browser
def test_every_page_of_the_demo_passes_axe_for_every_persona(
    demo: World, demo_crawls: dict[str, Crawl], browser: Any
) -> None:
    """axe-core (WCAG 2.1 A and AA) on each page a persona reaches by links, as that persona
    sees it, on a desktop window (1280 px) and on a phone (360 px): no serious or critical
    violation, and on the phone nothing that makes the page scroll sideways. A route is
    checked once per kind of person (`_one_page_per_route_and_kind`): each check costs half a
    second of a browser."""
    audit = Audit()
    persona_pages = sum(len(result.pages_of) for result in demo_crawls.values())
    for name, todo in _one_page_per_route_and_kind(demo, demo_crawls).items():
        actor = demo.actors[name]
        clients = {
            host_name(demo, key).split(":")[0]: actor_client(demo, actor, key)
            for key in actor.hosts
        }
        with in_process_browser(browser, clients) as pages:
            for route, (key, url) in todo.items():
                pages.audit(
                    f"http://{host_name(demo, key)}{url}",
                    audit,
                    f"{name}, {route} {url}",
                    narrow=True,
                )
    sys.stdout.write(
        f"\naxe-core: {persona_pages} pages of {len(demo_crawls)} personas, "
        f"{audit.narrow_pages} checked (one per route and kind of person) at 1280 and at 360 px: "
        f"{len(audit.violations)} serious or critical violations, {len(audit.overflows)} "
        "wider than a phone's screen\n"
    )
    assert audit.pages > 40, audit.pages
    assert not audit.violations, "\n".join(audit.violations)
    assert audit.narrow_pages * 2 == audit.pages  # every page at both sizes
    assert not audit.overflows, "\n".join(audit.overflows)


# Fields a person fills in (a hidden field, a button or a single box to tick is not one).
NOT_FILLED_IN = {"hidden", "submit", "button", "reset", "checkbox", "radio", "image"}


def _needs_help(form: Any) -> bool:
    """A form where a person fills something in and sends it: a text area, or two fields or
    more. A single control beside its label (a role picker in a row, the language) explains
    itself, and a filter (GET) only narrows what is shown."""
    if (form.get("method") or "get").lower() != "post":
        return False
    fields = [
        field
        for field in form.iter("input", "select", "textarea")
        if field.tag != "input" or (field.get("type") or "text").lower() not in NOT_FILLED_IN
    ]
    return any(field.tag == "textarea" for field in fields) or len(fields) >= 2


def _help_links(form: Any) -> list[str]:
    """The help beside a form: in the form, or in the section holding it (one sentence for the
    row forms of a list), or else in the page's main part."""
    for where in (
        form,
        *form.xpath("ancestor::*[self::section or self::article][1]"),
        *form.xpath("ancestor::main[1]"),
    ):
        links = where.xpath('.//*[contains(concat(" ", @class, " "), " form-help ")]//a/@href')
        if links:
            return [str(href) for href in links]
    return []


def test_every_form_of_the_demo_offers_help_in_context(
    demo: World, demo_crawls: dict[str, Crawl]
) -> None:
    """Each form a persona meets says in one sentence what it is for and links to the help
    page of its subject (`{% form_help %}`), and that page answers them."""
    from lxml import html as lxml_html

    forms = 0
    missing: list[str] = []
    help_pages: dict[tuple[str, str], int] = {}
    for name, todo in _one_page_per_route_and_kind(demo, demo_crawls).items():
        actor = demo.actors[name]
        for route, (key, url) in todo.items():
            client = actor_client(demo, actor, key)
            page = lxml_html.fromstring(client.get(url).content)
            for form in page.iter("form"):
                if not _needs_help(form):
                    continue
                forms += 1
                links = _help_links(form)
                help_link = next((href for href in links if href.startswith("/aide/")), None)
                if help_link is None:
                    missing.append(f"{name}, {route} {url}: form {form.get('action') or '(here)'}")
                elif (key, help_link) not in help_pages:
                    help_pages[(key, help_link)] = client.get(help_link).status_code
    sys.stdout.write(
        f"\nhelp in context: {forms} forms to fill in on the demo's pages, {len(missing)} "
        f"without help, {len(help_pages)} help pages linked\n"
    )
    assert forms > 20, forms
    assert not missing, "\n".join(missing)
    broken = {where: status for where, status in help_pages.items() if status != 200}
    assert not broken, broken
