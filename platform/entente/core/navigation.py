"""The site's navigation, built from what the acting person may open.

Each capability app registers its entries in its `AppConfig.ready()`, the way space sections
are registered (`entente.spaces.sections`)::

    from entente.core.navigation import MAIN, NavEntry, register_entry

    register_entry(NavEntry(
        key="procedures", menu=MAIN, label=_("Procédures"), url_name="checklists:template_list",
        visible=lambda request, subject: template_abilities(request_membership(request)).view,
        order=40,
    ))

`visible(request, subject)` must call the very permission function the page itself calls, so
that what a person is shown and what answers them cannot drift apart: a link is shown exactly
when following it would not be refused. `subject` is None for the site's menus and, for the
tabs of a space (`SPACE`), the `SpaceAccess`-like object the space page holds (`space`,
`abilities`). Menus:

- `MAIN`: the header's main navigation on a tenant's host;
- `ADMINISTRATION`: the "Administration" menu (shown when it holds one entry at least);
- `ACCOUNT`: the account menu (tenant host and bare domain, `hosts` says where);
- `SPACE`: the tabs of a space's page;
- `TASKS`: the links of the « Mes tâches » page;
- `SEARCH`: what the "page not found" page offers beside the home.

The navigation never imports the apps that fill it (this module is the ground floor), and a
route that does not exist on this host is left out rather than breaking the page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

logger = logging.getLogger(__name__)

MAIN = "main"
ADMINISTRATION = "administration"
ACCOUNT = "account"
SPACE = "space"
TASKS = "tasks"
SEARCH = "search"  # offered by the "page not found" page (search registers there when it exists)

TENANT_HOST = "tenant"
PLATFORM_HOST = "platform"

Visible = Callable[[HttpRequest, Any], bool]
UrlKwargs = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class NavEntry:
    key: str  # unique within its menu
    menu: str
    label: str | Promise
    url_name: str
    visible: Visible
    order: int = 100  # smaller first
    kwargs: UrlKwargs | None = None  # the URL's arguments from the subject (space tabs)
    hosts: frozenset[str] = frozenset({TENANT_HOST})


@dataclass(frozen=True)
class NavLink:
    """An entry as one person sees it on one page."""

    key: str
    label: str | Promise
    href: str
    current: bool


@dataclass(frozen=True)
class SpaceTabSubject:
    """What a space's tabs are decided on: the space and the person's abilities in it."""

    space: Any
    abilities: Any


_entries: dict[tuple[str, str], NavEntry] = {}


def register_entry(entry: NavEntry) -> None:
    """Add or replace (same menu and key) an entry; idempotent, so `ready()` may run twice."""
    _entries[(entry.menu, entry.key)] = entry


def unregister_entry(menu: str, key: str) -> None:
    _entries.pop((menu, key), None)


def registered_entries(menu: str) -> list[NavEntry]:
    found = [entry for (entry_menu, _key), entry in _entries.items() if entry_menu == menu]
    return sorted(found, key=lambda entry: (entry.order, entry.key))


def request_membership(request: HttpRequest) -> Any:
    """The membership the request acts with: a member's, a federated stand-in, a support
    reader's, or None (set by `entente.accounts.middleware`)."""
    return getattr(request, "membership", None)


def host_kind(request: HttpRequest) -> str:
    return TENANT_HOST if getattr(request, "tenant", None) is not None else PLATFORM_HOST


def _is_current(href: str, path: str) -> bool:
    if href == "/":
        return path == "/"
    return path == href or path.startswith(href)


def links_for(request: HttpRequest, menu: str, subject: Any = None) -> list[NavLink]:
    """The entries of `menu` this person may open, in order, with their address."""
    host = host_kind(request)
    links: list[NavLink] = []
    for entry in registered_entries(menu):
        if host not in entry.hosts:
            continue
        try:
            if not entry.visible(request, subject):
                continue
            kwargs = entry.kwargs(subject) if entry.kwargs is not None else None
            href = reverse(entry.url_name, kwargs=kwargs)
        except NoReverseMatch:
            logger.warning("Navigation entry %s/%s has no route here", menu, entry.key)
            continue
        links.append(NavLink(entry.key, entry.label, href, _is_current(href, request.path)))
    # The most specific address marks the page: « Mes tâches » and not also « Accueil ».
    current = [link for link in links if link.current]
    if len(current) > 1:
        best = max(current, key=lambda link: len(link.href))
        links = [
            NavLink(link.key, link.label, link.href, link is best) if link.current else link
            for link in links
        ]
    return links


# -- Whom to ask -------------------------------------------------------------------------------
# A refusal names the people who can open the door: the tenant's admins. Who they are is the
# accounts app's to say (it registers the provider), so the ground floor imports no app.
ContactsProvider = Callable[[Any], list[str]]
_contacts: ContactsProvider | None = None


def set_contacts_provider(provider: ContactsProvider | None) -> None:
    global _contacts
    _contacts = provider


def whom_to_ask(request: HttpRequest) -> list[str]:
    """The names of the admins of the request's tenant, for its members only (an outsider is
    told to ask "its administrators", not given their names)."""
    tenant = getattr(request, "tenant", None)
    if tenant is None or _contacts is None or request_membership(request) is None:
        return []
    return _contacts(tenant)
