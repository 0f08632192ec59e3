"""The person's calendar page and private iCal feed: only what they may open, parsed back."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.acting import note_federation_change
from entente.accounts.models import Role
from entente.accounts.services import add_member
from entente.checklists.models import Checklist
from entente.checklists.services import ItemSpec, create_template, launch_template
from entente.meetings import calendars, feed, services
from entente.meetings.models import FeedToken
from entente.meetings.services import MeetingSpec
from entente.spaces.models import Space, SpaceMembership, Visibility
from entente.tasks.models import TaskStatus
from entente.tasks.services import create_task
from tenants.models import FederationLink, FederationState, Tenant
from tests.support.acting import member, seeding
from tests.support.actors import ACTORS, SpaceActors

pytestmark = pytest.mark.django_db


def _soon(days: int, hour: int = 18) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour, 30), ZoneInfo("Europe/Paris"))


def _world(actors: SpaceActors) -> Space:
    """A council in the private space, a bureau in another private space of the editor only,
    and a task due for the reader."""
    editor, reader = actors.people["editor"], actors.people["reader"]
    with actors.inside():
        services.create_meeting(
            seeding(editor), space=actors.space, spec=MeetingSpec("Conseil privé", _soon(3))
        )
        other = Space.objects.create(name="Direction", visibility=Visibility.PRIVATE)
        SpaceMembership.objects.create(space=other, user=editor, role="editor")
        services.create_meeting(
            seeding(editor), space=other, spec=MeetingSpec("Bureau secret", _soon(4))
        )
        create_task(
            seeding(editor),
            space=actors.space,
            title="Préparer la salle",
            assignee_ids=[reader.pk],
            due_date=timezone.localdate() + datetime.timedelta(days=2),
        )
    return other


SEES_COUNCIL = {"editor", "commenter", "reader", "admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_the_calendar_page(actors: SpaceActors, actor: str) -> None:
    _world(actors)
    month = _soon(3).strftime("%Y-%m")
    response = actors.client(actor).get(f"/mon-calendrier/?mois={month}&vue=liste")
    if actor == "anonymous":
        assert response.status_code == 302
        return
    if actor == "outsider":
        assert response.status_code == 403
        return
    page = response.content.decode()
    assert response.status_code == 200
    assert ("Conseil privé" in page) == (actor in SEES_COUNCIL)
    assert ("Bureau secret" in page) == (actor in {"editor", "admin"})
    assert ("Préparer la salle" in page) == (actor == "reader")


def _feed(actors: SpaceActors, actor: str) -> str:
    with actors.inside():
        return feed.issue_feed_token(member(actors.people[actor], actors.tenant))


def test_the_feed_lists_what_the_person_may_open(actors: SpaceActors) -> None:
    _world(actors)
    token = _feed(actors, "reader")
    with actors.inside():
        stored = FeedToken.objects.get(person_id=actors.people["reader"].pk)
    response = actors.client("anonymous").get(f"/calendrier/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert stored.token_hash != token  # only its hash is kept
    calendar = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Conseil privé", "Échéance : Préparer la salle"}
    start = events["Conseil privé"].decoded("DTSTART")
    assert start.tzinfo == ZoneInfo("Europe/Paris")
    assert (start.hour, start.minute) == (18, 30)
    assert events["Échéance : Préparer la salle"].decoded("DTSTART") == (
        timezone.localdate() + datetime.timedelta(days=2)
    )
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    again = actors.client("anonymous").get(
        f"/calendrier/{token}.ics", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_a_revoked_or_replaced_token_is_refused(actors: SpaceActors) -> None:
    _world(actors)
    first = _feed(actors, "reader")
    second = _feed(actors, "reader")  # a new address stops the old one
    client = actors.client("anonymous")
    assert client.get(f"/calendrier/{first}.ics").status_code == 404
    assert client.get(f"/calendrier/{second}.ics").status_code == 200
    response = actors.client("reader").post("/mon-calendrier/flux/", {"action": "revoke"})
    assert response.status_code == 302
    assert client.get(f"/calendrier/{second}.ics").status_code == 404
    assert client.get("/calendrier/pas-un-jeton.ics").status_code == 404


def test_nothing_of_a_space_the_person_left(actors: SpaceActors) -> None:
    _world(actors)
    token = _feed(actors, "commenter")
    client = actors.client("anonymous")
    assert b"Conseil priv" in client.get(f"/calendrier/{token}.ics").content
    with actors.inside():
        SpaceMembership.objects.filter(user=actors.people["commenter"]).delete()
    calendar = icalendar.Calendar.from_ical(client.get(f"/calendrier/{token}.ics").content)
    assert calendar.walk("VEVENT") == []


def test_a_token_of_one_tenant_opens_nothing_in_another(actors: SpaceActors) -> None:
    _world(actors)
    token = _feed(actors, "editor")
    response = actors.client_for(actors.other_tenant).get(f"/calendrier/{token}.ics")
    assert response.status_code == 404


def test_issuing_a_feed_through_the_page_shows_its_address_once(actors: SpaceActors) -> None:
    response = actors.client("reader").post(
        "/mon-calendrier/flux/", {"action": "issue"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "/calendrier/" in page
    assert "Un flux privé est actif" in page
    with actors.inside():
        assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


# -- Week view ----------------------------------------------------------------------------------


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), ZoneInfo("Europe/Paris"))


def test_the_week_view_holds_its_seven_days_and_nothing_else(actors: SpaceActors) -> None:
    """2027-W10 runs from Monday 8 to Sunday 14 March, in Paris time: a meeting late on Sunday
    is in it, one just after midnight on Monday is in the next week."""
    editor = actors.people["editor"]
    with actors.inside():
        for title, when in (
            ("Lundi de la semaine", _at(datetime.date(2027, 3, 8), 9)),
            ("Dimanche soir", _at(datetime.date(2027, 3, 14), 23, 30)),
            ("Lundi suivant", _at(datetime.date(2027, 3, 15), 0, 30)),
            ("Dimanche d'avant", _at(datetime.date(2027, 3, 7), 20)),
        ):
            services.create_meeting(
                seeding(editor), space=actors.space, spec=MeetingSpec(title, when)
            )
    client = actors.client("reader")
    page = client.get("/mon-calendrier/?vue=semaine&semaine=2027-W10").content.decode()
    assert "Lundi de la semaine" in page
    assert "Dimanche soir" in page
    assert "Lundi suivant" not in page
    assert "Dimanche d'avant" not in page
    assert page.count('<h3><time datetime="2027-03-') == 7
    assert "semaine=2027-W09" in page  # previous
    assert "semaine=2027-W11" in page  # next
    assert 'aria-current="date"' not in page  # today is not in that week
    following = client.get("/mon-calendrier/?vue=semaine&semaine=2027-W11").content.decode()
    assert "Lundi suivant" in following
    assert "Dimanche soir" not in following


def test_the_week_view_defaults_to_this_week_and_marks_today(actors: SpaceActors) -> None:
    today = timezone.localdate()
    this_week = calendars.iso_week(today)
    for query in ("?vue=semaine", "?vue=semaine&semaine=n'importe-quoi"):
        response = actors.client("reader").get("/mon-calendrier/" + query)
        page = response.content.decode()
        assert response.status_code == 200
        assert page.count('aria-current="date"') == 1
        assert f'<time datetime="{today:%Y-%m-%d}">' in page
        assert f"semaine={this_week}" in page  # the view switcher keeps this week


def test_weeks_across_a_year_end_follow_iso_numbering() -> None:
    today = datetime.date(2026, 12, 6)
    assert calendars.week_of("2026-W53", today) == datetime.date(2026, 12, 28)
    assert calendars.iso_week(datetime.date(2026, 12, 28) + datetime.timedelta(7)) == "2027-W01"
    assert calendars.week_of("2025-W53", today) == datetime.date(2026, 11, 30)  # no such week
    assert calendars.week_of(None, today) == datetime.date(2026, 11, 30)


def test_the_month_view_marks_today_in_its_grid(actors: SpaceActors) -> None:
    page = actors.client("reader").get("/mon-calendrier/").content.decode()
    # Today stays on a phone's folded month even without an entry (calendar-day--empty hides).
    assert '<td class="calendar-day" aria-current="date">' in page
    assert 'aria-current="page">Vue mois' in page


# -- Checklist milestones -----------------------------------------------------------------------


def _procedure(actors: SpaceActors, due: datetime.date) -> Checklist:
    """A council's procedure launched by the editor: its one step assigned to the reader."""
    editor, reader = actors.people["editor"], actors.people["reader"]
    with actors.inside():
        template = create_template(
            seeding(actors.people["admin"]),
            name="Préparer le conseil",
            items=[ItemSpec("Envoyer la convocation", due_offset_days=-3, assignee_id=reader.pk)],
        )
        return launch_template(
            seeding(editor),
            template,
            space=actors.space,
            reference_date=due + datetime.timedelta(days=3),
            name="Conseil de janvier",
        )


