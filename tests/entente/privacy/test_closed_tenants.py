"""A closed tenant's schema, files and search entries are deleted after the notice period by
the daily task, leaving a record that it was."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.core.db import connection
from entente.documents import services as documents
from entente.documents.models import Version
from entente.documents.selectors import tree_root
from entente.privacy.models import DeletedTenant
from entente.privacy.services import purge_expired
from entente.search.models import SearchEntry
from entente.search.services import reindex_tenant
from entente.spaces.services import create_space
from tenants.models import Tenant, TenantState
from tests.support.acting import member


def _schema_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name])
        return cursor.fetchone() is not None


def test_a_closed_tenant_is_deleted_after_the_notice_with_a_record(
    tenant_b: Tenant, make_user: Callable[..., User], settings
) -> None:
    admin = make_user(tenant=tenant_b, role=Role.ADMIN)
    with tenant_context(tenant_b):
        space = create_space(member(admin, tenant_b), name="Archives de Paulx")
        documents.upload(
            membership=member(admin, tenant_b),
            folder=tree_root(space),
            name="Registre.pdf",
            content=io.BytesIO(b"%PDF-1.4\n%%EOF\n"),
        )
        stored = str(Version.objects.get().file.name)
    reindex_tenant(tenant_b)
    connection.set_schema_to_public()
    assert SearchEntry.objects.filter(tenant_id=tenant_b.pk).exists()
    days = settings.ENTENTE_CLOSED_TENANT_RETENTION_DAYS
    Tenant.objects.filter(pk=tenant_b.pk).update(
        state=TenantState.CLOSING, closing_on=timezone.localdate() - timedelta(days=days - 1)
    )
    assert purge_expired() == (0, 0)  # still within the notice
    Tenant.objects.filter(pk=tenant_b.pk).update(
        closing_on=timezone.localdate() - timedelta(days=days)
    )
    assert purge_expired() == (0, 1)
    assert not Tenant.objects.filter(pk=tenant_b.pk).exists()
    assert not _schema_exists(tenant_b.schema_name)
    assert not default_storage.exists(stored)
    assert not SearchEntry.objects.filter(tenant_id=tenant_b.pk).exists()
    record = DeletedTenant.objects.get(tenant_id=tenant_b.pk)
    assert (record.slug, record.official_code) == (tenant_b.slug, tenant_b.official_code)
