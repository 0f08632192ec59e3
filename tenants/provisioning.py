"""Creating a tenant: its row, its domain, its schema.

`create_tenant` is the one way a tenant comes to exist (sign-up, seed, console, tests). The
schema is built by `build_schema`, which renames a spare schema made ahead of time
(tenants/spares.py) or, with none left, replays the template's capture (tenants/template.py)
in one transaction: tens of milliseconds where running the migrations takes 0.7-1.5 s, and flat
as tenants grow, except for foreign keys to public tables (each adds triggers to the public
table: see `template.foreign_keys_out_of_template`). A failure leaves no schema (the
transaction is rolled back, and the schema dropped in case it was not) and marks the tenant
failed with the reason, so that `retry_provisioning` can start again cleanly.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from entente.core.db import connection

from . import deploy, routing, spares, template
from .models import RESERVED_SLUGS, Domain, SchemaStatus, Tenant, TenantKind, TenantState

logger = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# The schemas provisioning may create or drop: a tenant's, never public, pg_* or the template.
TENANT_SCHEMA_RE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def slug_for(name: str) -> str:
    """A host-name-safe slug: `Machecoul-Saint-Même` → `machecoul-saint-meme`."""
    return slugify(name.replace("'", "-"))[:63].strip("-")


def schema_name_for(slug: str) -> str:
    """PostgreSQL identifiers: letters, digits, underscores; 63 bytes at most."""
    return "t_" + slug.replace("-", "_")[:61]


def validate_slug(slug: str) -> None:
    if not SLUG_RE.match(slug):
        raise ValidationError(
            _(
                "L'identifiant « %(slug)s » ne convient pas : "
                "lettres minuscules, chiffres et tirets."
            ),
            code="invalid_slug",
            params={"slug": slug},
        )
    if slug in RESERVED_SLUGS:
        raise ValidationError(
            _("L'identifiant « %(slug)s » est réservé. Choisissez-en un autre."),
            code="reserved_slug",
            params={"slug": slug},
        )
    # Two long slugs may differ only past the schema name's 63 bytes: both count as taken.
    if Tenant.objects.filter(slug=slug).exists() or (
        Tenant.objects.filter(schema_name=schema_name_for(slug)).exists()
    ):
        raise ValidationError(
            _("L'identifiant « %(slug)s » est déjà pris. Choisissez-en un autre."),
            code="taken_slug",
            params={"slug": slug},
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
    """Make the tenant's schema; on failure leave no schema and say why on the tenant.

    The schema and the state that opens the tenant commit together: no one can see a tenant
    that says it is ready without its schema, nor a schema whose tenant says it is not.
    """
    try:
        with transaction.atomic():
            _create_schema(tenant)
            Tenant.objects.filter(pk=tenant.pk).update(state=final_state, failure_reason="")
    except Exception as error:
        logger.exception("Provisioning of %s failed", tenant.schema_name)
        try:
            drop_schema(tenant.schema_name)
        except Exception:  # the original error is the one to report
            logger.exception("Could not drop the half-made schema %s", tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).update(
            state=TenantState.FAILED, failure_reason=f"{type(error).__name__}: {error}"
        )
        routing.note_change({routing.TENANT: [tenant.pk]})
        tenant.refresh_from_db()
        raise
    routing.note_change({routing.TENANT: [tenant.pk]})  # update() sends no post_save
    tenant.refresh_from_db()


def retry_provisioning(tenant: Tenant, *, final_state: str = TenantState.TRIAL) -> None:
    if tenant.state != TenantState.FAILED:
        raise ValidationError(
            _("Seule une création échouée peut être relancée."), code="not_failed"
        )
    Tenant.objects.filter(pk=tenant.pk).update(state=TenantState.PROVISIONING, failure_reason="")
    build_schema(tenant, final_state=final_state)


def _create_schema(tenant: Tenant) -> None:
    """Replay the template's capture into the tenant's schema (in build_schema's transaction).

    One statement batch, one round trip. The capture is fully qualified, so the connection's
    search_path does not matter; we go back to public all the same, as every write of a tenant
    row must.
    """
    _check_tenant_schema(tenant.schema_name)
    if spares.claim(tenant.schema_name):  # replayed ahead of time: renamed (tenants/spares.py)
        transaction.on_commit(_ask_for_a_spare)
    else:
        sql = template.provisioning_sql(tenant.schema_name)
        connection.set_schema_to_public()
        with connection.cursor() as cursor:
            cursor.execute(sql)
    # The replay holds the capture's migrations: the deploy need not look at this schema.
    deploy.record_state(
        tenant.schema_name,
        status=SchemaStatus.OK,
        fingerprint=template.migration_fingerprint(),  # that of the capture replayed
        migration_count=len(template.expected_migrations()),
    )


def _ask_for_a_spare() -> None:
    """Make the claimed spare good again, in the background (signals.spare_claimed: a task of
    the sign-up, which tenants may not import); beat's refill does it within a minute anyway."""
    from .signals import spare_claimed

    spare_claimed.send(sender=None)


def drop_schema(schema_name: str) -> None:
    _check_tenant_schema(schema_name)
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE')
    deploy.forget_state(schema_name)


def _check_tenant_schema(schema_name: str) -> None:
    reserved = {settings.PUBLIC_SCHEMA_NAME, template.template_schema(), "information_schema"}
    if (
        not TENANT_SCHEMA_RE.match(schema_name)
        or schema_name in reserved
        or schema_name.startswith("pg_")
    ):
        raise ValueError(f"{schema_name!r} is not a tenant schema name")
