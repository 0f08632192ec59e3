"""The isolation matrix: every route of every host, crossed with the actors who must not pass.

Routes are read from the URL configurations, so a route added without an entry in
`TENANT_ROUTES` / `PLATFORM_ROUTES` makes `test_every_route_is_in_the_matrix` fail: nothing can
be exposed by forgetting it here. Later issues add actors (federation, citizens) and websocket
routes to the same matrix.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django_tenants.utils import tenant_context

from entente.spaces.services import create_space
from tests.support.acting import seeding

# Who may reach a route:
OPEN = "open"  # anyone: log in, health, language; shows no tenant content
MEMBERS = "members"  # members of the host's tenant only
VENDOR_STAFF = "vendor_staff"  # Entente's own staff (Django admin, console)
AUTHENTICATED = "authenticated"  # any logged-in person; shows only their own things
MACHINE_TOKEN = "machine_token"  # a machine holding a configured bearer token (Prometheus)
TENANT_ADMINS = "tenant_admins"  # the admins of the host's tenant only (its other members: 403)
TENANT_STAFF = "tenant_staff"  # its admins, agents and élus (its citizens, federated staff: 403)
WEBHOOK_SECRET = "webhook_secret"  # a mail provider holding ENTENTE_INBOUND_WEBHOOK_SECRET
SCIM_TOKEN = "scim_token"  # the host's collectivité's directory, holding its SCIM token

# Tenant hosts (<slug>.<ENTENTE_DOMAIN>): route name → policy.
TENANT_ROUTES: dict[str, str] = {
    "tenant_home": MEMBERS,
    "tenant_healthz": OPEN,
    "tenant_accessibility": OPEN,
    "help:index": OPEN,
    "help:topic": OPEN,
    "tenant_readyz": OPEN,
    "set_language": OPEN,
    "api-space-list": MEMBERS,
    "api-space-detail": MEMBERS,
    "api-space-restore": MEMBERS,
    "api-space-member-list": MEMBERS,
    "api-space-member-detail": MEMBERS,
    "api-space-activity": MEMBERS,
    "spaces:list": MEMBERS,
    "spaces:create": MEMBERS,
    "spaces:hide_first_steps": MEMBERS,
    "spaces:detail": MEMBERS,
    "spaces:settings": MEMBERS,
    "spaces:archive": MEMBERS,
    "spaces:restore": MEMBERS,
    "spaces:members": MEMBERS,
    "spaces:member_role": MEMBERS,
    "spaces:member_remove": MEMBERS,
    # Tasks (entente.tasks, api/v1/tasks).
    "api-task-list": MEMBERS,
    "api-task-detail": MEMBERS,
    "api-task-comment-list": MEMBERS,
    "api-task-comment-detail": MEMBERS,
    "api-task-attachment-list": MEMBERS,
    "api-task-attachment-detail": MEMBERS,
    "api-label-list": MEMBERS,
    "api-label-detail": MEMBERS,
    "api-my-tasks": MEMBERS,
    "tasks:mine": MEMBERS,
    "tasks:labels": MEMBERS,
    "tasks:label_edit": MEMBERS,
    "tasks:detail": MEMBERS,
    "tasks:move": MEMBERS,
    "tasks:delete": MEMBERS,
    "tasks:comment": MEMBERS,
    "tasks:comment_edit": MEMBERS,
    "tasks:attachment_upload": MEMBERS,
    "tasks:attachment_download": MEMBERS,
    "tasks:attachment_delete": MEMBERS,
    "tasks:board": MEMBERS,
    "tasks:create": MEMBERS,
    "api-schema": MEMBERS,
    "api-docs": MEMBERS,
    "federation:home": MEMBERS,
    "federation:invite": MEMBERS,
    "federation:accept": MEMBERS,
    "federation:refuse": MEMBERS,
    "federation:end": MEMBERS,
    # Federation spaces (entente.federation.space_views, api/v1/federation): members of the
    # EPCI and the stand-ins of its linked communes' staff (entente.federation.access).
    "federation:directory": MEMBERS,
    "federation:join": MEMBERS,
    "federation:ask": MEMBERS,
    "federation:leave": MEMBERS,
    "federation:space_requests": MEMBERS,
    "federation:request_approve": MEMBERS,
    "federation:request_refuse": MEMBERS,
    "api-federation-directory": MEMBERS,
    "api-federation-join": MEMBERS,
    "api-federation-ask": MEMBERS,
    "api-space-join-request-list": MEMBERS,
    "api-space-join-request-approve": MEMBERS,
    "api-space-join-request-refuse": MEMBERS,
    "administration:export": TENANT_ADMINS,
    "administration:export_download": TENANT_ADMINS,
    "administration:support": TENANT_ADMINS,
    "administration:support_revoke": TENANT_ADMINS,
    "signup:welcome": MEMBERS,
    "signup:join_requests": TENANT_ADMINS,
    "signup:join_accept": TENANT_ADMINS,
    "signup:join_refuse": TENANT_ADMINS,
    # Procedures, discussions, e-mail → task (entente.checklists, .discussions, .mailin).
    "checklists:template_list": MEMBERS,
    "checklists:template_create": MEMBERS,
    "checklists:template_edit": MEMBERS,
    "checklists:template_delete": MEMBERS,
    "checklists:launch": MEMBERS,
    "checklists:item_add": MEMBERS,
    "checklists:item_update": MEMBERS,
    "checklists:item_delete": MEMBERS,
    "checklists:item_move": MEMBERS,
    "checklists:checklist_list": MEMBERS,
    "checklists:checklist_detail": MEMBERS,
    "checklists:item_complete": MEMBERS,
    # Meetings (entente.meetings).
    "meetings:meeting_list": MEMBERS,
    "meetings:meeting_create": MEMBERS,
    "meetings:meeting_detail": MEMBERS,
    "meetings:meeting_edit": MEMBERS,
    "meetings:attendance": MEMBERS,
    "meetings:agenda_add": MEMBERS,
    "meetings:agenda_move": MEMBERS,
    "meetings:item_minutes": MEMBERS,
    "meetings:decision_add": MEMBERS,
    "meetings:minutes_submit": MEMBERS,
    "meetings:minutes_approve": MEMBERS,
    "meetings:convene": MEMBERS,
    "meetings:extract_publish": MEMBERS,
    # A public project's published extracts: its citizens read them (entente.meetings.extract).
    "meetings:extracts": MEMBERS,
    "meetings:extract": MEMBERS,
    "meetings:carry_over": MEMBERS,
    "meetings:item_document": MEMBERS,
    "meetings:minutes_pdf": MEMBERS,
    "meetings:elected": MEMBERS,
    # The élus' link of their e-mails (entente.meetings.elected_link): its signed token is the
    # key, and every bad one gets the same refusal; revoking is the élu's, the policy the admins'.
    "meetings:elected_link": OPEN,
    "meetings:elected_links_revoke": MEMBERS,
    "meetings:elected_link_policy": TENANT_ADMINS,
    "meetings:my_calendar": MEMBERS,
    "meetings:feed_token": MEMBERS,
    "meetings:space_calendar": MEMBERS,
    "meetings:space_feed_token": MEMBERS,
    # The private iCal feeds (the person's, a space's): the token is the key (404 without a
    # valid one, or for a space its holder may not open).
    "meetings:feed": OPEN,
    "meetings:space_feed": OPEN,
    "api-meeting-list": MEMBERS,
    "api-meeting-detail": MEMBERS,
    "api-meeting-agenda": MEMBERS,
    "api-meeting-attendance": MEMBERS,
    "api-meeting-decisions": MEMBERS,
    "api-meeting-minutes-approve": MEMBERS,
    "api-checklist-template-list": MEMBERS,
    "checklists:install_starter": MEMBERS,
    "api-checklist-template-detail": MEMBERS,
    "api-checklist-template-launch": MEMBERS,
    "api-checklist-list": MEMBERS,
    "api-checklist-detail": MEMBERS,
    "discussions:thread_list": MEMBERS,
    "discussions:thread": MEMBERS,
    "discussions:comment_create": MEMBERS,
    "discussions:comment_edit": MEMBERS,
    "discussions:comment_history": MEMBERS,
    "api-thread-list": MEMBERS,
    "api-thread-detail": MEMBERS,
    "api-comment-list": MEMBERS,
    "api-comment-detail": MEMBERS,
    "mailin:addresses": MEMBERS,
    # Invited citizens (entente.citizens, api/v1/citizens): the invitation link is the key.
    "citizens:accept": OPEN,
    "citizens:space": MEMBERS,
    "citizens:sections": MEMBERS,
    "citizens:resend": MEMBERS,
    "citizens:revoke": MEMBERS,
    "citizens:guests": TENANT_ADMINS,
    "citizens:guest_remove": TENANT_ADMINS,
    "citizens:admin_revoke": TENANT_ADMINS,
    "api-citizen-invitation-list": MEMBERS,
    "api-citizen-invitation-detail": MEMBERS,
    "api-citizen-invitation-resend": MEMBERS,
    "api-citizen-sections": MEMBERS,
    "api-guest-list": TENANT_ADMINS,
    "api-guest-detail": TENANT_ADMINS,
    # The collectivité's team (entente.team, api/v1/team): its staff; the invitation link is
    # the key.
    "team:accept": OPEN,
    "tour:start": TENANT_STAFF,
    "tour:step": TENANT_STAFF,
    "tour:close": TENANT_STAFF,
    "team:members": TENANT_STAFF,
    "team:security": TENANT_ADMINS,
    "api-team-security": TENANT_ADMINS,
    "sso:saml": TENANT_ADMINS,  # the collectivité's SAML directory (entente.sso)
    "api-team-saml": TENANT_ADMINS,
    "scim:settings": TENANT_ADMINS,  # the directory's SCIM token (entente.scim)
    "api-team-scim-token": TENANT_ADMINS,
    "scim:config": SCIM_TOKEN,
    "scim:resource_types": SCIM_TOKEN,
    "scim:users": SCIM_TOKEN,
    "scim:user": SCIM_TOKEN,
    "scim:groups": SCIM_TOKEN,
    "scim:group": SCIM_TOKEN,
    "mfa_required": MEMBERS,  # a member the two-factor policy stops (accounts.mfa)
    "team:resend": TENANT_STAFF,
    "team:revoke": TENANT_STAFF,
    "team:member_role": TENANT_STAFF,
    "team:member_remove": TENANT_STAFF,
    "api-team-member-list": TENANT_STAFF,
    "api-team-member-detail": TENANT_STAFF,
    "api-team-invitation-list": TENANT_STAFF,
    "api-team-invitation-detail": TENANT_STAFF,
    "api-team-invitation-resend": TENANT_STAFF,
    # « Mon travail » (entente.mywork): on a tenant's host, for whoever reaches the tenant (its
    # members, staff of its federated communes); it shows only the person's own things, from
    # the tenants they reach. Also on the bare domain, for any logged-in person (below).
    "mywork:home": MEMBERS,
    "api-my-work": MEMBERS,
    # Notifications (entente.notifications, api/v1/notifications): the person's own inbox, from
    # all their tenants; on every tenant host they reach and on the bare domain (below).
    "notifications:list": MEMBERS,
    "notifications:read": MEMBERS,
    "notifications:read_all": MEMBERS,
    "notifications:open": MEMBERS,
    "notifications:preferences": MEMBERS,
    # Usage and discovery (entente.analytics, api/v1/analytics): one's own discovery; the
    # tenant's adoption figures for its admins only.
    "analytics:discovery": MEMBERS,
    "analytics:dismiss_suggestion": MEMBERS,
    "analytics:adoption": TENANT_ADMINS,
    "analytics:adoption_csv": TENANT_ADMINS,
    "api-my-discovery": MEMBERS,
    "api-analytics-adoption": TENANT_ADMINS,
    "api-notification-list": MEMBERS,
    "api-notification-read": MEMBERS,
    "api-notification-read-all": MEMBERS,
    "api-notification-preferences": MEMBERS,
    # Documents (entente.documents, api/v1/documents): the space's abilities, then folder rules;
    # the archive tree for the tenant's staff.
    "documents:space": MEMBERS,
    "documents:space_bin": MEMBERS,
    "documents:archive": MEMBERS,
    "documents:archive_bin": MEMBERS,
    "documents:folder": MEMBERS,
    "documents:folder_create": MEMBERS,
    "documents:folder_rename": MEMBERS,
    "documents:folder_move": MEMBERS,
    "documents:folder_delete": MEMBERS,
    "documents:folder_restore": MEMBERS,
    "documents:folder_right": MEMBERS,
    "documents:upload": MEMBERS,
    "documents:file": MEMBERS,
    "documents:version_upload": MEMBERS,
    "documents:file_rename": MEMBERS,
    "documents:file_move": MEMBERS,
    "documents:file_delete": MEMBERS,
    "documents:file_restore": MEMBERS,
    "documents:file_follow": MEMBERS,
    "documents:version": MEMBERS,
    "documents:version_restore": MEMBERS,
    "api-document-tree": MEMBERS,
    "api-document-folder-list": MEMBERS,
    "api-document-folder-detail": MEMBERS,
    "api-document-folder-restore": MEMBERS,
    "api-document-folder-rights": MEMBERS,
    "api-document-upload": MEMBERS,
    "api-document-file-detail": MEMBERS,
    "api-document-file-restore": MEMBERS,
    "api-document-version-list": MEMBERS,
    "api-document-version-download": MEMBERS,
    "api-document-version-restore": MEMBERS,
    "api-document-bin": MEMBERS,
    # the collectivité's archive tree (no space): its staff read, its admins manage
    "api-archive-document-tree": MEMBERS,
    "api-archive-document-folder-list": MEMBERS,
    "api-archive-document-folder-detail": MEMBERS,
    "api-archive-document-folder-restore": MEMBERS,
    "api-archive-document-folder-rights": MEMBERS,
    "api-archive-document-upload": MEMBERS,
    "api-archive-document-file-detail": MEMBERS,
    "api-archive-document-file-restore": MEMBERS,
    "api-archive-document-version-list": MEMBERS,
    "api-archive-document-version-download": MEMBERS,
    "api-archive-document-version-restore": MEMBERS,
    "api-archive-document-bin": MEMBERS,
    # Search (entente.search, api/v1/search): on a tenant's host, for whoever reaches the
    # tenant; results come from every tenant the person reaches, filtered by their rights
    # (tests/entente/search/test_isolation.py plants canaries for every actor).
    "search:results": MEMBERS,
    "search:suggestions": MEMBERS,
    "api-search": MEMBERS,
}
# The bare domain: route name → policy.
PLATFORM_ROUTES: dict[str, str] = {
    "landing": OPEN,
    "healthz": OPEN,
    "accessibility": OPEN,
    "help:index": OPEN,
    "help:topic": OPEN,
    "readyz": OPEN,
    "set_language": OPEN,
    "choose_tenant": AUTHENTICATED,
    "api_tokens": AUTHENTICATED,
    "api_token_revoke": AUTHENTICATED,
    "metrics": MACHINE_TOKEN,
    "mail_inbound": WEBHOOK_SECRET,
    "console:tenants": VENDOR_STAFF,
    "console:tenant": VENDOR_STAFF,
    "console:tenant_action": VENDOR_STAFF,
    "console:open_support": VENDOR_STAFF,
    "console:audit_log": VENDOR_STAFF,
    "console:dead_letters": VENDOR_STAFF,
    "console:replay": VENDOR_STAFF,
    "signup:start": OPEN,
    "signup:search": OPEN,
    "signup:details": OPEN,
    "signup:sent": OPEN,
    "signup:confirm": OPEN,
    "signup:join_confirm": OPEN,
    "signup:progress": AUTHENTICATED,
    "signup:status": AUTHENTICATED,
    "signup:set_password": AUTHENTICATED,
    "mywork:home": AUTHENTICATED,
    "notifications:list": AUTHENTICATED,
    "notifications:read": AUTHENTICATED,
    "notifications:read_all": AUTHENTICATED,
    "notifications:open": AUTHENTICATED,
    "notifications:preferences": AUTHENTICATED,
    # RGPD (entente.privacy): one's own export and erasure; an export's link and progress
    # answer 404 to anyone but its owner (tests/entente/privacy/).
    "privacy:home": AUTHENTICATED,
    "privacy:export_request": AUTHENTICATED,
    "privacy:export_progress": AUTHENTICATED,
    "privacy:export_download": AUTHENTICATED,
    "privacy:erase": AUTHENTICATED,
}
# Whole included applications with one policy, by URL prefix.
OPEN_PREFIXES = ("comptes/", "admin/login/", "admin/logout/")  # log in, log out, reset, MFA
VENDOR_STAFF_PREFIXES = ("admin/",)


@dataclass(frozen=True)
class Route:
    path: str
    name: str
    pattern: str


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, Any, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner_ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner_ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


SAMPLES: tuple[Any, ...] = (1, "exemple", str(uuid.UUID(int=1)), "MQ-abc")


def _sample_path(urlconf: str, name: str, entry: URLPattern) -> str | None:
    params = list(getattr(entry.pattern, "converters", {}).keys()) or list(
        entry.pattern.regex.groupindex.keys()
    )
    for sample in SAMPLES:
        try:
            return reverse(name, urlconf=urlconf, kwargs=dict.fromkeys(params, sample))
        except NoReverseMatch:
            continue
    return None


def _path_from_pattern(pattern: str) -> str:
    """For unnamed routes of included apps (Django admin): fill the pattern by hand."""
    path = re.sub(r"<[^>]+>", "1", pattern)
    path = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", path)
    return "/" + path.replace("^", "").replace("$", "")


def routes_of(urlconf: str) -> list[Route]:
    routes = []
    for pattern, entry, namespace in _walk(get_resolver(urlconf).url_patterns):
        name = f"{namespace}{entry.name}" if entry.name else ""
        path = _sample_path(urlconf, name, entry) if name else None
        if path is None and pattern.startswith(OPEN_PREFIXES + VENDOR_STAFF_PREFIXES):
            path = _path_from_pattern(pattern)
        routes.append(Route(path=path or "", name=name or pattern, pattern=pattern))
    return routes


def policy_for(route: Route, table: dict[str, str]) -> str | None:
    if route.pattern.startswith(OPEN_PREFIXES):
        return OPEN
    if route.pattern.startswith(VENDOR_STAFF_PREFIXES):
        return VENDOR_STAFF
    return table.get(route.name)


TENANT_URLCONF = settings.ROOT_URLCONF
PLATFORM_URLCONF = settings.PUBLIC_SCHEMA_URLCONF


def test_every_route_is_in_the_matrix() -> None:
    missing = [
        f"{urlconf}: {route.pattern} (name={route.name or 'NONE'})"
        for urlconf, table in ((TENANT_URLCONF, TENANT_ROUTES), (PLATFORM_URLCONF, PLATFORM_ROUTES))
        for route in routes_of(urlconf)
        if policy_for(route, table) is None or not route.path
    ]
    assert not missing, (
        "Routes without a name, a sample path or an isolation policy:\n" + "\n".join(missing)
    )


def test_the_matrix_names_no_route_that_does_not_exist() -> None:
    for urlconf, table in ((TENANT_URLCONF, TENANT_ROUTES), (PLATFORM_URLCONF, PLATFORM_ROUTES)):
        names = {route.name for route in routes_of(urlconf)}
        assert set(table) <= names, set(table) - names


def _member_routes() -> list[Route]:
    """Routes for members only; those for admins only must refuse every outsider as well."""
    return [
        r
        for r in routes_of(TENANT_URLCONF)
        if policy_for(r, TENANT_ROUTES) in {MEMBERS, TENANT_ADMINS, TENANT_STAFF}
    ]


@pytest.fixture
def canary(tenant_b: Any) -> str:
    """A string planted in tenant B that no outsider may ever read."""
    text = f"CANARI-{uuid.uuid4().hex}"
    with tenant_context(tenant_b):
        create_space(seeding(), name=text, description=text)
    return text


@pytest.mark.parametrize("route", _member_routes(), ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_reaches_no_member_route(
    route: Route, method: str, tenant_b: Any, canary: str
) -> None:
    response = getattr(Client(HTTP_HOST=tenant_b.primary_host), method)(route.path)
    assert response.status_code in {302, 401, 403}, response.status_code
    if response.status_code == 302:
        assert response["Location"].startswith("/comptes/login/")
    assert canary not in response.content.decode(errors="replace")


@pytest.mark.parametrize("route", _member_routes(), ids=lambda r: r.name)
@pytest.mark.parametrize("method", ["get", "post"])
def test_member_of_another_tenant_reaches_no_member_route(
    route: Route,
    method: str,
    tenant_a: Any,
    tenant_b: Any,
    make_user: Any,
    client_for: Any,
    canary: str,
) -> None:
    outsider = make_user(tenant=tenant_a, role="admin")
    response = getattr(client_for(tenant_b, outsider), method)(route.path)
    assert response.status_code == 403, response.status_code
    assert canary not in response.content.decode(errors="replace")


@pytest.mark.parametrize("route", _member_routes(), ids=lambda r: r.name)
def test_tenant_routes_do_not_exist_on_the_bare_domain(
    route: Route, make_user: Any, client_for: Any
) -> None:
    staff = make_user(is_staff=True, is_superuser=True)
    if route.path == "/":
        return  # the bare domain's own home is the landing page
    if PLATFORM_ROUTES.get(route.name) == AUTHENTICATED:
        return  # on both hosts on purpose (« Mon travail »): the bare domain's is personal
    response = client_for(None, staff).get(route.path)
    assert response.status_code == 404


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(TENANT_URLCONF) if policy_for(r, TENANT_ROUTES) == TENANT_ADMINS],
    ids=lambda r: r.name,
)
@pytest.mark.parametrize("role", ["agent", "elected", "guest"])
def test_admin_routes_refuse_the_tenants_other_members(
    route: Route, role: str, tenant_b: Any, make_user: Any, client_for: Any, canary: str
) -> None:
    """403 for the method the route takes (405 for the other one), never the content."""
    member = make_user(tenant=tenant_b, role=role)
    client = client_for(tenant_b, member)
    statuses = set()
    for method in ("get", "post"):
        response = getattr(client, method)(route.path)
        statuses.add(response.status_code)
        assert canary not in response.content.decode(errors="replace")
    assert statuses in ({403}, {403, 405}), (route.pattern, statuses)


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(TENANT_URLCONF) if policy_for(r, TENANT_ROUTES) == TENANT_STAFF],
    ids=lambda r: r.name,
)
def test_staff_routes_refuse_the_tenants_citizens(
    route: Route, tenant_b: Any, make_user: Any, client_for: Any, canary: str
) -> None:
    """A citizen invited to a project is a member, not staff: 403 (405 for a method the route
    does not take), never the content."""
    client = client_for(tenant_b, make_user(tenant=tenant_b, role="guest"))
    statuses = set()
    for method in ("get", "post"):
        response = getattr(client, method)(route.path)
        statuses.add(response.status_code)
        assert canary not in response.content.decode(errors="replace")
    assert statuses in ({403}, {403, 405}), (route.pattern, statuses)


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(PLATFORM_URLCONF) if policy_for(r, PLATFORM_ROUTES) == VENDOR_STAFF],
    ids=lambda r: r.name,
)
def test_vendor_staff_routes_refuse_everyone_else(
    route: Route, tenant_a: Any, make_user: Any, client_for: Any
) -> None:
    tenant_admin = make_user(tenant=tenant_a, role="admin")
    for client in (Client(HTTP_HOST=settings.ENTENTE_DOMAIN), client_for(None, tenant_admin)):
        response = client.get(route.path)
        assert response.status_code in {302, 403, 404}, (route.pattern, response.status_code)
        if response.status_code == 302:
            assert "login" in response["Location"]


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(PLATFORM_URLCONF) if r.pattern.startswith("console/")],
    ids=lambda r: r.name,
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_console_is_a_404_for_everyone_but_staff(
    route: Route, method: str, tenant_a: Any, make_user: Any, client_for: Any
) -> None:
    """Stricter than the Django admin: the console does not admit it exists (a 404, not a login
    page) to anonymous people and tenant admins. Staff without MFA: tests/entente/console."""
    assert PLATFORM_ROUTES[route.name] == VENDOR_STAFF
    tenant_admin = make_user(tenant=tenant_a, role="admin")
    for client in (Client(HTTP_HOST=settings.ENTENTE_DOMAIN), client_for(None, tenant_admin)):
        response = getattr(client, method)(route.path)
        assert response.status_code == 404, (route.pattern, response.status_code)


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(PLATFORM_URLCONF) if policy_for(r, PLATFORM_ROUTES) == AUTHENTICATED],
    ids=lambda r: r.name,
)
def test_personal_platform_routes_send_anonymous_to_log_in(route: Route) -> None:
    response = Client(HTTP_HOST=settings.ENTENTE_DOMAIN).get(route.path)
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(PLATFORM_URLCONF) if policy_for(r, PLATFORM_ROUTES) == MACHINE_TOKEN],
    ids=lambda r: r.name,
)
def test_machine_token_routes_refuse_people(
    route: Route, tenant_a: Any, make_user: Any, client_for: Any, settings: Any
) -> None:
    """Not even vendor staff: only the configured token opens them (tests/entente/core)."""
    settings.METRICS_TOKEN = f"token-{uuid.uuid4().hex}"
    staff = make_user(is_staff=True, is_superuser=True)
    tenant_admin = make_user(tenant=tenant_a, role="admin")
    for client in (
        Client(HTTP_HOST=settings.ENTENTE_DOMAIN),
        client_for(None, tenant_admin),
        client_for(None, staff),
    ):
        response = client.get(route.path)
        assert response.status_code == 401, (route.pattern, response.status_code)


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(PLATFORM_URLCONF) if policy_for(r, PLATFORM_ROUTES) == WEBHOOK_SECRET],
    ids=lambda r: r.name,
)
def test_webhook_routes_refuse_missing_and_wrong_secrets(
    route: Route, tenant_a: Any, make_user: Any, client_for: Any, settings: Any
) -> None:
    """Neither people (even vendor staff) nor a wrong secret pass (more in tests/entente/mailin)."""
    settings.ENTENTE_INBOUND_WEBHOOK_SECRET = f"secret-{uuid.uuid4().hex}"
    staff = make_user(is_staff=True, is_superuser=True)
    tenant_admin = make_user(tenant=tenant_a, role="admin")
    for client in (
        Client(HTTP_HOST=settings.ENTENTE_DOMAIN),
        client_for(None, tenant_admin),
        client_for(None, staff),
    ):
        for secret in (None, "faux"):
            headers = {} if secret is None else {"X-Entente-Webhook-Secret": secret}
            response = client.post(
                route.path, b"Subject: x\r\n\r\n", "message/rfc822", headers=headers
            )
            assert response.status_code == 401, (route.pattern, response.status_code)


@pytest.mark.parametrize(
    "route",
    [r for r in routes_of(TENANT_URLCONF) if policy_for(r, TENANT_ROUTES) == SCIM_TOKEN],
    ids=lambda r: r.name,
)
def test_scim_routes_open_to_the_hosts_token_only(
    route: Route, tenant_a: Any, tenant_b: Any, make_user: Any, client_for: Any
) -> None:
    """Neither people (its admins, vendor staff) nor another collectivité's token (more in
    tests/entente/scim)."""
    from entente.accounts.models import Membership
    from entente.scim.services import new_token

    admin_b = make_user(tenant=tenant_b, role="admin")
    with tenant_context(tenant_b):
        token_b = new_token(Membership.objects.get(user=admin_b, tenant=tenant_b), tenant_b)
    staff = make_user(is_staff=True, is_superuser=True)
    tenant_admin = make_user(tenant=tenant_a, role="admin")
    for client, headers in (
        (client_for(tenant_a), {}),
        (client_for(tenant_a, tenant_admin), {}),
        (client_for(tenant_a, staff), {}),
        (client_for(tenant_a), {"Authorization": f"Bearer {token_b}"}),
    ):
        response = client.get(route.path, headers=headers)
        assert response.status_code == 401, (route.pattern, response.status_code)


# -- Websockets (realtime/routing.py) -------------------------------------------------------------
# Every websocket route, by name → policy. Only MEMBERS exists: the gate (realtime/middleware.py)
# admits members of the host's tenant, from a page of that host or of the bare domain.
WEBSOCKET_ROUTES: dict[str, str] = {
    "live": MEMBERS,
}


def _websocket_routes() -> list[tuple[str, str]]:
    from realtime.routing import websocket_urlpatterns

    return [
        (entry.name or str(entry.pattern), str(entry.pattern)) for entry in websocket_urlpatterns
    ]


def test_every_websocket_route_is_in_the_matrix() -> None:
    routes = _websocket_routes()
    assert routes, "realtime.routing.websocket_urlpatterns is empty"
    missing = [
        f"{pattern} (name={name})" for name, pattern in routes if name not in WEBSOCKET_ROUTES
    ]
    assert not missing, "Websocket routes without an isolation policy:\n" + "\n".join(missing)
    assert set(WEBSOCKET_ROUTES) <= {name for name, _ in routes}


@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_websocket_routes_refuse_anonymous_outsiders_and_foreign_origins(
    committed_user: Any, tenant_a: Any
) -> None:
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    from realtime.middleware import CLOSE_ANONYMOUS, CLOSE_NOT_A_MEMBER
    from tests.realtime.live_client import open_socket, receive, session_cookie
    from tests.support.live import live_asgi_server

    member = session_cookie(committed_user({"tenant_a": "agent"}))
    outsider = session_cookie(committed_user({"tenant_b": "admin"}))
    host = tenant_a.primary_host
    with live_asgi_server() as port:
        for name, pattern in _websocket_routes():
            assert WEBSOCKET_ROUTES[name] == MEMBERS
            path = "/" + pattern
            with pytest.raises(InvalidStatus):
                open_socket(port, host, cookie=member, origin="http://pirate.example", path=path)
            for cookie, code in ((None, CLOSE_ANONYMOUS), (outsider, CLOSE_NOT_A_MEMBER)):
                ws = open_socket(port, host, cookie=cookie, path=path)
                with pytest.raises(ConnectionClosed):
                    receive(ws)
                assert ws.close_code == code, (name, code)
