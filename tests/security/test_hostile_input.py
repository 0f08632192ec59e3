"""Hostile input (issue 16), each case with the answer it gets: forged posts (CSRF), open
redirects through `next`, header injection through the names an e-mail subject quotes, markup
in every name shown as HTML, and guessing passwords. The Content-Security-Policy is in
test_content_security_policy.py; hostile uploads in tests/entente/documents and tests/api."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.citizens.services import invite_citizens
from entente.discussions.services import add_comment as add_thread_comment
from entente.discussions.services import create_thread
from entente.spaces.models import Space, SpaceKind, Visibility
from entente.spaces.services import create_space
from entente.tasks.services import add_comment, create_task
from tenants.models import Tenant
from tests.support.acting import member
from tests.test_isolation_matrix import Route, _member_routes

PASSWORD = "mot-de-passe-solide-42"
MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
HOSTILE_TARGETS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "http:evil.example",
    "javascript:alert(1)",
]


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> None:
    """allauth counts failed logins in the cache, which outlives a test: a prefix of our own."""
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["KEY_PREFIX"] = f"{caches['default'].get('KEY_PREFIX', '')}-{uuid.uuid4()}"
    settings.CACHES = caches


# -- Forged posts ------------------------------------------------------------------------------


def _page_routes() -> list[Route]:
    """Every member page of a tenant; the API is checked below on a few of its routes."""
    return [route for route in _member_routes() if not route.name.startswith("api-")]


def test_every_page_refuses_a_post_without_its_csrf_token(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    admin = make_user("maire@lege.test", tenant_a, Role.ADMIN)
    client = Client(HTTP_HOST=tenant_a.primary_host, enforce_csrf_checks=True)
    client.force_login(admin)
    routes = _page_routes()
    assert len(routes) > 50, len(routes)  # the walk found the pages
    accepted = [
        f"{route.name} {route.path}: {status}"
        for route in routes
        if (status := client.post(route.path, {"name": "forgé"}).status_code) != 403
    ]
    assert accepted == []


def test_the_api_refuses_a_session_post_without_its_csrf_token(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    """A browser's session is not enough to write through the API: DRF wants the token too (a
    script's bearer token needs none, and a forged page cannot hold one)."""
    admin = make_user("maire@lege.test", tenant_a, Role.ADMIN)
    client = Client(HTTP_HOST=tenant_a.primary_host, enforce_csrf_checks=True)
    client.force_login(admin)
    response = client.post("/api/v1/spaces/", {"name": "forgé"}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    with tenant_context(tenant_a):
        assert not Space.objects.filter(name="forgé").exists()


# -- Open redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_moving_a_task_never_sends_to_another_host(
    target: str, tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    with tenant_context(tenant_a):
        space = create_space(member(agent, tenant_a), name="Voirie")
        task = create_task(member(agent, tenant_a), space=space, title="Nid-de-poule")
    response = client_for(tenant_a, agent).post(
        f"/taches/{task.pk}/statut/", {"status": "done", "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/espaces/{space.pk}/tableau/"


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_marking_notifications_read_never_sends_to_another_host(
    target: str, tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    response = client_for(None, agent).post(
        reverse("notifications:read_all", urlconf=settings.PUBLIC_SCHEMA_URLCONF),
        {"next": target},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "notifications:list", urlconf=settings.PUBLIC_SCHEMA_URLCONF
    )


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_logging_in_never_sends_to_another_host(
    target: str, tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    response = Client(HTTP_HOST=tenant_a.primary_host).post(
        f"/comptes/login/?next={target}", {"login": agent.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]
    assert not response["Location"].startswith("javascript:")


# -- Header injection --------------------------------------------------------------------------


def test_a_line_break_in_a_name_adds_no_header_and_loses_no_mail(
    tenant_a: Tenant, make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    """The invitation's subject quotes the project's name; a name typed with a line break and a
    `Bcc:` yields one mail, to the invited person only, with a one-line subject."""
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    with tenant_context(tenant_a):
        project = create_space(
            member(agent, tenant_a),
            name="Concours photo",
            kind=SpaceKind.PROJECT,
            visibility=Visibility.PUBLIC_PROJECT,
        )
        Space.objects.filter(pk=project.pk).update(
            name="Concours photo\r\nBcc: espion@evil.example"
        )
        project.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            invite_citizens(member(agent, tenant_a), project, ["julie@example.fr"], tenant=tenant_a)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["julie@example.fr"]
    assert sent.bcc == []
    assert "\n" not in sent.subject
    assert "\r" not in sent.subject
    assert sent.message()["Bcc"] is None
    assert "Concours photo Bcc:" in sent.subject  # the name kept, on one line


# -- Markup in names ---------------------------------------------------------------------------


def test_markup_typed_anywhere_is_shown_as_text(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Any
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT, full_name=MARKUP)
    acting = member(agent, tenant_a)
    with tenant_context(tenant_a):
        space = create_space(acting, name=MARKUP, description=MARKUP)
        task = create_task(acting, space=space, title=MARKUP, description=MARKUP)
        # Rich text keeps its words and loses the markup (nh3): a comment of markup alone is
        # refused as empty, so each carries a word too.
        add_comment(acting, task, body=f"{MARKUP} voir")
        thread = create_thread(acting, space=space, title=MARKUP, body=f"{MARKUP} voir")
        add_thread_comment(acting, thread, body=f"{MARKUP} voir")
    client = client_for(tenant_a, agent)
    pages = [
        "/",
        "/espaces/",
        f"/espaces/{space.pk}/",
        f"/espaces/{space.pk}/membres/",
        f"/espaces/{space.pk}/tableau/",
        f"/taches/{task.pk}/",
        "/taches/",
        f"/espaces/{space.pk}/discussions/",
        f"/espaces/{space.pk}/discussions/{thread.pk}/",
        "/mon-travail/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "<script>alert" not in html, path
        assert "onerror=alert" not in html.replace("onerror=alert(1)&gt;", ""), path
    assert ESCAPED in client.get(f"/taches/{task.pk}/").content.decode()


# -- Guessing passwords ------------------------------------------------------------------------


def test_guessing_a_password_is_stopped_and_said_in_french(
    tenant_a: Tenant, make_user: Callable[..., User]
) -> None:
    """allauth's rate limit (5 failures per address in 5 minutes): after it, even the right
    password is refused for a while, with a sentence that says so."""
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    EmailAddress.objects.create(user=agent, email=agent.email, verified=True, primary=True)
    client = Client(HTTP_HOST=tenant_a.primary_host)
    for _ in range(5):
        wrong = client.post("/comptes/login/", {"login": agent.email, "password": "devine"})
        assert wrong.status_code == 200
        assert "incorrect" in wrong.content.decode()
    blocked = client.post("/comptes/login/", {"login": agent.email, "password": PASSWORD})
    assert blocked.status_code in {200, 429}
    assert "Trop de tentatives" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
