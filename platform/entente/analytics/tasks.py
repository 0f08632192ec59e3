"""Beat tasks: the daily rollup (incremental) and the retention purge. Both idempotent."""

from __future__ import annotations

from celery import shared_task

from . import capture, rollups, services


@shared_task(acks_late=True)
def roll_up_usage() -> int:
    return rollups.run_rollups()


@shared_task(acks_late=True)
def purge_usage_events() -> int:
    return services.purge_expired_events()


@shared_task(acks_late=True)
def drain_usage_buffer() -> int:
    """The page-level events pushed since the last run, in batches of 5,000."""
    taken = total = capture.drain_buffer()
    while taken:
        taken = capture.drain_buffer()
        total += taken
    return total


@shared_task(acks_late=True)
def refresh_activations() -> int:
    """The trials' (and active tenants') activation scores, for the console's list."""
    return services.refresh_trial_activations()
