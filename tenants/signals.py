"""Keep the routing cache true: a saved or deleted tenant or domain is forgotten everywhere.

Only what changed is named (the tenant, the host names), so other processes keep the rest of
their cache. Writes that send no signal (`QuerySet.update()`, raw SQL) must call
`routing.note_change()` themselves, or wait for the age limit (see routing.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import Signal, receiver

from . import routing
from .models import Domain, Tenant

# Sent with `tenant=` once a backup or an export has been restored into it and committed: what
# derives from its rows (the search index) is rebuilt by those who keep it (entente.search),
# which `tenants` may not import.
tenant_restored = Signal()
# Sent with `tenant=` and `settings=` (a dict) while an export or a backup is written: the apps
# that keep one of the tenant's settings in the public schema (entente.sso's SAML directory)
# add it under their label; `tenant_restored` hands the same dict back (`settings=`).
tenant_exporting = Signal()
# Sent after a sign-up's schema was a spare (tenants/spares.py), once committed: the sign-up
# (entente.signup) asks its worker for a new one.
spare_claimed = Signal()


def exported_settings(tenant: Tenant) -> dict[str, Any]:
    collected: dict[str, Any] = {}
    tenant_exporting.send(sender=Tenant, tenant=tenant, settings=collected)
    return collected


@receiver([post_save, post_delete], sender=Tenant)
def forget_tenant(sender: type[Tenant], instance: Tenant, **kwargs: Any) -> None:
    routing.note_change({routing.TENANT: [instance.pk]})


@receiver(pre_save, sender=Domain)
def prepare_domain(sender: type[Domain], instance: Domain, **kwargs: Any) -> None:
    """Store host names in lower case, as requests are looked up (host names ignore case).

    Also note the row's previous name and tenant: a renamed or moved domain must be forgotten
    under those too. That costs a query, on updates of a domain only.
    """
    instance.domain = instance.domain.strip().lower()
    previous = None
    if instance.pk is not None:
        previous = Domain.objects.filter(pk=instance.pk).values_list("domain", "tenant_id").first()
    instance._routing_previous = previous


@receiver([post_save, post_delete], sender=Domain)
def forget_domain(sender: type[Domain], instance: Domain, **kwargs: Any) -> None:
    hosts = [instance.domain]
    tenant_ids = [instance.tenant_id]
    previous = getattr(instance, "_routing_previous", None)
    if previous is not None:
        hosts.append(previous[0])
        tenant_ids.append(previous[1])
    routing.note_change({routing.HOST: hosts, routing.TENANT: tenant_ids})
