"""Absolute links to the platform and its tenants (e-mails, redirects between subdomains)."""

from django.conf import settings
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def absolute_url(host: str, path: str = "/") -> str:
    port = f":{settings.ENTENTE_PORT}" if settings.ENTENTE_PORT else ""
    return f"{settings.ENTENTE_SCHEME}://{host}{port}{path}"


def platform_url(path: str = "/") -> str:
    return absolute_url(settings.ENTENTE_DOMAIN, path)


def local_target(request: HttpRequest, target: str | None, default: str) -> str:
    """Where a `next` field may send someone after a post: a path of this very host, or the
    default. Refuses other hosts, scheme-relative `//…` and the `/\\…` that browsers read as one
    (the open redirects of issue 16)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
