"""The home page works for the person (issue 19): what is pressing for them across their
collectivités, what others changed in their spaces since their previous visit, the next thing
to discover and, for admins, the adoption in three figures."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.last_seen import forget_visits, note_visit
from entente.accounts.models import Membership, Role, User
from entente.meetings.services import MeetingSpec, create_meeting
from entente.spaces.models import SpaceRole
from entente.spaces.services import add_space_member, create_space
from entente.tasks.services import create_task
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def _membership(user: User, tenant: Tenant) -> Membership:
    return Membership.objects.get(user=user, tenant=tenant)


def _section(html: str, title_id: str) -> str:
    start = html.find(f'id="{title_id}"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_pressing_work_changes_since_the_last_visit_and_the_next_discovery(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    anne = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Anne Leroy")
    bruno = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Bruno Caillaud")
    today = timezone.localdate()
    with tenant_context(tenant_a):
        roads = create_space(_membership(bruno, tenant_a), name="Voirie")
        add_space_member(
            _membership(bruno, tenant_a),
            roads,
            person=_membership(anne, tenant_a),
            role=SpaceRole.EDITOR,
        )
        elsewhere = create_space(_membership(bruno, tenant_a), name="Ressources humaines")
    # Anne's previous visit ended an hour ago; Bruno worked since, in her space and elsewhere.
    Membership.objects.filter(user=anne, tenant=tenant_a).update(
        previous_visit_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with tenant_context(tenant_a):
        create_task(
            _membership(bruno, tenant_a),
            space=roads,
            title="Reboucher les nids-de-poule",
            assignee_ids=[anne.pk],
            due_date=today - datetime.timedelta(days=2),
        )
        create_task(
            _membership(bruno, tenant_a),
            space=roads,
            title="Commander le sel",
            assignee_ids=[anne.pk],
            due_date=today,
        )
        create_task(_membership(bruno, tenant_a), space=elsewhere, title="Entretiens annuels")
        create_task(_membership(anne, tenant_a), space=roads, title="Ma propre tâche")
        create_meeting(
            _membership(bruno, tenant_a),
            space=roads,
            spec=MeetingSpec("Point voirie", timezone.localtime() + datetime.timedelta(minutes=2)),
        )
    html = client_for(tenant_a, anne).get("/").content.decode()

    work = _section(html, "home-work-title")
    assert "1 en retard" in work
    assert "Reboucher les nids-de-poule" in work
    assert "Commander le sel" in work
    assert 'href="/mon-travail/?filter=overdue"' in work
    assert work.index("Reboucher") < work.index("Commander")  # overdue first
    meetings = work[work.index("Vos réunions de la semaine") :]
    assert "Point voirie" in meetings
    assert "1 réunion" in work

    changes = _section(html, "home-changes-title")
    assert "Depuis votre dernière visite" in changes
    assert "Bruno Caillaud" in changes
    assert "Reboucher les nids-de-poule" in changes
    assert "Entretiens annuels" not in changes  # a space she is not in
    assert "Ma propre tâche" not in changes  # her own doing
    assert f'href="/espaces/{roads.pk}/"' in changes

    discovery = _section(html, "home-discovery-title")
    assert "Vous avez découvert" in discovery
    assert 'href="/mon-compte/decouverte/"' in discovery
    assert not _section(html, "home-adoption-title")  # an agent sees no adoption figures


def test_an_admin_sees_the_adoption_in_three_figures(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    make_user(tenant=tenant_a, role=Role.AGENT)
    adoption = _section(
        client_for(tenant_a, admin).get("/").content.decode(), "home-adoption-title"
    )
    assert "2 personnes inscrites" in adoption
    assert "ces 7 derniers jours" in adoption
    assert 'href="/administration/adoption/"' in adoption


def test_a_new_visit_keeps_the_end_of_the_previous_one(tenant_a: Tenant, make_user: Any) -> None:
    user = make_user(tenant=tenant_a, role=Role.AGENT)
    two_hours_ago = timezone.now() - datetime.timedelta(hours=2)
    Membership.objects.filter(user=user).update(last_seen_at=two_hours_ago)
    forget_visits()
    assert note_visit(_membership(user, tenant_a))
    row = _membership(user, tenant_a)
    assert row.previous_visit_at == two_hours_ago
    # Twenty minutes later, the same visit goes on: the previous one's end stays.
    Membership.objects.filter(pk=row.pk).update(
        last_seen_at=timezone.now() - datetime.timedelta(minutes=20)
    )
    forget_visits()
    assert note_visit(_membership(user, tenant_a))
    assert _membership(user, tenant_a).previous_visit_at == two_hours_ago


def test_nothing_pressing_says_so(tenant_a: Tenant, make_user: Any, client_for: Any) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    work = _section(client_for(tenant_a, agent).get("/").content.decode(), "home-work-title")
    assert "Rien ne vous attend" in work
