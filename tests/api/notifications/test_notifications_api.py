"""The inbox API, per actor: only your own inbox; other tenants' members and anonymous: nothing."""

from __future__ import annotations

import json

import pytest

from entente.notifications import services
from entente.notifications.models import Notification, NotificationPreference
from tenants.models import Tenant
from tests.entente.tasks.conftest import World

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


@pytest.mark.parametrize("role", ["reader", "commenter", "staff", "outsider", "anonymous"])
def test_list_shows_only_ones_own(world: World, role: str) -> None:
    _mention(world, "one", "reader", "commenter")
    response = world.client(role).get("/api/v1/notifications/")
    if role == "anonymous":
        assert response.status_code == 401
        return
    if role == "outsider":
        assert response.status_code == 403
        assert "vous a mentionné" not in response.content.decode()
        return
    assert response.status_code == 200
    results = response.json()["results"]
    expected = list(
        Notification.objects.filter(user=world.people[role]).values_list("pk", flat=True)
    )
    assert [r["id"] for r in results] == expected
    if results:
        item = results[0]
        assert item["tenant"] == {
            "id": world.tenant.pk,
            "name": world.tenant.name,
            "slug": world.tenant.slug,
        }
        assert item["actor"]["name"] == "Claire Morand"
        assert item["kind"] == "mentioned"
        assert item["url"].endswith(f"/taches/{world.task.pk}/")
        assert item["read_at"] is None


def test_filters(world: World, tenant_b: Tenant) -> None:
    _mention(world, "one", "reader")
    reader = world.people["reader"]
    other = Notification.objects.create(
        user=reader, tenant=tenant_b, kind="join_request", title="Paulx"
    )
    client = world.client("reader")
    ids = lambda **q: [r["id"] for r in client.get("/api/v1/notifications/", q).json()["results"]]  # noqa: E731
    assert ids(tenant=tenant_b.pk) == [other.pk]
    assert len(ids(kind="mentioned")) == 1
    client.post(f"/api/v1/notifications/{other.pk}/read/")
    assert other.pk not in ids(unread="true")
    assert client.get("/api/v1/notifications/", {"kind": "pigeon"}).status_code == 400


def test_read_and_read_all_touch_only_ones_own(world: World) -> None:
    _mention(world, "one", "reader", "commenter")
    theirs = Notification.objects.get(user=world.people["commenter"])
    mine = Notification.objects.get(user=world.people["reader"])
    client = world.client("reader")
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    response = client.post(f"/api/v1/notifications/{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    _mention(world, "two", "reader")
    response = client.post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert world.client("anonymous").post("/api/v1/notifications/read-all/").status_code == 401
    assert (
        world.client("outsider").post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 403
    )


def test_preferences_get_and_put(world: World) -> None:
    client = world.client("reader")
    data = client.get("/api/v1/notifications/preferences/").json()
    assert data["kinds"]["mentioned"] == "app"
    assert data["spaces"] == []
    payload = {
        "kinds": {"mentioned": "weekly"},
        "spaces": [{"space_id": world.space.pk, "kind": "task_assigned", "delivery": "email"}],
    }
    response = client.put(
        "/api/v1/notifications/preferences/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["kinds"]["mentioned"] == "weekly"
    assert response.json()["spaces"] == payload["spaces"]
    assert NotificationPreference.objects.filter(user=world.people["reader"]).count() == 2
    # a space the person does not reach (another tenant's id, or a private one): refused
    staff = world.client("staff")
    response = staff.put(
        "/api/v1/notifications/preferences/", json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=world.people["staff"]).exists()
    bad = {"kinds": {"mentioned": "pigeon"}}
    response = client.put(
        "/api/v1/notifications/preferences/", json.dumps(bad), content_type="application/json"
    )
    assert response.status_code == 400
    assert world.client("anonymous").get("/api/v1/notifications/preferences/").status_code == 401
