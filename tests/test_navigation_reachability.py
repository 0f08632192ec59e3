"""Every feature reachable, no dead ends (issue 22): a crawl by every actor of the matrix.

Each actor starts from the home pages of the hosts they work on (their tenant's, the EPCI's
for federated staff, the bare domain) and follows links only: same host, GET, `<a href>`,
breadth first, so the depth of a page is the number of clicks it takes from home. It fails:

- on any link that answers 403, 404, 405 or 500 (or sends a logged-in person to log in):
  what a person is shown must be what they may open (`test_no_actor_meets_a_dead_link`);
- on any page route of the URL configurations that no actor reaches and that
  `REACHED_OTHERWISE` does not name with its reason: a route added later falls into this test
  by itself (`test_every_page_route_is_reached_by_links_or_declared`);
- when the admin needs more than two clicks from home to reach the administration of the
  tenant (export, support access, inbound addresses, join requests, guests, federation links);
- when a registered menu entry (`entente.core.navigation`) is shown but its page refuses, or
  its page opens but no menu shows it (`test_a_menu_entry_is_shown_exactly_when_its_page_opens`).

The world is built once per module inside a transaction rolled back at the end. The crawl is
bounded: `PAGES_PER_ROUTE` addresses per route (the fifth task's page proves nothing more than
the first), `MAX_PAGES` per actor.
"""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
import time
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse, set_urlconf
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.accounts.services import add_member
from entente.checklists.services import ItemSpec, create_template, launch_template
from entente.console.middleware import SUPPORT_SESSION_KEY
from entente.console.services import grant_support
from entente.core.db import connection
from entente.core.navigation import (
    ACCOUNT,
    ADMINISTRATION,
    MAIN,
    PLATFORM_HOST,
    TASKS,
    TENANT_HOST,
    links_for,
    registered_entries,
)
from entente.discussions.services import create_thread, edit_comment
from entente.documents.selectors import tree_root
from entente.documents.services import create_folder
from entente.documents.services import upload as upload_document
from entente.meetings.extract import publish_extract
from entente.meetings.minutes import approve_minutes, submit_minutes
from entente.meetings.services import MeetingSpec, create_meeting
from entente.notifications.models import Notification, NotificationKind
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Label
from entente.tasks.services import add_attachment, create_task
from tenants.models import FederationLink, FederationState, Tenant
from tests.conftest import SESSION_TENANTS, ensure_session_tenants
from tests.support.acting import seeding
from tests.test_isolation_matrix import PLATFORM_URLCONF, TENANT_URLCONF, routes_of

pytestmark = pytest.mark.django_db

PAGES_PER_ROUTE = 3
MAX_PAGES = 250
PLATFORM = "platform"  # the bare domain, as a host key

