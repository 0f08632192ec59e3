"""Who sees whose e-mail address: one rule for pages, API, exports and notifications.

People see the address of the people they work with:
- anyone sees their own;
- the staff of a collectivité (admins, agents, elected officials, and the staff of linked
  communes reaching an EPCI) see the address of its other staff;
- everyone sees the address of the staff of a space they belong to (a citizen, the project's
  team: they may write to the mairie);
- a citizen's address (a guest: a resident invited to a public project) is seen by the staff
  of a space they share with them, and by the collectivité's admins (who manage guests); never
  by another citizen: two hundred residents in a photo contest do not get each other's
  personal addresses.
Everywhere else a person is shown by name only.

`ContactBook` answers for one viewer in the tenant of the current schema with two queries, made
the first time an address is asked for (the tenant's staff, the people who share a space with
the viewer) and kept: a page or a list of 200 members costs the same as one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .models import Membership, Role

if TYPE_CHECKING:
    from .models import User


def is_staff_membership(membership: Membership | None) -> bool:
    """Staff of the tenant, or of a commune linked to it (a federated stand-in)."""
    if membership is None:
        return False
    return membership.role != Role.GUEST or bool(getattr(membership, "federated_via", None))


@dataclass
class ContactBook:
    viewer: Membership | None
    _staff_ids: frozenset[int] | None = field(default=None, init=False, repr=False)
    _shared_ids: frozenset[int] | None = field(default=None, init=False, repr=False)

    @property
    def viewer_id(self) -> int | None:
        return self.viewer.user_id if self.viewer is not None else None

    @property
    def viewer_is_staff(self) -> bool:
        return is_staff_membership(self.viewer)

    @property
    def viewer_is_admin(self) -> bool:
        return self.viewer is not None and self.viewer.role == Role.ADMIN

    def staff_ids(self) -> frozenset[int]:
        """The tenant's staff, and the staff of linked communes who joined its spaces."""
        if self._staff_ids is None:
            from entente.spaces.models import SpaceMembership

            assert self.viewer is not None
            own = Membership.objects.filter(tenant_id=self.viewer.tenant_id).exclude(
                role=Role.GUEST
            )
            federated = SpaceMembership.objects.filter(via_tenant_id__isnull=False)
            self._staff_ids = frozenset(own.values_list("user_id", flat=True)) | frozenset(
                federated.values_list("user_id", flat=True)
            )
        return self._staff_ids

    def shared_space_ids(self) -> frozenset[int]:
        """People who belong to a space the viewer belongs to (in the current tenant)."""
        if self._shared_ids is None:
            from entente.spaces.models import SpaceMembership

            assert self.viewer is not None
            mine = SpaceMembership.objects.filter(user_id=self.viewer.user_id).values("space_id")
            people = SpaceMembership.objects.filter(space_id__in=mine)
            self._shared_ids = frozenset(people.values_list("user_id", flat=True))
        return self._shared_ids

    def may_see_email(self, person_id: int) -> bool:
        if self.viewer is None:
            return False
        if person_id == self.viewer_id:
            return True
        if person_id in self.staff_ids():
            return self.viewer_is_staff or person_id in self.shared_space_ids()
        # A citizen: for the staff who work with them, never for another citizen.
        if not self.viewer_is_staff:
            return False
        return self.viewer_is_admin or person_id in self.shared_space_ids()

    def email_of(self, person: User | None) -> str | None:
        """The person's address if the viewer may see it, else None (show the name only)."""
        if person is None or not self.may_see_email(person.pk):
            return None
        return person.email


def contact_book(viewer: Membership | None) -> ContactBook:
    return ContactBook(viewer)
