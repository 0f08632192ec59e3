"""Federation links: every transition, who may make it, and the history it leaves."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entente.federation.services import (
    accept_invitation,
    end_link,
    invite_commune,
    refuse_invitation,
)
from entente.federation.signals import federation_link_changed
from tenants.models import (
    FederationEvent,
    FederationLink,
    FederationState,
    Tenant,
    TenantState,
)

from .conftest import People

pytestmark = pytest.mark.usefixtures("official_data")

INVITED, ACTIVE, REFUSED, ENDED = (
    FederationState.INVITED,
    FederationState.ACTIVE,
    FederationState.REFUSED,
    FederationState.ENDED,
)
EVERYONE = ["epci_admin", "epci_agent", "commune_admin", "commune_agent", "outsider"]


def _events(link: FederationLink) -> list[tuple[str, str]]:
    return [(e.from_state, e.to_state) for e in FederationEvent.objects.filter(link=link)]


# -- Invite -------------------------------------------------------------------------------------


def test_the_epci_admin_invites_an_official_member(
    people: People, tenant_epci: Tenant, tenant_a: Tenant
) -> None:
    link = invite_commune(tenant_epci, tenant_a, actor=people.epci_admin, note="Bienvenue")
    assert link.state == INVITED
    event = FederationEvent.objects.get(link=link)
    assert (event.from_state, event.to_state) == ("", INVITED)
    assert event.actor == people.epci_admin
    assert event.acting_tenant == tenant_epci
    assert event.note == "Bienvenue"


@pytest.mark.parametrize("who", [p for p in EVERYONE if p != "epci_admin"])
def test_nobody_else_invites(
    people: People, tenant_epci: Tenant, tenant_a: Tenant, who: str
) -> None:
    with pytest.raises(PermissionDenied, match="administrateurs de CC Sud Retz Atlantique"):
        invite_commune(tenant_epci, tenant_a, actor=people[who])
    assert not FederationLink.objects.filter(epci=tenant_epci, commune=tenant_a).exists()


def test_only_an_epci_invites_and_only_a_commune_is_invited(
    people: People, tenant_epci: Tenant, tenant_a: Tenant, tenant_b: Tenant
) -> None:
    with pytest.raises(ValidationError, match="Seule une intercommunalité"):
        invite_commune(tenant_b, tenant_a, actor=people.outsider)
    with pytest.raises(ValidationError, match="Seule une commune"):
        invite_commune(tenant_epci, tenant_epci, actor=people.epci_admin)
    assert not FederationLink.objects.exists()


def test_a_commune_off_the_official_list_needs_the_explicit_flag(
    people: People, tenant_epci: Tenant, nantes: Tenant
) -> None:
    with pytest.raises(ValidationError, match="ne figure pas parmi les communes membres") as info:
        invite_commune(tenant_epci, nantes, actor=people.epci_admin)
    assert info.value.code == "not_an_official_member"
    assert not FederationLink.objects.filter(commune=nantes).exists()

    link = invite_commune(tenant_epci, nantes, actor=people.epci_admin, allow_unlisted=True)
    assert link.state == INVITED


def test_a_read_only_epci_cannot_invite(
    people: People, tenant_epci: Tenant, tenant_a: Tenant
) -> None:
    tenant_epci.state = TenantState.READ_ONLY
    with pytest.raises(ValidationError, match="lecture seule"):
        invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)


@pytest.mark.parametrize(
    ("state", "message"),
    [(INVITED, "déjà en attente"), (ACTIVE, "déjà liée")],
)
def test_inviting_again_while_invited_or_active_is_refused(
    people: People,
    tenant_epci: Tenant,
    tenant_a: Tenant,
    link_in: Callable[[str], FederationLink],
    state: str,
    message: str,
) -> None:
    link = link_in(state)
    before = _events(link)
    with pytest.raises(ValidationError, match=message):
        invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)
    link.refresh_from_db()
    assert link.state == state
    assert _events(link) == before


@pytest.mark.parametrize("state", [REFUSED, ENDED])
def test_the_epci_invites_again_after_a_refusal_or_an_end(
    people: People,
    tenant_epci: Tenant,
    tenant_a: Tenant,
    link_in: Callable[[str], FederationLink],
    state: str,
) -> None:
    link = link_in(state)
    again = invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)
    assert again.pk == link.pk  # the same row: its history keeps every transition
    assert again.state == INVITED
    assert _events(again)[-1] == (state, INVITED)
    assert FederationLink.objects.filter(epci=tenant_epci, commune=tenant_a).count() == 1


# -- Accept and refuse ---------------------------------------------------------------------------


def test_the_commune_admin_accepts(
    people: People, tenant_a: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(INVITED)
    returned = accept_invitation(link, actor=people.commune_admin, note="Avec plaisir")
    assert returned.state == ACTIVE
    assert link.state == ACTIVE  # the caller's object follows
    link.refresh_from_db()
    assert link.state == ACTIVE
    event = FederationEvent.objects.filter(link=link).last()
    assert event is not None
    assert (event.from_state, event.to_state, event.actor, event.acting_tenant, event.note) == (
        INVITED,
        ACTIVE,
        people.commune_admin,
        tenant_a,
        "Avec plaisir",
    )


def test_the_commune_admin_refuses_with_a_reason(
    people: People, tenant_a: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(INVITED)
    refuse_invitation(link, actor=people.commune_admin, note="  Pas maintenant  ")
    link.refresh_from_db()
    assert link.state == REFUSED
    event = FederationEvent.objects.filter(link=link).last()
    assert event is not None
    assert (event.to_state, event.acting_tenant, event.note) == (
        REFUSED,
        tenant_a,
        "Pas maintenant",
    )


@pytest.mark.parametrize("who", [p for p in EVERYONE if p != "commune_admin"])
@pytest.mark.parametrize("service", [accept_invitation, refuse_invitation])
def test_nobody_else_answers_an_invitation(
    people: People, link_in: Callable[[str], FederationLink], who: str, service: Any
) -> None:
    link = link_in(INVITED)
    with pytest.raises(PermissionDenied, match="administrateurs de Legé"):
        service(link, actor=people[who])
    link.refresh_from_db()
    assert link.state == INVITED
    assert _events(link) == [("", INVITED)]


@pytest.mark.parametrize(
    ("state", "message"),
    [(ACTIVE, "déjà liée"), (REFUSED, "a été refusée"), (ENDED, "a pris fin")],
)
@pytest.mark.parametrize("service", [accept_invitation, refuse_invitation])
def test_answering_is_only_for_a_pending_invitation(
    people: People,
    link_in: Callable[[str], FederationLink],
    state: str,
    message: str,
    service: Any,
) -> None:
    link = link_in(state)
    before = _events(link)
    with pytest.raises(ValidationError, match=message):
        service(link, actor=people.commune_admin)
    link.refresh_from_db()
    assert link.state == state
    assert _events(link) == before


def test_a_stale_object_does_not_fool_the_service(
    people: People, link_in: Callable[[str], FederationLink]
) -> None:
    """The state is read under lock from the database, not from the caller's copy."""
    link = link_in(INVITED)
    stale = FederationLink.objects.get(pk=link.pk)
    accept_invitation(link, actor=people.commune_admin)
    assert stale.state == INVITED
    with pytest.raises(ValidationError, match="déjà liée"):
        refuse_invitation(stale, actor=people.commune_admin)


