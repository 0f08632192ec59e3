"""Test settings: real PostgreSQL and Redis (embedded or named by the variables), fast hashing."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, CHANNEL_LAYERS, DATABASES, env

# Under pytest-xdist each worker is a process with its own test database (pytest-django adds
# the worker's name to it); its cache and channel-layer keys, Celery queue and media directory
# carry the name too, so that two workers never see each other's entries. The live servers and
# Celery workers a test starts inherit the variable, hence the same names.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

DEBUG = False
SECRET_KEY = "entente-test-key-not-for-production"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Locmem, unless a test gives a subprocess (live server, worker) a real server's EMAIL_URL
# (tests/support/smtp.py): then base.py's EMAIL_CONFIG, from that URL, stands.
if not env("EMAIL_URL", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ENTENTE_PORT = env("ENTENTE_PORT", default="")
# Each test run gets its own cache namespace so runs never see each other's entries.
CACHES["default"]["KEY_PREFIX"] = env(
    "CACHE_KEY_PREFIX", default=f"entente-test-{XDIST_WORKER}" if XDIST_WORKER else "entente-test"
)
if XDIST_WORKER and not env("ENTENTE_MEDIA_ROOT", default=""):
    MEDIA_ROOT = BASE_DIR / ".data" / f"media-{XDIST_WORKER}"
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
# The suite keeps one persistent connection per thread (its transactions roll back each test's
# writes on that connection); the pool has its own test (test_production_settings). A benchmark
# that runs servers on these settings asks for the pool by setting DATABASE_POOL itself.
if "DATABASE_POOL" not in os.environ and DATABASES["default"].get("OPTIONS", {}).pop("pool", None):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
