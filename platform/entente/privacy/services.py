"""RGPD: a person's own export, the erasure of an account, the deletion of closed tenants.

Who may erase: the person themself (`/mon-compte/donnees/`) or Entente's support on their
request (`manage.py erase_person`); never a tenant's admin, because an account is one person's
across every tenant: an admin removes a member from their tenant, which ends the person's
access there and keeps the authorship of what they wrote (docs/rgpd.md).
"""

from __future__ import annotations

import io
import json
import logging
import re
import shutil
import zipfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from entente.accounts.models import ApiToken, Membership, User
from entente.analytics.models import UsageEvent
from entente.core.db import connection
from entente.core.links import platform_url
from entente.mailin.models import InboundAddress
from entente.notifications.models import DigestRun, Notification, NotificationPreference
from entente.scim.models import ScimUser
from entente.search.services import forget_tenant, reindex_tenant
from entente.signup.models import JoinRequest
from tenants import export
from tenants.backup import media_dir
from tenants.models import FederationLink, Tenant, TenantState
from tenants.provisioning import drop_schema

from .models import DeletedTenant, ErasureRecord, ExportStatus, PersonalExport

logger = logging.getLogger(__name__)

PSEUDONYM = "Ancien membre"
TEXT_TYPES = ("text", "character varying", "json", "jsonb")


