"""Settings shared by every environment. Every value comes from the environment (12-factor)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[4]  # the repository root
PLATFORM_DIR = BASE_DIR / "platform"

env = environ.Env()


def read_embedded_env() -> None:
    """Use the embedded servers' addresses (written by `infra/embedded.py`) when none is given."""
    env_file = Path(env("ENTENTE_DATA_DIR", default=str(BASE_DIR / ".data"))) / "embedded.env"
    if env_file.exists():
        environ.Env.read_env(env_file, overwrite=False)


def database_config(url: str) -> dict[str, Any]:
    config: dict[str, Any] = environ.Env.db_url_config(url)
    config["ENGINE"] = "django_tenants.postgresql_backend"
    socket_dir = config.get("OPTIONS", {}).pop("host", None)
    if socket_dir and not config.get("HOST"):
        config["HOST"] = socket_dir
    # Persistent connections: one SET search_path per tenant switch, not per request.
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


# -- The product's domain -----------------------------------------------------------------------
# Each tenant is reached on <slug>.<ENTENTE_DOMAIN>; the bare domain serves the landing page,
# sign-up and the vendor console. `entente.localhost` in development (see ARCHITECTURE.md §2).
ENTENTE_DOMAIN: str = env("ENTENTE_DOMAIN", default="entente.localhost")
ENTENTE_SCHEME: str = env("ENTENTE_SCHEME", default="http")
ENTENTE_PORT: str = env("ENTENTE_PORT", default="")  # shown in links; empty for 80/443
ENTENTE_TEMPLATE_SCHEMA = "entente_template"
# The accessibility statement (/accessibilite/, RGAA 4.1): its state is one of « non »,
# « partiellement » or « totalement » conforme, set from an audit (with its date); until one is
# made, « non ». The contact answers those who cannot use a page.
ENTENTE_ACCESSIBILITY_STATUS: str = env("ENTENTE_ACCESSIBILITY_STATUS", default="non")
ENTENTE_ACCESSIBILITY_AUDIT_DATE: str = env("ENTENTE_ACCESSIBILITY_AUDIT_DATE", default="")
ENTENTE_ACCESSIBILITY_CONTACT: str = env(
    "ENTENTE_ACCESSIBILITY_CONTACT", default=f"accessibilite@{ENTENTE_DOMAIN}"
)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY: str = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS: list[str] = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[ENTENTE_DOMAIN, f".{ENTENTE_DOMAIN}"]
)

# -- Applications -------------------------------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "entente.core",
    "entente.accounts",
    "entente.reference",
    "entente.federation",
    "entente.demo",
    "entente.signup",
    "entente.trials",
    "entente.console",
    "entente.mailin",
    "entente.notifications",
    "entente.outbox",  # events written with the change that caused them (ARCHITECTURE.md §4)
    "entente.mywork",  # no table: reads the tenants the person reaches
    "entente.tour",  # no table: the guided tour (its state is the person's, on accounts.User)
    "entente.search",  # the PostgreSQL backend's index lives in the public schema
    "entente.analytics",  # usage log, rollups and discovery (public schema)
    "entente.privacy",  # RGPD: a person's export, erasure, closed tenants' deletion
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "entente.sso",  # sign-in through an identity provider (ProConnect, a collectivité's SAML)
    "entente.scim",  # a collectivité's directory provisions its people (SCIM 2.0)
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, never a CDN
    "django_filters",
    "django_htmx",
    "channels",
    "realtime",  # relays entente.core.events to the websockets (no models)
]
# Apps whose tables live in each tenant's schema.
TENANT_APPS = [
    "django.contrib.contenttypes",
    "entente.spaces",
    "entente.activity",
    "entente.tasks",
    "entente.checklists",
    "entente.discussions",
    "entente.citizens",
    "entente.documents",
    "entente.meetings",
    "entente.team",
]
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# Only re-send SET search_path when the connection's tenant changes.
TENANT_LIMIT_SET_CALLS = True
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

