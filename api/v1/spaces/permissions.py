"""Which space ability each method of the space endpoints needs (see api.base.SpaceScopedMixin).

The decision itself is `entente.spaces.permissions.space_abilities`; these maps only say which
of its booleans a method requires. The services check again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from entente.spaces.permissions import can_create_space

from ...permissions import resolve_membership

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView

READ = {"GET": "view", "HEAD": "view", "OPTIONS": "view"}
# A space's settings, archive (DELETE) and restore.
SPACE_ABILITIES = {**READ, "PUT": "manage", "PATCH": "manage", "DELETE": "manage", "POST": "manage"}
# Adding members and changing roles need `manage`; removal too, except leaving oneself (the
# service decides that case, so DELETE only needs `view` here).
MEMBER_LIST_ABILITIES = {**READ, "POST": "manage"}
MEMBER_ABILITIES = {**READ, "PUT": "manage", "PATCH": "manage", "DELETE": "view"}
ACTIVITY_ABILITIES = READ


class CanCreateSpace(BasePermission):
    """POST on the list: staff of the tenant (agents, elected officials, admins)."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        if request.method != "POST":
            return True
        if not can_create_space(resolve_membership(request)):
            raise PermissionDenied(
                _("Seuls les agents, les élus et les administrateurs peuvent créer un espace.")
            )
        return True
