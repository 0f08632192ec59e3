"""From a service call to inbox rows: the subscriber, the Celery task (run inline), the rules."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role
from entente.core import events
from entente.discussions import services as discussions
from entente.notifications import preferences, services
from entente.notifications.models import Delivery, Notification, NotificationKind
from entente.notifications.tasks import create_notifications, notify_due_tasks
from entente.spaces.models import SpaceMembership, SpaceRole
from entente.spaces.services import add_space_member
from entente.tasks import services as tasks
from entente.tasks.models import Task
from realtime import payloads
from tenants.models import FederationLink, FederationState, Tenant
from tests.support.acting import seeding

from .conftest import World

pytestmark = pytest.mark.usefixtures("eager")


def _rows(**filters: Any) -> list[Notification]:
    return list(Notification.objects.filter(**filters).order_by("id"))


def test_assigning_a_task_notifies_the_assignee_once_with_a_link(
    world: World, published: list[events.Event], django_capture_on_commit_callbacks: Any
) -> None:
    editor, commenter = world.people["editor"], world.people["commenter"]
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        tasks.update_task(seeding(editor), world.task, assignee_ids=[editor.pk, commenter.pk])
    [row] = _rows(user=commenter, kind=NotificationKind.TASK_ASSIGNED)
    assert (
        row.title
        == "Claire Morand vous a confié la tâche « Reboucher le nid-de-poule rue des Lilas »"
    )
    assert row.url.startswith(f"http://{world.tenant.primary_host}")
    assert row.url.endswith(f"/taches/{world.task.pk}/")
    assert row.tenant == world.tenant
    assert row.actor == editor
    assert (row.object_type, row.object_id, row.space_id) == ("task", world.task.pk, world.space.pk)
    assert row.read_at is None
    # the actor hears nothing of their own doing
    assert not _rows(user=editor, kind=NotificationKind.TASK_ASSIGNED)
    created = [
        e
        for e in published
        if e.name == "notification.created"
        and e.tenant_schema == world.tenant.schema_name
        and e.user_ids == (commenter.pk,)
    ]
    assert [e.payload["notification_ids"] for e in created] == [[row.pk]]
    # The event carries the live message: the same as the hub's query would have built.
    live = created[0].payload["live"]
    assert live["recipients"] == [[commenter.pk, row.pk]]
    loaded = payloads.notifications_for([row.pk], [commenter.pk])
    assert loaded == {commenter.pk: [{**live["item"], "id": row.pk}]}


def test_the_task_is_idempotent_per_event(world: World) -> None:
    commenter = world.people["commenter"]
    args = (
        "task.assigned",
        world.tenant.schema_name,
        [commenter.pk],
        {"task_id": world.task.pk, "actor_id": world.people["editor"].pk},
        world.space.pk,
        "event-1",
    )
    first = create_notifications.apply(args=args).get()
    again = create_notifications.apply(args=args).get()
    assert len(first) == 1
    assert again == []
    assert len(_rows(user=commenter)) == 1
    # another event about the same task is another notification
    create_notifications.apply(args=(*args[:5], "event-2")).get()
    assert len(_rows(user=commenter)) == 2


def test_people_who_cannot_see_the_object_get_nothing(world: World) -> None:
    staff, outsider, reader = (world.people[k] for k in ("staff", "outsider", "reader"))
    services.create_for_event(
        "task.mentioned",
        world.tenant.schema_name,
        [staff.pk, outsider.pk, reader.pk],
        {"task_id": world.task.pk, "actor_id": world.people["editor"].pk},
        world.space.pk,
        "k",
    )
    assert [n.user_id for n in _rows(kind=NotificationKind.MENTIONED)] == [reader.pk]
    # removed from the space since: nothing more
    with world.enter():
        SpaceMembership.objects.filter(space=world.space, user=reader).delete()
    services.create_for_event(
        "task.mentioned",
        world.tenant.schema_name,
        [reader.pk],
        {"task_id": world.task.pk},
        world.space.pk,
        "k2",
    )
    assert len(_rows(user=reader)) == 1


def test_preferences_none_email_and_space_override(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    commenter, reader = world.people["commenter"], world.people["reader"]
    preferences.set_preference(commenter.pk, NotificationKind.MENTIONED, Delivery.NONE)
    preferences.set_preference(reader.pk, NotificationKind.MENTIONED, Delivery.NONE)
    preferences.set_preference(
        reader.pk,
        NotificationKind.MENTIONED,
        Delivery.EMAIL,
        tenant_id=world.tenant.pk,
        space_id=world.space.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.create_for_event(
            "task.mentioned",
            world.tenant.schema_name,
            [commenter.pk, reader.pk],
            {"task_id": world.task.pk},
            world.space.pk,
            "k",
        )
    assert not _rows(user=commenter)
    [row] = _rows(user=reader)
    assert row.delivery == Delivery.EMAIL
    row.refresh_from_db()
    assert row.emailed_at is not None
    [message] = mail.outbox
    assert message.to == [reader.email]
    assert "vous a mentionné" in message.subject
    assert row.url in message.body
    assert "/mon-compte/notifications/" in message.body
    # asked again (a retried task): not sent twice
    from entente.notifications.digests import send_at_once

    assert send_at_once([row.pk]) == 0
    assert len(mail.outbox) == 1


def test_comments_and_changes_reach_followers(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    editor, commenter, reader = (world.people[k] for k in ("editor", "commenter", "reader"))
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        tasks.update_task(seeding(editor), world.task, observer_ids=[reader.pk])
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        tasks.add_comment(seeding(commenter), world.task, body="<p>Fait ?</p>")
    followed = _rows(kind=NotificationKind.FOLLOWED_ACTIVITY, title__contains="a commenté")
    assert sorted(n.user_id for n in followed) == sorted([editor.pk, reader.pk])
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        tasks.complete_task(seeding(editor), world.task)
    done = _rows(kind=NotificationKind.FOLLOWED_ACTIVITY, title__contains="a terminé")
    assert [n.user_id for n in done] == [reader.pk]


def test_discussion_mentions_and_replies(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    editor, commenter, reader = (world.people[k] for k in ("editor", "commenter", "reader"))
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        thread = discussions.create_thread(
            seeding(editor),
            space=world.space,
            title="Fête du village",
            body=f"Qu'en pensez-vous @{commenter.email} ?",
        )
    [mention] = _rows(user=commenter, kind=NotificationKind.MENTIONED)
    assert "Fête du village" in mention.title
    assert mention.url.endswith(f"/espaces/{world.space.pk}/discussions/{thread.pk}/")
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        discussions.add_comment(seeding(reader), thread, body="Très bien")
    replies = _rows(kind=NotificationKind.FOLLOWED_ACTIVITY)
    assert [n.user_id for n in replies] == [editor.pk]
    assert "a répondu" in replies[0].title


def test_added_to_a_space(world: World, django_capture_on_commit_callbacks: Any) -> None:
    staff = world.people["staff"]
    admin_membership = Membership.objects.get(user=world.people["editor"], tenant=world.tenant)
    admin_membership.role = Role.ADMIN
    admin_membership.save()
    person = Membership.objects.get(user=staff, tenant=world.tenant)
    with world.enter(), django_capture_on_commit_callbacks(execute=True):
        add_space_member(admin_membership, world.space, person=person, role=SpaceRole.READER)
    [row] = _rows(user=staff)
    assert row.kind == NotificationKind.SPACE_INVITED
    assert "Voirie" in row.title
    assert row.url.endswith(f"/espaces/{world.space.pk}/")
    # the same arrival announced by another publisher (citizens, federation): still one row
    services.create_for_event(
        "space.member_added", world.tenant.schema_name, [staff.pk], {}, world.space.pk, "x"
    )
    assert len(_rows(user=staff)) == 1


def test_due_tomorrow_and_overdue_once_per_day(world: World) -> None:
    editor = world.people["editor"]
    today = datetime.date(2026, 11, 23)
    with world.enter():
        Task.objects.filter(pk=world.task.pk).update(due_date=today + datetime.timedelta(days=1))
        late = tasks.create_task(
            seeding(),
            space=world.space,
            title="Tailler la haie",
            assignee_ids=[editor.pk],
            due_date=today - datetime.timedelta(days=2),
        )
        assert services.notify_due_tasks(world.tenant, today) == 2
        assert services.notify_due_tasks(world.tenant, today) == 0
    kinds = {(n.kind, n.object_id) for n in _rows(user=editor)}
    assert kinds == {
        (NotificationKind.DUE_SOON, world.task.pk),
        (NotificationKind.OVERDUE, late.pk),
    }
    # the Celery task does the same in the schema it runs in
    with world.enter():
        assert notify_due_tasks.apply().get() == 0


def test_admins_hear_of_join_requests_and_trial_reminders(world: World, make_user: Any) -> None:
    admin = make_user("maire@lege.test", tenant=world.tenant, role=Role.ADMIN)
    services.create_for_event(
        "signup.join_requested",
        world.tenant.schema_name,
        [],
        {"join_request_id": 7, "name": "Jeanne Martin"},
    )
    services.create_for_event(
        "trial.reminder",
        world.tenant.schema_name,
        [],
        {"kind": "d7", "deadline": "2026-12-01", "days_left": 7},
    )
    rows = _rows(user=admin)
    assert [n.kind for n in rows] == [
        NotificationKind.JOIN_REQUEST,
        NotificationKind.TRIAL_REMINDER,
    ]
    assert rows[0].title == "Jeanne Martin demande à rejoindre Legé"
    assert rows[0].url.endswith("/administration/demandes/")
    assert "7 jour" in rows[1].title
    # nobody else of the tenant
    assert not Notification.objects.exclude(user=admin).exists()


def test_federation_invitation_goes_to_the_other_side(
    world: World, tenant_epci: Tenant, make_user: Any
) -> None:
    epci_admin = make_user("president@sud-retz.test", tenant=tenant_epci, role=Role.ADMIN)
    commune_admin = make_user("maire@lege.test", tenant=world.tenant, role=Role.ADMIN)
    link = FederationLink.objects.create(
        epci=tenant_epci, commune=world.tenant, state=FederationState.INVITED
    )
    payload = {
        "link_id": link.pk,
        "from_state": "",
        "to_state": FederationState.INVITED,
        "actor_id": epci_admin.pk,
        "acting_tenant_id": tenant_epci.pk,
    }
    services.create_for_event("federation.link_changed", "public", [], payload, None, "e1")
    [row] = _rows(kind=NotificationKind.FEDERATION)
    assert row.user == commune_admin
    assert row.tenant == world.tenant
    assert row.url.startswith(f"http://{world.tenant.primary_host}")
    payload |= {
        "to_state": FederationState.ACTIVE,
        "actor_id": commune_admin.pk,
        "acting_tenant_id": world.tenant.pk,
    }
    services.create_for_event("federation.link_changed", "public", [], payload, None, "e2")
    answer = _rows(kind=NotificationKind.FEDERATION, user=epci_admin)
    assert len(answer) == 1
    assert "a accepté" in answer[0].title
    assert answer[0].tenant == tenant_epci


def test_mark_read_touches_only_ones_own(world: World) -> None:
    commenter, reader = world.people["commenter"], world.people["reader"]
    services.create_for_event(
        "task.mentioned",
        world.tenant.schema_name,
        [commenter.pk, reader.pk],
        {"task_id": world.task.pk},
        world.space.pk,
        "k",
    )
    theirs = _rows(user=reader)[0]
    assert services.mark_read(commenter, theirs.pk) is False
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert services.mark_all_read(commenter) == 1
    assert services.mark_read(reader, theirs.pk) is True
    with tenant_context(world.tenant):
        assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_space_events_of_other_publishers(world: World, make_user: Any) -> None:
    """Citizens' invitations, federation spaces' joins, join requests and refusals."""
    editor, staff = world.people["editor"], world.people["staff"]
    citizen = make_user("habitant@exemple.fr")
    schema, space = world.tenant.schema_name, world.space.pk
    services.create_for_event(
        "space.invited",
        schema,
        [citizen.pk],
        {"invitation_id": 4, "space_id": space, "invited_by": editor.pk},
        space,
        "a",
    )
    [invited] = _rows(user=citizen)
    assert invited.kind == NotificationKind.SPACE_INVITED
    assert invited.title == "Claire Morand vous invite à rejoindre l'espace « Voirie » de Legé"
    # someone joined: the managers named are told who, the person themselves is not told here
    services.create_for_event(
        "space.member_added",
        schema,
        [staff.pk, editor.pk],
        {"space": "Voirie", "user_id": staff.pk},
        space,
        "b",
    )
    assert not _rows(user=staff)
    [joined] = _rows(user=editor)
    assert joined.title == f"{staff.display_name} a rejoint l'espace « Voirie »"
    services.create_for_event(
        "space.join_requested",
        schema,
        [editor.pk],
        {"space": "Voirie", "request_id": 9, "user_id": staff.pk},
        space,
        "c",
    )
    request = _rows(user=editor, kind=NotificationKind.JOIN_REQUEST)
    assert len(request) == 1
    assert request[0].url.endswith(f"/espaces/{space}/membres/")
    services.create_for_event(
        "space.join_refused", schema, [staff.pk], {"request_id": 9}, space, "d"
    )
    [refused] = _rows(user=staff)
    assert "n'a pas été acceptée" in refused.title