# Routes no link leads to, by design: route name (or URL pattern prefix) → why.
EMAIL_LINK = "reached from a link in an e-mail"
TOKEN_LINK = "a token link, sent to one person"
API_ONLY = "API only (JSON, documented in the OpenAPI schema)"
POST_ONLY = "POST only: a form's action, never a link"
MACHINE = "for machines (health checks, metrics, webhooks)"
REACHED_OTHERWISE: dict[str, str] = {
    # Prefixes (a trailing "/" or "*"): whole families of routes.
    "api/*": API_ONLY,
    "admin/*": "Django's admin, for Entente's own staff (its own navigation)",
    "tenant_healthz": MACHINE,
    "tenant_readyz": MACHINE,
    "healthz": MACHINE,
    "readyz": MACHINE,
    "metrics": MACHINE,
    "mail_inbound": MACHINE,
    "set_language": POST_ONLY + " (the language switcher)",
    # Writes of the pages, posted by their forms.
    "spaces:archive": POST_ONLY,
    "spaces:restore": POST_ONLY,
    "spaces:member_role": POST_ONLY,
    "spaces:member_remove": POST_ONLY,
    "tasks:move": POST_ONLY,
    "tasks:delete": POST_ONLY,
    "tasks:comment": POST_ONLY,
    "tasks:attachment_upload": POST_ONLY,
    "tasks:attachment_delete": POST_ONLY,
    "tasks:comment_edit": POST_ONLY + " (the task page's inline edit form)",
    "tasks:label_edit": POST_ONLY + " (the label list's inline forms)",
    "checklists:template_delete": POST_ONLY,
    "checklists:item_add": POST_ONLY,
    "checklists:item_update": POST_ONLY,
    "checklists:item_delete": POST_ONLY,
    "checklists:item_move": POST_ONLY,
    "checklists:item_complete": POST_ONLY,
    "meetings:attendance": POST_ONLY,
    "meetings:agenda_add": POST_ONLY,
    "meetings:agenda_move": POST_ONLY,
    "meetings:item_minutes": POST_ONLY,
    "meetings:decision_add": POST_ONLY,
    "meetings:minutes_submit": POST_ONLY,
    "meetings:minutes_approve": POST_ONLY,
    "meetings:convene": POST_ONLY,
    "meetings:extract_publish": POST_ONLY,
    "meetings:carry_over": POST_ONLY,
    "meetings:item_document": POST_ONLY,
    "meetings:feed_token": POST_ONLY,
    "meetings:elected_link": TOKEN_LINK + " (the élus' link of their e-mails)",
    "meetings:elected_links_revoke": POST_ONLY,
    "meetings:feed": TOKEN_LINK + " (a person's private iCal feed, for calendar clients)",
    "meetings:space_feed_token": POST_ONLY,
    "meetings:space_feed": TOKEN_LINK + " (a space's private iCal feed, for calendar clients)",
    "discussions:comment_create": POST_ONLY,
    "federation:invite": POST_ONLY,
    "federation:accept": POST_ONLY,
    "federation:refuse": POST_ONLY,
    "federation:join": POST_ONLY,
    "federation:ask": POST_ONLY,
    "federation:leave": POST_ONLY,
    "federation:request_approve": POST_ONLY,
    "federation:request_refuse": POST_ONLY,
    "administration:support_revoke": POST_ONLY,
    "signup:join_accept": POST_ONLY,
    "signup:join_refuse": POST_ONLY,
    "citizens:sections": POST_ONLY,
    "citizens:resend": POST_ONLY,
    "citizens:revoke": POST_ONLY,
    "citizens:guest_remove": POST_ONLY,
    "citizens:admin_revoke": POST_ONLY,
    "spaces:hide_first_steps": POST_ONLY + " (the home page's « Premiers pas »)",
    "checklists:install_starter": POST_ONLY + " (the empty « Procédures » page's button)",
    "team:resend": POST_ONLY,
    "team:revoke": POST_ONLY,
    "team:member_role": POST_ONLY,
    "team:member_remove": POST_ONLY,
    "tour:close": POST_ONLY + " (« Non merci », « Terminer la visite »)",
    "notifications:read": POST_ONLY,
    "notifications:read_all": POST_ONLY,
    "api_token_revoke": POST_ONLY,
    "privacy:export_request": POST_ONLY,
    "privacy:erase": POST_ONLY,
    "privacy:export_progress": "polled by « Mes données » (HTMX) while an export is built",
    "privacy:export_download": EMAIL_LINK + " (and « Mes données » once the export is ready)",
    "console:tenant_action": POST_ONLY,
    "console:open_support": POST_ONLY,
    "console:replay": POST_ONLY,
    "analytics:dismiss_suggestion": POST_ONLY + " (the suggestion's « Ne plus me le proposer »)",
    "documents:folder_create": POST_ONLY,
    "documents:folder_rename": POST_ONLY,
    "documents:folder_move": POST_ONLY,
    "documents:folder_delete": POST_ONLY,
    "documents:folder_restore": POST_ONLY,
    "documents:folder_right": POST_ONLY,
    "documents:file_rename": POST_ONLY,
    "documents:file_move": POST_ONLY,
    "documents:file_delete": POST_ONLY,
    "documents:file_restore": POST_ONLY,
    "documents:file_follow": POST_ONLY,
    "documents:version_restore": POST_ONLY,
    "documents:upload": POST_ONLY + " (the upload form of a folder's page)",
    "documents:version_upload": POST_ONLY + " (the new-version form of a file's page)",
    "search:results": "the search form in every page's header (a GET form, not a link)",
    "search:suggestions": "fetched by the header's search box as one types (HTMX)",
    # Reached by a link sent to one person, or along a flow that starts there.
    "citizens:accept": TOKEN_LINK + " (a citizen's invitation)",
    "team:accept": TOKEN_LINK + " (a colleague's invitation)",
    "signup:confirm": TOKEN_LINK + " (a sign-up's confirmation e-mail)",
    "signup:join_confirm": TOKEN_LINK + " (a join request's confirmation e-mail)",
    "signup:sent": "the page after the sign-up form is posted",
    "signup:details": "the sign-up search's result (HTMX), then its form",
    "signup:search": "the sign-up form's search field (HTMX)",
    "signup:progress": "the page the sign-up confirmation leads to",
    "signup:status": "polled by the progress page (HTMX)",
    "signup:set_password": "the step after the sign-up confirmation",
    "signup:welcome": "the first page of a new tenant, after its sign-up",
    "account_confirm_email": TOKEN_LINK + " (e-mail address verification)",
    "account_reset_password_from_key": TOKEN_LINK + " (password reset e-mail)",
    "account_reset_password_from_key_done": "the page after a password reset by e-mail",
    "account_reset_password_done": "the page after asking for a password reset",
    "account_email_verification_sent": "the page after adding an e-mail address",
    "account_inactive": "shown to a deactivated account trying to log in",
    "account_logout": POST_ONLY + " (the header's « Se déconnecter » form)",
    "account_signup": "closed: people join by invitation or by a collectivité's sign-up",
    "account_confirm_login_code": "allauth's login by code, turned off",
    "account_set_password": "allauth's page for an account without a password (none here)",
    "mfa_view_recovery_codes": "allauth's MFA management, behind a fresh reauthentication",
    "mfa_download_recovery_codes": "allauth's MFA management, behind a fresh reauthentication",
    "mfa_authenticate": "the login's second step, for people with an authenticator",
    "account_reauthenticate": "asked before touching second factors, once the login is 5 min old",
    "mfa_reauthenticate": "the same, for people with an authenticator",
    "mfa_reauthenticate_webauthn": "the same, by a security key",
    "mfa_list_webauthn": "« Mon compte » › double authentification, for people with a key",
    "mfa_edit_webauthn": "renaming a security key, from that list",
    "mfa_remove_webauthn": "removing a security key, from that list (POST)",
    "remove_security_key": "the same address, guarded by the collectivité's policy (POST)",
    "mfa_required": "where a collectivité's two-factor policy sends who lacks one (accounts.mfa)",
    "openid_connect_login": POST_ONLY + " (the login page's « S'identifier avec ProConnect »)",
    "openid_connect_callback": "the identity provider's return (ProConnect), on the platform",
    "saml_login": POST_ONLY + " (a collectivité's login page: « Se connecter avec <annuaire> »)",
    "saml_acs": "where a collectivité's SAML directory posts its answer",
    "saml_finish_acs": "the same answer, read back on our own host (allauth)",
    "saml_sls": "where a collectivité's SAML directory sends a logout",
    "scim:config": "SCIM 2.0 for a collectivité's directory, its token as key (entente.scim)",
    "scim:resource_types": "the same",
    "scim:users": "the same",
    "scim:user": "the same",
    "scim:groups": "the same",
    "scim:group": "the same",
    "saml_metadata": "allauth's, behind ours at the same address (saml_service_provider_metadata)",
    # allauth's older addresses of the same pages, without names.
    "comptes/social/login/cancelled/": "shown when someone cancels at the identity provider",
    "comptes/social/login/error/": "shown when the identity provider answers an error",
    "comptes/social/signup/": "allauth's sign-up form after a provider (never: auto sign-up)",
    "comptes/social/connections/": "« Mon compte » › accounts linked, with ProConnect configured",
    # allauth serves the same four under their current names at comptes/3rdparty/ too.
    "socialaccount_login_cancelled": "shown when someone cancels at the identity provider",
    "socialaccount_login_error": "shown when the identity provider answers an error",
    "socialaccount_signup": "allauth's sign-up form after a provider (never: auto sign-up)",
}

