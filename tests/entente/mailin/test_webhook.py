"""POST /mail/inbound on the bare domain: the shared secret, then the same rules as SMTP."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client

from entente.mailin import services
from entente.tasks.models import Task
from tests.entente.mailin.test_receive import raw_message
from tests.support.actors import SpaceActors

SECRET = "s3cret-partage-entre-le-fournisseur-et-entente"


@pytest.fixture
def webhook(settings: Any) -> Client:
    settings.ENTENTE_INBOUND_WEBHOOK_SECRET = SECRET
    return Client(HTTP_HOST=django_settings.ENTENTE_DOMAIN)


def _post(client: Client, raw: bytes, to: str, secret: str | None = SECRET) -> Any:
    headers: dict[str, Any] = {"HTTP_X_ENTENTE_ENVELOPE_TO": to}
    if secret is not None:
        headers["HTTP_X_ENTENTE_WEBHOOK_SECRET"] = secret
    return client.post("/mail/inbound", raw, content_type="message/rfc822", **headers)


def _count(actors: SpaceActors) -> int:
    with actors.inside():
        return Task.objects.filter(space=actors.space).count()


@pytest.mark.parametrize("secret", [None, "", "mauvais", SECRET[:-1]])
def test_missing_or_wrong_secrets_are_refused(
    actors: SpaceActors, webhook: Client, secret: str | None
) -> None:
    address = services.address_of_space(actors.tenant, actors.space)
    response = _post(
        webhook, raw_message(actors.people["editor"].email, address.email), address.email, secret
    )
    assert response.status_code == 401
    assert _count(actors) == 0


def test_without_a_configured_secret_the_webhook_does_not_exist(
    actors: SpaceActors, settings: Any
) -> None:
    settings.ENTENTE_INBOUND_WEBHOOK_SECRET = ""
    address = services.address_of_space(actors.tenant, actors.space)
    client = Client(HTTP_HOST=django_settings.ENTENTE_DOMAIN)
    response = _post(
        client, raw_message(actors.people["editor"].email, address.email), address.email, ""
    )
    assert response.status_code == 404
    assert _count(actors) == 0


def test_the_webhook_exists_only_on_the_bare_domain(actors: SpaceActors, webhook: Client) -> None:
    address = services.address_of_space(actors.tenant, actors.space)
    on_tenant = Client(HTTP_HOST=actors.tenant.primary_host)
    response = _post(
        on_tenant, raw_message(actors.people["editor"].email, address.email), address.email
    )
    assert response.status_code in {302, 404}
    assert _count(actors) == 0


def test_a_valid_message_creates_the_task(actors: SpaceActors, webhook: Client) -> None:
    address = services.address_of_space(actors.tenant, actors.space)
    response = _post(
        webhook, raw_message(actors.people["editor"].email, address.email), address.email
    )
    assert response.status_code == 201
    assert _count(actors) == 1
    assert response.json()["task"] > 0
    again = _post(webhook, raw_message(actors.people["editor"].email, address.email), address.email)
    assert again.status_code == 200
    assert again.json()["duplicate"] is True
    assert _count(actors) == 1


def test_refusals_map_to_http_statuses(actors: SpaceActors, webhook: Client, settings: Any) -> None:
    address = services.address_of_space(actors.tenant, actors.space)
    stranger = _post(webhook, raw_message("inconnu@example.org", address.email), address.email)
    assert stranger.status_code == 422
    assert stranger.json()["smtp"].startswith("550")
    no_rcpt = webhook.post(
        "/mail/inbound", b"x", content_type="message/rfc822", HTTP_X_ENTENTE_WEBHOOK_SECRET=SECRET
    )
    assert no_rcpt.status_code == 400
    settings.ENTENTE_SMTP_MAX_MESSAGE_BYTES = 100
    big = _post(webhook, raw_message(actors.people["editor"].email, address.email), address.email)
    assert big.status_code == 413
    assert _count(actors) == 0
