"""The SMTP receiver (aiosmtpd): the product's own MX for `taches+…@<ENTENTE_MAIL_DOMAIN>`.

Unknown recipients are refused at RCPT (550), oversize messages by aiosmtpd's size limit
(552), and every accepted message goes through `services.receive_message`, whose refusals
become the DATA reply. The database work runs in a worker thread, never in the event loop.
"""

from __future__ import annotations

import logging
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

from . import services

logger = logging.getLogger(__name__)


# Each call runs in a worker thread with its own connection, closed at the end: mail arrives
# far less often than requests, and an idle receiver then holds no database connection.


def _known(address: str) -> bool:
    try:
        return services.is_known_recipient(address)
    finally:
        connection.close()


def _receive(raw: bytes, rcpt: str) -> str:
    try:
        receipt = services.receive_message(raw, envelope_to=rcpt)
    except services.MailRejected as rejection:
        return rejection.smtp_reply
    except Exception:
        logger.exception("Inbound mail to %s failed", rcpt)
        return "451 4.3.0 Erreur temporaire, reessayez plus tard"
    finally:
        connection.close()
    return f"250 2.0.0 Tache {receipt.task_id} creee"


class InboundHandler:
    async def handle_RCPT(  # noqa: N802 (aiosmtpd's hook name)
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not await sync_to_async(_known, thread_sensitive=False)(address):
            return services.MailRejected(
                550, "5.1.1", "Adresse inconnue : verifiez l'adresse de reception dans Entente."
            ).smtp_reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        replies = [
            await sync_to_async(_receive, thread_sensitive=False)(raw, rcpt)
            for rcpt in envelope.rcpt_tos
        ]
        # One reply for the whole message: accepted if any recipient took it (the others got
        # an explanation by e-mail when their sender has an account), else the first refusal.
        accepted = [reply for reply in replies if reply.startswith("250")]
        return accepted[0] if accepted else replies[0]


def build_receiver(host: str | None = None, port: int | None = None, **kwargs: Any) -> Controller:
    """The receiver, not started: `manage.py mail_receiver` runs it, tests start it on any port."""
    return Controller(
        InboundHandler(),
        hostname=host or settings.ENTENTE_SMTP_HOST,
        port=port if port is not None else settings.ENTENTE_SMTP_PORT,
        data_size_limit=settings.ENTENTE_SMTP_MAX_MESSAGE_BYTES,
        server_hostname=settings.ENTENTE_MAIL_DOMAIN,
        **kwargs,
    )
