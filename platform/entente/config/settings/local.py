"""Development settings: `make run`. Embedded servers, debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import ENTENTE_DOMAIN, ENTENTE_SCHEME, default_trusted_origins, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key only; production refuses to start without its own (see production.py).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="entente-development-key-not-for-production")
ENTENTE_PORT = env("ENTENTE_PORT", default="8000")
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    default=default_trusted_origins(ENTENTE_SCHEME, ENTENTE_DOMAIN, ENTENTE_PORT),
)
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
