"""The inbox, the bell and the preferences, per actor: each sees and changes only their own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from entente.notifications import services
from entente.notifications.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from tenants.models import Tenant

from .conftest import World

pytestmark = pytest.mark.usefixtures("eager")


def _mention(world: World, key: str, *people: str) -> None:
    services.create_for_event(
        "task.mentioned",
        world.tenant.schema_name,
        [world.people[p].pk for p in people],
        {"task_id": world.task.pk, "actor_id": world.people["editor"].pk},
        world.space.pk,
        key,
    )


def test_the_bell_shows_the_unread_count_with_an_accessible_name(world: World) -> None:
    _mention(world, "one", "reader")
    _mention(world, "two", "reader")
    html = world.client("reader").get("/espaces/").content.decode()
    bell = re.search(r'<a href="/notifications/" id="notification-bell".*?</a>', html, re.S)
    assert bell is not None
    assert 'id="notification-count"' in bell.group(0)
    assert 'data-unread-count="2"' in bell.group(0)
    text = re.sub(r"<[^>]+>", "", bell.group(0))
    assert " ".join(text.split()) == "Notifications, 2 non lues"
    # someone with nothing unread: 0
    html = world.client("commenter").get("/espaces/").content.decode()
    assert 'data-unread-count="0"' in html


def test_the_inbox_lists_ones_own_with_tenant_and_link(
    world: World, tenant_b: Tenant, make_user: Any
) -> None:
    _mention(world, "one", "reader", "commenter")
    reader = world.people["reader"]
    Notification.objects.create(
        user=reader, tenant=tenant_b, kind=NotificationKind.JOIN_REQUEST, title="Ailleurs à Paulx"
    )
    html = world.client("reader").get("/notifications/").content.decode()
    assert "Claire Morand vous a mentionné" in html
    assert "Legé" in html
    assert "Ailleurs à Paulx" in html  # one inbox across tenants
    mine = Notification.objects.get(user=reader, tenant=world.tenant)
    assert f"/notifications/{mine.pk}/ouvrir/" in html
    # filters
    html = world.client("reader").get("/notifications/", {"tenant": tenant_b.pk}).content.decode()
    assert "Ailleurs à Paulx" in html
    assert "vous a mentionné" not in html
    html = world.client("reader").get("/notifications/", {"kind": "mentioned"}).content.decode()
    assert "Ailleurs à Paulx" not in html
    assert "vous a mentionné" in html
    # the commenter's own copy is not the reader's
    theirs = Notification.objects.get(user=world.people["commenter"])
    assert f"/notifications/{theirs.pk}/" not in html


def test_opening_marks_read_and_follows_the_link(world: World) -> None:
    _mention(world, "one", "reader")
    row = Notification.objects.get(user=world.people["reader"])
    response = world.client("reader").get(f"/notifications/{row.pk}/ouvrir/")
    assert response.status_code == 302
    assert response["Location"] == row.url
    row.refresh_from_db()
    assert row.read_at is not None


def test_mark_one_read_with_htmx_and_all_read(world: World) -> None:
    _mention(world, "one", "reader", "commenter")
    _mention(world, "two", "reader")
    reader_rows = list(Notification.objects.filter(user=world.people["reader"]).order_by("id"))
    theirs = Notification.objects.get(user=world.people["commenter"])
    client = world.client("reader")
    # someone else's: 404, unchanged
    assert client.post(f"/notifications/{theirs.pk}/lue/").status_code == 404
    assert client.get(f"/notifications/{theirs.pk}/ouvrir/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(f"/notifications/{reader_rows[0].pk}/lue/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="notification-{reader_rows[0].pk}"' in body
    assert 'hx-swap-oob="true"' in body
    assert 'data-unread-count="1"' in body
    reader_rows[0].refresh_from_db()
    assert reader_rows[0].read_at is not None
    response = client.post("/notifications/tout-lu/")
    assert response.status_code == 302
    assert not Notification.objects.filter(
        user=world.people["reader"], read_at__isnull=True
    ).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    html = client.get("/notifications/", {"unread": "on"}).content.decode()
    assert "Aucune notification ici :" in html


def test_the_inbox_on_the_bare_domain(world: World, client_for: Any) -> None:
    _mention(world, "one", "reader")
    client = client_for(None, world.people["reader"])
    html = client.get("/notifications/").content.decode()
    assert "vous a mentionné" in html
    assert 'data-unread-count="1"' in html
    anonymous = Client(HTTP_HOST=world.tenant.primary_host.split(".", 1)[1])
    response = anonymous.get("/notifications/")
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_anonymous_and_other_tenants_members_are_refused(world: World) -> None:
    assert world.client("anonymous").get("/notifications/").status_code == 302
    assert world.client("outsider").get("/notifications/").status_code == 403
    assert world.client("outsider").get("/mon-compte/notifications/").status_code == 403


def test_preferences_per_kind_and_per_space(world: World) -> None:
    reader = world.people["reader"]
    client = world.client("reader")
    html = client.get("/mon-compte/notifications/").content.decode()
    assert "Tâche qui m&#x27;est confiée" in html or "Tâche qui m'est confiée" in html
    assert "Espace « Voirie »" in html
    data: dict[str, str] = {f"kind_{kind}": Delivery.APP for kind in NotificationKind.values}
    data["kind_mentioned"] = Delivery.DAILY
    data[f"space_{world.space.pk}_mentioned"] = Delivery.NONE
    response = client.post("/mon-compte/notifications/", data)
    assert response.status_code == 302
    assert (
        NotificationPreference.objects.get(
            user=reader, kind="mentioned", tenant__isnull=True
        ).delivery
        == Delivery.DAILY
    )
    assert (
        NotificationPreference.objects.get(
            user=reader, kind="mentioned", tenant=world.tenant, space_id=world.space.pk
        ).delivery
        == Delivery.NONE
    )
    # the space says never: no row from that space
    _mention(world, "one", "reader")
    assert not Notification.objects.filter(user=reader).exists()
    # back to "as elsewhere": the general choice (daily) applies
    data[f"space_{world.space.pk}_mentioned"] = ""
    client.post("/mon-compte/notifications/", data)
    _mention(world, "two", "reader")
    assert Notification.objects.get(user=reader).delivery == Delivery.DAILY
    # an invalid choice is refused, nothing changes
    data["kind_mentioned"] = "pigeon"
    assert client.post("/mon-compte/notifications/", data).status_code == 400
