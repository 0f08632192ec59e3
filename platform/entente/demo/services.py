"""The demo: the CC Sud Retz Atlantique and its eight communes, federated, with people and spaces.

`seed_demo()` is idempotent: it creates what is missing and changes nothing that exists (not
even a role or a password someone changed since), so a second run creates nothing. It runs in
one transaction (PostgreSQL's DDL is transactional, schemas included): an interrupted seed
leaves nothing behind, which is what lets `make run` take the demo EPCI's tenant as the sign
that the demo is complete.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.accounts.services import add_member
from entente.analytics.demo import seed_usage
from entente.checklists.demo import seed_procedure_templates
from entente.checklists.models import ProcedureTemplate
from entente.citizens.demo import seed_citizens
from entente.documents.demo import seed_documents
from entente.federation.services import accept_invitation, invite_commune
from entente.meetings.demo import seed_meetings
from entente.reference.services import ensure_reference_data
from entente.search.services import reindex_tenant
from entente.spaces.models import Space, SpaceJoinRequest, SpaceMembership, Visibility
from entente.spaces.selectors import space_role_of
from entente.spaces.services import add_space_member, create_space
from entente.tasks.demo import seed_tasks
from entente.team.demo import seed_team
from tenants.models import (
    FederationLink,
    FederationState,
    Tenant,
    TenantKind,
    TenantPlan,
    TenantState,
)
from tenants.provisioning import create_tenant, retry_provisioning

from . import official
from .catalogue import DEMO_PASSWORD, EPCI_SIREN, PEOPLE, SPACES, DemoPerson, DemoSpace

COUNTRY = "FR"


@dataclass
class DemoSummary:
    """What the demo holds after a run, and how many rows this run created."""

    tenants: int = 0
    people: int = 0
    memberships: int = 0
    links: int = 0
    spaces: int = 0
    created: int = 0


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


@dataclass
class DemoOverview:
    tenants: list[Tenant] = field(default_factory=list)
    logins: list[DemoLogin] = field(default_factory=list)
    password: str = DEMO_PASSWORD


# -- Reads --------------------------------------------------------------------------------------


def demo_epci() -> Tenant | None:
    return Tenant.objects.filter(
        country=COUNTRY, kind=TenantKind.EPCI, official_code=EPCI_SIREN
    ).first()


def demo_is_seeded() -> bool:
    """The demo EPCI exists: `seed_demo` made everything with it, in one transaction."""
    return demo_epci() is not None


def demo_tenants() -> list[Tenant]:
    """The demo's tenants that exist: the EPCI first, then its communes by population."""
    epci = demo_epci()
    if epci is None:
        return []
    communes = Tenant.objects.filter(
        epci_links__epci=epci, epci_links__state=FederationState.ACTIVE
    ).order_by(F("population").desc(nulls_last=True), "name")
    return [epci, *communes]


def demo_overview(*, everyone: bool = False) -> DemoOverview:
    """The URLs and logins to print: the featured people, or `everyone`."""
    tenants = demo_tenants()
    if not tenants:
        return DemoOverview()
    wanted = [person for person in PEOPLE if everyone or person.featured]
    users = {
        user.email: user
        for user in User.objects.filter(email__in=[p.email for p in wanted]).prefetch_related(
            "memberships__tenant"
        )
    }
    logins = []
    for person in wanted:
        user = users.get(person.email)
        if user is None:
            continue
        roles = " ; ".join(
            f"{membership.get_role_display()} · {membership.tenant.name}"
            for membership in sorted(user.memberships.all(), key=_epci_first)
        )
        logins.append(DemoLogin(user.email, f"{user.full_name}, {user.function} ({roles})"))
    return DemoOverview(tenants=tenants, logins=logins)


def _epci_first(membership: Membership) -> tuple[bool, str]:
    return (membership.tenant.kind != TenantKind.EPCI, membership.tenant.name)


# -- The seed -----------------------------------------------------------------------------------


