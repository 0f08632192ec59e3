"""`manage.py mail_receiver`: run the inbound SMTP server until interrupted (SIGINT, SIGTERM)."""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from entente.mailin.receiver import build_receiver


class Command(BaseCommand):
    help = "Reçoit les e-mails adressés à taches+…@ENTENTE_MAIL_DOMAIN et en fait des tâches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.ENTENTE_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.ENTENTE_SMTP_PORT)

    def handle(self, *args: Any, **options: Any) -> None:
        # aiosmtpd logs every connection at INFO; keep its warnings and errors only.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        receiver = build_receiver(options["host"], options["port"])
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: stop.set())
        receiver.start()
        where = f"{options['host']}:{options['port']}"
        self.stdout.write(f"SMTP receiver on {where} for @{settings.ENTENTE_MAIL_DOMAIN}")
        try:
            stop.wait()
        finally:
            receiver.stop()
