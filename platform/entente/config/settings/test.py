"""Test settings: real PostgreSQL and Redis (embedded or named by the variables), fast hashing."""

from .base import *  # noqa: F403
from .base import CACHES, CHANNEL_LAYERS, DATABASES, env

DEBUG = False
SECRET_KEY = "entente-test-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Locmem, unless a test gives a subprocess (live server, worker) a real server's EMAIL_URL
# (tests/support/smtp.py): then base.py's EMAIL_CONFIG, from that URL, stands.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ENTENTE_PORT = env("ENTENTE_PORT", default="")
# Each test run gets its own cache namespace so runs never see each other's entries.
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="entente-test")
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"{CACHES['default']['KEY_PREFIX']}:asgi"
# ... and its own Celery queue, so a development worker never runs a test's task.
CELERY_TASK_DEFAULT_QUEUE = env(
    "CELERY_TASK_DEFAULT_QUEUE", default=f"{CACHES['default']['KEY_PREFIX']}-tasks"
)
# Events are relayed by the process that committed them, at once: no worker needed to see the
# side effects of a service call (tests/entente/outbox/ exercise the Celery relay).
OUTBOX_RELAY = env("OUTBOX_RELAY", default="inline")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Parallel runs on one server (several developers, or xdist) each take their own test database.
DATABASES["default"]["TEST"] = {"NAME": env("ENTENTE_TEST_DATABASE", default="test_entente")}