def seed_demo() -> DemoSummary:
    """Provision the demo (or complete it); return what it holds."""
    ensure_reference_data()  # the official lists, on a fresh database
    summary = _seed()
    seed_usage(demo_tenants())  # people at every level of discovery (entente.analytics)
    for tenant in demo_tenants():  # search finds the seeded data at once, worker or not
        reindex_tenant(tenant)
    return summary


@transaction.atomic
def _seed() -> DemoSummary:
    summary = DemoSummary()
    epci_body, commune_bodies = official.epci_with_members(EPCI_SIREN)
    tenants = {body.code: _ensure_tenant(body, summary) for body in (epci_body, *commune_bodies)}
    users = {person: _ensure_person(person, tenants, summary) for person in PEOPLE}
    admins = {
        code: user
        for person, user in users.items()
        for code, role in person.memberships
        if role == Role.ADMIN
    }
    epci = tenants[EPCI_SIREN]
    for body in commune_bodies:
        commune = tenants[body.code]
        _ensure_link(epci, commune, admins[EPCI_SIREN], admins[body.code], summary)
    for code, spaces in SPACES.items():
        _ensure_spaces(tenants[code], spaces, summary)

    summary.tenants = len(tenants)
    summary.people = len(users)
    summary.memberships = Membership.objects.filter(user__in=users.values()).count()
    summary.links = FederationLink.objects.filter(epci=epci, state=FederationState.ACTIVE).count()
    return summary


def _ensure_tenant(body: official.OfficialBody, summary: DemoSummary) -> Tenant:
    tenant = Tenant.objects.filter(country=COUNTRY, kind=body.kind, official_code=body.code).first()
    if tenant is None:
        tenant = create_tenant(
            name=body.name,
            kind=body.kind,
            official_code=body.code,
            country=COUNTRY,
            population=body.population,
            departement=body.departement,
            state=TenantState.ACTIVE,
        )
        tenant.plan = TenantPlan.FEDERATION if body.kind == TenantKind.EPCI else TenantPlan.STANDARD
        tenant.save(update_fields=["plan"])
        summary.created += 1
    elif tenant.state == TenantState.FAILED:
        retry_provisioning(tenant, final_state=TenantState.ACTIVE)
    return tenant


