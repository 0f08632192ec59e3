"""End to end: the real SMTP receiver takes a real e-mail, the task appears, the sender's
acknowledgment leaves through a second real SMTP server (the outbound relay, `smtp_server`)."""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context

from entente.accounts.models import User
from entente.mailin import services
from entente.mailin.receiver import build_receiver
from entente.spaces.models import Space, SpaceMembership
from entente.tasks.models import Task
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS
from tests.support.live import LIVE_DB, free_port
from tests.support.smtp import Mailbox

pytestmark = LIVE_DB


@pytest.fixture
def receiver() -> Iterator[tuple[str, int]]:
    """The management command's server object, on a free loopback port."""
    port = free_port()
    controller = build_receiver("127.0.0.1", port)
    controller.start()
    try:
        yield "127.0.0.1", port
    finally:
        controller.stop()


def _message(sender: str, to: str, subject: str, body: str = "Merci de vérifier.") -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{subject.replace(' ', '-')}@mairie-lege.fr>"
    message.set_content(body)
    return message


def test_a_real_e_mail_becomes_a_task_and_is_acknowledged(
    committed_user: Callable[..., User], smtp_server: Mailbox, receiver: tuple[str, int]
) -> None:
    editor = committed_user({"tenant_a": "agent"}, full_name="Claire Morand")
    stranger = committed_user({"tenant_b": "agent"})
    tenant = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_a"]["official_code"])
    with tenant_context(tenant):
        space = Space.objects.create(name="Services techniques")
        SpaceMembership.objects.create(space=space, user=editor, role="editor")
    address = services.address_of_space(tenant, space)
    host, port = receiver
    try:
        with smtplib.SMTP(host, port, timeout=30) as client:
            refused = client.send_message(
                _message(editor.email, address.email, "Tondre le terrain de football"),
                to_addrs=[address.email],
            )
            assert refused == {}
            # A stranger to this tenant: refused during the SMTP session, nothing created.
            with pytest.raises(smtplib.SMTPDataError) as stranger_refused:
                client.send_message(
                    _message(stranger.email, address.email, "Intrus"), to_addrs=[address.email]
                )
            assert stranger_refused.value.smtp_code == 550
            # An address that does not exist: refused at RCPT.
            with pytest.raises(smtplib.SMTPRecipientsRefused):
                client.send_message(
                    _message(editor.email, "x", "Perdu"),
                    to_addrs=[f"taches+{'0' * 30}@{address.email.split('@')[1]}"],
                )
        with override_settings(ENTENTE_SMTP_MAX_MESSAGE_BYTES=2000):
            small = build_receiver("127.0.0.1", free_port())
            small.start()
            try:
                # aiosmtpd announces SIZE in EHLO: the client's MAIL FROM is refused (552).
                with (
                    smtplib.SMTP(small.hostname, small.port, timeout=30) as client,
                    pytest.raises(smtplib.SMTPSenderRefused) as too_big,
                ):
                    client.send_message(
                        _message(editor.email, address.email, "Trop lourd", "x" * 5000),
                        to_addrs=[address.email],
                    )
                assert too_big.value.smtp_code == 552
            finally:
                small.stop()

        with tenant_context(tenant):
            titles = list(Task.objects.filter(space=space).values_list("title", flat=True))
        assert titles == ["Tondre le terrain de football"]
        [ack] = smtp_server.wait_for(editor.email)
        assert str(ack["Subject"]).strip() == "Tâche créée : Tondre le terrain de football"
        assert ack["Auto-Submitted"] == "auto-replied"
        assert tenant.primary_host in Mailbox.text_of(ack)
        # The stranger has an account: told why, by e-mail, through the relay too.
        [explanation] = smtp_server.wait_for(stranger.email)
        assert "Legé" in Mailbox.text_of(explanation)
    finally:
        with tenant_context(tenant):
            Space.objects.filter(pk=space.pk).delete()


def test_the_management_command_builds_its_server_from_the_settings(settings: Any) -> None:
    settings.ENTENTE_SMTP_HOST, settings.ENTENTE_SMTP_PORT = "127.0.0.1", 2599
    controller = build_receiver()
    assert (controller.hostname, controller.port) == ("127.0.0.1", 2599)
    assert controller.SMTP_kwargs["data_size_limit"] == settings.ENTENTE_SMTP_MAX_MESSAGE_BYTES