ADMIN_WITHIN_TWO_CLICKS = (
    "administration:export",
    "administration:support",
    "mailin:addresses",
    "signup:join_requests",
    "citizens:guests",
    "federation:home",
    "team:members",
)


@dataclass
class Actor:
    user: User | None
    hosts: dict[str, str]  # host key → host name ("lege", "epci", PLATFORM)
    staff_mfa: bool = False
    support_tenant: int | None = None


@dataclass
class World:
    tenants: dict[str, Tenant]
    actors: dict[str, Actor]


@dataclass
class Crawl:
    reached: dict[str, int] = field(default_factory=dict)  # route name → fewest clicks
    # route name → (host key, address) of the first HTML page of that route met
    pages_of: dict[str, tuple[str, str]] = field(default_factory=dict)
    dead: list[str] = field(default_factory=list)
    pages: int = 0


def _person(label: str, **fields: Any) -> User:
    return User.objects.create_user(
        f"navigation-{label}@example.fr", "mot-de-passe-solide-42", full_name=label, **fields
    )


def _space(name: str, visibility: str, members: dict[User, str]) -> Space:
    space = Space.objects.create(name=name, visibility=visibility)
    for user, role in members.items():
        SpaceMembership.objects.create(space=space, user=user, role=role)
    return space


def _content(space: Space, owner: User, template: Any) -> None:
    """A task (with a file), a discussion (with an edited message), a checklist and a
    meeting, so that their pages have a link to follow."""
    task = create_task(
        seeding(owner),
        space=space,
        title=f"Tâche de {space.name}",
        assignee_ids=[owner.pk],
    )
    add_attachment(seeding(owner), task, upload=ContentFile(b"devis", name="devis.txt"))
    thread = create_thread(
        seeding(owner),
        space=space,
        title=f"Sujet de {space.name}",
        body="Premier message",
    )
    first = thread.comments.get()
    edit_comment(seeding(owner), first, body="Premier message, corrigé")
    membership = Membership.objects.get(user=owner, tenant=connection.tenant)
    folder = create_folder(membership=membership, parent=tree_root(space), name="Délibérations")
    upload_document(
        membership=membership,
        folder=folder,
        name="Compte rendu.txt",
        content=io.BytesIO(b"Compte rendu de la commission"),
    )
    launch_template(
        seeding(owner),
        template,
        space=space,
        reference_date=datetime.date(2026, 1, 5),
    )
    meeting = create_meeting(
        seeding(owner),
        space=space,
        spec=MeetingSpec(
            f"Réunion de {space.name}", datetime.datetime(2026, 1, 5, 18, tzinfo=datetime.UTC)
        ),
    )
    if space.visibility == Visibility.PUBLIC_PROJECT:  # its citizens read the published extract
        submit_minutes(seeding(owner), meeting, approver_ids=[owner.pk])
        approve_minutes(membership, meeting)
        publish_extract(seeding(owner), meeting)


