"""Anne's work in Legé (agent), Paulx (elected) and the CC Sud Retz Atlantique (federated).

Each tenant also holds things that must never show: someone else's task, a done task, a task of
a space Anne may not open, a closed checklist, a read mention.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.accounts.services import add_member
from entente.checklists.models import Checklist, ChecklistItem
from entente.notifications.models import Notification, NotificationKind
from entente.spaces.models import Space, SpaceMembership, Visibility
from entente.tasks.models import Task, TaskAssignment, TaskStatus
from tenants.models import FederationLink, FederationState, Tenant


def make_task(
    space: Space,
    title: str,
    *,
    assignees: tuple[User, ...] = (),
    due: datetime.date | None = None,
    status: str = TaskStatus.TODO,
) -> Task:
    task = Task.objects.create(space=space, title=title, due_date=due, status=status)
    for person in assignees:
        TaskAssignment.objects.create(task=task, user=person)
    return task


def mention(user: User, tenant: Tenant, title: str, *, read: bool = False) -> Notification:
    return Notification.objects.create(
        user=user,
        tenant=tenant,
        kind=NotificationKind.MENTIONED,
        title=title,
        url=tenant.url("/discussions/1/"),
        read_at=timezone.now() if read else None,
    )


@dataclass
class World:
    anne: User
    colleague: User
    today: datetime.date
    ids: dict[str, int] = field(default_factory=dict)  # title → object id


@pytest.fixture
def world(
    make_user: Callable[..., User], tenant_a: Tenant, tenant_b: Tenant, tenant_epci: Tenant
) -> World:
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    anne = make_user("anne@lege.test", tenant=tenant_a, role=Role.AGENT, full_name="Anne")
    add_member(tenant_b, anne, Role.ELECTED)
    colleague = make_user("bruno@lege.test", tenant=tenant_a, role=Role.AGENT)
    FederationLink.objects.create(epci=tenant_epci, commune=tenant_a, state=FederationState.ACTIVE)
    world = World(anne=anne, colleague=colleague, today=today)
    ids = world.ids

    with tenant_context(tenant_a):
        roads = Space.objects.create(name="Voirie", visibility=Visibility.TENANT)
        secret = Space.objects.create(name="Ressources humaines", visibility=Visibility.PRIVATE)
        for task in (
            make_task(roads, "Lege en retard", assignees=(anne,), due=today - 3 * day),
            make_task(roads, "Lege plus tard", assignees=(anne, colleague), due=today + 40 * day),
            make_task(roads, "Lege terminee", assignees=(anne,), due=today, status="done"),
            make_task(roads, "Lege de Bruno", assignees=(colleague,), due=today),
            make_task(secret, "Lege espace prive", assignees=(anne,), due=today),
        ):
            ids[task.title] = task.pk
        mine = Checklist.objects.create(
            space=roads, name="Conseil municipal", reference_date=today, created_by=anne
        )
        step_done = make_task(roads, "Etape faite", assignees=(colleague,), status="done")
        step_open = make_task(roads, "Etape ouverte", assignees=(colleague,), due=today + 60 * day)
        ChecklistItem.objects.create(checklist=mine, title="Faite", task=step_done, position=0)
        ChecklistItem.objects.create(checklist=mine, title="Ouverte", task=step_open, position=1)
        closed = Checklist.objects.create(
            space=roads, name="Procedure close", reference_date=today, created_by=anne
        )
        closed_step = make_task(roads, "Etape close", status="done")
        ChecklistItem.objects.create(checklist=closed, title="Close", task=closed_step)
        ids["Conseil municipal"] = mine.pk
        ids["Procedure close"] = closed.pk

    with tenant_context(tenant_b):
        council = Space.objects.create(name="Conseil", visibility=Visibility.PRIVATE)
        SpaceMembership.objects.create(space=council, user=anne, role="editor")
        elections = Checklist.objects.create(
            space=council, name="Elections", reference_date=today, created_by=colleague
        )
        for task in (
            make_task(council, "Paulx cette semaine", assignees=(anne,), due=today),
            make_task(council, "Paulx sans echeance", assignees=(anne,)),
        ):
            ids[task.title] = task.pk
        step = make_task(council, "Paulx bureau de vote", assignees=(anne,), due=today + 50 * day)
        ChecklistItem.objects.create(checklist=elections, title="Bureau de vote", task=step)
        ids["Paulx bureau de vote"] = step.pk
        ids["Elections"] = elections.pk

    with tenant_context(tenant_epci):
        tourism = Space.objects.create(name="Tourisme", visibility=Visibility.FEDERATION)
        SpaceMembership.objects.create(
            space=tourism, user=anne, role="editor", via_tenant_id=tenant_a.pk
        )
        not_joined = Space.objects.create(name="Déchets", visibility=Visibility.FEDERATION)
        staff_only = Space.objects.create(name="Personnel", visibility=Visibility.TENANT)
        for task in (
            make_task(tourism, "EPCI tourisme", assignees=(anne,), due=today + 10 * day),
            make_task(not_joined, "EPCI pas rejoint", assignees=(anne,), due=today),
            make_task(staff_only, "EPCI reserve au personnel", assignees=(anne,), due=today),
        ):
            ids[task.title] = task.pk

    ids["Mention Paulx"] = mention(anne, tenant_b, "Mention Paulx").pk
    ids["Mention lue"] = mention(anne, tenant_b, "Mention lue", read=True).pk
    ids["Mention de Bruno"] = mention(colleague, tenant_a, "Mention de Bruno").pk
    return world


# What Anne must see, and what she must not.
VISIBLE = {
    "Lege en retard",
    "Lege plus tard",
    "Conseil municipal",
    "Paulx cette semaine",
    "Paulx sans echeance",
    "Paulx bureau de vote",
    "Elections",
    "EPCI tourisme",
    "Mention Paulx",
}
HIDDEN = {
    "Lege terminee",
    "Lege de Bruno",
    "Lege espace prive",
    "Etape faite",
    "Etape ouverte",
    "Procedure close",
    "EPCI pas rejoint",
    "EPCI reserve au personnel",
    "Mention lue",
    "Mention de Bruno",
}
