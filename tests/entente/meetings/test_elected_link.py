"""The élus' one link (issue 14): a signed, expiring token that opens « Mes séances » only.

Per role and per way of failing: a valid link shows the next council to the élu and opens
nothing else; an expired, tampered, foreign (other tenant, other purpose) link, a deactivated or
staff or MFA person, an agent, a revoked link or a tenant whose admins turned it off all get the
same French page offering the ordinary login. The élus' mails hold the link, the agents' don't.
"""

from __future__ import annotations

import datetime
import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.core import signing
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from entente.meetings import elected_link, services
from entente.meetings.models import ElectedLinkPolicy, Meeting
from entente.meetings.services import MeetingSpec
from entente.notifications.digests import send_at_once, send_digests
from entente.notifications.models import Delivery, Notification, NotificationKind
from entente.outbox.relay import relay_batch
from tests.conftest import host_of
from tests.support.acting import member
from tests.support.actors import SpaceActors
from tests.support.smtp import Mailbox

pytestmark = pytest.mark.django_db
REFUSED = "Ce lien ne fonctionne plus"
LOGIN_NEXT = "/comptes/login/?next=%2Fmes-seances%2F"
LINK = re.compile(r"https?://\S+/mes-seances/acces/[^/\s]+/")


def _next_council(actors: SpaceActors) -> Meeting:
    editor = actors.people["editor"]
    with actors.inside():
        meeting = services.create_meeting(
            member(editor, actors.tenant),
            space=actors.space,
            spec=MeetingSpec(
                "Conseil de mai",
                timezone.now() + datetime.timedelta(days=4),
                series="conseil",
                place="Salle du conseil",
            ),
        )
        services.add_agenda_item(member(editor, actors.tenant), meeting, title="Budget annexe")
    return meeting


def _path(token: str) -> str:
    return f"/mes-seances/acces/{token}/"


def _token(actors: SpaceActors, who: str = "commenter", **kwargs: Any) -> str:
    return elected_link.make_token(actors.people[who], actors.tenant, **kwargs)


def assert_refused(response: Any) -> None:
    body = response.content.decode()
    assert response.status_code == 403
    assert REFUSED in body
    assert LOGIN_NEXT in body
    assert "Conseil de mai" not in body