SEES_MILESTONE_IN_MY_CALENDAR = {"reader", "editor"}  # its assignee, its launcher


@pytest.mark.parametrize("actor", ACTORS)
def test_a_milestone_in_my_calendar_for_its_assignee_and_launcher(
    actors: SpaceActors, actor: str
) -> None:
    due = timezone.localdate() + datetime.timedelta(days=2)
    checklist = _procedure(actors, due)
    response = actors.client(actor).get(f"/mon-calendrier/?mois={due:%Y-%m}&vue=liste")
    if actor in {"anonymous", "outsider"}:
        assert response.status_code in {302, 403}
        return
    page = response.content.decode()
    shown = actor in SEES_MILESTONE_IN_MY_CALENDAR
    assert ("Envoyer la convocation" in page) == shown
    assert ("Étape de procédure" in page) == shown
    link = f"/espaces/{actors.space.pk}/procedures/{checklist.pk}/"
    assert (link in page) == shown
    # The step's task shows once, as the milestone, never also as a plain due date.
    assert page.count("Envoyer la convocation") == (1 if shown else 0)


def test_a_done_step_or_a_closed_space_leaves_the_calendar(actors: SpaceActors) -> None:
    due = timezone.localdate() + datetime.timedelta(days=2)
    checklist = _procedure(actors, due)
    reader = actors.people["reader"]
    url = f"/mon-calendrier/?mois={due:%Y-%m}&vue=liste"
    assert "Envoyer la convocation" in actors.client("reader").get(url).content.decode()
    with actors.inside():
        SpaceMembership.objects.filter(user=reader).delete()
    assert "Envoyer la convocation" not in actors.client("reader").get(url).content.decode()
    with actors.inside():
        item = checklist.items.get()
        assert item.task is not None
        item.task.status = TaskStatus.DONE
        item.task.save()
    assert "Envoyer la convocation" not in actors.client("editor").get(url).content.decode()