def _build_world() -> World:
    ensure_session_tenants()
    tenants = {
        key: Tenant.objects.get(official_code=SESSION_TENANTS[key]["official_code"])
        for key in ("tenant_a", "tenant_epci")
    }
    lege, epci = tenants["tenant_a"], tenants["tenant_epci"]
    FederationLink.objects.filter(epci=epci).delete()
    FederationLink.objects.create(epci=epci, commune=lege, state=FederationState.ACTIVE)
    people = {
        "admin": _person("Administratrice Legé"),
        "agent": _person("Agent Legé"),
        "elected": _person("Élu Legé"),
        "citizen": _person("Citoyenne Legé"),
        "federated": _person("Agent Legé fédéré"),
        "cc_staff": _person("Agent de la CC"),
        "cc_admin": _person("Administrateur de la CC"),
        "vendor_support": _person("Support Entente", is_staff=True),
        "vendor": _person("Équipe Entente", is_staff=True),
    }
    for role, key in ((Role.ADMIN, "admin"), (Role.AGENT, "agent"), (Role.ELECTED, "elected")):
        add_member(lege, people[key], role)
    add_member(lege, people["citizen"], Role.GUEST)
    add_member(lege, people["federated"], Role.AGENT)
    add_member(epci, people["cc_staff"], Role.AGENT)
    add_member(epci, people["cc_admin"], Role.ADMIN)
    for key in ("vendor_support", "vendor"):
        TOTP.activate(people[key], generate_totp_secret())
    with tenant_context(lege):
        template = create_template(
            seeding(people["admin"]),
            name="Mariage",
            items=[ItemSpec(title="Publier les bans")],
        )
        Label.objects.create(name="Voirie")
        team = _space(
            "Services techniques",
            Visibility.TENANT,
            {people["agent"]: SpaceRole.EDITOR, people["elected"]: SpaceRole.COMMENTER},
        )
        project = _space(
            "Concours photo",
            Visibility.PUBLIC_PROJECT,
            {people["admin"]: SpaceRole.EDITOR, people["citizen"]: SpaceRole.COMMENTER},
        )
        private = _space("Direction", Visibility.PRIVATE, {people["admin"]: SpaceRole.EDITOR})
        for space in (team, project, private):
            _content(space, people["admin"], template)
    with tenant_context(epci):
        template = create_template(
            seeding(people["cc_admin"]),
            name="Collecte des déchets",
            items=[ItemSpec(title="Prévenir les communes")],
        )
        shared = _space(
            "Tourisme",
            Visibility.FEDERATION,
            {people["cc_staff"]: SpaceRole.EDITOR, people["federated"]: SpaceRole.EDITOR},
        )
        _space("Finances de la CC", Visibility.TENANT, {people["cc_admin"]: SpaceRole.EDITOR})
        _content(shared, people["cc_staff"], template)
    Notification.objects.create(
        user=people["agent"],
        tenant=lege,
        kind=NotificationKind.TASK_ASSIGNED,
        title="Une tâche vous attend",
        url=lege.url("/taches/"),
    )
    grant_support(lege, granted_by=people["admin"], duration="24h")
    connection.set_schema_to_public()
    actors = {
        "anonymous": Actor(None, {"lege": "lege", PLATFORM: PLATFORM}),
        "admin": Actor(people["admin"], {"lege": "lege", PLATFORM: PLATFORM}),
        "agent": Actor(people["agent"], {"lege": "lege", PLATFORM: PLATFORM}),
        "elected": Actor(people["elected"], {"lege": "lege", PLATFORM: PLATFORM}),
        "citizen": Actor(people["citizen"], {"lege": "lege", PLATFORM: PLATFORM}),
        "federated": Actor(people["federated"], {"epci": "epci"}),  # on the EPCI's host
        "cc_staff": Actor(people["cc_staff"], {"epci": "epci"}),
        "cc_admin": Actor(people["cc_admin"], {"epci": "epci", PLATFORM: PLATFORM}),
        "vendor_support": Actor(
            people["vendor_support"], {"lege": "lege", PLATFORM: PLATFORM}, True, lege.pk
        ),
        "vendor": Actor(people["vendor"], {PLATFORM: PLATFORM}, staff_mfa=True),
    }
    return World({"lege": lege, "epci": epci}, actors)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once, in a transaction the module's tests run inside, rolled back at the end."""
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]
    media = tempfile.mkdtemp(prefix="entente-navigation-")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()
            shutil.rmtree(media, ignore_errors=True)