MIDDLEWARE = [
    # Outermost, so that request counts and latencies include every other middleware.
    "entente.core.middleware.RequestMetricsMiddleware",
    # PostgreSQL or Redis unreachable: 503 + Retry-After in French, never a 500 (core/outage.py).
    "entente.core.outage.OutageMiddleware",
    # Before tenant routing: probes and Prometheus call a pod by its IP address.
    "entente.core.middleware.ProbeHostMiddleware",
    # Under /api/: JSON errors only (400 for a bad Host, 404, 500 even with DEBUG, 413), hostile
    # query refused; before tenant routing, whose errors (an unknown or invalid host) it shapes.
    "api.exceptions.ApiErrorMiddleware",
    "tenants.middleware.TenantRoutingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every page: scripts and styles from our own origin only, no
    # inline code (docs/subsystems/security.md). Files served from storage set their own.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "entente.accounts.language.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Vendor staff holding a support access granted by the tenant's admins (read-only, audited).
    "entente.console.middleware.SupportAccessMiddleware",
    # The élus' link (entente.meetings.elected_link): « Mes séances », and that page only, for
    # the person whose signed link this browser opened; before the membership check.
    "entente.meetings.elected_link.ElectedLinkMiddleware",
    "entente.accounts.middleware.TenantMembershipMiddleware",
    # The member's last visit, written at most every 10 minutes per person and tenant.
    "entente.accounts.last_seen.LastSeenMiddleware",
    # A tenant that is not writable (ended trial, closing) refuses every write, clearly.
    "entente.trials.middleware.ReadOnlyTenantMiddleware",
]

ROOT_URLCONF = "entente.config.urls_tenants"
PUBLIC_SCHEMA_URLCONF = "entente.config.urls_public"
WSGI_APPLICATION = "entente.config.wsgi.application"
ASGI_APPLICATION = "entente.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PLATFORM_DIR / "entente" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "entente.core.context_processors.entente",
                "entente.core.context_processors.navigation",
                "entente.mywork.context_processors.tenant_switcher",
            ],
        },
    },
]

# -- Data stores --------------------------------------------------------------------------------
read_embedded_env()
DATABASES = {"default": database_config(env("DATABASE_URL", default="postgres:///entente"))}

# -- Database connections -----------------------------------------------------------------------
# Django's own pool by default (DATABASE_POOL): under ASGI every request runs its queries in a
# thread of its own, so "persistent" connections are one per request in flight, left open until
# the thread's objects are collected: the load run (benchmarks/load.py) ran PostgreSQL out of
# connections at 40 simulated people. The pool bounds them per process and makes a request wait
# (DATABASE_POOL_TIMEOUT) instead of failing. django-tenants sets the search_path again on every
# connection taken from the pool. DATABASE_POOL=false: persistent connections
# (DATABASE_CONN_MAX_AGE), behind nothing or PgBouncer in *session* mode. Never PgBouncer in
# transaction mode: a later transaction could run with another tenant's search_path.
DATABASE_POOL: bool = env.bool("DATABASE_POOL", default=True)
if DATABASE_POOL:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # Django's pool requires it
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.int("DATABASE_POOL_TIMEOUT", default=10),
        # A connection caches the catalog of every schema it touched (PERFORMANCE.md): renew it.
        "max_lifetime": env.int("DATABASE_POOL_MAX_LIFETIME", default=600),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# A connection is closed (between requests, tasks or messages) once it has visited more
# schemas than this: each keeps ~0.12 MiB of catalog cache in its server process (0: never).
ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION: int = env.int(
    "ENTENTE_DB_MAX_SCHEMAS_PER_CONNECTION", default=100
)
# `manage.py migrate_tenants` (tenants/deploy.py): parallel workers and per-schema bounds.
ENTENTE_DEPLOY_WORKERS: int = env.int("ENTENTE_DEPLOY_WORKERS", default=2)
ENTENTE_DEPLOY_LOCK_TIMEOUT: str = env("ENTENTE_DEPLOY_LOCK_TIMEOUT", default="5s")
ENTENTE_DEPLOY_STATEMENT_TIMEOUT: str = env("ENTENTE_DEPLOY_STATEMENT_TIMEOUT", default="10min")

