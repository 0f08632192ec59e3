"""The élus' one link: in every e-mail sent to an élu, it opens « Mes séances » (issue 14).

The link is `/mes-seances/acces/<token>/` on the tenant's host. The token is signed with the
`SECRET_KEY` (`django.core.signing`, HMAC-SHA256, its own salt) and carries the person, the
tenant, the purpose ("elected-view") and the time it was issued: nothing is stored to make one,
and a bad token is refused by its signature before any query (it costs nothing and tells
nothing: every refusal is the same page). It is valid `ENTENTE_ELECTED_LINK_DAYS` days.

What it opens, and why: **« Mes séances », and that page only**. Opening the link does not log
the person in (no Django login, so no session for other pages, other tenants, the API or the
websockets, all of which share the session cookie of the parent domain). It writes a grant in
the browser's session, keyed by tenant; `ElectedLinkMiddleware` lets a GET of `/mes-seances/`
act as the person while the grant is valid. Any other page (a document, a task, the meeting's
page) asks for the password once, through the ordinary login and its MFA, and from then on the
person has a full session. A link forwarded, or read over a shoulder, therefore shows one
read-only page of a person's meetings, never their documents or any write.

Refused, whatever the token: a person who is not an élu (`Role.ELECTED`) of that tenant, who
is deactivated or erased, vendor staff, anyone with a second factor (the link would bypass it:
admins who turned MFA on log in with it), a token of another tenant or purpose, an expired one,
one issued before the person revoked their links, every link of a tenant whose two-factor policy
covers its élus (`entente.accounts.mfa`), and every link of a tenant whose admins
turned the sign-in off (`ElectedLinkPolicy`; the mails then carry the plain address of
« Mes séances », which asks for the password). Each of those is re-checked on every request
the grant serves, so revoking or turning the policy off ends the grants already opened.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import logout
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from entente.accounts import mfa
from entente.accounts.acting import is_support_reader
from entente.accounts.models import Membership, Role, User
from tenants.models import Tenant

from .models import ElectedLinkPolicy, ElectedLinkRevocation

PURPOSE = "elected-view"
SALT = "entente.meetings.elected_link"
SESSION_KEY = "entente_elected_link"
PAGE = "/mes-seances/"  # meetings:elected, which `ElectedLinkMiddleware` alone opens
CLOCK_SKEW = 300  # seconds a token may seem to come from the future (servers' clocks)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ENTENTE_ELECTED_LINK_DAYS)


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


# -- Tokens -------------------------------------------------------------------------------------


def make_token(user: User, tenant: Tenant, *, now: datetime.datetime | None = None) -> str:
    payload = {"u": user.pk, "t": tenant.pk, "p": PURPOSE, "iat": int(_now(now).timestamp())}
    return signing.Signer(salt=SALT).sign_object(payload, compress=False)


@dataclass(frozen=True)
class Grant:
    user_id: int
    issued_at: int  # seconds since the epoch


def read_token(raw: str, tenant: Tenant, *, now: datetime.datetime | None = None) -> Grant | None:
    """The token's grant if its signature, tenant, purpose and age are right; no query."""
    if not raw or len(raw) > 512:
        return None
    try:
        payload = signing.Signer(salt=SALT).unsign_object(raw)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(payload, dict) or payload.get("p") != PURPOSE:
        return None
    user_id, tenant_id, issued = payload.get("u"), payload.get("t"), payload.get("iat")
    if not all(isinstance(value, int) for value in (user_id, tenant_id, issued)):
        return None
    grant = Grant(int(user_id), int(issued))  # type: ignore[arg-type]
    if tenant_id != tenant.pk or not _fresh(grant, now):
        return None
    return grant


def _fresh(grant: Grant, now: datetime.datetime | None) -> bool:
    moment = _now(now).timestamp()
    return moment - max_age().total_seconds() <= grant.issued_at <= moment + CLOCK_SKEW


# -- Who may use it (database) ------------------------------------------------------------------


def policy_allows() -> bool:
    """The current tenant's choice (read in its schema); allowed without a row."""
    row = ElectedLinkPolicy.objects.order_by("pk").first()
    return True if row is None else row.sign_in


def may_sign_in_by_link(user: User) -> bool:
    """A person the link may open a page for: active, not vendor staff, without a second factor."""
    if not user.is_active or user.is_staff or user.is_superuser:
        return False
    return not Authenticator.objects.filter(user_id=user.pk).exists()


def two_factor_required(tenant: Tenant) -> bool:
    """The collectivité requires a second factor of its élus: a link opens no page without it."""
    return Role.ELECTED in mfa.roles_covered(tenant)


def _is_elected(user_id: int, tenant: Tenant) -> bool:
    return Membership.objects.filter(user_id=user_id, tenant=tenant, role=Role.ELECTED).exists()


