"""Task services: history with changes, events, recurrence (idempotent), comments, labels."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from entente.accounts.actors import RECURRENCE
from entente.accounts.models import Membership, Role
from entente.activity.models import ActivityEntry
from entente.core import events
from entente.tasks import labels, services
from entente.tasks.models import Label, Task, TaskStatus, contrast_ratio
from entente.tasks.tasks import roll_recurring_tasks, roll_recurring_tasks_everywhere
from tests.support.acting import member

from .conftest import World

D = datetime.date


def act(world: World, role: str) -> Membership:
    """The membership of `world`'s person of this role: the services decide as for a request."""
    return member(world.people[role], world.tenant)


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    events.subscribe(seen.append)
    yield seen
    events.unsubscribe(seen.append)


def recurring(world: World, **kwargs: object) -> Task:
    values: dict[str, object] = {
        "title": "Relever le pluviomètre",
        "due_date": D(2026, 11, 10),
        "recurrence_frequency": "monthly_weekday",
        "recurrence_weekday": 1,
        "recurrence_week": 2,
        "assignee_ids": [world.people["editor"].pk],
    }
    values.update(kwargs)
    return services.create_task(
        act(world, "editor"),
        space=world.space,
        **values,  # type: ignore[arg-type]
    )


def test_update_records_each_change(world: World) -> None:
    with world.enter():
        services.update_task(
            act(world, "editor"),
            world.task,
            due_date=D(2026, 12, 24),
            priority=3,
            title=world.task.title,  # unchanged: not in the history
        )
        entry = ActivityEntry.objects.get(object_id=world.task.pk, verb="task.updated")
    assert entry.changes == {"due_date": [None, "2026-12-24"], "priority": [2, 3]}


def test_no_change_no_history(world: World) -> None:
    with world.enter():
        services.update_task(act(world, "editor"), world.task, status="todo")
        assert not ActivityEntry.objects.filter(verb="task.updated").exists()


def test_readers_cannot_change_anything(world: World) -> None:
    """The services refuse by themselves: no caller hands them abilities."""
    with world.enter():
        reader = act(world, "reader")
        with pytest.raises(PermissionDenied):
            services.update_task(reader, world.task, title="x")
        with pytest.raises(PermissionDenied):
            services.complete_task(reader, world.task)
        with pytest.raises(PermissionDenied):
            services.add_comment(reader, world.task, body="x")
        with pytest.raises(PermissionDenied):
            services.delete_task(reader, world.task)
        with pytest.raises(PermissionDenied):
            services.create_task(reader, space=world.space, title="x")
        assert Task.objects.get(pk=world.task.pk).status == TaskStatus.TODO
        assert not world.task.comments.exists()


@pytest.mark.parametrize("role", ["staff", "guest", "outsider"])
def test_people_outside_the_space_cannot_write(world: World, role: str) -> None:
    person = world.people[role]
    with world.enter():
        acting = Membership.objects.filter(user=person, tenant=world.tenant).first()
        if acting is None:  # a member of another tenant, as if their membership were handed in
            acting = Membership.objects.get(user=person)
        with pytest.raises(PermissionDenied):
            services.update_task(acting, world.task, title="x")
        with pytest.raises(PermissionDenied):
            services.add_comment(acting, world.task, body="x")
        assert Task.objects.get(pk=world.task.pk).title != "x"


def test_commenters_comment_but_do_not_edit(world: World) -> None:
    with world.enter():
        commenter = act(world, "commenter")
        services.add_comment(commenter, world.task, body="Vu")
        with pytest.raises(PermissionDenied):
            services.move_task(commenter, world.task, status=TaskStatus.DONE)
        assert Task.objects.get(pk=world.task.pk).status == TaskStatus.TODO


def test_new_assignees_and_mentions_are_announced_after_commit(
    world: World, published: list[events.Event], django_capture_on_commit_callbacks: Any
) -> None:
    editor, reader, commenter = (world.people[r] for r in ("editor", "reader", "commenter"))
    with world.enter(), django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.update_task(
            act(world, "editor"),
            world.task,
            assignee_ids=[editor.pk, reader.pk],
            description="<p>Voir avec @paul.briand</p><script>alert(1)</script>",
        )
        assert not [e for e in published if e.name.startswith("task.")]  # not before commit
    assert callbacks
    with world.enter():
        task = Task.objects.get(pk=world.task.pk)
    assert "<script>" not in task.description
    names = {e.name: e for e in published}
    assert names["task.assigned"].user_ids == (reader.pk,)  # the actor is not told
    assert names["task.mentioned"].user_ids == (commenter.pk,)
    assert names["task.assigned"].tenant_schema == world.tenant.schema_name


