"""Creating a tenant: its row, its domain, its schema.

`create_tenant` is the one way a tenant comes to exist (sign-up, seed, console, tests). The
schema is built by `build_schema`; a failure drops the half-made schema and marks the tenant
failed with the reason, so that `retry_provisioning` can start again cleanly.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import RESERVED_SLUGS, Domain, Tenant, TenantKind, TenantState

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def slug_for(name: str) -> str:
    """A host-name-safe slug: `Machecoul-Saint-Même` → `machecoul-saint-meme`."""
    return slugify(name.replace("'", "-"))[:63].strip("-")


def schema_name_for(slug: str) -> str:
    """PostgreSQL identifiers: letters, digits, underscores; 63 bytes at most."""
    return "t_" + slug.replace("-", "_")[:61]


def validate_slug(slug: str) -> None:
    if not SLUG_RE.match(slug):
        raise ValidationError(
            _("L'identifiant « %(slug)s » ne convient pas : lettres minuscules, chiffres et tirets."),
            code="invalid_slug",
            params={"slug": slug},
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("L'identifiant « %(slug)s » est réservé. Choisissez-en un autre."),
            code="reserved_slug",
            params={"slug": slug},
        )
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError(
            _("L'identifiant « %(slug)s » est déjà pris."), code="taken_slug", params={"slug": slug}
        )


def create_tenant(
    *,
    name: str,
    kind: str,
    official_code: str,
    slug: str | None = None,
    country: str = "FR",
    population: int | None = None,
    departement: str = "",
    state: str = TenantState.TRIAL,
) -> Tenant:
    """Record the tenant and its domain, then build its schema. Returns the ready tenant."""
    slug = slug or slug_for(name)
    validate_slug(slug)
    if kind not in TenantKind.values:
        raise ValidationError(_("Type de collectivité inconnu."), code="invalid_kind")
    with transaction.atomic():
        tenant = Tenant.objects.create(
            name=name,
            slug=slug,
            schema_name=schema_name_for(slug),
            kind=kind,
            official_code=official_code,
            country=country,
            population=population,
            departement=departement,
            state=TenantState.PROVISIONING,
        )
        Domain.objects.create(
            domain=f"{slug}.{settings.ENTENTE_DOMAIN}", tenant=tenant, is_primary=True
        )
    build_schema(tenant, final_state=state)
    return tenant


def build_schema(tenant: Tenant, *, final_state: str = TenantState.TRIAL) -> None:
    """Make the tenant's schema; on failure leave no schema and say why on the tenant."""
    try:
        _create_schema(tenant)
    except Exception as error:
        logger.exception("Provisioning of %s failed", tenant.schema_name)
        drop_schema(tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).update(
            state=TenantState.FAILED, failure_reason=f"{type(error).__name__}: {error}"
        )
        tenant.refresh_from_db()
        raise
    Tenant.objects.filter(pk=tenant.pk).update(state=final_state, failure_reason="")
    tenant.refresh_from_db()


def retry_provisioning(tenant: Tenant, *, final_state: str = TenantState.TRIAL) -> None:
    if tenant.state != TenantState.FAILED:
        raise ValidationError(_("Seule une création échouée peut être relancée."), code="not_failed")
    Tenant.objects.filter(pk=tenant.pk).update(state=TenantState.PROVISIONING)
    build_schema(tenant, final_state=final_state)


def _create_schema(tenant: Tenant) -> None:
    # First version: run the migrations in the new schema (django-tenants' default path).
    tenant.create_schema(check_if_exists=False, verbosity=0)


def drop_schema(schema_name: str) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
