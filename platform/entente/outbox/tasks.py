"""The relay as Celery tasks: woken after each commit, swept by beat, pruned hourly."""

from __future__ import annotations

from celery import shared_task

from . import relay


@shared_task(ignore_result=True, acks_late=True)
def relay_outbox() -> int:
    """Handle every due row (a wake-up or beat's sweep; a lost or duplicate one is harmless).

    Not retried by Celery: what fails stays due in the table, and the next sweep takes it.
    """
    return relay.relay_until_empty()


@shared_task(ignore_result=True)
def prune_outbox() -> int:
    return relay.prune_done()
