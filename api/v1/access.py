"""Space access for API views of content inside a space (checklists, discussions).

To be folded into the reusable space-scoped mixin once it lands (C1's API infrastructure);
the rule is the one of the pages: `space_abilities`, and 404 alike for a space that does not
exist and one the caller may not see.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request

from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, space_abilities
from entente.spaces.sections import section_open
from entente.spaces.selectors import space_role_of


def space_for(request: Request, space_id: int, *, section: str) -> tuple[Space, SpaceAbilities]:
    """The space and the caller's abilities; 404 also when `section` is closed to them (a guest
    in a project whose editors did not open it to citizens)."""
    membership = getattr(request, "membership", None)
    space = Space.objects.filter(pk=space_id).first()
    if space is None or membership is None:
        raise NotFound(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    abilities = space_abilities(membership, space, space_role_of(membership.user_id, space))
    if not abilities.view or not section_open(membership, space.pk, section):
        raise NotFound(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    return space, abilities


def drf_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as DRF's 400 body (field → messages)."""
    if hasattr(error, "error_dict"):
        return ValidationError(
            {
                field: [str(m) for e in errors for m in e.messages]
                for field, errors in error.error_dict.items()
            }
        )
    return ValidationError({"non_field_errors": [str(m) for m in error.messages]})
