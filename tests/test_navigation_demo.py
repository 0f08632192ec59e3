"""The demo as its personas browse it (issue 22): no dead link, administration at hand.

`seed_demo` runs once for the module, inside a transaction rolled back at the end (schemas
included), then each featured persona of `entente.demo.catalogue` crawls from the home of every
collectivité they belong to and from the bare domain, with the crawler of
`tests/test_navigation_reachability.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from entente.accounts.models import User
from entente.core.db import connection
from entente.demo.catalogue import MACHECOUL, PEOPLE
from entente.demo.services import seed_demo
from tenants.models import Tenant
from tests.conftest import ensure_session_tenants
from tests.test_navigation_reachability import (
    ADMIN_WITHIN_TWO_CLICKS,
    PLATFORM,
    Actor,
    Crawl,
    World,
    crawl,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

FEATURED = [person for person in PEOPLE if person.featured]


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