def _dump(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def reached_tenants(user: User) -> list[Tenant]:
    """The tenants the person is a member of, and those federated with them (their spaces may
    hold the person as a member from a commune)."""
    own = list(Tenant.objects.filter(memberships__user=user).order_by("pk"))
    linked = FederationLink.objects.filter(commune__in=own).values_list("epci_id", flat=True)
    linked_back = FederationLink.objects.filter(epci__in=own).values_list("commune_id", flat=True)
    others = Tenant.objects.filter(pk__in=[*linked, *linked_back]).exclude(
        pk__in=[t.pk for t in own]
    )
    return [t for t in [*own, *others] if t.state not in {TenantState.PROVISIONING, "failed"}]


# -- A person's own export ------------------------------------------------------------------


def request_personal_export(user: User) -> PersonalExport:
    """Queue the building of the person's ZIP (one at a time: a running one is returned)."""
    from . import tasks

    running = user.personal_exports.filter(
        status__in=[ExportStatus.PENDING, ExportStatus.RUNNING]
    ).first()
    if running is not None:
        return running
    made = PersonalExport.objects.create(user=user)
    transaction.on_commit(lambda: tasks.build_personal_export.delay(made.pk))
    return made


def _public_rows(user: User) -> dict[str, Any]:
    return {
        "profile.json": {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "function": user.function,
            "language": user.language,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "tour_closed_at": user.tour_closed_at,
        },
        "email_addresses.json": list(
            EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
        ),
        # Identity providers linked to the account (ProConnect), with what they said of them.
        "identity_providers.json": list(
            SocialAccount.objects.filter(user=user).values(
                "provider", "uid", "date_joined", "last_login", "extra_data"
            )
        ),
        # What collectivités' directories (SCIM) keep of them: their id there, active or not.
        "directory_records.json": list(
            ScimUser.objects.filter(user=user).values(
                "tenant__name", "external_id", "active", "role", "created_at", "updated_at"
            )
        ),
        "second_factors.json": list(
            Authenticator.objects.filter(user=user).values("type", "created_at", "last_used_at")
        ),
        "memberships.json": list(
            Membership.objects.filter(user=user).values(
                "tenant__name", "tenant__slug", "role", "created_at", "last_seen_at"
            )
        ),
        "notifications.json": list(Notification.objects.filter(user=user).order_by("pk").values()),
        "notification_settings.json": list(
            NotificationPreference.objects.filter(user=user).values(
                "kind", "tenant__slug", "space_id", "delivery"
            )
        ),
        "api_tokens.json": list(
            ApiToken.objects.filter(user=user).values("name", "created_at", "expires_at")
        ),
        "usage_events.json": list(
            UsageEvent.objects.filter(user=user).values(
                "tenant__slug", "role", "name", "object_kind", "occurred_at"
            )
        ),
        "join_requests.json": list(
            JoinRequest.objects.filter(user=user).values("tenant__slug", "state", "created_at")
        ),
    }


def build_personal_export(export_id: int) -> PersonalExport:
    """The Celery task's body: every kind of the person's data, tenant by tenant (progress
    saved after each), then the ZIP stored privately and the link sent by e-mail."""
    made = PersonalExport.objects.select_related("user").get(pk=export_id)
    made.status = ExportStatus.RUNNING
    made.save(update_fields=["status"])
    try:
        return _build(made)
    except Exception:
        connection.set_schema_to_public()
        made.status = ExportStatus.FAILED
        made.save(update_fields=["status"])
        raise


def _build(made: PersonalExport) -> PersonalExport:
    user = made.user
    tenants = reached_tenants(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, rows in _public_rows(user).items():
            archive.writestr(name, _dump(rows))
        for done, tenant in enumerate(tenants, start=1):
            with tenant_context(tenant):
                for section, rows in export.rows_by_person(user.pk):
                    archive.writestr(f"{tenant.slug}/{section.name}.json", _dump(rows))
                    for path, stored in export.files_of(section, rows):
                        with (
                            default_storage.open(stored, "rb") as source,
                            archive.open(f"{tenant.slug}/{path}", "w") as target,
                        ):
                            shutil.copyfileobj(source, target, 1 << 20)
            connection.set_schema_to_public()
            made.progress = int(done * 95 / max(len(tenants), 1))
            made.save(update_fields=["progress"])
        archive.writestr(
            "LISEZMOI.txt",
            _(
                "Vos données dans Entente, exportées le %(date)s : votre profil et vos "
                "réglages à la racine, puis un dossier par collectivité (ce que vous avez "
                "écrit, déposé, ce qui vous est attribué), fichiers compris.\n"
            )
            % {"date": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        )
    name = default_storage.save(
        f"personal-exports/{made.token.hex}/entente-mes-donnees.zip",
        ContentFile(buffer.getvalue()),
    )
    now = timezone.now()
    made.file, made.size = name, len(buffer.getvalue())
    made.status, made.progress = ExportStatus.READY, 100
    made.ready_at = now
    made.expires_at = now + timedelta(days=settings.ENTENTE_PERSONAL_EXPORT_DAYS)
    made.save()
    context = {
        "user": user,
        "url": platform_url(f"/mon-compte/donnees/{made.token}/telecharger/"),
        "expires_at": made.expires_at,
    }
    send_mail(
        _("Vos données Entente sont prêtes"),
        render_to_string("privacy/export_ready.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    return made


def downloadable(user: User, token: str) -> PersonalExport | None:
    """The export behind this link if it is this person's, ready and not expired."""
    return PersonalExport.objects.filter(
        user=user, token=token, status=ExportStatus.READY, expires_at__gt=timezone.now()
    ).first()


# -- Erasure ----------------------------------------------------------------------------------


def _pattern(values: Iterable[str]) -> str:
    parts = sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len, reverse=True)
    return "|".join(re.escape(p) for p in parts)


def text_columns(schema: str) -> list[tuple[str, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c "
            "JOIN information_schema.tables t ON t.table_schema = c.table_schema "
            "AND t.table_name = c.table_name WHERE c.table_schema = %s "
            "AND t.table_type = 'BASE TABLE' AND c.data_type = ANY(%s) ORDER BY 1, 2",
            [schema, list(TEXT_TYPES)],
        )
        return [(t, c, d) for t, c, d in cursor.fetchall()]


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def scrub_schema(schema: str, pattern: str) -> int:
    """Replace every match of `pattern` (case-insensitive) in the schema's text and JSON
    columns by the pseudonym. Returns the rows changed."""
    changed = 0
    for table, column, data_type in text_columns(schema):
        qualified, col = f"{_q(schema)}.{_q(table)}", _q(column)
        cast = {"json": "::json", "jsonb": "::jsonb"}.get(data_type, "")
        for replacement in (PSEUDONYM, ""):
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {qualified} SET {col} = "  # noqa: S608
                        f"regexp_replace({col}::text, %s, %s, 'gi'){cast} "
                        f"WHERE {col}::text ~* %s",
                        [pattern, replacement, pattern],
                    )
                    changed += cursor.rowcount
                break
            except DataError:  # a short column: the pseudonym does not fit, leave it empty
                continue
    return changed


def _delete_sessions(user: User) -> None:
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()


@transaction.atomic
def erase_person(user: User, *, requested_by: User) -> ErasureRecord:
    """Pseudonymise the person's authorship everywhere and delete their personal data."""
    by_self = requested_by.pk == user.pk
    if not by_self and not requested_by.is_staff:
        raise PermissionError("Only the person or Entente's support may erase an account.")
    tenants = reached_tenants(user)
    addresses = [
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    ]
    pattern = _pattern([user.full_name, *addresses])
    # Files only they own: their own exports (tenant files are the tenant's records).
    for made in user.personal_exports.exclude(file=""):
        default_storage.delete(made.file)
    user.personal_exports.all().delete()
    for model in (Notification, NotificationPreference, DigestRun, ApiToken, InboundAddress):
        model.objects.filter(user=user).delete()
    Notification.objects.filter(actor=user).update(actor=None)
    UsageEvent.objects.filter(user=user).delete()
    JoinRequest.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()  # the provider's identifier and claims
    ScimUser.objects.filter(user=user).delete()  # a directory's id for them (entente.scim)
    Membership.objects.filter(user=user).delete()
    _delete_sessions(user)
    user.email = f"ancien-membre-{user.pk}@efface.invalid"
    user.full_name, user.function = PSEUDONYM, ""
    user.tour_closed_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    rows = 0
    if pattern:
        for schema in ["public", *[t.schema_name for t in tenants]]:
            rows += scrub_schema(schema, pattern)
    connection.set_schema_to_public()
    record = ErasureRecord.objects.create(
        user_id=user.pk,
        requested_by="self" if by_self else "support",
        staff_id=None if by_self else requested_by.pk,
        tenants=len(tenants),
        rows_scrubbed=rows,
    )
    transaction.on_commit(lambda: _reindex(tenants))
    return record


def _reindex(tenants: list[Tenant]) -> None:
    """The index holds titles and bodies as they were: rebuilt from the scrubbed rows."""
    for tenant in tenants:
        reindex_tenant(tenant)
        connection.set_schema_to_public()


# -- Closed tenants ---------------------------------------------------------------------------


def closed_tenants_due(now: datetime | None = None) -> list[Tenant]:
    today = timezone.localdate(now or timezone.now())
    limit = today - timedelta(days=settings.ENTENTE_CLOSED_TENANT_RETENTION_DAYS)
    return list(Tenant.objects.filter(state=TenantState.CLOSING, closing_on__lte=limit))


def delete_closed_tenant(tenant: Tenant) -> DeletedTenant:
    """Its schema, files and index entries go; a `DeletedTenant` row says it was."""
    files = 0
    with tenant_context(tenant):
        stored = [path for section in export.sections().values() for path in export.stored(section)]
    connection.set_schema_to_public()
    for path in stored:
        default_storage.delete(path)
        files += 1
    folder = media_dir(tenant.schema_name)
    if Path(folder).is_dir():
        shutil.rmtree(folder)
    forget_tenant(tenant)
    record = DeletedTenant.objects.create(
        tenant_id=tenant.pk,
        slug=tenant.slug,
        name=tenant.name,
        official_code=tenant.official_code,
        kind=tenant.kind,
        closing_on=tenant.closing_on,
        files=files,
    )
    with connection.cursor() as cursor:  # deferred checks of this transaction, before the DROP
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    drop_schema(tenant.schema_name)
    tenant.delete()
    logger.info("Closed tenant %s deleted (%s files)", record.slug, files)
    return record


def purge_expired(now: datetime | None = None) -> tuple[int, int]:
    """The daily task: expired personal exports' files, closed tenants past their notice."""
    now = now or timezone.now()
    old = PersonalExport.objects.filter(expires_at__lte=now)
    for made in old.exclude(file=""):
        default_storage.delete(made.file)
    exports = old.delete()[0]
    tenants = 0
    for tenant in closed_tenants_due(now):
        delete_closed_tenant(tenant)
        tenants += 1
    return exports, tenants