# -- The crawl ----------------------------------------------------------------------------------


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def _hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def host_name(world: World, key: str) -> str:
    return settings.ENTENTE_DOMAIN if key == PLATFORM else world.tenants[key].primary_host


def _urlconf(key: str) -> str:
    return PLATFORM_URLCONF if key == PLATFORM else TENANT_URLCONF


def actor_client(world: World, actor: Actor, key: str) -> Client:
    client = Client(HTTP_HOST=host_name(world, key))
    if actor.user is None:
        return client
    client.force_login(actor.user)
    if actor.staff_mfa:
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "email": actor.user.email},
            {"method": "mfa", "at": time.time(), "type": "totp", "id": 1},
        ]
        session["account_authentication_methods_user"] = str(actor.user.pk)
        if actor.support_tenant is not None:
            session[SUPPORT_SESSION_KEY] = [actor.support_tenant]
        session.save()
    return client


def _route_name(key: str, path: str) -> str | None:
    try:
        match = resolve(path, urlconf=_urlconf(key))
    except Resolver404:
        return None
    return match.view_name


SKIPPED_PATHS = ("/static/", "/media/", "/comptes/logout/")


def crawl(world: World, name: str) -> Crawl:
    actor = world.actors[name]
    hosts = {host_name(world, key).split(":")[0]: key for key in actor.hosts}
    clients = {key: actor_client(world, actor, key) for key in actor.hosts}
    result = Crawl()
    queue: deque[tuple[str, str, int, str]] = deque(
        (key, "/", 0, "(accueil)") for key in actor.hosts
    )
    seen = {(key, "/") for key in actor.hosts}
    fetched: Counter[str] = Counter()
    while queue and result.pages < MAX_PAGES:
        key, url, depth, source = queue.popleft()
        path = urlsplit(url).path
        route = _route_name(key, path)
        if route is not None and fetched[route] >= PAGES_PER_ROUTE:
            continue
        fetched[route or path] += 1
        result.pages += 1
        response = clients[key].get(url)
        status = response.status_code
        where = f"{source} → {key}:{url}"
        if status in {301, 302, 303, 307, 308}:
            location = urlsplit(urljoin(url, response["Location"]))
            if actor.user is not None and "/comptes/login/" in location.path:
                result.dead.append(f"{where} sends a logged-in person to log in")
                continue
            if route is not None:  # it answers, elsewhere: the link works
                result.reached[route] = min(result.reached.get(route, depth), depth)
            target_key = hosts.get(location.hostname or "", key) if location.netloc else key
            target = location.path + (f"?{location.query}" if location.query else "")
            if location.netloc and (location.hostname or "") not in hosts:
                continue
            if (target_key, target) not in seen:
                seen.add((target_key, target))
                queue.appendleft((target_key, target, depth, source))  # not a click
            continue
        if status >= 400:
            result.dead.append(f"{where} → {status}")
            continue
        if route is not None:
            result.reached[route] = min(result.reached.get(route, depth), depth)
        if "html" not in response.get("Content-Type", ""):
            continue
        result.pages_of.setdefault(route or path, (key, url))
        for href in _hrefs(response.content.decode(errors="replace")):
            link = urlsplit(urljoin(url, href))
            if link.scheme not in {"", "http", "https"}:
                continue  # mailto:, tel:, javascript:
            target_key = key
            if link.netloc and (link.hostname or "") != host_name(world, key).split(":")[0]:
                continue  # another host: same-host links only
            target = link.path + (f"?{link.query}" if link.query else "")
            if not link.path or link.path.startswith(SKIPPED_PATHS):
                continue
            if (target_key, target) not in seen:
                seen.add((target_key, target))
                queue.append((target_key, target, depth + 1, f"{key}:{url}"))
    return result


