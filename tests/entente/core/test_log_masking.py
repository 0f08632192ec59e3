"""No e-mail address reaches a log line: what logs keep cannot be erased (issue 18)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from entente.core.logging import MaskAddresses

pytestmark = pytest.mark.django_db

ADDRESS = "gwendoline.le-goff@mairie-lege.fr"


@pytest.fixture
def written() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING) writes, into a buffer."""
    (handler,) = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler)
        and any(isinstance(f, MaskAddresses) for f in h.filters)
    ]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        yield buffer
    finally:
        handler.setStream(previous)


def test_a_request_naming_an_address_is_logged_without_it(
    written: io.StringIO, tenant_a: Any, client_for: Any
) -> None:
    assert client_for(tenant_a).get(f"/espaces/{ADDRESS}/").status_code in {302, 404}
    logging.getLogger("django.request").warning("Not Found: /espaces/%s/", ADDRESS)
    text = written.getvalue()
    assert "Not Found: /espaces/[adresse]/" in text
    assert ADDRESS not in text


def test_an_exception_naming_an_address_is_logged_without_it(written: io.StringIO) -> None:
    try:
        raise ValueError(f"SMTP 550: mailbox {ADDRESS} unavailable")
    except ValueError:
        logging.getLogger("entente.notifications").exception("Sending to %s failed", ADDRESS)
    text = written.getvalue()
    assert "Sending to [adresse] failed" in text
    assert "SMTP 550: mailbox [adresse] unavailable" in text
    assert ADDRESS not in text
