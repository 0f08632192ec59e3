"""Production settings: everything from the environment; refuses to start with unsafe values."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG, ENTENTE_DOMAIN, SECRET_KEY, env

UNSAFE_SECRET_KEYS = {
    "",
    "entente-development-key-not-for-production",
    "entente-test-key-not-for-production",
    "change-me",
}


def check_production_settings(debug: bool, secret_key: str, allowed_hosts: list[str]) -> None:
    """Refuse to start rather than run with a setting that exposes the platform."""
    if debug:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
    if secret_key in UNSAFE_SECRET_KEYS or len(secret_key) < 50:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
        )
    if not allowed_hosts or "*" in allowed_hosts:
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must list the platform's domains.")


check_production_settings(DEBUG, SECRET_KEY, ALLOWED_HOSTS)

ENTENTE_SCHEME = "https"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    default=[f"https://{ENTENTE_DOMAIN}", f"https://*.{ENTENTE_DOMAIN}"],
)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from entente.core.observability import init_sentry

    init_sentry(SENTRY_DSN, environment=env("SENTRY_ENVIRONMENT", default="production"))