@pytest.fixture(scope="module")
def crawls(world: World) -> dict[str, Crawl]:
    return {name: crawl(world, name) for name in world.actors}


# -- The tests ----------------------------------------------------------------------------------

ACTORS = (
    "anonymous",
    "admin",
    "agent",
    "elected",
    "citizen",
    "federated",
    "cc_staff",
    "cc_admin",
    "vendor_support",
    "vendor",
)


def test_every_actor_of_the_matrix_is_crawled(world: World) -> None:
    assert set(world.actors) == set(ACTORS)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_actor_meets_a_dead_link(crawls: dict[str, Crawl], actor: str) -> None:
    result = crawls[actor]
    assert result.pages > 1, f"{actor} found nothing to follow from home"
    assert not result.dead, f"{actor} meets dead links:\n" + "\n".join(result.dead)


def _declared(route_name: str, pattern: str) -> bool:
    if route_name in REACHED_OTHERWISE:
        return True
    prefixes = [key[:-1] for key in REACHED_OTHERWISE if key.endswith("*")]
    return pattern.startswith(tuple(prefixes))


def test_every_page_route_is_reached_by_links_or_declared(crawls: dict[str, Crawl]) -> None:
    reached = {route for result in crawls.values() for route in result.reached}
    lost = [
        f"{route.name} ({route.pattern})"
        for urlconf in (TENANT_URLCONF, PLATFORM_URLCONF)
        for route in routes_of(urlconf)
        if route.name not in reached and not _declared(route.name, route.pattern)
    ]
    assert not lost, (
        "Page routes no actor reaches by links, and REACHED_OTHERWISE does not name:\n"
        + "\n".join(sorted(set(lost)))
    )