def _ensure_person(person: DemoPerson, tenants: dict[str, Tenant], summary: DemoSummary) -> User:
    email = person.email
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            password=_demo_password_hash(),
            full_name=person.full_name,
            function=person.function,
        )
        # Verified, so that login works with mandatory e-mail verification.
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        for code, role in person.memberships:
            add_member(tenants[code], user, role)
        summary.created += 2 + len(person.memberships)
        return user
    # The person exists: add what is missing, change nothing (their role may have changed).
    if not EmailAddress.objects.filter(user=user, email__iexact=email).exists():
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        summary.created += 1
    member_of = set(user.memberships.values_list("tenant_id", flat=True))
    for code, role in person.memberships:
        if tenants[code].pk not in member_of:
            add_member(tenants[code], user, role)
            summary.created += 1
    return user


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once for everyone: a real hasher takes a good part of a second per call."""
    return make_password(DEMO_PASSWORD)


def _ensure_link(
    epci: Tenant, commune: Tenant, epci_admin: User, commune_admin: User, summary: DemoSummary
) -> None:
    """An active federation link, made as in real life: the EPCI invites, the commune accepts."""
    if FederationLink.objects.filter(epci=epci, commune=commune).exists():
        return
    link = invite_commune(
        epci, commune, actor=epci_admin, note=_("Invitation de la démonstration.")
    )
    accept_invitation(link, actor=commune_admin, note=_("Acceptée (démonstration)."))
    summary.created += 1


def _federation_settings(demo: DemoSpace) -> dict[str, Any]:
    if demo.visibility != Visibility.FEDERATION:
        return {}
    codes = Tenant.objects.filter(official_code__in=demo.scope).values_list("pk", flat=True)
    return {"join_policy": demo.join_policy, "federation_scope": list(codes)}


def _demo_users(names: list[str]) -> list[User]:
    emails = {person.full_name: person.email for person in PEOPLE}
    found = {u.email: u for u in User.objects.filter(email__in=[emails[n] for n in names])}
    return [found[emails[name]] for name in names]


def _ensure_federated_people(space: Space, demo: DemoSpace) -> int:
    """Staff of linked communes in an EPCI's federation space, through their commune, and
    requests waiting for its editors (in the EPCI's schema; the demo is trusted code)."""
    if not demo.federated and not demo.asked:
        return 0
    names = [name for name, *_rest in demo.federated] + [name for name, _code in demo.asked]
    users = {user.full_name: user for user in _demo_users(names)}
    communes = dict(Tenant.objects.values_list("official_code", "pk"))
    made = 0
    for name, role, code in demo.federated:
        _member, created = SpaceMembership.objects.get_or_create(
            space=space,
            user=users[name],
            defaults={"role": role, "via_tenant_id": communes[code]},
        )
        made += int(created)
    for name, code in demo.asked:
        if not SpaceJoinRequest.objects.filter(space=space, user=users[name]).exists():
            SpaceJoinRequest.objects.create(
                space=space,
                user=users[name],
                via_tenant_id=communes[code],
                message=_("Je souhaite suivre ce travail pour ma commune."),
            )
            made += 1
    return made


def _ensure_spaces(tenant: Tenant, spaces: tuple[DemoSpace, ...], summary: DemoSummary) -> None:
    """Each space opened by its owner (its first editor), then its members added by the admin."""
    emails = {person.email for person in PEOPLE}
    people = {
        membership.user.full_name: membership
        for membership in Membership.objects.filter(tenant=tenant, user__email__in=emails)
        .select_related("user", "tenant")
        .order_by("pk")
    }
    admin = next(m for m in people.values() if m.role == Role.ADMIN)
    with tenant_context(tenant):
        existing = {
            space.name: space for space in Space.objects.filter(name__in=[s.name for s in spaces])
        }
        for demo in spaces:
            space = existing.get(demo.name)
            if space is None:
                owner = people[demo.owner] if demo.owner else admin
                space = create_space(
                    owner,
                    name=demo.name,
                    kind=demo.kind,
                    visibility=demo.visibility,
                    description=demo.description,
                    **_federation_settings(demo),
                )
                summary.created += 1
            summary.created += _ensure_federated_people(space, demo)
            for name, role in demo.members:
                person = people[name]
                if space_role_of(person.user_id, space) is None:
                    add_space_member(admin, space, person=person, role=role)
                    summary.created += 1
            summary.spaces += 1
            if demo.visibility == Visibility.PUBLIC_PROJECT:
                # Julie Perrin's project opens discussions and tasks; one invitation waits.
                owner_user = (people[demo.owner] if demo.owner else admin).user
                summary.created += seed_citizens(space, owner_user)
            # Activity to look at: a space's people get tasks (none in the citizens' project).
            if demo.visibility != Visibility.PUBLIC_PROJECT:
                space_people = [people[name].user for name, _role in demo.members]
                space_people += _demo_users([name for name, *_rest in demo.federated])
                owner_user = (people[demo.owner] if demo.owner else admin).user
                summary.created += seed_tasks(space, [owner_user, *space_people])
                summary.created += seed_documents(
                    space, people[demo.owner] if demo.owner else admin
                )
                # After the documents: the next council's first item has one attached.
                summary.created += seed_meetings(space, [owner_user, *space_people])
        # Procedures every commune runs: council, election day, building permit.
        # A newcomer the admin invited, who has not answered yet.
        summary.created += seed_team(tenant.slug, admin.user)
        templates_before = ProcedureTemplate.objects.count()
        seed_procedure_templates(admin.user)
        summary.created += ProcedureTemplate.objects.count() - templates_before
