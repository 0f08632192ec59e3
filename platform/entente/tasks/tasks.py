"""Background work of tasks: the next occurrence of recurring tasks whose due date has passed.

Beat sends `roll_recurring_tasks_everywhere` (public schema); it sends one
`roll_recurring_tasks` per writable tenant, entered with `tenant_context` so that
tenant-schemas-celery stamps the schema on the message. Both are idempotent: a task never gets
two next occurrences (row lock and unique `previous`), so a retried or duplicated run is harmless.
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.models import Tenant

from . import services


@shared_task(ignore_result=True)
def roll_recurring_tasks() -> int:
    """In the schema the message carries: create the next occurrences that are due."""
    return services.roll_recurring_tasks(today=timezone.localdate())


@shared_task(ignore_result=True)
def roll_recurring_tasks_everywhere() -> int:
    """One `roll_recurring_tasks` per tenant that may still be written to."""
    sent = 0
    for tenant in Tenant.objects.exclude(schema_name="public").iterator():
        if not tenant.is_writable:
            continue
        with tenant_context(tenant):
            roll_recurring_tasks.delay()
        sent += 1
    return sent