REDIS_URL: str = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="entente"),
        # Cache keys carry the tenant's schema (ARCHITECTURE.md §2).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
}

# -- People -------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# One login for every subdomain: the session cookie is set on the parent domain.
SESSION_COOKIE_DOMAIN = f".{ENTENTE_DOMAIN}"
# The chosen language follows the person across subdomains too.
LANGUAGE_COOKIE_DOMAIN = f".{ENTENTE_DOMAIN}"
CSRF_COOKIE_DOMAIN = f".{ENTENTE_DOMAIN}"
SESSION_COOKIE_NAME = "entente_session"
CSRF_COOKIE_NAME = "entente_csrftoken"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14


def default_trusted_origins(scheme: str, domain: str, port: str) -> list[str]:
    """The platform's domain and every collectivité's host: a login page posts to the
    platform's domain (entente.sso), which checks its Origin, port included."""
    suffix = f":{port}" if port else ""
    return [f"{scheme}://{domain}{suffix}", f"{scheme}://*.{domain}{suffix}"]


CSRF_TRUSTED_ORIGINS: list[str] = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    default=default_trusted_origins(ENTENTE_SCHEME, ENTENTE_DOMAIN, ENTENTE_PORT),
)
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# One address per person, which is also their login: "change my address", not a list of addresses.
ACCOUNT_CHANGE_EMAIL = True
# Clicking the link in the confirmation e-mail finishes the login that asked for it.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Sensitive changes (second factors, e-mail) ask for the password again once this many seconds
# have passed since it was last given, the login included (AccountAdapter).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Entente] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = ENTENTE_SCHEME
# People join a tenant by invitation or by the trial sign-up, not by allauth's open sign-up.
ACCOUNT_ADAPTER = "entente.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {
    "login": "entente.accounts.forms.LoginForm",
    "reset_password": "entente.accounts.forms.ResetPasswordForm",
    "add_email": "entente.accounts.forms.AddEmailForm",
}
# -- Sign-in through an identity provider (entente.sso) ------------------------------------------
# ProConnect, the State's OpenID Connect federation for public agents: on when its client is set.
# The callback is on the platform's domain only: `<scheme>://<ENTENTE_DOMAIN>/comptes/oidc/
# proconnect/login/callback/` is the one redirect URI to declare to ProConnect.
ENTENTE_PROCONNECT_URL: str = env("ENTENTE_PROCONNECT_URL", default="")
ENTENTE_PROCONNECT_CLIENT_ID: str = env("ENTENTE_PROCONNECT_CLIENT_ID", default="")
ENTENTE_PROCONNECT_SECRET: str = env("ENTENTE_PROCONNECT_SECRET", default="")
SOCIALACCOUNT_ADAPTER = "entente.sso.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified address opens the account it belongs to
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_STORE_TOKENS = False  # we keep who signed in, never their provider's tokens
SOCIALACCOUNT_PROVIDERS: dict[str, Any] = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": (
            [
                {
                    "provider_id": "proconnect",
                    "name": "ProConnect",
                    "client_id": ENTENTE_PROCONNECT_CLIENT_ID,
                    "secret": ENTENTE_PROCONNECT_SECRET,
                    "settings": {
                        "server_url": ENTENTE_PROCONNECT_URL,
                        "token_auth_method": "client_secret_post",
                        "scope": ["openid", "email", "given_name", "usual_name"],
                        # Agents' professional addresses, vouched for by their administration.
                        "trust_email": True,
                    },
                }
            ]
            if ENTENTE_PROCONNECT_URL and ENTENTE_PROCONNECT_CLIENT_ID
            else []
        ),
    }
}

# A second factor is an authenticator app (TOTP) or a security key (WebAuthn); a collectivité may
# require one (entente.accounts.mfa). The adapter keeps the last one of a person it covers.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_ADAPTER = "entente.accounts.adapters.MFAAdapter"
# Over plain http (make run, the tests) browsers still offer WebAuthn on *.localhost, which
# python-fido2 refuses to verify; production is https and keeps the check.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = ENTENTE_SCHEME == "http"