# -- End ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "side"), [("epci_admin", "epci"), ("commune_admin", "commune")])
def test_either_admin_ends_an_active_link(
    people: People,
    tenant_epci: Tenant,
    tenant_a: Tenant,
    link_in: Callable[[str], FederationLink],
    who: str,
    side: str,
) -> None:
    acting = tenant_epci if side == "epci" else tenant_a
    link = link_in(ACTIVE)
    end_link(link, actor=people[who], acting_tenant=acting, note="Fin du projet")
    link.refresh_from_db()
    assert link.state == ENDED
    event = FederationEvent.objects.filter(link=link).last()
    assert event is not None
    assert (event.from_state, event.to_state, event.actor, event.acting_tenant) == (
        ACTIVE,
        ENDED,
        people[who],
        acting,
    )


@pytest.mark.parametrize(
    ("who", "acting"),
    [
        ("epci_agent", "tenant_epci"),
        ("commune_agent", "tenant_a"),
        ("outsider", "tenant_b"),
        ("outsider", "tenant_a"),  # claiming a tenant they are not a member of
        ("commune_admin", "tenant_epci"),  # an admin of one side cannot act as the other
        ("epci_admin", None),  # only support staff act without a tenant
    ],
)
def test_nobody_else_ends_a_link(
    people: People,
    link_in: Callable[[str], FederationLink],
    request: pytest.FixtureRequest,
    who: str,
    acting: str | None,
) -> None:
    link = link_in(ACTIVE)
    tenant = request.getfixturevalue(acting) if acting else None
    with pytest.raises(PermissionDenied, match="mettre fin"):
        end_link(link, actor=people[who], acting_tenant=tenant)
    link.refresh_from_db()
    assert link.state == ACTIVE


