"""`seed_demo` provisions the CC Sud Retz Atlantique and its 8 communes from the official data.

The demo is seeded once per module, inside a transaction rolled back at the module's end
(schemas included: PostgreSQL's DDL is transactional), so nothing stays behind; each test's own
transaction is a savepoint within it, so what a test changes is undone before the next. The
session tenants are set aside first, inside that transaction, so that the demo seeds from
nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.citizens.selectors import open_sections_of, pending_invitations
from entente.core.db import connection
from entente.demo.catalogue import (
    DEMO_PASSWORD,
    EPCI_SIREN,
    LEGE,
    MACHECOUL,
    PEOPLE,
    SPACES,
)
from entente.demo.services import DemoSummary, demo_is_seeded, demo_overview, seed_demo
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.spaces.selectors import space_role_of, spaces_for
from tenants.models import (
    FederationEvent,
    FederationLink,
    FederationState,
    Tenant,
    TenantKind,
    TenantState,
)
from tenants.provisioning import drop_schema

# Provisions 9 schemas per module; the official lists are imported once, committed.
pytestmark = [pytest.mark.slow, pytest.mark.django_db, pytest.mark.usefixtures("official_data")]

# The official list (INSEE COG 2026): CC Sud Retz Atlantique and its members.
MEMBERS = {
    "44087": "Machecoul-Saint-Même",
    "44081": "Legé",
    "44156": "Corcoué-sur-Logne",
    "44178": "Saint-Mars-de-Coutais",
    "44119": "Paulx",
    "44206": "Touvois",
    "44157": "Saint-Étienne-de-Mer-Morte",
    "44090": "La Marne",
}


def set_aside_every_tenant() -> None:
    """Within the test's transaction: the rollback brings them back, schemas included.

    Rows written earlier in the transaction (the module's demo) leave foreign-key checks
    pending, and PostgreSQL drops no table with pending checks: they are run first."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    for tenant in Tenant.objects.all():
        drop_schema(tenant.schema_name)
        tenant.delete()
    # A `transaction=True` test's flush empties the tenants' table but leaves their schemas.
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 't\\_%'")
        for (schema_name,) in cursor.fetchall():
            drop_schema(schema_name)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo seeded from nothing, once for the module (about 15 s), rolled back after it."""
    from entente.reference.services import ensure_reference_data

    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        ensure_reference_data()  # committed, before the transaction opens
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            set_aside_every_tenant()
            assert not demo_is_seeded()
            yield seed_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()


def demo_counts() -> dict[str, int]:
    return {
        "tenants": Tenant.objects.count(),
        "links": FederationLink.objects.count(),
        "events": FederationEvent.objects.count(),
        "people": User.objects.count(),
        "memberships": Membership.objects.count(),
        "emails": EmailAddress.objects.count(),
        "spaces": sum(_space_rows(tenant) for tenant in Tenant.objects.all()),
    }


def _space_rows(tenant: Tenant) -> int:
    with tenant_context(tenant):
        return Space.objects.count() + SpaceMembership.objects.count()


def test_the_epci_and_its_eight_communes_are_made_and_federated(seeded: DemoSummary) -> None:
    epci = Tenant.objects.get(kind=TenantKind.EPCI, official_code=EPCI_SIREN)
    communes = Tenant.objects.filter(kind=TenantKind.COMMUNE)

    assert epci.name == "CC Sud Retz Atlantique"
    assert epci.slug == "cc-sud-retz-atlantique"
    assert {c.official_code: c.name for c in communes} == MEMBERS
    assert communes.get(official_code=MACHECOUL).slug == "machecoul-saint-meme"
    assert all(t.state == TenantState.ACTIVE for t in [epci, *communes])
    assert all(t.population and t.departement == "44" for t in [epci, *communes])
    links = FederationLink.objects.filter(epci=epci)
    assert {link.commune.official_code for link in links} == set(MEMBERS)
    assert {link.state for link in links} == {FederationState.ACTIVE}
    for link in links:
        assert [(e.from_state, e.to_state, e.acting_tenant) for e in link.events.all()] == [
            ("", FederationState.INVITED, epci),
            (FederationState.INVITED, FederationState.ACTIVE, link.commune),
        ]
    assert (seeded.tenants, seeded.links) == (9, 8)


def test_every_tenant_has_people_in_every_role(seeded: DemoSummary) -> None:
    for tenant in Tenant.objects.all():
        roles = set(Membership.objects.filter(tenant=tenant).values_list("role", flat=True))
        assert {Role.ADMIN, Role.AGENT, Role.ELECTED} <= roles, tenant.name
    guests = Membership.objects.filter(role=Role.GUEST)
    assert [(g.tenant.official_code, g.user.full_name) for g in guests] == [
        (MACHECOUL, "Julie Perrin")
    ]
    assert User.objects.count() == len(PEOPLE) == seeded.people
    assert not User.objects.filter(full_name="").exists()
    assert not User.objects.filter(function="").exists()


def test_intercommunal_staff_also_in_a_commune_have_two_memberships(
    seeded: DemoSummary,
) -> None:
    brochard = User.objects.get(full_name="Julien Brochard")
    praud = User.objects.get(full_name="Aurélie Praud")

    assert sorted(brochard.memberships.values_list("tenant__official_code", "role")) == [
        (EPCI_SIREN, Role.AGENT),
        (MACHECOUL, Role.AGENT),
    ]
    assert sorted(praud.memberships.values_list("tenant__official_code", flat=True)) == [
        EPCI_SIREN,
        LEGE,
    ]


def test_demo_people_log_in_with_the_printed_password(seeded: DemoSummary) -> None:
    """Their e-mail is verified, so mandatory verification lets them in."""
    person = User.objects.get(full_name="Isabelle Giraudet")
    assert EmailAddress.objects.filter(user=person, email=person.email, verified=True).exists()
    machecoul = Tenant.objects.get(official_code=MACHECOUL)
    client = Client(HTTP_HOST=machecoul.primary_host)

    response = client.post("/comptes/login/", {"login": person.email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(person.pk)
    assert client.get("/").status_code == 200
    overview = demo_overview()
    assert overview.password == DEMO_PASSWORD
    assert person.email in {login.email for login in overview.logins}


def test_each_tenant_has_its_spaces(seeded: DemoSummary) -> None:
    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            names = set(Space.objects.values_list("name", flat=True))
            assert names == {space.name for space in SPACES[tenant.official_code]}, tenant.name
    epci = Tenant.objects.get(official_code=EPCI_SIREN)
    with tenant_context(epci):
        waste = Space.objects.get(name="Gestion des déchets")
        assert waste.visibility == Visibility.FEDERATION
        assert waste.created_by is not None
        assert waste.created_by.full_name == "Thomas Guérin"
        assert space_role_of(waste.created_by.pk, waste) == SpaceRole.EDITOR
    assert seeded.spaces == sum(len(spaces) for spaces in SPACES.values())


def test_the_invited_citizen_sees_the_public_project_and_nothing_else(
    seeded: DemoSummary,
) -> None:
    machecoul = Tenant.objects.get(official_code=MACHECOUL)
    guest = Membership.objects.get(tenant=machecoul, role=Role.GUEST)
    agent = Membership.objects.get(tenant=machecoul, user__full_name="Karine Tessier")
    with tenant_context(machecoul):
        seen_by_guest = [space.name for space in spaces_for(guest)]
        seen_by_agent = {space.name for space in spaces_for(agent)}
        contest = Space.objects.get(visibility=Visibility.PUBLIC_PROJECT)
        guest_role = space_role_of(guest.user_id, contest)
        opened = open_sections_of(contest)
        pending = [i.email for i in pending_invitations()]

    assert opened == ["discussions", "tasks"]
    assert pending == ["voisin.du.marais@courriel.test"]
    assert seen_by_guest == ["Concours photo « Regards sur le marais »"]
    assert guest_role == SpaceRole.COMMENTER
    assert len(seen_by_agent) == len(SPACES[MACHECOUL])


def test_a_second_run_creates_nothing(seeded: DemoSummary) -> None:
    before = demo_counts()

    again = seed_demo()

    assert demo_counts() == before
    assert again.created == 0
    assert seeded.created > 0
    assert (again.tenants, again.people, again.links, again.spaces) == (
        seeded.tenants,
        seeded.people,
        seeded.links,
        seeded.spaces,
    )


def test_staff_of_communes_work_in_the_cc_spaces_through_their_commune(
    seeded: DemoSummary,
) -> None:
    from entente.accounts.acting import federated_membership
    from entente.spaces.models import JoinPolicy, JoinRequestState, SpaceJoinRequest

    epci = Tenant.objects.get(official_code=EPCI_SIREN)
    machecoul = Tenant.objects.get(official_code=MACHECOUL)
    lege = Tenant.objects.get(official_code=LEGE)
    karine = User.objects.get(full_name="Karine Tessier")
    with tenant_context(epci):
        tourism = Space.objects.get(name="Tourisme")
        roads = Space.objects.get(name="Voirie et réseaux")
        childhood = Space.objects.get(name="Petite enfance")
        assert tourism.join_policy == JoinPolicy.OPEN
        assert childhood.join_policy == JoinPolicy.ON_REQUEST
        assert machecoul.pk in roads.federation_scope
        assert lege.pk in roads.federation_scope
        assert len(roads.federation_scope) == 3
        member = SpaceMembership.objects.get(space=tourism, user=karine)
        assert member.via_tenant_id == machecoul.pk
        assert SpaceJoinRequest.objects.get(space=childhood).state == JoinRequestState.PENDING
        stand_in = federated_membership(karine, epci)
        assert stand_in is not None
        assert list(spaces_for(stand_in)) == [tourism]
