"""E-mail → task on the first try: the address a brand-new person is shown on « Mes tâches »
takes a real e-mail, through the running SMTP receiver, with no setting touched."""

from __future__ import annotations

import re
import smtplib
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest
from django.conf import settings
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import User
from entente.mailin.models import InboundAddress
from entente.mailin.receiver import build_receiver
from entente.spaces.models import Space
from entente.tasks.models import Task
from tenants.models import Tenant
from tests.conftest import SESSION_TENANTS
from tests.support.live import LIVE_DB, free_port
from tests.support.smtp import Mailbox

pytestmark = LIVE_DB


@pytest.fixture
def receiver() -> Iterator[tuple[str, int]]:
    port = free_port()
    controller = build_receiver("127.0.0.1", port)
    controller.start()
    try:
        yield "127.0.0.1", port
    finally:
        controller.stop()


def test_a_new_persons_shown_address_makes_a_task_at_once(
    committed_user: Callable[..., User], smtp_server: Mailbox, receiver: tuple[str, int]
) -> None:
    person = committed_user({"tenant_a": "agent"}, full_name="Nadia Benali")
    tenant = Tenant.objects.get(official_code=SESSION_TENANTS["tenant_a"]["official_code"])
    client = Client(HTTP_HOST=tenant.primary_host)
    client.force_login(person)
    page = client.get("/taches/")
    assert page.status_code == 200
    local = re.escape(settings.ENTENTE_MAIL_LOCAL_PART)
    domain = re.escape(settings.ENTENTE_MAIL_DOMAIN)
    shown = re.findall(rf'value="({local}\+[0-9a-f]{{30}}@{domain})"', page.content.decode())
    assert len(shown) == 1, "« Mes tâches » shows the person's own address, once"
    [address] = shown
    assert "data-copy-target" in page.content.decode()
    message = EmailMessage()
    message["From"] = f"Nadia Benali <{person.email}>"
    message["To"] = address
    message["Subject"] = "Rappeler le fournisseur de sel de déneigement"
    message["Message-ID"] = "<premier-essai@mairie-lege.fr>"
    message.set_content("Livraison avant le 15.")
    host, port = receiver
    personal: list[int] = []
    try:
        with smtplib.SMTP(host, port, timeout=30) as smtp:
            assert smtp.send_message(message, to_addrs=[address]) == {}
        with tenant_context(tenant):
            [task] = Task.objects.filter(title="Rappeler le fournisseur de sel de déneigement")
            personal.append(task.space_id)
            assert [a.user_id for a in task.assignments.all()] == [person.pk]
            assert task.space.visibility == "private"
        [ack] = smtp_server.wait_for(person.email)
        assert "Tâche créée" in str(ack["Subject"])
    finally:
        with tenant_context(tenant):
            Space.objects.filter(pk__in=personal).delete()
        InboundAddress.objects.filter(user=person).delete()