def test_the_feed_holds_milestones_only_for_whom_may_see_them(actors: SpaceActors) -> None:
    due = timezone.localdate() + datetime.timedelta(days=2)
    checklist = _procedure(actors, due)
    client = actors.client("anonymous")
    calendar = icalendar.Calendar.from_ical(
        client.get(f"/calendrier/{_feed(actors, 'reader')}.ics").content
    )
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    milestone = events["Étape de procédure : Envoyer la convocation"]
    assert milestone.decoded("DTSTART") == due
    assert str(milestone["URL"]).endswith(f"/espaces/{actors.space.pk}/procedures/{checklist.pk}/")
    assert str(milestone["UID"]).startswith(f"milestone-{checklist.items.get().pk}.")
    assert "Échéance : Envoyer la convocation" not in events  # not twice
    for actor in ("commenter", "staff", "guest"):
        body = client.get(f"/calendrier/{_feed(actors, actor)}.ics").content
        assert b"Envoyer la convocation" not in body, actor


# -- A space's calendar -------------------------------------------------------------------------

SPACE_CALENDAR = {
    "editor": 200,
    "commenter": 200,
    "reader": 200,
    "admin": 200,
    "staff": 404,  # a private space they are not in
    "guest": 404,  # citizens open public projects only
    "outsider": 403,  # another tenant's member
    "anonymous": 302,  # to log in
}


@pytest.mark.parametrize("actor", ACTORS)
def test_the_space_calendar_per_role(actors: SpaceActors, actor: str) -> None:
    _world(actors)
    due = timezone.localdate() + datetime.timedelta(days=2)
    _procedure(actors, due)
    month = _soon(3).strftime("%Y-%m")
    url = f"/espaces/{actors.space.pk}/calendrier/?mois={month}&vue=liste"
    response = actors.client(actor).get(url)
    assert response.status_code == SPACE_CALENDAR[actor]
    if response.status_code != 200:
        assert b"Conseil priv" not in response.content
        return
    page = response.content.decode()
    assert "Conseil privé" in page
    assert "Bureau secret" not in page  # another space's, even for the admin
    if due.month == _soon(3).month:
        assert "Préparer la salle" in page  # every open task of the space, whoever it is for
        assert "Envoyer la convocation" in page
    week = actors.client(actor).get(
        f"/espaces/{actors.space.pk}/calendrier/?vue=semaine&semaine={calendars.iso_week(_soon(3).date())}"
    )
    assert week.status_code == 200
    assert "Conseil privé" in week.content.decode()


def test_the_space_page_links_to_its_calendar(actors: SpaceActors) -> None:
    page = actors.client("reader").get(f"/espaces/{actors.space.pk}/").content.decode()
    assert f'href="/espaces/{actors.space.pk}/calendrier/"' in page


