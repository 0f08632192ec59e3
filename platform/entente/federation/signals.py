"""Announced after commit when a federation link changes state.

Receivers (notifications, access caches) get `link_id`, `from_state`, `to_state`,
`actor_id` and `acting_tenant_id`; they run after the transaction committed, never inside it.
"""

from typing import Any

from django.dispatch import Signal

federation_link_changed = Signal()


def _forget_federated_access(sender: Any, instance: Any, **kwargs: Any) -> None:
    """A person's membership in a commune decides their federated access to its EPCIs."""
    from entente.accounts.acting import note_federation_change

    note_federation_change(user_ids=[instance.user_id])


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from entente.accounts.models import Membership

    for signal in (post_save, post_delete):
        signal.connect(
            _forget_federated_access, sender=Membership, dispatch_uid=f"federation-{signal}"
        )
