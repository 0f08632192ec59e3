"""Background work of the sign-up: provisioning a confirmed trial, expiring unconfirmed ones."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def provision_signup_task(signup_id: int) -> None:
    """Takes an id and hands off to the service (idempotent: delivery is at least once)."""
    services.provision_signup(signup_id)


@shared_task(ignore_result=True)
def expire_signups() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): frees the slugs of sign-ups nobody confirmed."""
    return services.expire_signups()


@shared_task(ignore_result=True)
def refill_spare_schemas() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE) and after each claim: keeps ENTENTE_SPARE_SCHEMAS spare
    schemas ready, so that the next sign-up renames one instead of replaying the template."""
    from tenants import spares

    return spares.refill()