def test_the_epci_withdraws_a_pending_invitation(
    people: People, tenant_epci: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(INVITED)
    end_link(link, actor=people.epci_admin, acting_tenant=tenant_epci)
    link.refresh_from_db()
    assert link.state == ENDED
    assert _events(link) == [("", INVITED), (INVITED, ENDED)]


def test_the_commune_refuses_rather_than_ends_an_invitation(
    people: People, tenant_a: Tenant, link_in: Callable[[str], FederationLink]
) -> None:
    link = link_in(INVITED)
    with pytest.raises(ValidationError, match="acceptez-la ou refusez-la"):
        end_link(link, actor=people.commune_admin, acting_tenant=tenant_a)


@pytest.mark.parametrize(("state", "message"), [(REFUSED, "a été refusée"), (ENDED, "a pris fin")])
def test_ending_needs_a_live_link(
    people: People,
    tenant_epci: Tenant,
    link_in: Callable[[str], FederationLink],
    state: str,
    message: str,
) -> None:
    link = link_in(state)
    with pytest.raises(ValidationError, match=message):
        end_link(link, actor=people.epci_admin, acting_tenant=tenant_epci)


def test_support_staff_end_a_link_with_a_reason_only(
    people: People, make_user: Callable[..., Any], link_in: Callable[[str], FederationLink]
) -> None:
    support = make_user("support@entente.test", is_staff=True)
    link = link_in(ACTIVE)
    with pytest.raises(ValidationError, match="Indiquez pourquoi"):
        end_link(link, actor=support, acting_tenant=None, note=" ")
    end_link(link, actor=support, acting_tenant=None, note="Demande écrite du maire")
    event = FederationEvent.objects.filter(link=link).last()
    assert event is not None
    assert (event.to_state, event.actor, event.acting_tenant) == (ENDED, support, None)


@pytest.mark.parametrize("service", [accept_invitation, refuse_invitation])
def test_support_staff_never_consent_for_a_commune(
    make_user: Callable[..., Any], link_in: Callable[[str], FederationLink], service: Any
) -> None:
    support = make_user("support@entente.test", is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDenied):
        service(link_in(INVITED), actor=support)


# -- The whole life of a link, and what it announces ------------------------------------------


def test_a_full_history_is_recorded_in_order(
    people: People, tenant_epci: Tenant, tenant_a: Tenant
) -> None:
    link = invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)
    refuse_invitation(link, actor=people.commune_admin)
    invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)
    accept_invitation(link, actor=people.commune_admin)
    end_link(link, actor=people.commune_admin, acting_tenant=tenant_a)
    assert _events(link) == [
        ("", INVITED),
        (INVITED, REFUSED),
        (REFUSED, INVITED),
        (INVITED, ACTIVE),
        (ACTIVE, ENDED),
    ]


def test_changes_are_announced_after_commit_only(
    people: People,
    tenant_epci: Tenant,
    tenant_a: Tenant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    received: list[dict[str, Any]] = []

    def receiver(sender: type, **kwargs: Any) -> None:
        received.append(kwargs)

    federation_link_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            link = invite_commune(tenant_epci, tenant_a, actor=people.epci_admin)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
    finally:
        federation_link_changed.disconnect(receiver)
    assert len(received) == 1
    assert received[0]["link_id"] == link.pk
    assert (received[0]["from_state"], received[0]["to_state"]) == ("", INVITED)
    assert received[0]["actor_id"] == people.epci_admin.pk
    assert received[0]["acting_tenant_id"] == tenant_epci.pk


def test_a_failed_transition_leaves_nothing(
    people: People,
    link_in: Callable[[str], FederationLink],
    django_capture_on_commit_callbacks: Any,
) -> None:
    link = link_in(ACTIVE)
    count = FederationEvent.objects.count()
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(ValidationError):
        accept_invitation(link, actor=people.commune_admin)
    assert callbacks == []
    assert FederationEvent.objects.count() == count
