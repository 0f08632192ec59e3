"""The live connection, end to end: a real uvicorn, real websocket clients, real Redis layer.

No assertion on time: "not delivered" is shown by ordering (a later message for the same
socket arrives first), never by waiting.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context
from websockets.exceptions import ConnectionClosed, InvalidStatus

from entente.accounts.acting import memberships
from entente.accounts.models import Membership
from entente.activity.services import record_activity
from entente.notifications import services
from entente.notifications.models import Notification, NotificationKind
from entente.notifications.services import Draft, mark_read
from entente.spaces.models import Visibility
from entente.spaces.services import create_space
from realtime.middleware import CLOSE_ANONYMOUS, CLOSE_BAD_MESSAGE, CLOSE_NOT_A_MEMBER
from tenants.models import MfaPolicy, Tenant
from tests.support.live import LIVE_DB, live_asgi_server

from .live_client import hello, notify, open_socket, receive, receive_until, send, session_cookie

pytestmark = [LIVE_DB]


def _close_code(ws: Any) -> int | None:
    with pytest.raises(ConnectionClosed):
        receive(ws)
    code: int | None = ws.close_code
    return code


def test_notifications_reach_their_person_only_on_each_of_their_tenants(
    committed_user: Any, tenant_a: Any, tenant_b: Any
) -> None:
    alice = committed_user({"tenant_a": "agent", "tenant_b": "agent"})
    bob = committed_user({"tenant_a": "agent"})
    with live_asgi_server() as port:
        alice_on_a = open_socket(port, tenant_a.primary_host, cookie=session_cookie(alice))
        alice_on_b = open_socket(port, tenant_b.primary_host, cookie=session_cookie(alice))
        bob_on_a = open_socket(port, tenant_a.primary_host, cookie=session_cookie(bob))
        for ws in (alice_on_a, alice_on_b, bob_on_a):
            assert hello(ws) == ([], 0)

        for_alice = notify(alice, tenant_b, "Nouvelle tâche à Paulx")
        for_bob = notify(bob, tenant_a, "Nouvelle tâche à Legé")

        for ws in (alice_on_a, alice_on_b):  # a Paulx notification, on Legé's host too
            message = receive(ws)
            assert (message["type"], message["id"]) == ("notification", for_alice.pk)
            assert message["title"] == "Nouvelle tâche à Paulx"
            assert message["tenant"] == {"id": tenant_b.pk, "name": tenant_b.name}
        # Bob's first message is his own: Alice's, published before it, never reached him.
        assert receive(bob_on_a)["id"] == for_bob.pk
        for ws in (alice_on_a, alice_on_b, bob_on_a):
            ws.close()


def test_a_notification_of_a_tenant_the_person_left_is_never_sent(
    committed_user: Any, tenant_a: Any, tenant_b: Any
) -> None:
    alice = committed_user({"tenant_a": "agent", "tenant_b": "agent"})
    with live_asgi_server() as port:
        ws = open_socket(port, tenant_a.primary_host, cookie=session_cookie(alice))
        _, newest = hello(ws)
        Membership.objects.filter(user=alice, tenant=tenant_b).delete()
        memberships.evict(None)
        from_b = notify(alice, tenant_b, "Ne doit pas arriver")
        from_a = notify(alice, tenant_a, "Doit arriver")
        assert receive(ws)["id"] == from_a.pk
        ws.close()

        again = open_socket(port, tenant_a.primary_host, cookie=session_cookie(alice))
        missed, _ = hello(again, newest)  # nor in the catch-up
        assert [m["id"] for m in missed] == [from_a.pk]
        assert from_b.pk > newest
        again.close()


def test_a_notification_from_the_service_carries_its_message_to_each_member_tab(
    committed_user: Any, tenant_a: Any, tenant_b: Any
) -> None:
    """`services.notify` puts the message in the event (no query in the hub): every tab of
    each recipient gets what the catch-up would send; who left the tenant gets nothing."""
    alice = committed_user({"tenant_a": "agent", "tenant_b": "agent"})
    bob = committed_user({"tenant_a": "agent", "tenant_b": "agent"})
    with live_asgi_server() as port:
        alice_tabs = [
            open_socket(port, host, cookie=session_cookie(alice))
            for host in (tenant_a.primary_host, tenant_b.primary_host)
        ]
        bob_ws = open_socket(port, tenant_a.primary_host, cookie=session_cookie(bob))
        newest = [hello(ws)[1] for ws in (*alice_tabs, bob_ws)]
        Membership.objects.filter(user=bob, tenant=tenant_b).delete()
        draft = Draft(kind=NotificationKind.MENTIONED, title="Pour Paulx", url="http://x.test/")
        made = services.notify(
            tenant=tenant_b, user_ids=[alice.pk, bob.pk], draft=draft, dedup_key=uuid4().hex
        )
        assert sorted(n.user_id for n in made) == sorted([alice.pk, bob.pk])
        for_alice = next(n.pk for n in made if n.user_id == alice.pk)
        for ws in alice_tabs:
            message = receive(ws)
            assert message["id"] == for_alice
            assert message["tenant"] == {"id": tenant_b.pk, "name": tenant_b.name}
            ws.close()
            again = open_socket(port, tenant_a.primary_host, cookie=session_cookie(alice))
            missed, _ = hello(again, newest[0])
            assert missed == [message]  # the live message is the catch-up's
            again.close()
        for_bob = notify(bob, tenant_a, "Pour Bob")
        assert receive(bob_ws)["id"] == for_bob.pk  # the Paulx one never reached him
        bob_ws.close()


def test_wrong_origin_anonymous_and_non_member_are_refused(
    committed_user: Any, tenant_a: Any, tenant_b: Any
) -> None:
    alice = committed_user({"tenant_a": "agent"})
    outsider = committed_user({"tenant_b": "agent"})
    lege = tenant_a.primary_host
    with live_asgi_server() as port:
        for origin in (
            "http://evil.example",
            f"http://{tenant_b.primary_host}:{port}",  # another tenant's page
            f"https://{lege}:{port}",  # another scheme
            None,
        ):
            with pytest.raises(InvalidStatus) as refused:
                open_socket(port, lege, cookie=session_cookie(alice), origin=origin)
            assert refused.value.response.status_code == 403
        with pytest.raises(InvalidStatus):
            open_socket(port, "inconnue.entente.localhost", cookie=session_cookie(alice))

        anonymous = open_socket(port, lege)
        assert _close_code(anonymous) == CLOSE_ANONYMOUS
        stranger = open_socket(port, lege, cookie=session_cookie(outsider))
        assert _close_code(stranger) == CLOSE_NOT_A_MEMBER

        # The page of the bare domain may open a tenant's socket; the member is admitted.
        member = open_socket(
            port, lege, cookie=session_cookie(alice), origin=f"http://entente.localhost:{port}"
        )
        assert hello(member) == ([], 0)
        member.close()


def test_a_member_the_two_factor_policy_stops_gets_no_socket_until_they_have_one(
    committed_user: Any, tenant_a: Any, django_db_blocker: Any
) -> None:
    alice = committed_user({"tenant_a": "agent"})
    with django_db_blocker.unblock():
        Tenant.objects.filter(pk=tenant_a.pk).update(mfa_required_for=MfaPolicy.STAFF)
    try:
        with live_asgi_server() as port:
            lege = tenant_a.primary_host
            stopped = open_socket(port, lege, cookie=session_cookie(alice))
            assert _close_code(stopped) == CLOSE_NOT_A_MEMBER
            with django_db_blocker.unblock():
                TOTP.activate(alice, generate_totp_secret())
            ws = open_socket(port, lege, cookie=session_cookie(alice))
            hello(ws)
            ws.close()
    finally:
        with django_db_blocker.unblock():
            Tenant.objects.filter(pk=tenant_a.pk).update(mfa_required_for=MfaPolicy.NOBODY)


def test_catch_up_after_a_disconnect_and_after_a_server_restart(
    committed_user: Any, tenant_a: Any
) -> None:
    alice = committed_user({"tenant_a": "agent"})
    host = tenant_a.primary_host
    with live_asgi_server() as port:
        ws = open_socket(port, host, cookie=session_cookie(alice))
        _, newest = hello(ws)
        first = notify(alice, tenant_a, "Première")
        assert receive(ws)["id"] == first.pk
        ws.close()

        missed_1 = notify(alice, tenant_a, "Pendant la coupure 1")
        missed_2 = notify(alice, tenant_a, "Pendant la coupure 2")
        ws = open_socket(port, host, cookie=session_cookie(alice))
        send(ws, type="hello", last_notification_id=first.pk)
        missed, ready = receive_until(ws, "ready")
        assert [m["id"] for m in missed] == [missed_1.pk, missed_2.pk]
        assert ready["unread"] == 3
        live = notify(alice, tenant_a, "En direct")
        assert receive(ws)["id"] == live.pk
        ws.close()

    during_restart = notify(alice, tenant_a, "Serveur arrêté")
    with live_asgi_server() as port:
        ws = open_socket(port, host, cookie=session_cookie(alice))
        shown = [first.pk, missed_1.pk, missed_2.pk, live.pk]  # what the page remembers
        missed, newest = hello(ws, live.pk, seen=shown)
        assert [m["id"] for m in missed] == [during_restart.pk]
        assert newest == during_restart.pk
        ws.close()


def test_space_activity_is_live_for_viewers_only(committed_user: Any, tenant_a: Any) -> None:
    alice = committed_user({"tenant_a": "agent"})
    bob = committed_user({"tenant_a": "agent"})
    with tenant_context(tenant_a):
        private = create_space(
            Membership.objects.get(user=alice, tenant=tenant_a),
            name="Budget",
            visibility=Visibility.PRIVATE,
        )
        earlier = record_activity(
            actor=alice, verb="space.updated", object_type="space",
            object_id=private.pk, summary="a renommé l'espace", space_id=private.pk,
        )  # fmt: skip
    host = tenant_a.primary_host
    with live_asgi_server() as port:
        alice_ws = open_socket(port, host, cookie=session_cookie(alice))
        bob_ws = open_socket(port, host, cookie=session_cookie(bob))
        for ws in (alice_ws, bob_ws):
            hello(ws)
            send(ws, type="watch", space_id=private.pk, last_activity_id=earlier.pk - 1)
        assert receive(alice_ws) == {"type": "watching", "space_id": private.pk}
        caught_up = receive(alice_ws)
        assert (caught_up["type"], caught_up["id"]) == ("activity", earlier.pk)
        assert receive(bob_ws) == {"type": "watch_refused", "space_id": private.pk}

        with tenant_context(tenant_a):
            entry = record_activity(
                actor=alice, verb="task.created", object_type="task", object_id=1,
                summary="a créé la tâche « Devis »", space_id=private.pk,
            )  # fmt: skip
        message = receive(alice_ws)
        assert message["type"] == "activity"
        assert (message["id"], message["space_id"]) == (entry.pk, private.pk)
        assert message["summary"] == "a créé la tâche « Devis »"
        assert message["actor"] == alice.display_name
        for_bob = notify(bob, tenant_a, "Pour Bob")
        assert receive(bob_ws)["id"] == for_bob.pk  # and no activity before it
        alice_ws.close()
        bob_ws.close()


def test_read_notifications_update_the_count_and_bad_messages_close(
    committed_user: Any, tenant_a: Any
) -> None:
    alice = committed_user({"tenant_a": "agent"})
    host = tenant_a.primary_host
    with live_asgi_server() as port:
        ws = open_socket(port, host, cookie=session_cookie(alice))
        hello(ws)
        first = notify(alice, tenant_a, "Une")
        second = notify(alice, tenant_a, "Deux")
        assert [receive(ws)["id"] for _ in range(2)] == [first.pk, second.pk]
        mark_read(alice, first.pk)  # publishes notification.read after commit
        assert receive(ws) == {"type": "unread", "count": 1}
        mark_read(alice, first.pk)  # already read: nothing changes, nothing is sent
        send(ws, type="ping")
        assert receive(ws) == {"type": "pong"}
        ws.send("pas du JSON")
        assert _close_code(ws) == CLOSE_BAD_MESSAGE


def test_marking_all_read_in_one_tab_updates_the_count_of_every_tab(
    committed_user: Any, tenant_a: Any, tenant_b: Any
) -> None:
    alice = committed_user({"tenant_a": "agent", "tenant_b": "agent"})
    bob = committed_user({"tenant_a": "agent"})
    with live_asgi_server() as port:
        cookie = session_cookie(alice)
        tabs = [
            open_socket(port, tenant_a.primary_host, cookie=cookie),
            open_socket(port, tenant_a.primary_host, cookie=cookie),
            open_socket(port, tenant_b.primary_host, cookie=cookie),
        ]
        bob_ws = open_socket(port, tenant_a.primary_host, cookie=session_cookie(bob))
        for ws in (*tabs, bob_ws):
            hello(ws)
        made = [notify(alice, tenant_a, "Une"), notify(alice, tenant_b, "Deux")]
        for ws in tabs:
            assert [receive(ws)["id"] for _ in made] == [n.pk for n in made]

        # The first tab's page posts "mark all read" (the real view, in this process).
        page = Client(HTTP_HOST=tenant_a.primary_host)
        page.force_login(alice)
        response = page.post(reverse("notifications:read_all"))
        assert response.status_code == 302
        assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()

        for ws in tabs:  # the other tab, and the one on the other tenant's host too
            assert receive(ws) == {"type": "unread", "count": 0}
        for_bob = notify(bob, tenant_a, "Pour Bob")
        assert receive(bob_ws)["id"] == for_bob.pk  # Alice's count never reached Bob
        for ws in (*tabs, bob_ws):
            ws.close()