# -- Languages ----------------------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [PLATFORM_DIR / "entente" / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# -- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PLATFORM_DIR / "entente" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(env("ENTENTE_MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"
# Largest file a person may attach to a task (entente.tasks); files are served only through views
# that check the space's abilities, never from MEDIA_URL.
TASK_ATTACHMENT_MAX_BYTES: int = env.int("TASK_ATTACHMENT_MAX_BYTES", default=25 * 1024 * 1024)
# Documents (entente.documents): the largest upload (one request, all its files) and the days
# a deleted folder or file stays in the bin before the beat task purges it, files included.
ENTENTE_DOCUMENTS_MAX_BYTES: int = env.int("ENTENTE_DOCUMENTS_MAX_BYTES", default=100 * 1024 * 1024)
ENTENTE_DOCUMENTS_BIN_DAYS: int = env.int("ENTENTE_DOCUMENTS_BIN_DAYS", default=30)
# Raw usage events are kept this long, then purged (CNIL: 13 months); rollups hold no person.
ENTENTE_ANALYTICS_RETENTION_DAYS: int = env.int("ENTENTE_ANALYTICS_RETENTION_DAYS", default=395)
# RGPD (entente.privacy): a person's own export link works this many days, then the ZIP is
# deleted; a closed tenant's schema, files and index entries are deleted this many days after
# its closing date (the notice during which its people may still export).
ENTENTE_PERSONAL_EXPORT_DAYS: int = env.int("ENTENTE_PERSONAL_EXPORT_DAYS", default=7)
ENTENTE_CLOSED_TENANT_RETENTION_DAYS: int = env.int(
    "ENTENTE_CLOSED_TENANT_RETENTION_DAYS", default=90
)

# -- E-mail -------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default=f"Entente <ne-pas-repondre@{ENTENTE_DOMAIN}>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# -- API ----------------------------------------------------------------------------------------
# Who: a personal token (`Authorization: Bearer ent_…`, first so that a refusal is a 401) or the
# session. Where: IsTenantMember, then each view's space abilities (docs/architecture.md, "API").
# django-csp: no 'unsafe-inline' anywhere. Label colours are set through the CSSOM by
# entente.js, htmx's indicator styles come from entente.css, the API documentation loads its
# script from a URL (SpectacularSwaggerSplitView). `connect-src 'self'` covers the websocket of
# the same host. Reports go to the browser's console only: nothing is collected.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.IsTenantMember"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ErrorDocumentingAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.DefaultPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
    # Bodies with a NUL or control byte are a 400 before any view sees them (api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "api.parsers.FormParser",
        "api.parsers.MultiPartParser",
    ],
    # OPTIONS describes a view without loading an object (api/metadata.py).
    "DEFAULT_METADATA_CLASS": "api.metadata.ObjectFreeMetadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Entente API",
    "DESCRIPTION": "L'API d'Entente, plateforme collaborative des collectivités.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Write rules (non-blank strings, required fields) shown apart from what responses carry.
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.control_characters_refused",
    ],
    # The schema and its docs are for the tenant's members, whatever the authentication.
    "SERVE_PERMISSIONS": ["api.permissions.IsTenantMember"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the space roles, whether a field is called `role` or `my_role`.
    "ENUM_NAME_OVERRIDES": {
        "SpaceRoleEnum": "entente.spaces.models.SpaceRole",
        "NotificationKindEnum": "entente.notifications.models.NotificationKind",
        "NotificationDeliveryEnum": "entente.notifications.models.Delivery",
        # Fields named `status`: a task's state and an attendee's presence are different sets.
        "TaskStatusEnum": "entente.tasks.models.TaskStatus",
        "AttendanceEnum": "entente.meetings.models.Attendance",
        # Fields named `role`: the roles a colleague's invitation gives (no guest).
        "ColleagueRoleEnum": "entente.team.models.INVITED_ROLES",
    },
}

