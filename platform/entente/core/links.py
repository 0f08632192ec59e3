"""Absolute links to the platform and its tenants (e-mails, redirects between subdomains)."""

from django.conf import settings


def absolute_url(host: str, path: str = "/") -> str:
    port = f":{settings.ENTENTE_PORT}" if settings.ENTENTE_PORT else ""
    return f"{settings.ENTENTE_SCHEME}://{host}{port}{path}"


def platform_url(path: str = "/") -> str:
    return absolute_url(settings.ENTENTE_DOMAIN, path)
