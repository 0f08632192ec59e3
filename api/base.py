"""What every space-scoped API view shares (spaces, tasks, checklists, discussions…).

`SpaceScopedMixin` loads the space named in the URL *within the host's tenant*, computes the
person's abilities once (`entente.spaces.permissions.space_abilities`, the one decision) and
answers 404 for a space they may not see, exactly as for one that does not exist. It then
requires the ability that `space_ability_map` names for the HTTP method (403 if missing)::

    class TaskList(SpaceScopedMixin, generics.ListCreateAPIView[Task]):
        space_ability_map = {"GET": "view", "POST": "edit"}

        def get_queryset(self):
            return Task.objects.filter(space=self.space)

The view then reads `self.space`, `self.abilities`, `self.space_role`, `self.membership`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.sections import section_open
from entente.spaces.selectors import SpaceAccess, access_space

from .permissions import resolve_membership

if TYPE_CHECKING:
    from rest_framework.request import Request

    _Base = Any
else:
    _Base = object

# By default reads need `view`, writes `edit`; views override (members: writes need `manage`).
DEFAULT_ABILITY_MAP: dict[str, str] = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "edit",
    "PUT": "edit",
    "PATCH": "edit",
    "DELETE": "edit",
}


def membership_of(request: Request) -> Membership:
    """The acting membership (IsTenantMember has already refused requests without one)."""
    membership = resolve_membership(request)
    if membership is None:  # pragma: no cover - IsTenantMember runs first
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


class SpaceScopedMixin(_Base):
    space_url_kwarg: ClassVar[str] = "space_id"
    space_ability_map: ClassVar[dict[str, str]] = DEFAULT_ABILITY_MAP
    # The space section this view serves ("tasks", "activity"…): closed to a guest → 404.
    space_section: ClassVar[str | None] = None

    access: SpaceAccess

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, IsTenantMember, throttles
        self.access = self.load_space(request, kwargs)
        if self.space_section and not section_open(
            self.access.membership, self.access.space.pk, self.space_section
        ):
            raise NotFound(_("Cet espace n'existe pas ou ne vous est pas accessible."))
        needed = self.space_ability_map.get(request.method or "GET", "manage")
        if not getattr(self.access.abilities, needed):
            raise PermissionDenied(self.ability_message(needed))

    def load_space(self, request: Request, kwargs: dict[str, Any]) -> SpaceAccess:
        try:
            space_id = int(kwargs[self.space_url_kwarg])
            return access_space(membership_of(request), space_id, tenant=request._request.tenant)  # type: ignore[attr-defined]
        except (Space.DoesNotExist, KeyError, ValueError):
            raise NotFound(_("Cet espace n'existe pas ou ne vous est pas accessible.")) from None

    @staticmethod
    def ability_message(ability: str) -> str:
        return {
            "view": _("Vous ne pouvez pas voir cet espace."),
            "comment": _("Votre rôle dans cet espace ne permet pas de commenter."),
            "edit": _("Votre rôle dans cet espace ne permet pas de modifier son contenu."),
            "manage": _(
                "Seuls les éditeurs de l'espace et les administrateurs peuvent faire cela."
            ),
        }.get(ability, _("Vous ne pouvez pas faire cela dans cet espace."))

    @property
    def space(self) -> Space:
        return self.access.space

    @property
    def abilities(self) -> SpaceAbilities:
        return self.access.abilities

    @property
    def space_role(self) -> str | None:
        return self.access.role

    @property
    def membership(self) -> Membership:
        return self.access.membership

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()
        if hasattr(self, "access"):
            context.update(space=self.space, abilities=self.abilities, membership=self.membership)
        return context
