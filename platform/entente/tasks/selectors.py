"""Reads of tasks, in the current tenant's schema. Visibility always follows the spaces'."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from entente.accounts.acting import is_federated
from entente.accounts.models import Membership, User
from entente.activity.models import ActivityEntry
from entente.activity.selectors import object_history
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.permissions import space_abilities
from entente.spaces.sections import guest_open_sections, with_section_open
from entente.spaces.selectors import space_people, spaces_for
from tenants.models import Tenant

from .models import Label, Task, TaskAttachment, TaskComment, TaskStatus

RELATIONS = ("assigned", "created", "observed", "all")
DUE_FILTERS = ("overdue", "week", "later", "none")
SORTS = {
    "due": ["due_date", "-priority", "id"],
    "priority": ["-priority", "due_date", "id"],
    "updated": ["-updated_at", "-id"],
}


def with_people(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Prefetch what a list or a card shows (space, labels, assignees) in a fixed few queries."""
    return tasks.select_related("space").prefetch_related(
        "labels", Prefetch("assignments", to_attr="assignment_list")
    )


def visible_tasks(membership: Membership) -> QuerySet[Task]:
    """Every task in the spaces this member may see (for a guest: where tasks are open)."""
    spaces = with_section_open(membership, spaces_for(membership), "tasks")
    return Task.objects.filter(space__in=spaces.values("pk"))


def tasks_of_space(space: Space) -> QuerySet[Task]:
    return Task.objects.filter(space=space)


def filter_by_due(tasks: QuerySet[Task], due: str | None, today: datetime.date) -> QuerySet[Task]:
    week_end = today + datetime.timedelta(days=6 - today.weekday())
    if due == "overdue":
        return tasks.filter(due_date__lt=today).exclude(status=TaskStatus.DONE)
    if due == "week":
        return tasks.filter(due_date__gte=today, due_date__lte=week_end)
    if due == "later":
        return tasks.filter(due_date__gt=week_end)
    if due == "none":
        return tasks.filter(due_date__isnull=True)
    return tasks


@dataclass(frozen=True)
class MyTaskFilters:
    relation: str = "assigned"
    statuses: tuple[str, ...] = ()
    space_id: int | None = None
    due: str | None = None
    sort: str = "due"


def my_tasks(
    membership: Membership, filters: MyTaskFilters, today: datetime.date
) -> QuerySet[Task]:
    """The tasks of « Mes tâches »: mine by `relation`, in spaces I may still see."""
    tasks = visible_tasks(membership)
    user_id = membership.user_id
    if filters.relation == "assigned":
        tasks = tasks.filter(assignments__user_id=user_id)
    elif filters.relation == "created":
        tasks = tasks.filter(created_by_id=user_id)
    elif filters.relation == "observed":
        tasks = tasks.filter(observations__user_id=user_id)
    else:
        tasks = tasks.filter(
            Q(assignments__user_id=user_id)
            | Q(created_by_id=user_id)
            | Q(observations__user_id=user_id)
        ).distinct()
    if filters.statuses:
        tasks = tasks.filter(status__in=filters.statuses)
    if filters.space_id:
        tasks = tasks.filter(space_id=filters.space_id)
    tasks = filter_by_due(tasks, filters.due, today)
    return with_people(tasks).order_by(*SORTS.get(filters.sort, SORTS["due"]))


def board_columns(space: Space) -> list[tuple[str, str, list[Task]]]:
    """(status, label, tasks) for each column of a space's board."""
    by_status: dict[str, list[Task]] = {status: [] for status in TaskStatus.values}
    for task in with_people(tasks_of_space(space)):
        by_status[task.status].append(task)
    return [(status, str(label), by_status[status]) for status, label in TaskStatus.choices]


def task_with_details(pk: int) -> Task | None:
    return (
        Task.objects.select_related("space", "previous")
        .prefetch_related(
            "labels",
            Prefetch("assignments", to_attr="assignment_list"),
            Prefetch("observations", to_attr="observation_list"),
        )
        .filter(pk=pk)
        .first()
    )


def comments_of(task: Task) -> QuerySet[TaskComment]:
    return task.comments.prefetch_related("revisions")


def attachments_of(task: Task) -> QuerySet[TaskAttachment]:
    return task.attachments.all()


def history_of(task: Task) -> QuerySet[ActivityEntry]:
    return object_history("task", task.pk)


def labels() -> QuerySet[Label]:
    return Label.objects.all()


def assignee_ids(task: Task) -> list[int]:
    return list(task.assignments.values_list("user_id", flat=True))


def observer_ids(task: Task) -> list[int]:
    return list(task.observations.values_list("user_id", flat=True))


def people_who_can_view(space: Space, tenant: Tenant) -> list[User]:
    """The people who may see `space` (the tenant's active members, and those of linked
    communes who joined a federation space): candidates to assign, observe, mention."""
    roles = dict(SpaceMembership.objects.filter(space=space).values_list("user_id", "role"))
    memberships = space_people(space, tenant)
    # Citizens only where the project opened its tasks to them (entente.citizens).
    # Federated stand-ins (staff of a linked commune, role guest on the EPCI) count as staff.
    staff = [m.is_staff_role or is_federated(m) for m in memberships]
    guests_see_tasks = not all(staff) and ("tasks" in guest_open_sections([space.pk])[space.pk])
    return [
        membership.user
        for membership, is_staff in zip(memberships, staff, strict=True)
        if (is_staff or guests_see_tasks)
        and space_abilities(membership, space, roles.get(membership.user_id), tenant=tenant).view
    ]


def users_by_id(ids: Iterable[int]) -> dict[int, User]:
    return {user.pk: user for user in User.objects.filter(pk__in=set(ids))}
