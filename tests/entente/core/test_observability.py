"""Error reports name the tenant and nobody: personal data is scrubbed before leaving."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from django_tenants.utils import tenant_context
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from entente.core.observability import FILTERED, init_sentry, scrub_event
from tenants.models import Tenant

PERSONAL = ["anne.martin@example.fr", "Anne Martin", "s3ss10n", "Bearer abc123", "p4ssw0rd"]


def a_raw_event() -> dict[str, Any]:
    """An event as integrations may build it, full of what must not leave."""
    return {
        "message": "Invitation refusée pour anne.martin@example.fr",
        "logentry": {"message": "Envoi à %s", "params": ["anne.martin@example.fr"]},
        "exception": {
            "values": [{"type": "ValueError", "value": "adresse anne.martin@example.fr déjà prise"}]
        },
        "request": {
            "url": "https://lege.entente.example.fr/espaces/",
            "method": "POST",
            "query_string": "next=/&email=anne.martin@example.fr",
            "cookies": {"entente_session": "s3ss10n", "entente_csrftoken": "t0k3n"},
            "headers": {
                "Cookie": "entente_session=s3ss10n",
                "Authorization": "Bearer abc123",
                "User-Agent": "Firefox",
                "X-Forwarded-For": "203.0.113.9",
            },
            "data": {"email": "anne.martin@example.fr", "password": "p4ssw0rd"},
            "env": {"REMOTE_ADDR": "203.0.113.9"},
        },
        "user": {"id": "42", "email": "anne.martin@example.fr", "username": "Anne Martin"},
        "extra": {"full_name": "Anne Martin", "space_id": 7, "E-Mail": "x@y.fr"},
        "breadcrumbs": {
            "values": [{"category": "query", "message": "login anne.martin@example.fr"}]
        },
    }


@pytest.mark.django_db
def test_scrubbed_event_keeps_no_personal_data() -> None:
    event = scrub_event(a_raw_event(), {})  # type: ignore[arg-type]
    text = json.dumps(event, ensure_ascii=False)
    for value in PERSONAL:
        assert value not in text
    assert "@example.fr" not in text
    assert "203.0.113.9" not in text
    request = event["request"]
    assert "cookies" not in request
    assert "data" not in request
    assert "env" not in request
    assert request["headers"] == {"User-Agent": "Firefox"}
    assert event["user"] == {"id": "42"}
    assert event["extra"] == {"full_name": FILTERED, "space_id": 7, "E-Mail": FILTERED}
    # What helps to debug is still there.
    assert event["exception"]["values"][0]["type"] == "ValueError"
    assert event["exception"]["values"][0]["value"] == "adresse [e-mail] déjà prise"
    assert request["method"] == "POST"


@pytest.mark.django_db
def test_public_requests_are_tagged_public() -> None:
    event = scrub_event({"message": "boom"}, {})
    assert event["tags"] == {"tenant": "public", "schema": "public"}


def test_events_are_tagged_with_the_current_tenant(tenant_a: Tenant) -> None:
    with tenant_context(tenant_a):
        event = scrub_event({"message": "boom", "tags": {"kept": "yes"}}, {})
    assert event["tags"] == {"kept": "yes", "tenant": tenant_a.slug, "schema": tenant_a.schema_name}


class CapturingTransport(Transport):
    """Keeps envelopes in memory instead of sending them."""

    def __init__(self, options: dict[str, Any] | None = None) -> None:
        super().__init__(options)
        self.envelopes: list[Envelope] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        self.envelopes.append(envelope)


@pytest.fixture
def sentry_transport() -> Iterator[CapturingTransport]:
    """Sentry started as production starts it, then the test process's client put back."""
    scope = sentry_sdk.get_global_scope()
    previous = scope.client
    transport = CapturingTransport()
    init_sentry("http://public@127.0.0.1:9/1", environment="test", transport=transport)
    yield transport
    sentry_sdk.get_client().close()
    scope.set_client(previous)


def test_reported_errors_carry_the_tenant_and_no_email(
    tenant_a: Tenant, sentry_transport: CapturingTransport
) -> None:
    with tenant_context(tenant_a):
        try:
            raise PermissionError("refus pour anne.martin@example.fr")
        except PermissionError as error:
            sentry_sdk.capture_exception(error)
    sentry_sdk.flush()
    payloads = [item.payload.json for env in sentry_transport.envelopes for item in env.items]
    events: list[dict[str, Any]] = [event for event in payloads if event and "exception" in event]
    assert len(events) == 1
    event = events[0]
    assert event["tags"]["tenant"] == tenant_a.slug
    assert event["tags"]["schema"] == tenant_a.schema_name
    assert event["environment"] == "test"
    assert "anne.martin@example.fr" not in json.dumps(event)
    frames = event["exception"]["values"][0]["stacktrace"]["frames"]
    assert all("vars" not in frame for frame in frames)  # no local variables, ever