def test_a_valid_link_shows_the_next_council_and_nothing_else(actors: SpaceActors) -> None:
    _next_council(actors)
    client = actors.client("anonymous")
    response = client.get(_path(_token(actors)))
    assert response.status_code == 302
    assert response["Location"] == "/mes-seances/"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = client.get("/mes-seances/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Conseil de mai" in body
    assert "Budget annexe" in body
    assert page.wsgi_request.user == actors.people["commenter"]  # the élu's own page
    assert "Désactiver mes liens" not in body  # a write: it asks for the password first
    # Not a login: every other page, of this tenant or another, asks for the password.
    assert "_auth_user_id" not in client.session
    for path in ("/", "/taches/", f"/espaces/{actors.space.pk}/", "/api/v1/spaces/"):
        other = client.get(path)
        assert other.status_code in {302, 401}, path
        if other.status_code == 302:
            assert other["Location"].startswith("/comptes/login/"), path
    assert client.get("/mes-seances/", HTTP_HOST=host_of(actors.other_tenant)).status_code == 302
    # Nor a write on « Mes séances » itself.
    assert client.post("/mes-seances/liens/desactiver/").status_code == 302
    # Logging out ends it.
    client.post("/comptes/logout/")
    assert client.get("/mes-seances/").status_code == 302


def test_the_link_refuses_everything_but_a_fresh_token_of_this_tenant(
    actors: SpaceActors,
) -> None:
    _next_council(actors)
    client = actors.client("anonymous")
    old = timezone.now() - datetime.timedelta(days=31)
    signer = signing.Signer(salt=elected_link.SALT)
    good = _token(actors)
    payload = {"u": actors.people["commenter"].pk, "t": actors.tenant.pk, "iat": 0}
    payload["iat"] = int(timezone.now().timestamp())
    for token in (
        _token(actors, now=old),  # expired
        good[:-3] + ("abc" if not good.endswith("abc") else "xyz"),  # tampered signature
        "x" + good[1:],  # tampered payload
        signer.sign_object({**payload, "p": "calendar-feed"}),  # other purpose
        signing.Signer(salt="entente.other").sign_object({**payload, "p": "elected-view"}),
        signing.dumps({**payload, "p": "elected-view"}),  # no salt
        signer.sign_object({**payload, "p": "elected-view", "t": actors.other_tenant.pk}),
        "pas-un-jeton",
        "a" * 600,
    ):
        assert_refused(client.get(_path(token)))
    # A link of this tenant opened on another tenant's host.
    foreign = Client(HTTP_HOST=host_of(actors.other_tenant))
    assert_refused(foreign.get(_path(good)))
    # None of those opened anything.
    assert client.get("/mes-seances/").status_code == 302
    # The good one does.
    assert client.get(_path(good)).status_code == 302
    assert client.get("/mes-seances/").status_code == 200


@pytest.mark.parametrize("who", ["editor", "admin", "guest", "outsider"])
def test_the_link_of_someone_who_is_not_an_elu_here_is_refused(
    actors: SpaceActors, who: str
) -> None:
    assert_refused(actors.client("anonymous").get(_path(_token(actors, who))))


def test_deactivated_staff_and_mfa_people_are_refused(actors: SpaceActors) -> None:
    elu = actors.people["commenter"]
    token = _token(actors)
    client = actors.client("anonymous")
    elu.is_active = False
    elu.save(update_fields=["is_active"])
    assert_refused(client.get(_path(token)))
    elu.is_active, elu.is_staff = True, True
    elu.save(update_fields=["is_active", "is_staff"])
    assert_refused(client.get(_path(token)))
    elu.is_staff = False
    elu.save(update_fields=["is_staff"])
    Authenticator.objects.create(user=elu, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert_refused(client.get(_path(token)))


def test_the_tenant_policy_off_refuses_links_and_ends_open_grants(actors: SpaceActors) -> None:
    _next_council(actors)
    client = actors.client("anonymous")
    assert client.get(_path(_token(actors))).status_code == 302
    assert client.get("/mes-seances/").status_code == 200
    # Only the tenant's admins choose.
    assert actors.client("editor").get("/administration/lien-des-elus/").status_code == 403
    assert actors.client("commenter").post("/administration/lien-des-elus/").status_code == 403
    admin = actors.client("admin")
    page = admin.get("/administration/lien-des-elus/")
    assert page.status_code == 200
    assert 'href="/administration/lien-des-elus/"' in page.content.decode()  # its menu entry
    assert admin.post("/administration/lien-des-elus/", {}).status_code == 302
    with actors.inside():
        assert ElectedLinkPolicy.objects.get().sign_in is False
    assert_refused(client.get(_path(_token(actors))))
    assert client.get("/mes-seances/").status_code == 302  # the open grant ended too
    # The élu's mail then holds the plain page, which asks for the password.
    link = elected_link.link_for(actors.people["commenter"], actors.tenant)
    assert link is not None
    assert urlsplit(link).path == "/mes-seances/"
    admin.post("/administration/lien-des-elus/", {"sign_in": "on"})
    assert client.get(_path(_token(actors))).status_code == 302


def test_an_elu_revokes_their_links(actors: SpaceActors) -> None:
    _next_council(actors)
    old = _token(actors, now=timezone.now() - datetime.timedelta(minutes=5))
    anonymous = actors.client("anonymous")
    assert anonymous.get(_path(old)).status_code == 302
    elu = actors.client("commenter")
    assert "Désactiver mes liens" in elu.get("/mes-seances/").content.decode()
    assert actors.client("editor").post("/mes-seances/liens/desactiver/").status_code == 403
    assert elu.post("/mes-seances/liens/desactiver/").status_code == 302
    assert_refused(actors.client("anonymous").get(_path(old)))
    assert anonymous.get("/mes-seances/").status_code == 302  # its grant ended too
    fresh = _token(actors, now=timezone.now() + datetime.timedelta(seconds=2))
    assert actors.client("anonymous").get(_path(fresh)).status_code == 302


def test_someone_else_logged_in_is_logged_out_by_the_link(actors: SpaceActors) -> None:
    _next_council(actors)
    client = actors.client("editor")
    assert client.get(_path(_token(actors))).status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Conseil de mai" in client.get("/mes-seances/").content.decode()
    # The élu's own full session is kept.
    elu = actors.client("commenter")
    assert elu.get(_path(_token(actors))).status_code == 302
    assert elu.session["_auth_user_id"] == str(actors.people["commenter"].pk)
    assert elu.get("/").status_code == 200


def test_the_convocation_of_an_elu_holds_the_link_an_agents_does_not(
    actors: SpaceActors, smtp_server: Mailbox
) -> None:
    meeting = _next_council(actors)
    with actors.inside():
        services.send_convocation(member(actors.people["editor"], actors.tenant), meeting)
    relay_batch()
    elu_mail = Mailbox.text_of(smtp_server.wait_for(actors.people["commenter"].email)[0])
    agent_mail = Mailbox.text_of(smtp_server.wait_for(actors.people["reader"].email)[0])
    assert "/mes-seances/" not in agent_mail
    [url] = LINK.findall(elu_mail)
    assert "Mes séances, en un clic" in elu_mail
    assert urlsplit(url).netloc.startswith(host_of(actors.tenant).split(":")[0])
    client = actors.client("anonymous")
    assert client.get(urlsplit(url).path).status_code == 302
    assert "Conseil de mai" in client.get("/mes-seances/").content.decode()


def _notify(actors: SpaceActors, who: str, delivery: str, title: str) -> Notification:
    return Notification.objects.create(
        user=actors.people[who],
        tenant=actors.tenant,
        kind=NotificationKind.MEETING_AGENDA,
        title=title,
        url=actors.tenant.url("/mes-seances/"),
        delivery=delivery,
    )


def test_notification_mails_of_an_elu_hold_the_link_an_agents_do_not(
    actors: SpaceActors, mailoutbox: list[Any]
) -> None:
    sent = [
        _notify(actors, "commenter", Delivery.EMAIL, "Ordre du jour modifié").pk,
        _notify(actors, "reader", Delivery.EMAIL, "Ordre du jour modifié").pk,
    ]
    assert send_at_once(sent) == 2
    _notify(actors, "commenter", Delivery.DAILY, "Procès-verbal à approuver")
    _notify(actors, "editor", Delivery.DAILY, "Procès-verbal à approuver")
    assert send_digests(Delivery.DAILY, now=timezone.now()) == 2
    by_person: dict[str, list[str]] = {}
    for message in mailoutbox:
        by_person.setdefault(message.to[0], []).append(message.body)
    elu = by_person[actors.people["commenter"].email]
    assert len(elu) == 2
    for body in elu:
        [url] = LINK.findall(body)
        client = actors.client("anonymous")
        assert client.get(urlsplit(url).path).status_code == 302
    for who in ("reader", "editor"):
        for body in by_person[actors.people[who].email]:
            assert "/mes-seances/acces/" not in body
            assert "Mes séances, en un clic" not in body


def test_seed_demo_prints_the_elus_link(actors: SpaceActors, monkeypatch: Any) -> None:
    """`manage.py seed_demo` ends with each élu's link (the demo itself stubbed: it is slow)."""
    from entente.demo.management.commands import seed_demo as command
    from entente.demo.services import DemoLogin, DemoOverview, DemoSummary

    elu, agent = actors.people["commenter"], actors.people["editor"]
    overview = DemoOverview(
        tenants=[actors.tenant],
        logins=[DemoLogin(elu.email, "Élu"), DemoLogin(agent.email, "Agent")],
    )
    monkeypatch.setattr(command, "seed_demo", DemoSummary)
    monkeypatch.setattr(command, "demo_overview", lambda everyone: overview)
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if "/mes-seances/" in line]
    assert len(lines) == 1
    assert elu.email in lines[0]
    [url] = LINK.findall(lines[0])
    assert actors.client("anonymous").get(urlsplit(url).path).status_code == 302
