"""Background work of RGPD: a person's export (on request), the daily purge (beat)."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def build_personal_export(export_id: int) -> None:
    services.build_personal_export(export_id)


@shared_task(ignore_result=True)
def purge_expired() -> None:
    services.purge_expired()
