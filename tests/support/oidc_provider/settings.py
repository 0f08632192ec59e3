"""A small OpenID Connect provider, standing in for ProConnect in the tests (issue 18).

A separate Django project on django-oauth-toolkit's OIDC support, run in its own process over
HTTP by `tests.support.oidc.oidc_provider`: Entente talks to it exactly as to ProConnect
(discovery, authorize, token, userinfo, JWKS). Its data is a throwaway SQLite file.
"""

import os

SECRET_KEY = "oidc-provider-for-tests-only"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.support.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["OIDC_PROVIDER_DB"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LOGIN_URL = "/connexion/"
SESSION_COOKIE_NAME = "provider_session"  # not Entente's: both live on loopback hosts
CSRF_COOKIE_NAME = "provider_csrf"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ.get("OIDC_PROVIDER_KEY", ""),
    "PKCE_REQUIRED": True,
    # ProConnect's logout: the service sends the person to end_session_endpoint, and back.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "SCOPES": {
        "openid": "OpenID Connect",
        "email": "Adresse e-mail",
        "given_name": "Prénom",
        "usual_name": "Nom d'usage",
    },
    "OAUTH2_VALIDATOR_CLASS": "tests.support.oidc_provider.validator.ProConnectLikeValidator",
}