def test_comments_announce_mentions_and_followers(
    world: World, published: list[events.Event], django_capture_on_commit_callbacks: Any
) -> None:
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        services.add_comment(act(world, "commenter"), world.task, body="Fait ? @lea.durand")
    names = {e.name: e for e in published}
    assert names["task.mentioned"].user_ids == (world.people["reader"].pk,)
    assert names["task.commented"].user_ids == (world.people["editor"].pk,)


def test_completing_a_recurring_task_makes_exactly_one_next(world: World) -> None:
    with world.enter():
        task = recurring(world)
        services.complete_task(act(world, "editor"), task)
        services.complete_task(act(world, "editor"), task)
        again = services.spawn_next_occurrence(task, today=D(2026, 11, 10))
        following = Task.objects.filter(previous=task)
        assert again is None
        assert following.count() == 1
        nxt = following.get()
        assert nxt.due_date == D(2026, 12, 8)  # 2nd Tuesday of December 2026
        assert nxt.status == TaskStatus.TODO
        assert list(nxt.assignments.values_list("user_id", flat=True)) == [
            world.people["editor"].pk
        ]
        assert nxt.recurrence_anchor == task.recurrence_anchor


def test_a_passed_due_date_brings_the_next_occurrence_once(world: World) -> None:
    with world.enter():
        task = recurring(world, recurrence_frequency="weekly", due_date=D(2026, 11, 16))
        assert services.roll_recurring_tasks(today=D(2026, 11, 16)) == 0  # due today: not yet
        assert services.roll_recurring_tasks(today=D(2026, 11, 17)) == 1
        assert services.roll_recurring_tasks(today=D(2026, 11, 17)) == 0
        nxt = Task.objects.get(previous=task)
        assert nxt.due_date == D(2026, 11, 23)
        task.refresh_from_db()
        assert task.status == TaskStatus.TODO  # the late one stays to do
        # Completing the late one later adds nothing: its next occurrence exists.
        services.complete_task(RECURRENCE, task)
        assert Task.objects.filter(previous=task).count() == 1


def test_far_behind_skips_to_the_first_date_from_today(world: World) -> None:
    with world.enter():
        task = recurring(world, recurrence_frequency="daily", due_date=D(2026, 1, 1))
        services.roll_recurring_tasks(today=D(2026, 3, 1))
        assert Task.objects.get(previous=task).due_date == D(2026, 3, 1)


def test_recurrence_takes_what_it_lacks_from_the_due_date(world: World) -> None:
    with world.enter():
        starts_today = recurring(world, due_date=None, recurrence_frequency="weekly")
        assert starts_today.due_date == timezone.localdate()
        # 2026-11-10 is the second Tuesday of November.
        second_tuesday = recurring(world, recurrence_weekday=None, recurrence_week=None)
        assert (second_tuesday.recurrence_weekday, second_tuesday.recurrence_week) == (1, 2)


def test_a_wrong_rule_or_a_removed_due_date_is_refused(world: World) -> None:
    with world.enter():
        with pytest.raises(ValidationError) as error:
            recurring(world, recurrence_week=0)
        assert "recurrence_interval" in error.value.message_dict
        task = recurring(world)
        with pytest.raises(ValidationError) as error:
            services.update_task(act(world, "editor"), task, due_date=None)
        assert "due_date" in error.value.message_dict


def test_celery_tasks_roll_in_each_tenant(world: World, settings: object) -> None:
    with world.enter():
        task = recurring(world, recurrence_frequency="daily", due_date=D(2020, 1, 1))
        assert roll_recurring_tasks.run() == 1
        assert Task.objects.filter(previous=task).count() == 1
    sent: list[str] = []
    original = roll_recurring_tasks.delay
    from django.db import connection

    roll_recurring_tasks.delay = lambda: sent.append(connection.schema_name)  # type: ignore[attr-defined]
    try:
        roll_recurring_tasks_everywhere.run()
    finally:
        roll_recurring_tasks.delay = original
    assert world.tenant.schema_name in sent
    assert "public" not in sent


def test_comment_edit_keeps_the_previous_text(world: World) -> None:
    with world.enter():
        commenter = act(world, "commenter")
        comment = services.add_comment(commenter, world.task, body="<p>Avant</p>")
        services.edit_comment(commenter, comment, body="<p>Après</p>")
        with pytest.raises(PermissionDenied):
            services.edit_comment(act(world, "editor"), comment, body="Pirate")
        comment.refresh_from_db()
        assert comment.body == "<p>Après</p>"
        assert comment.edited_at is not None
        assert list(comment.revisions.values_list("body", flat=True)) == ["<p>Avant</p>"]


def test_labels_unique_per_tenant_and_readable(world: World) -> None:
    with world.enter():
        editor = act(world, "editor")  # an agent: creates labels, does not manage them
        label = labels.create_label(editor, name="Voirie", color="#FFD700")
        assert label.color == "#ffd700"
        with pytest.raises(ValidationError):
            labels.create_label(editor, name="voirie", color="#000000")
        with pytest.raises(ValidationError):
            labels.create_label(editor, name="Eau", color="bleu")
        with pytest.raises(PermissionDenied):
            labels.update_label(editor, label, name="Autre")
        with pytest.raises(PermissionDenied):
            labels.delete_label(editor, label)
        with pytest.raises(PermissionDenied):
            labels.create_label(act(world, "guest"), name="Citoyens", color="#000000")
        assert Label.objects.get(pk=label.pk).name == "Voirie"


@pytest.mark.parametrize(
    "color", ["#ffd700", "#777777", "#1f6feb", "#000000", "#ffffff", "#e1000f"]
)
def test_label_text_always_meets_aa_contrast(color: str) -> None:
    label = Label(name="x", color=color)
    assert contrast_ratio(color, label.text_color) >= 4.5


def test_demo_tasks_are_realistic_and_seeded_once(world: World) -> None:
    from entente.tasks.demo import TASKS, seed_tasks

    team = [world.people["editor"], world.people["commenter"], world.people["staff"]]
    with world.enter():
        assert seed_tasks(world.space, team, today=D(2026, 11, 23)) == len(TASKS)
        assert seed_tasks(world.space, team, today=D(2026, 11, 23)) == 0
        seeded = Task.objects.filter(space=world.space).exclude(pk=world.task.pk)
        assert seeded.count() == len(TASKS)
        assert seeded.filter(due_date__lt=D(2026, 11, 23)).exists()  # something overdue
        assert seeded.exclude(recurrence_frequency="").count() == 3
        # « staff » cannot see this private space: never assigned.
        assert not seeded.filter(assignments__user=world.people["staff"]).exists()


def test_moving_the_due_date_moves_the_series(world: World) -> None:
    with world.enter():
        task = recurring(world, recurrence_frequency="monthly", due_date=D(2026, 11, 10))
        services.update_task(act(world, "editor"), task, due_date=D(2026, 11, 15))
        services.update_task(act(world, "editor"), task, status="done", today=D(2026, 11, 12))
        assert Task.objects.get(previous=task).due_date == D(2026, 12, 15)


def test_a_support_reader_writes_nothing_even_as_a_space_editor(world: World) -> None:
    """Vendor staff read during a support access; the services refuse their writes themselves
    (not only the console's middleware), even where their role alone would allow them."""
    stand_in = Membership(user=world.people["editor"], tenant=world.tenant, role=Role.ADMIN)
    stand_in.is_support_reader = True  # type: ignore[attr-defined]  # as entente.accounts builds it
    with world.enter():
        with pytest.raises(PermissionDenied):
            services.update_task(stand_in, world.task, title="Lu seulement")
        with pytest.raises(PermissionDenied):
            services.add_comment(stand_in, world.task, body="Lu seulement")
        with pytest.raises(PermissionDenied):
            labels.create_label(stand_in, name="Support", color="#000000")
        assert Task.objects.get(pk=world.task.pk).title != "Lu seulement"
        assert not Label.objects.filter(name="Support").exists()