# -- Real time and background work --------------------------------------------------------------
# One group send per event, to the server processes, not to each person (realtime/hub.py).
# The pool is raised from redis-py's 100 (PERFORMANCE.md, "Real time"); keys carry the cache's
# prefix so that test runs sharing one Redis never see each other's events.
CHANNEL_LAYERS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {
            # redis-py 8 reads with a 5 s timeout, as long as channels-redis's blocking pop:
            # without more, an idle receive fails every few seconds.
            "hosts": [{"address": REDIS_URL, "max_connections": 1000, "socket_timeout": 15}],
            "prefix": f"{CACHES['default']['KEY_PREFIX']}:asgi",
            "capacity": 1000,
            # The hub's group has one member per server process, joined again every hour: the
            # channel of a process that died leaves it within two (realtime/hub.py).
            "group_expiry": 7200,
        },
    },
}


def celery_broker_url(redis_url: str) -> str:
    """Celery (kombu) spells a Unix-socket Redis `redis+socket://`."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=celery_broker_url(REDIS_URL))
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = False
# Tasks go to this queue unless routed; test runs use their own so no dev worker takes them.
CELERY_TASK_DEFAULT_QUEUE: str = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that stops answering without closing its connections (a frozen or partitioned Redis)
# must not hang the worker: without a socket timeout, kombu's periodic health check waits for
# its PING forever and the worker takes no task again, silently, even once Redis is back
# (`python -m infra.faults.redis_killed --freeze 60`). Reads time out, kombu reconnects.
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
    "socket_timeout": env.float("CELERY_BROKER_SOCKET_TIMEOUT", default=15.0),
    "socket_connect_timeout": 5.0,
    "socket_keepalive": True,
    "health_check_interval": 10,
}
# A task killed by a lost broker connection is redelivered (acks_late), not left half-done.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Worker logs go through LOGGING below, so each line carries the task's tenant schema.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = TIME_ZONE

# -- Outbox (entente.outbox) and retries that outlast an outage ----------------------------------
# Who relays events after a commit: "celery" (a task, in the worker) or "inline" (the process
# that committed, at once: the tests). Either way beat's sweep relays what a lost wake-up left.
OUTBOX_RELAY: str = env("OUTBOX_RELAY", default="celery")
OUTBOX_SWEEP_SECONDS: int = env.int("OUTBOX_SWEEP_SECONDS", default=5)
OUTBOX_BATCH_SIZE: int = env.int("OUTBOX_BATCH_SIZE", default=100)
# One relay task handles batches for at most this long, then leaves the rest to the next sweep.
OUTBOX_RELAY_SECONDS: int = env.int("OUTBOX_RELAY_SECONDS", default=60)
# A failing event is retried, waiting base × 2^n seconds capped at max, for this long (an outage
# may last hours), then kept as a dead letter for the vendor console to replay.
OUTBOX_RETRY_FOR_SECONDS: int = env.int("OUTBOX_RETRY_FOR_SECONDS", default=6 * 3600)
OUTBOX_RETRY_BASE_SECONDS: float = env.float("OUTBOX_RETRY_BASE_SECONDS", default=2.0)
OUTBOX_RETRY_MAX_SECONDS: float = env.float("OUTBOX_RETRY_MAX_SECONDS", default=60.0)
# Handled rows are deleted after this; rows pending longer than STUCK count as stuck (/metrics).
OUTBOX_KEEP_DONE_SECONDS: int = env.int("OUTBOX_KEEP_DONE_SECONDS", default=24 * 3600)
OUTBOX_STUCK_SECONDS: int = env.int("OUTBOX_STUCK_SECONDS", default=300)
# Celery tasks that need the database or the broker retry with this capped backoff for as long
# (entente.outbox.retry), instead of giving up after a few attempts.
TASK_RETRY_FOR_SECONDS: int = env.int("TASK_RETRY_FOR_SECONDS", default=6 * 3600)
TASK_RETRY_MAX_SECONDS: int = env.int("TASK_RETRY_MAX_SECONDS", default=300)

# -- Trials (entente.trials, tenants.lifecycle) ---------------------------------------------------
# Length of a new tenant's free trial; admins are e-mailed at D-7, D-1 and at its end.
ENTENTE_TRIAL_DAYS: int = env.int("ENTENTE_TRIAL_DAYS", default=30)
# Who a read-only tenant's people write to about their subscription (shown on refused writes).
ENTENTE_SALES_EMAIL: str = env("ENTENTE_SALES_EMAIL", default=f"contact@{ENTENTE_DOMAIN}")

# -- Sign-up for a free trial (entente.signup) ----------------------------------------------------
# Hours a confirmation link stays valid; an unconfirmed sign-up then expires and frees its slug.
SIGNUP_CONFIRMATION_HOURS: int = env.int("SIGNUP_CONFIRMATION_HOURS", default=48)
# The confirmation's request builds the new tenant itself (~0.1 s), the Celery task sent at the
# same commit finishing what it could not; off, the worker alone builds it (signup.services).
ENTENTE_SIGNUP_INLINE_PROVISIONING: bool = env.bool(
    "ENTENTE_SIGNUP_INLINE_PROVISIONING", default=True
)
# Days an invitation of a citizen to a public project stays valid (entente.citizens).
ENTENTE_CITIZEN_INVITATION_DAYS: int = env.int("ENTENTE_CITIZEN_INVITATION_DAYS", default=14)
# Days an invitation of a colleague into the collectivité stays valid (entente.team).
ENTENTE_COLLEAGUE_INVITATION_DAYS: int = env.int("ENTENTE_COLLEAGUE_INVITATION_DAYS", default=14)
# Days the élus' link in e-mails opens « Mes séances » without a password (entente.meetings).
ENTENTE_ELECTED_LINK_DAYS: int = env.int("ENTENTE_ELECTED_LINK_DAYS", default=30)
# Sign-ups and join requests allowed per client IP address, and per e-mail address, per window.
# Schemas replayed from the template ahead of time, renamed when a collectivité signs up
# (tenants/spares.py): the sign-up's wait without the replay. 0: none, every sign-up replays.
ENTENTE_SPARE_SCHEMAS: int = env.int("ENTENTE_SPARE_SCHEMAS", default=2)
SIGNUP_RATE_LIMIT_PER_IP: int = env.int("SIGNUP_RATE_LIMIT_PER_IP", default=10)
SIGNUP_RATE_LIMIT_PER_EMAIL: int = env.int("SIGNUP_RATE_LIMIT_PER_EMAIL", default=3)
SIGNUP_RATE_LIMIT_WINDOW_SECONDS: int = env.int("SIGNUP_RATE_LIMIT_WINDOW_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    # The outbox's safety net: relays what a lost wake-up left (an empty sweep is one query).
    "outbox-sweep": {
        "task": "entente.outbox.tasks.relay_outbox",
        "schedule": float(OUTBOX_SWEEP_SECONDS),
        "options": {"expires": float(OUTBOX_SWEEP_SECONDS)},
    },
    "outbox-prune": {"task": "entente.outbox.tasks.prune_outbox", "schedule": 60 * 60.0},
    # Next occurrence of recurring tasks whose due date passed (one per tenant; idempotent).
    # Documents deleted more than ENTENTE_DOCUMENTS_BIN_DAYS ago, files included (per tenant).
    "analytics-drain": {"task": "entente.analytics.tasks.drain_usage_buffer", "schedule": 10.0},
    "analytics-rollup": {"task": "entente.analytics.tasks.roll_up_usage", "schedule": 3600.0},
    "analytics-activation": {
        "task": "entente.analytics.tasks.refresh_activations",
        "schedule": 3600.0,
    },
    "analytics-purge": {
        "task": "entente.analytics.tasks.purge_usage_events",
        "schedule": crontab(hour=3, minute=45),
    },
    # RGPD: expired personal exports' files, closed tenants past their notice (entente.privacy).
    "privacy-purge": {
        "task": "entente.privacy.tasks.purge_expired",
        "schedule": crontab(hour=4, minute=15),
    },
    "documents-purge-bin": {
        "task": "entente.documents.tasks.purge_bins_everywhere",
        "schedule": crontab(hour=3, minute=15),
    },
    "tasks-roll-recurring": {
        "task": "entente.tasks.tasks.roll_recurring_tasks_everywhere",
        "schedule": 60 * 60.0,
    },
    # Trial reminders (D-7, D-1) and expiry; idempotent, so running it often costs nothing.
    "trials-apply-dates": {
        "task": "entente.trials.tasks.apply_trial_dates",
        "schedule": 15 * 60.0,
    },
    # Spare schemas for the next sign-ups (tenants/spares.py): stale ones dropped, new made.
    "signup-refill-spare-schemas": {
        "task": "entente.signup.tasks.refill_spare_schemas",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # Frees the slugs of sign-ups nobody confirmed (the confirmation checks expiry as well).
    "signup-expire-unconfirmed": {
        "task": "entente.signup.tasks.expire_signups",
        "schedule": 15 * 60.0,
    },
    # Notifications (entente.notifications.tasks): due tomorrow / overdue, each morning, and the
    # e-mail digests, daily at 7:00 and weekly on Monday at 7:00. All idempotent per period.
    "notifications-due-tasks": {
        "task": "entente.notifications.tasks.notify_due_tasks_everywhere",
        "schedule": crontab(hour=6, minute=30),
    },
    "notifications-daily-digest": {
        "task": "entente.notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
        "args": ("daily",),
    },
    "notifications-weekly-digest": {
        "task": "entente.notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week=1),
        "args": ("weekly",),
    },
}

# -- E-mail → task (entente.mailin) ---------------------------------------------------------------
# Inbound addresses are `<ENTENTE_MAIL_LOCAL_PART>+<token>@<ENTENTE_MAIL_DOMAIN>`; the domain's MX
# points at `manage.py mail_receiver` (or a provider posts raw messages to /mail/inbound).
ENTENTE_MAIL_DOMAIN: str = env("ENTENTE_MAIL_DOMAIN", default=ENTENTE_DOMAIN)
ENTENTE_MAIL_LOCAL_PART: str = env("ENTENTE_MAIL_LOCAL_PART", default="taches")
ENTENTE_SMTP_HOST: str = env("ENTENTE_SMTP_HOST", default="127.0.0.1")
ENTENTE_SMTP_PORT: int = env.int("ENTENTE_SMTP_PORT", default=2525)
# Largest message accepted, attachments included (bytes); larger ones get a 552 reply.
ENTENTE_SMTP_MAX_MESSAGE_BYTES: int = env.int("ENTENTE_SMTP_MAX_MESSAGE_BYTES", default=10_485_760)
# Shared secret a mail provider sends in the X-Entente-Webhook-Secret header; empty: no webhook.
ENTENTE_INBOUND_WEBHOOK_SECRET: str = env("ENTENTE_INBOUND_WEBHOOK_SECRET", default="")

# -- Search -------------------------------------------------------------------------------------
# An OpenSearch cluster for large deployments; empty means the PostgreSQL backend (ARCHITECTURE
# §6). Credentials go in the URL: https://user:password@search.example.fr:9200
OPENSEARCH_URL: str = env("OPENSEARCH_URL", default="")

# -- Observability ------------------------------------------------------------------------------
# Bearer token that Prometheus sends to /metrics (bare domain); empty turns /metrics off.
METRICS_TOKEN: str = env("METRICS_TOKEN", default="")

# -- Logging ------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "tenant_context": {"()": "django_tenants.log.TenantContextFilter"},
        # No e-mail address in any log line: logs cannot be erased (entente.core.logging).
        "mask_addresses": {"()": "entente.core.logging.MaskAddresses"},
    },
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["mask_addresses", "tenant_context"],
            "formatter": "tenant",
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
