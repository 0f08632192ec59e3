"""Helpers for the people-and-pages tests: a browser-like client and a page-structure reader."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.test import Client

from tenants.models import Tenant

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as HttpResponse

PASSWORD = "mot-de-passe-solide-42"
BARE = settings.ENTENTE_DOMAIN


def host(tenant: Tenant | None) -> str:
    return tenant.primary_host if tenant is not None else BARE


class Visitor:
    """One browser: one cookie jar for every host, CSRF checked as in production."""

    def __init__(self) -> None:
        self.client = Client(enforce_csrf_checks=True)

    def get(self, tenant: Tenant | None, path: str, **extra: Any) -> HttpResponse:
        return self.client.get(path, HTTP_HOST=host(tenant), **extra)

    def post(
        self, tenant: Tenant | None, path: str, data: dict[str, str] | None = None
    ) -> HttpResponse:
        if settings.CSRF_COOKIE_NAME not in self.client.cookies:
            self.get(tenant, "/comptes/login/")  # any page with a form sets the CSRF cookie
        payload = {**(data or {}), "csrfmiddlewaretoken": self.csrf_token}
        return self.client.post(path, payload, HTTP_HOST=host(tenant))

    @property
    def csrf_token(self) -> str:
        return self.client.cookies[settings.CSRF_COOKIE_NAME].value

    def log_in(
        self, tenant: Tenant | None, email: str, password: str = PASSWORD, next_url: str = ""
    ) -> HttpResponse:
        """Open the login page, then send its form, as a person would."""
        page = self.get(tenant, "/comptes/login/")
        assert page.status_code == 200
        data = {"login": email, "password": password}
        if next_url:
            data["next"] = next_url
        return self.post(tenant, "/comptes/login/", data)

    @property
    def user_id(self) -> str | None:
        session = self.client.session
        return session.get("_auth_user_id")


class PageStructure(HTMLParser):
    """What an accessibility check needs from a page: inputs, labels, headings, scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.inputs: list[dict[str, str | None]] = []
        self.label_targets: set[str] = set()
        self.h1_count = 0
        self.script_sources: list[str] = []
        self.stylesheets: list[str] = []
        self.html_lang: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "html":
            self.html_lang = attributes.get("lang")
        elif tag in {"input", "select", "textarea"}:
            if attributes.get("type") not in {"hidden", "submit", "button"}:
                self.inputs.append(attributes)
        elif tag == "label" and attributes.get("for"):
            self.label_targets.add(str(attributes["for"]))
        elif tag == "h1":
            self.h1_count += 1
        elif tag == "script" and attributes.get("src"):
            self.script_sources.append(str(attributes["src"]))
        elif tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(str(attributes.get("href")))


def structure(response: HttpResponse) -> PageStructure:
    parser = PageStructure()
    parser.feed(response.content.decode())
    return parser
