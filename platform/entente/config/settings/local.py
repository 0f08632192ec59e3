"""Development settings: `make run`. Embedded servers, debug on, mail printed to the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# A development key only; production refuses to start without its own (see production.py).
SECRET_KEY = env("DJANGO_SECRET_KEY", default="entente-development-key-not-for-production")
ENTENTE_PORT = env("ENTENTE_PORT", default="8000")
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
