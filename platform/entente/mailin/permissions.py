"""Who may receive tasks by e-mail in a tenant: the one rule the page and the menus read."""

from __future__ import annotations

from entente.accounts.models import Membership


def may_use_inbound_mail(membership: Membership | None) -> bool:
    """The tenant's own staff. Guests create no task; a federated stand-in has no address in
    the EPCI (its mail is refused there: not a member); a support reader only reads, and the
    page makes the person's address on first visit."""
    if membership is None or not membership.is_staff_role:
        return False
    if getattr(membership, "is_support_reader", False):
        return False
    return getattr(membership, "federated_via", None) is None
