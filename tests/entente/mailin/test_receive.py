"""`receive_message`: who may turn an e-mail into a task, and what a refusal leaves (nothing)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from entente.mailin import services
from entente.mailin.models import InboundAddress, InboundMessage
from entente.spaces.models import Space
from entente.tasks.models import Task, TaskAttachment
from tests.support.acting import member
from tests.support.actors import SpaceActors


def raw_message(
    sender: str,
    to: str,
    subject: str = "Réparer l'éclairage du stade",
    body: str = "Le projecteur nord ne s'allume plus.\nMerci !",
    attachment: bytes | None = None,
    message_id: str = "<m1@mairie-lege.fr>",
    **headers: str,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Quelqu'un <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    if attachment is not None:
        message.add_attachment(
            attachment, maintype="application", subtype="pdf", filename="devis.pdf"
        )
    return message.as_bytes()


@pytest.fixture
def space_address(actors: SpaceActors) -> InboundAddress:
    return services.address_of_space(actors.tenant, actors.space)


def _tasks(actors: SpaceActors) -> list[Task]:
    with actors.inside():
        return list(Task.objects.filter(space=actors.space).prefetch_related("assignments"))


def test_a_member_with_edit_rights_creates_a_task_and_is_acknowledged(
    actors: SpaceActors,
    space_address: InboundAddress,
    django_capture_on_commit_callbacks: Any,
    tmp_path: Any,
) -> None:
    editor = actors.people["editor"]
    with override_settings(MEDIA_ROOT=tmp_path), django_capture_on_commit_callbacks(execute=True):
        receipt = services.receive_message(
            raw_message(editor.email.upper(), space_address.email, attachment=b"%PDF-1.4 devis"),
            envelope_to=space_address.email,
        )
    [task] = _tasks(actors)
    assert receipt.task_id == task.pk
    assert not receipt.duplicate
    assert task.title == "Réparer l'éclairage du stade"
    assert task.description == "<p>Le projecteur nord ne s'allume plus.<br>Merci !</p>"
    assert task.created_by_id == editor.pk
    assert list(task.assignments.all()) == []
    with actors.inside():
        [attachment] = TaskAttachment.objects.filter(task=task)
        assert attachment.name == "devis.pdf"
        assert attachment.size == len(b"%PDF-1.4 devis")
    [ack] = mail.outbox
    assert ack.to == [editor.email]
    assert ack.subject == "Tâche créée : Réparer l'éclairage du stade"
    assert receipt.url in ack.body
    assert actors.tenant.primary_host in receipt.url
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["In-Reply-To"] == "<m1@mairie-lege.fr>"


def test_a_plus_suffix_assigns_the_named_person(
    actors: SpaceActors, space_address: InboundAddress
) -> None:
    to = space_address.email.replace("@", "+lea.martin@")
    services.receive_message(raw_message(actors.people["editor"].email, to), envelope_to=to)
    [task] = _tasks(actors)
    assert [a.user_id for a in task.assignments.all()] == [actors.people["reader"].pk]


def test_a_personal_address_lands_in_the_chosen_space_assigned_to_its_owner(
    actors: SpaceActors,
) -> None:
    owner = actors.people["editor"]
    address = services.address_of_person(actors.tenant, owner)
    to = address.email
    with actors.inside():
        services.set_default_space(member(owner, actors.tenant), actors.space)
    services.receive_message(raw_message(actors.people["admin"].email, to), envelope_to=to)
    [task] = _tasks(actors)
    assert [a.user_id for a in task.assignments.all()] == [owner.pk]
    assert task.created_by_id == actors.people["admin"].pk


def test_a_personal_address_works_at_once_in_the_only_space_its_owner_edits(
    actors: SpaceActors,
) -> None:
    """No setting touched: the editor belongs to one space, so their first mail lands there."""
    owner = actors.people["editor"]
    address = services.address_of_person(actors.tenant, owner)
    receipt = services.receive_message(
        raw_message(owner.email, address.email), envelope_to=address.email
    )
    [task] = _tasks(actors)
    assert task.pk == receipt.task_id
    assert [a.user_id for a in task.assignments.all()] == [owner.pk]
    address.refresh_from_db()
    assert address.default_space_id is None  # still the person's to choose


def test_a_personal_address_without_a_single_space_files_into_personal_tasks(
    actors: SpaceActors,
) -> None:
    """Staff in no space (or several): a private space of their own, made once, kept."""
    owner = actors.people["staff"]
    address = services.address_of_person(actors.tenant, owner)
    to = address.email
    first = services.receive_message(raw_message(owner.email, to), envelope_to=to)
    second = services.receive_message(
        raw_message(owner.email, to, subject="Commander du papier", message_id="<m2@x.fr>"),
        envelope_to=to,
    )
    assert _tasks(actors) == []  # nothing in a space they do not edit
    with actors.inside():
        tasks = list(Task.objects.filter(pk__in=[first.task_id, second.task_id]))
        assert len(tasks) == 2
        [space_id] = {task.space_id for task in tasks}
        personal = Space.objects.get(pk=space_id)
        assert personal.visibility == "private"
        assert list(personal.memberships.values_list("user_id", "role")) == [(owner.pk, "editor")]
        assert all([a.user_id for a in t.assignments.all()] == [owner.pk] for t in tasks)
    address.refresh_from_db()
    assert address.default_space_id == personal.pk


def test_a_guest_personal_address_is_refused_with_the_reason(actors: SpaceActors) -> None:
    guest = actors.people["guest"]
    address = services.address_of_person(actors.tenant, guest)
    with actors.inside():
        spaces_before = Space.objects.count()
    with pytest.raises(services.MailRejected) as refused:
        services.receive_message(raw_message(guest.email, address.email), envelope_to=address.email)
    assert refused.value.code == 550
    with actors.inside():
        assert Space.objects.count() == spaces_before  # no personal space for a guest


def test_a_relay_retry_does_not_make_a_second_task(
    actors: SpaceActors, space_address: InboundAddress
) -> None:
    raw = raw_message(actors.people["editor"].email, space_address.email)
    first = services.receive_message(raw, envelope_to=space_address.email)
    again = services.receive_message(raw, envelope_to=space_address.email)
    assert again.duplicate
    assert again.task_id == first.task_id
    assert len(_tasks(actors)) == 1
    assert InboundMessage.objects.count() == 1


REFUSED = {
    # actor → (SMTP code, whether they are told by e-mail: they have an account)
    "commenter": (550, True),
    "reader": (550, True),
    "staff": (550, True),
    "guest": (550, True),
    "outsider": (550, True),
}


@pytest.mark.parametrize("actor", sorted(REFUSED))
def test_senders_without_edit_rights_are_refused_and_told(
    actors: SpaceActors, space_address: InboundAddress, actor: str
) -> None:
    sender = actors.people[actor]
    with pytest.raises(services.MailRejected) as refused:
        services.receive_message(
            raw_message(sender.email, space_address.email), envelope_to=space_address.email
        )
    assert refused.value.code == REFUSED[actor][0]
    assert refused.value.smtp_reply.startswith("550 5.")
    assert refused.value.smtp_reply.isascii()
    assert _tasks(actors) == []
    assert InboundMessage.objects.count() == 0
    [explanation] = mail.outbox
    assert explanation.to == [sender.email]
    assert refused.value.message in explanation.body
    assert "Rien n'a été créé" in explanation.body


def test_strangers_automatic_mail_and_unknown_addresses_get_no_reply(
    actors: SpaceActors, space_address: InboundAddress
) -> None:
    cases = [
        (raw_message("inconnu@example.org", space_address.email), space_address.email, 550),
        (
            raw_message(
                actors.people["editor"].email, space_address.email, Auto_Submitted="auto-replied"
            ),
            space_address.email,
            550,
        ),
        (
            raw_message(actors.people["editor"].email, "x"),
            space_address.email.replace(space_address.token, "0" * 30),
            550,
        ),
        (
            raw_message(actors.people["editor"].email, "x"),
            f"taches+{space_address.token}@autre-domaine.fr",
            550,
        ),
        (b"\x00\xff pas un message", space_address.email, 554),
    ]
    for raw, to, code in cases:
        with pytest.raises(services.MailRejected) as refused:
            services.receive_message(raw, envelope_to=to)
        assert refused.value.code == code, to
    assert _tasks(actors) == []
    assert mail.outbox == []


def test_oversize_messages_are_refused_before_anything_else(
    actors: SpaceActors, space_address: InboundAddress
) -> None:
    raw = raw_message(actors.people["editor"].email, space_address.email, body="x" * 2000)
    with (
        override_settings(ENTENTE_SMTP_MAX_MESSAGE_BYTES=1000),
        pytest.raises(services.MailRejected) as refused,
    ):
        services.receive_message(raw, envelope_to=space_address.email)
    assert refused.value.code == 552
    assert _tasks(actors) == []


def test_an_archived_space_refuses_mail(actors: SpaceActors, space_address: InboundAddress) -> None:
    from django.utils import timezone

    with actors.inside():
        Space.objects.filter(pk=actors.space.pk).update(archived_at=timezone.now())
    with pytest.raises(services.MailRejected):
        services.receive_message(
            raw_message(actors.people["editor"].email, space_address.email),
            envelope_to=space_address.email,
        )
    assert _tasks(actors) == []


def test_an_unknown_assignee_refuses_the_whole_message(
    actors: SpaceActors, space_address: InboundAddress
) -> None:
    to = space_address.email.replace("@", "+personne.inconnue@")
    with pytest.raises(services.MailRejected) as refused:
        services.receive_message(raw_message(actors.people["editor"].email, to), envelope_to=to)
    assert "personne.inconnue" in refused.value.message
    assert _tasks(actors) == []


def test_a_default_space_is_one_where_the_owner_may_create_tasks(actors: SpaceActors) -> None:
    reader = actors.people["reader"]
    with actors.inside(), pytest.raises(PermissionDenied):
        services.set_default_space(member(reader, actors.tenant), actors.space)
    assert services.address_of_person(actors.tenant, reader).default_space_id is None


def test_tokens_are_unguessable_and_renewing_disables_the_old_address(
    actors: SpaceActors, space_address: InboundAddress
) -> None:
    other = services.address_of_person(actors.tenant, actors.people["editor"])
    assert len(space_address.token) == 30
    assert space_address.token != other.token
    old = space_address.email
    with actors.inside():
        with pytest.raises(PermissionDenied):  # the space's editors renew it, not its readers
            services.renew_token(member(actors.people["reader"], actors.tenant), space_address)
        assert services.is_known_recipient(old)
        services.renew_token(member(actors.people["editor"], actors.tenant), space_address)
    assert not services.is_known_recipient(old)
    assert services.is_known_recipient(space_address.email)
