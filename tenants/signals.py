"""Keep the routing cache true: any change to a tenant or a domain invalidates it."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from . import routing
from .models import Domain, Tenant


@receiver([post_save, post_delete], sender=Tenant)
@receiver([post_save, post_delete], sender=Domain)
def invalidate_routing(sender: type, **kwargs: Any) -> None:
    routing.clear_local()
    transaction.on_commit(routing.bump_generation)
