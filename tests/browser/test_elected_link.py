"""In a real browser, on a 360 × 740 screen: an élu opens the link of their e-mails and sees the
next council on « Mes séances » without a password and without sideways scrolling; the
meeting's own page then asks for the password once, and opens after it."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.meetings import elected_link, services
from entente.meetings.services import MeetingSpec
from tests.support.acting import seeding
from tests.support.council import council
from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]
__all__ = ["council"]  # a fixture, used by name


@pytest.fixture
def next_council(council: dict[str, Any], django_db_blocker: Any) -> dict[str, Any]:
    """The council's space with its next meeting, in five days, one point on its agenda."""
    agent, tenant = council["agent"], council["tenant"]
    with django_db_blocker.unblock(), tenant_context(tenant):
        meeting = services.create_meeting(
            seeding(agent),
            space=council["space"],
            spec=MeetingSpec(
                "Conseil municipal de juin",
                timezone.now() + datetime.timedelta(days=5),
                series="conseil",
                place="Salle des fêtes",
            ),
        )
        services.add_agenda_item(seeding(agent), meeting, title="Rénovation de l'école")
    return {**council, "meeting": meeting}


def test_an_elu_opens_the_link_on_a_phone_and_sees_the_next_council(
    browser: Any, next_council: dict[str, Any]
) -> None:
    tenant, meeting = next_council["tenant"], next_council["meeting"]
    token = elected_link.make_token(next_council["elected"], tenant)
    with live_asgi_server() as port:
        phone = browser.new_context(locale="fr-FR", viewport={"width": 360, "height": 740})
        phone.set_default_timeout(15_000)
        page = phone.new_page()
        try:
            page.goto(f"http://{tenant.primary_host}:{port}/mes-seances/acces/{token}/")
            page.get_by_role("heading", name="Mes séances").wait_for()
            assert page.url.endswith("/mes-seances/")  # the token left the address bar
            page.get_by_text("Conseil municipal de juin").first.wait_for()
            page.get_by_text("Rénovation de l'école").wait_for()
            page.get_by_text("Salle des fêtes").wait_for()
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360  # no sideways scrolling on a phone

            # Any other page asks for the password once, then opens.
            page.get_by_role("link", name="Conseil municipal de juin").click()
            page.wait_for_url(re.compile(r"/comptes/login/"))
            page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(
                next_council["elected"].email
            )
            page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
                "mot-de-passe-solide-42"
            )
            page.get_by_role(
                "button", name=re.compile("connexion|connecter", re.IGNORECASE)
            ).click()
            page.wait_for_url(re.compile(rf"/reunions/{meeting.pk}/$"))
            page.get_by_role("heading", name="Conseil municipal de juin").wait_for()

            # A broken link says so, in French, and offers the ordinary login.
            page.goto(f"http://{tenant.primary_host}:{port}/mes-seances/acces/{token[:-4]}/")
            page.get_by_role("heading", name="Ce lien ne fonctionne plus").wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        finally:
            phone.close()