def person_of_grant(grant: Grant, tenant: Tenant) -> User | None:
    """The person the grant opens « Mes séances » for on this tenant (its schema), or None."""
    if two_factor_required(tenant) or not policy_allows():
        return None
    revoked = (
        ElectedLinkRevocation.objects.filter(person_id=grant.user_id)
        .values_list("revoked_at", flat=True)
        .first()
    )
    if revoked is not None and grant.issued_at <= int(revoked.timestamp()):
        return None
    user = User.objects.filter(pk=grant.user_id).first()
    if user is None or not may_sign_in_by_link(user) or not _is_elected(user.pk, tenant):
        return None
    return user


def person_of_token(
    raw: str, tenant: Tenant, *, now: datetime.datetime | None = None
) -> User | None:
    grant = read_token(raw, tenant, now=now)
    return None if grant is None else person_of_grant(grant, tenant)


# -- The link in e-mails ------------------------------------------------------------------------


def link_for(user: User, tenant: Tenant, *, now: datetime.datetime | None = None) -> str | None:
    """The address for an élu's e-mails: the signed link where the tenant allows it, the plain
    page otherwise (it asks for the password); None for anyone who is not an élu there."""
    if not _is_elected(user.pk, tenant):
        return None
    with schema_context(tenant.schema_name):
        allowed = policy_allows() and not two_factor_required(tenant)
    if allowed and may_sign_in_by_link(user):
        token = make_token(user, tenant, now=now)
        return tenant.url(
            reverse("meetings:elected_link", kwargs={"token": token}, urlconf=settings.ROOT_URLCONF)
        )
    return tenant.url(PAGE)


def mail_link(user: Any, tenant: Any) -> tuple[str, str] | None:
    """`entente.core.mail.personal_links`' provider (registered in `MeetingsConfig.ready`)."""
    if tenant is None or user is None:
        return None
    url = link_for(user, tenant)
    return None if url is None else (_("Mes séances, en un clic"), url)


# -- Writes -------------------------------------------------------------------------------------


def open_grant(request: HttpRequest, user: User, tenant: Tenant, raw: str) -> None:
    """Let this browser open « Mes séances » as `user` on `tenant` (the token was checked).

    Someone else logged in on this browser is logged out first: the link is the élu's, and
    the page must show theirs. The person's own full session is left as it is.
    """
    current = request.user
    if current.is_authenticated and current.pk != user.pk:
        logout(request)
    elif not current.is_authenticated:
        request.session.cycle_key()  # a session id planted before the link learns nothing
    grant = read_token(raw, tenant)
    assert grant is not None
    grants = dict(request.session.get(SESSION_KEY) or {})
    grants[str(tenant.pk)] = {"u": grant.user_id, "iat": grant.issued_at}
    request.session[SESSION_KEY] = grants


def _session_grant(request: HttpRequest, tenant: Tenant) -> Grant | None:
    entry = (request.session.get(SESSION_KEY) or {}).get(str(tenant.pk))
    if not isinstance(entry, dict):
        return None
    user_id, issued = entry.get("u"), entry.get("iat")
    if not isinstance(user_id, int) or not isinstance(issued, int):
        return None
    grant = Grant(user_id, issued)
    return grant if _fresh(grant, None) else None


@transaction.atomic
def revoke_links(acting: Membership) -> None:
    """Every link the acting person was sent so far stops working (new e-mails carry new ones)."""
    if acting.pk is None or is_support_reader(acting):
        raise PermissionDenied(_("Seule la personne elle-même désactive ses liens."))
    ElectedLinkRevocation.objects.update_or_create(
        person_id=acting.user_id, defaults={"revoked_at": timezone.now()}
    )


def may_set_policy(acting: Membership | None) -> bool:
    return acting is not None and acting.pk is not None and acting.is_admin


@transaction.atomic
def set_policy(acting: Membership, *, sign_in: bool) -> ElectedLinkPolicy:
    """The tenant's admins choose whether the élus' link opens « Mes séances » by itself."""
    if not may_set_policy(acting) or is_support_reader(acting):
        raise PermissionDenied(_("Seuls les administrateurs de la collectivité choisissent."))
    row = ElectedLinkPolicy.objects.select_for_update().order_by("pk").first()
    if row is None:
        row = ElectedLinkPolicy(sign_in=sign_in, updated_by_id=acting.user_id)
    else:
        row.sign_in, row.updated_by_id = sign_in, acting.user_id
    row.save()
    return row


# -- The middleware -----------------------------------------------------------------------------


class ElectedLinkMiddleware:
    """A GET of « Mes séances » by a browser holding a valid grant acts as its person.

    Only that path, only reads, only when nobody is logged in; the person is set on this
    request alone (no login, nothing else opens). Logging out ends the grants too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        tenant = getattr(request, "tenant", None)
        if request.path == PAGE and request.method in {"GET", "HEAD"} and tenant is not None:
            if not request.user.is_authenticated and SESSION_KEY in request.session:
                grant = _session_grant(request, tenant)
                user = None if grant is None else person_of_grant(grant, tenant)
                if user is not None:
                    request.user = user
                    request.elected_link = True  # type: ignore[attr-defined]
        elif request.method == "POST" and request.path == reverse("account_logout"):
            request.session.pop(SESSION_KEY, None)
        return self.get_response(request)
