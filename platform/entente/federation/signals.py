"""Announced after commit when a federation link changes state.

Receivers (notifications, access caches) get `link_id`, `from_state`, `to_state`,
`actor_id` and `acting_tenant_id`; they run after the transaction committed, never inside it.
"""

from django.dispatch import Signal

federation_link_changed = Signal()
