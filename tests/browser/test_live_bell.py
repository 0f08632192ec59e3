"""In two real browsers: one person assigns a task, the other's bell changes without a reload.

The whole chain runs for real: the service call publishes `task.assigned` after commit, the
notifications subscriber hands it to a Celery worker (a subprocess), which makes the
notification and publishes `notification.created`; the channel layer brings it to the live
server's hub, whose socket tells the page (static/entente/live.js), which updates the bell.
A space page of the same person shows the task's activity appear live too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership
from entente.spaces.models import Visibility
from entente.spaces.services import create_space
from entente.tasks.services import create_task
from tests.realtime.live_client import session_cookie
from tests.support.acting import seeding
from tests.support.live import LIVE_DB, live_asgi_server
from tests.support.worker import celery_worker

pytestmark = [pytest.mark.browser, LIVE_DB]
WAIT_MS = 90_000  # the worker's start-up is inside this wait


def _logged_in_page(browser: Any, user: Any, host: str) -> Any:
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(30_000)
    context.add_cookies(
        [{"name": "entente_session", "value": session_cookie(user), "domain": host, "path": "/"}]
    )
    return context.new_page()


def test_the_bell_counts_a_task_assigned_by_someone_else_without_a_reload(
    browser: Any, committed_user: Any, tenant_a: Any, tmp_path: Path
) -> None:
    alice = committed_user({"tenant_a": "agent"}, full_name="Alice Martin")
    bob = committed_user({"tenant_a": "agent"}, full_name="Bob Durand")
    membership = Membership.objects.get(user=alice, tenant=tenant_a)
    with tenant_context(tenant_a):
        space = create_space(membership, name="Voirie", visibility=Visibility.TENANT)
    host = tenant_a.primary_host
    with celery_worker(tmp_path) as (_worker, log), live_asgi_server() as port:
        site = f"http://{host}:{port}"
        alice_page = _logged_in_page(browser, alice, host)
        bob_page = _logged_in_page(browser, bob, host)
        alice_page.goto(f"{site}/espaces/{space.pk}/")
        bob_page.goto(f"{site}/espaces/{space.pk}/")
        for page in (alice_page, bob_page):
            page.wait_for_selector("html[data-live='connected']", timeout=WAIT_MS)
        bell = bob_page.locator("#notification-count")
        assert bell.get_attribute("data-unread-count") == "0"

        with tenant_context(tenant_a):
            create_task(
                seeding(alice),
                space=space,
                title="Reboucher le nid-de-poule",
                assignee_ids=[bob.pk],
            )

        try:
            bob_page.wait_for_selector(
                "#notification-count[data-unread-count='1']", timeout=WAIT_MS
            )
        except Exception:
            pytest.fail(f"The bell did not change. Worker log:\n{log.read_text()[-3000:]}")
        assert bell.inner_text().strip() == "1"
        # The announcement is written a moment after the count (screen readers notice a change).
        # (A selector, not wait_for_function: the page's CSP refuses a string evaluated as JS.)
        bob_page.locator("#live-announcer", has_text="Reboucher le nid-de-poule").wait_for(
            state="attached", timeout=WAIT_MS
        )
        # Alice, who assigned it, gets no notification; both see the activity appear.
        assert alice_page.locator("#notification-count").get_attribute("data-unread-count") == "0"
        for page in (alice_page, bob_page):
            feed = page.locator("[data-live-activity] ol.activity-feed li").first
            feed.wait_for()
            assert "Reboucher le nid-de-poule" in feed.inner_text()
        assert bob_page.evaluate("performance.getEntriesByType('navigation').length") == 1
