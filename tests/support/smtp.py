"""A real SMTP server (aiosmtpd) on loopback that keeps every message it receives.

Tests that send mail for real (sign-up confirmation, trial reminders, e-mail → task replies)
point Django's SMTP backend at it and read what arrived, headers and MIME parts included.
"""

from __future__ import annotations

import email
import email.policy
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings

from tests.support.live import free_port


@dataclass
class Mailbox:
    """What the server received, in order."""

    host: str = "127.0.0.1"
    port: int = 0
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address.lower() in m["X-Envelope-To"].lower()]

    def wait_for(
        self, address: str, *, count: int = 1, timeout: float = 20.0
    ) -> list[EmailMessage]:
        """The messages to `address` once `count` arrived (they may come from a worker)."""
        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"No mail for {address} within {timeout} s: {self.messages!r}")
            time.sleep(0.05)
        return self.to(address)

    @staticmethod
    def text_of(message: EmailMessage) -> str:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""

    def smtp_url(self) -> str:
        """For a subprocess (live server, Celery worker): `EMAIL_URL` pointing here."""
        return f"smtp://{self.host}:{self.port}"


@pytest.fixture
def smtp_server() -> Iterator[Mailbox]:
    """Start aiosmtpd on a free port and route this process's Django mail to it."""
    mailbox = Mailbox(port=free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST=mailbox.host,
            EMAIL_PORT=mailbox.port,
            EMAIL_USE_TLS=False,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
        ):
            yield mailbox
    finally:
        controller.stop()
