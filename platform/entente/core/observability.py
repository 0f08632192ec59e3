"""Error reporting to Sentry: the tenant as a tag, personal data left out.

Entente serves public bodies and handles residents' and officials' personal data (GDPR): an
error report says *where* something broke (tenant, route, code) and never *who* was involved.
Two layers keep it so:

1. the SDK is told to collect nothing personal (`DATA_COLLECTION`: no user identity, cookies,
   request bodies, SQL parameters, task arguments or local variables; only a few harmless
   headers);
2. `scrub_event` runs on every event before it leaves the process, whatever an integration or
   a developer attached: it drops cookies, bodies and credentials, replaces e-mail addresses
   in any text, filters values whose key names personal data, and adds the tenant tags.

Free-text names inside messages cannot be recognised; log and exception messages must name
objects by id, never by a person's name (docs/operations.md, "Sentry").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sentry_sdk._types import DataCollectionUserOptions, Event, Hint
    from sentry_sdk.transport import Transport

FILTERED = "[Filtered]"
EMAIL_RE = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
EMAIL_SUBSTITUTE = "[e-mail]"

# Values under a key containing one of these (lower case, `-` read as `_`) are replaced...
PERSONAL_KEY_PARTS = (
    "email",
    "e_mail",
    "mail_address",
    "full_name",
    "first_name",
    "last_name",
    "given_name",
    "family_name",
    "username",
    "phone",
    "telephone",
    "address",
    "adresse",
    "birth",
    "cookie",
    "authorization",
    "password",
    "passwd",
    "secret",
    "token",
    "session",
    "csrf",
    "api_key",
    "remote_addr",
    "x_forwarded_for",
    "x_real_ip",
    "ip_address",
)
# ... and so are values under a key that has one of these words (too short for substrings).
PERSONAL_KEY_WORDS = frozenset({"nom", "prenom", "mail", "ip"})
# Request headers worth keeping: they identify no one and help reproduce an error.
KEPT_HEADERS = frozenset(
    {"accept", "accept-language", "content-length", "content-type", "host", "user-agent"}
)

# What the SDK may collect by itself (sentry-sdk >= 2.75 `data_collection`, which supersedes
# the deprecated `send_default_pii=False`; this is stricter than that default).
DATA_COLLECTION: DataCollectionUserOptions = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": sorted(KEPT_HEADERS)}},
    "http_bodies": [],
    "url_query_params": {"mode": "denylist", "terms": ["mail", "nom", "name", "phone", "code"]},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
    "frame_context_lines": 5,
}


def init_sentry(
    dsn: str,
    *,
    environment: str,
    release: str | None = None,
    traces_sample_rate: float = 0.0,
    transport: type[Transport] | Transport | None = None,
) -> None:
    """Start reporting to Sentry (called by the production settings when SENTRY_DSN is set)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration
    from sentry_sdk.integrations.redis import RedisIntegration

    options: dict[str, Any] = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[
            DjangoIntegration(),
            CeleryIntegration(monitor_beat_tasks=False),
            RedisIntegration(),
        ],
        data_collection=DATA_COLLECTION,
        include_local_variables=False,
        max_request_body_size="never",
        traces_sample_rate=traces_sample_rate,
        before_send=scrub_event,
        before_send_transaction=scrub_event,
        **options,
    )


def scrub_event(event: Event, hint: Hint) -> Event:
    """Sentry's `before_send`: remove personal data and tag the event with its tenant."""
    data = cast(dict[str, Any], event)
    request = data.get("request")
    if isinstance(request, dict):
        _scrub_request(request)
    user = data.get("user")
    if isinstance(user, dict):
        # An opaque id lets us count people affected without knowing who they are.
        data["user"] = {"id": user["id"]} if "id" in user else {}
    for key in list(data):
        if key not in {"tags", "user"}:
            data[key] = _scrub(data[key])
    tags = data.get("tags")
    if not isinstance(tags, dict):
        tags = {}
        data["tags"] = tags
    tags.update(tenant_tags())
    return event


def tenant_tags() -> dict[str, str]:
    """The tenant of the current database connection (set per request, per Celery task)."""
    try:
        from .db import connection

        schema_name = connection.schema_name
        tenant = connection.tenant
    except Exception:  # settings not configured: report without the tag rather than fail
        return {}
    if not schema_name:
        return {}
    return {"tenant": str(getattr(tenant, "slug", None) or schema_name), "schema": schema_name}


def _scrub_request(request: dict[str, Any]) -> None:
    for key in ("cookies", "data", "env"):
        request.pop(key, None)
    headers = request.get("headers")
    if isinstance(headers, dict):
        request["headers"] = {
            name: value for name, value in headers.items() if name.lower() in KEPT_HEADERS
        }


def _is_personal_key(key: str) -> bool:
    normalized = key.lower().replace("-", "_")
    if any(part in normalized for part in PERSONAL_KEY_PARTS):
        return True
    return not PERSONAL_KEY_WORDS.isdisjoint(re.split(r"[^a-z0-9]+", normalized))


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return EMAIL_RE.sub(EMAIL_SUBSTITUTE, value)
    if isinstance(value, dict):
        return {
            key: FILTERED if isinstance(key, str) and _is_personal_key(key) else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value