def test_reached_otherwise_names_only_routes_that_exist_and_are_not_linked(
    crawls: dict[str, Crawl],
) -> None:
    """A stale entry would hide a route added later under the same name."""
    names = {route.name for conf in (TENANT_URLCONF, PLATFORM_URLCONF) for route in routes_of(conf)}
    declared = {key for key in REACHED_OTHERWISE if not key.endswith("*")}
    assert declared <= names, declared - names
    reached = {route for result in crawls.values() for route in result.reached}
    assert not declared & reached, f"linked after all, drop them: {declared & reached}"


def test_the_admin_reaches_the_administration_within_two_clicks(
    crawls: dict[str, Crawl],
) -> None:
    reached = crawls["admin"].reached
    too_far = {
        route: reached.get(route) for route in ADMIN_WITHIN_TWO_CLICKS if reached.get(route, 99) > 2
    }
    assert not too_far, f"clicks from home: {too_far}"


@pytest.mark.parametrize(
    ("actor", "must_not_reach"),
    [
        ("citizen", {"checklists:template_list", "federation:home", "tasks:labels"}),
        ("citizen", {"mailin:addresses", "administration:export", "team:members"}),
        # The project's meetings stay closed: its citizens read the published extract only.
        ("citizen", {"meetings:meeting_list", "meetings:meeting_detail", "meetings:minutes_pdf"}),
        ("agent", {"administration:export", "administration:support", "citizens:guests"}),
        ("federated", {"checklists:template_list", "tasks:labels"}),
    ],
)
def test_nobody_is_shown_what_they_may_not_open(
    crawls: dict[str, Crawl], actor: str, must_not_reach: set[str]
) -> None:
    """The crawl follows only shown links: a refused page shown would be a dead link above;
    here, that the page is not even in their navigation."""
    assert not must_not_reach & set(crawls[actor].reached)


def test_a_citizen_reaches_the_published_extract_by_links(crawls: dict[str, Crawl]) -> None:
    assert {"meetings:extracts", "meetings:extract"} <= set(crawls["citizen"].reached)


MENUS = (MAIN, ADMINISTRATION, ACCOUNT, TASKS)


@pytest.mark.parametrize("actor", [name for name in ACTORS if name != "anonymous"])
def test_a_menu_entry_is_shown_exactly_when_its_page_opens(world: World, actor: str) -> None:
    """Both ways, for every entry of the registry on every host of the actor: shown → opens
    (else a dead link) and opens → shown in some menu (else a hidden feature). An admin's
    shortcut may repeat a page that others find in another menu."""
    drift = []
    for key in world.actors[actor].hosts:
        client = actor_client(world, world.actors[actor], key)
        request = client.get("/", follow=True).wsgi_request
        kind = PLATFORM_HOST if key == PLATFORM else TENANT_HOST
        set_urlconf(_urlconf(key))
        try:
            shown = {
                (menu, link.key): link.href for menu in MENUS for link in links_for(request, menu)
            }
        finally:
            set_urlconf(None)
        for menu in MENUS:
            for entry in registered_entries(menu):
                if kind not in entry.hosts:
                    continue
                path = reverse(entry.url_name, urlconf=_urlconf(key))
                status = client.get(path).status_code
                opens = status < 400
                is_shown = (menu, entry.key) in shown
                if is_shown and not opens:
                    drift.append(f"{key} {menu}/{entry.key} {path}: shown, answers {status}")
                if opens and path not in shown.values():
                    drift.append(f"{key} {menu}/{entry.key} {path}: opens ({status}), not shown")
    assert not drift, f"{actor}: menu and page disagree:\n" + "\n".join(drift)