def test_the_space_feed(actors: SpaceActors) -> None:
    _world(actors)
    due = timezone.localdate() + datetime.timedelta(days=2)
    _procedure(actors, due)
    client = actors.client("anonymous")
    token = _feed(actors, "commenter")
    response = client.get(f"/calendrier/espaces/{actors.space.pk}/{token}.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert summaries == {
        "Conseil privé",
        "Échéance : Préparer la salle",
        "Étape de procédure : Envoyer la convocation",
    }
    assert "Secrétariat de mairie" in str(calendar["X-WR-CALNAME"])
    again = client.get(
        f"/calendrier/espaces/{actors.space.pk}/{token}.ics",
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304
    assert response["Last-Modified"]
    # A space the holder may not open, one that does not exist, a wrong token: 404.
    staff = _feed(actors, "staff")
    assert client.get(f"/calendrier/espaces/{actors.space.pk}/{staff}.ics").status_code == 404
    assert client.get(f"/calendrier/espaces/999999/{token}.ics").status_code == 404
    assert client.get(f"/calendrier/espaces/{actors.space.pk}/faux.ics").status_code == 404
    with actors.inside():
        SpaceMembership.objects.filter(user=actors.people["commenter"]).delete()
    assert client.get(f"/calendrier/espaces/{actors.space.pk}/{token}.ics").status_code == 404


def test_issuing_a_space_feed_shows_its_address(actors: SpaceActors) -> None:
    response = actors.client("reader").post(
        f"/espaces/{actors.space.pk}/calendrier/flux/", follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f"/calendrier/espaces/{actors.space.pk}/" in page
    refused = actors.client("staff").post(f"/espaces/{actors.space.pk}/calendrier/flux/")
    assert refused.status_code == 404
    with actors.inside():
        assert FeedToken.objects.filter(revoked_at__isnull=True).count() == 1


# -- Across tenants ------------------------------------------------------------------------------


def test_my_calendar_gathers_the_tenants_i_reach(actors: SpaceActors) -> None:
    """A person of tenant A who is also a member of tenant B sees B's meeting on A's host,
    marked with B's name and linking to B's host; nobody else of A sees it."""
    _world(actors)
    reader = actors.people["reader"]
    add_member(actors.other_tenant, reader, Role.AGENT)
    with tenant_context(actors.other_tenant):
        elsewhere = Space.objects.create(name="Syndicat des eaux", visibility=Visibility.TENANT)
        services.create_meeting(
            seeding(actors.people["outsider"]),
            space=elsewhere,
            spec=MeetingSpec("Comité syndical", _soon(3)),
        )
    month = _soon(3).strftime("%Y-%m")
    page = actors.client("reader").get(f"/mon-calendrier/?mois={month}&vue=liste").content
    text = page.decode()
    assert "Comité syndical" in text
    assert actors.other_tenant.name in text
    assert actors.other_tenant.url("/espaces/").split("/espaces/")[0] in text
    assert "Conseil privé" in text  # and this tenant's, still
    editor_page = actors.client("editor").get(f"/mon-calendrier/?mois={month}&vue=liste")
    assert "Comité syndical" not in editor_page.content.decode()


def test_my_calendar_gathers_the_federation_spaces_of_an_epci_i_reach(
    actors: SpaceActors, tenant_epci: Tenant
) -> None:
    """Staff of a commune linked to an EPCI see the meetings of the EPCI's federation spaces
    they joined (as the EPCI's host would show them), not those of the spaces they did not."""
    reader = actors.people["reader"]
    FederationLink.objects.filter(epci=tenant_epci).delete()
    FederationLink.objects.create(
        epci=tenant_epci, commune=actors.tenant, state=FederationState.ACTIVE
    )
    owner = actors.people["outsider"]
    with tenant_context(tenant_epci):
        joined = Space.objects.create(name="PLUi", visibility=Visibility.FEDERATION)
        SpaceMembership.objects.create(
            space=joined, user=reader, role="editor", via_tenant_id=actors.tenant.pk
        )
        other = Space.objects.create(name="Voirie", visibility=Visibility.FEDERATION)
        for space, title in ((joined, "Atelier PLUi"), (other, "Commission voirie")):
            services.create_meeting(seeding(owner), space=space, spec=MeetingSpec(title, _soon(3)))
    month = _soon(3).strftime("%Y-%m")
    page = actors.client("reader").get(f"/mon-calendrier/?mois={month}&vue=liste")
    text = page.content.decode()
    assert "Atelier PLUi" in text
    assert tenant_epci.name in text
    assert "Commission voirie" not in text
    FederationLink.objects.filter(epci=tenant_epci).update(state=FederationState.ENDED)
    note_federation_change(epci_ids=[tenant_epci.pk])  # as the federation's services do
    page = actors.client("reader").get(f"/mon-calendrier/?mois={month}&vue=liste")
    assert "Atelier PLUi" not in page.content.decode()
