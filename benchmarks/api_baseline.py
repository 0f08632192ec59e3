"""Settings of the baseline server of benchmarks/api.py: the same task list, without tenancy.

No tenant routing, no membership middleware, no support-access or read-only checks: the
connection is opened on the tenant's schema by PostgreSQL itself (`search_path` in the
connection options, plain `django.db.backends.postgresql`), and `request.membership` is a
membership loaded once per process. Everything else is Entente's own: the same middleware
otherwise, session authentication, the same DRF view, selector, serializer and pagination.
Run only by benchmarks/api.py (it sets BENCH_SCHEMA, BENCH_TENANT_ID).
"""

from __future__ import annotations

import os

from benchmarks.api_settings import *  # noqa: F403
from benchmarks.api_settings import DATABASES, MIDDLEWARE

SCHEMA = os.environ["BENCH_SCHEMA"]
TENANCY = {
    "tenants.middleware.TenantRoutingMiddleware",
    "entente.console.middleware.SupportAccessMiddleware",
    "entente.accounts.middleware.TenantMembershipMiddleware",
    "entente.trials.middleware.ReadOnlyTenantMiddleware",
}
DATABASES = {
    "default": {
        **DATABASES["default"],
        "ENGINE": "django.db.backends.postgresql",
        "OPTIONS": {
            **DATABASES["default"].get("OPTIONS", {}),
            "options": f"-c search_path={SCHEMA},public",
        },
    }
}
MIDDLEWARE = [
    entry
    for name in MIDDLEWARE
    if name not in TENANCY
    for entry in (
        [name, "benchmarks.api_baseline_urls.PinnedMembershipMiddleware"]
        if name == "django.contrib.auth.middleware.AuthenticationMiddleware"
        else [name]
    )
]
ROOT_URLCONF = "benchmarks.api_baseline_urls"
ALLOWED_HOSTS = ["*"]
# django-tenants' log filter reads `connection.tenant`, which a plain backend has not.
LOGGING = {"version": 1, "disable_existing_loggers": False}
