"""Background work of documents: the bin's purge, once a day, in every tenant.

Beat sends `purge_bins_everywhere` (public schema); it sends one `purge_bin` per tenant, entered
with `tenant_context` so that tenant-schemas-celery stamps the schema on the message. The purge
is idempotent: what is gone is not found again.
"""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import tenant_context

from tenants.models import Tenant

from . import services


@shared_task(ignore_result=True)
def purge_bin() -> int:
    """In the schema the message carries: remove what outstayed the bin, files included."""
    return services.purge_bin()


@shared_task(ignore_result=True)
def purge_bins_everywhere() -> int:
    sent = 0
    for tenant in Tenant.objects.exclude(schema_name="public").iterator():
        with tenant_context(tenant):
            purge_bin.delay()
        sent += 1
    return sent
