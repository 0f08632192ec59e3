"""Production settings: everything from the environment; refuses to start with unsafe values.

Every variable is listed, with its default and meaning, in docs/operations.md and
infra/.env.example. `manage.py check --deploy --fail-level WARNING` passes with these settings
(tests/entente/core/test_production_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import ALLOWED_HOSTS, DEBUG, ENTENTE_DOMAIN, METRICS_TOKEN, SECRET_KEY, env

UNSAFE_SECRET_KEYS = {
    "",
    "entente-development-key-not-for-production",
    "entente-test-key-not-for-production",
    "change-me",
}
SECRET_KEY_MIN_LENGTH = 50
METRICS_TOKEN_MIN_LENGTH = 32


def check_production_settings(
    debug: bool, secret_key: str, allowed_hosts: list[str], *, metrics_token: str = ""
) -> None:
    """Refuse to start rather than run with a setting that exposes the platform."""
    if debug:
        raise ImproperlyConfigured(
            "DJANGO_DEBUG must be off in production: unset it or set DJANGO_DEBUG=false."
        )
    if (
        secret_key in UNSAFE_SECRET_KEYS
        or secret_key.startswith("django-insecure-")
        or len(secret_key) < SECRET_KEY_MIN_LENGTH
        or len(set(secret_key)) < 5
    ):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be a random value of at least 50 characters, e.g. "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    if not allowed_hosts or "*" in allowed_hosts:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must list the platform's domains, e.g. "
            "`entente.example.fr,.entente.example.fr` (or leave it unset to derive it from "
            "ENTENTE_DOMAIN)."
        )
    if metrics_token and len(metrics_token) < METRICS_TOKEN_MIN_LENGTH:
        raise ImproperlyConfigured(
            "METRICS_TOKEN must be at least 32 random characters, or unset to turn /metrics off."
        )


check_production_settings(DEBUG, SECRET_KEY, ALLOWED_HOSTS, metrics_token=METRICS_TOKEN)

# -- HTTPS --------------------------------------------------------------------------------------
# TLS ends at the ingress, which says so in X-Forwarded-Proto.
ENTENTE_SCHEME = "https"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False  # security keys' origins are checked against the host
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes (kubelet) and Prometheus call the pods directly over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    default=[f"https://{ENTENTE_DOMAIN}", f"https://*.{ENTENTE_DOMAIN}"],
)
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

# -- Error reporting ----------------------------------------------------------------------------
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from entente.core.observability import init_sentry

    init_sentry(
        SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        release=env("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )
