"""The one base of the API's views: who acts, in which space, and the same status for the same case.

`SpaceScopedMixin` resolves, once, in `initial` (after authentication and `IsTenantMember`),
the membership the person acts with on the host's tenant (`entente.accounts.acting`: their own,
or a federated stand-in, or a support reader): `self.membership`. When the URL names a space
(`space_url_kwarg`), it loads it *within the host's tenant* with the person's abilities
(`entente.spaces.permissions.space_abilities`, the one decision) and requires the ability that
`space_ability_map` names for the HTTP method::

    class ThreadList(SpaceScopedMixin, generics.ListCreateAPIView[Thread]):
        space_section = "discussions"
        space_ability_map = {"GET": "view", "POST": "comment"}

        def get_queryset(self):
            return Thread.objects.filter(space=self.space)

The view then reads `self.space`, `self.abilities`, `self.space_role`, `self.membership`.
Views whose object names its space (a task) call `object_space(task.space)`, which does the
same.

**The same status for the same case, on every route:**

- not logged in: 401; logged in but not reaching the tenant: 403 ("vous n'êtes pas membre");
- a space, or an object in a space, that the person may not see (or whose section is closed to
  them, or that belongs to another tenant, since every query runs in the host's schema): 404,
  exactly as one that does not exist, with the same message;
- a space (or object) they see but may not change in this way: 403 with the reason
  (`require`);
- a space named in the request **body** (`POST /api/v1/tasks/ {"space": …}`,
  `POST /api/v1/checklist-templates/<id>/launch/`): the resource the URL names exists, the
  body is wrong, so an unknown or invisible space is a 400 on the field `space`, with the same
  message for both (nobody learns which ids exist); a visible space where the person may not
  do this is a 403 with the reason, as above (`body_space`).

Services raise Django's `ValidationError` / `PermissionDenied` (and views `Http404`): the one
handler, `api.exceptions.exception_handler`, answers them 400 / 403 / 404; views do not catch
them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.selectors import SpaceAccess, access_loaded_space, access_space

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


def not_visible() -> NotFound:
    """The 404 of a space (or of what is in it) that does not exist or may not be seen."""
    return NotFound(_("Cet espace n'existe pas ou ne vous est pas accessible."))


def ability_message(ability: str) -> str:
    """Why a visible space refuses: the reason a 403 gives."""
    return {
        "view": _("Vous ne pouvez pas voir cet espace."),
        "comment": _("Votre rôle dans cet espace ne permet pas de commenter."),
        "edit": _("Votre rôle dans cet espace ne permet pas de modifier son contenu."),
        "manage": _("Seuls les éditeurs de l'espace et les administrateurs peuvent faire cela."),
    }.get(ability, _("Vous ne pouvez pas faire cela dans cet espace."))


def membership_of(request: Request) -> Membership:
    """The acting membership (IsTenantMember has already refused requests without one)."""
    membership = resolve_membership(request)
    if membership is None:  # pragma: no cover - IsTenantMember runs first
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


class SpaceScopedMixin(_Base):
    # The URL argument naming the space (None: the view loads no space from its URL).
    space_url_kwarg: ClassVar[str | None] = "space_id"
    space_ability_map: ClassVar[dict[str, str]] = DEFAULT_ABILITY_MAP
    # The space section this view serves ("tasks", "activity"…): closed to a guest → 404.
    space_section: ClassVar[str | None] = None

    acting: Membership
    access: SpaceAccess

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication, IsTenantMember, throttles
        self.acting = membership_of(request)
        if self.space_url_kwarg is not None and self.space_url_kwarg in kwargs:
            self.access = self.space_in_url(kwargs[self.space_url_kwarg])
            self.require(self.space_ability_map.get(request.method or "GET", "manage"))

    # -- Loading a space -------------------------------------------------------------------

    def space_in_url(self, space_id: Any) -> SpaceAccess:
        """The space the URL names, as the person reaches it; 404 if they may not see it."""
        try:
            return access_space(
                self.acting,
                int(space_id),
                tenant=getattr(self.request, "tenant", None),
                section=self.space_section,
            )
        except (Space.DoesNotExist, TypeError, ValueError):
            raise not_visible() from None

    def object_space(
        self, space: Space, *, section: str | None = None, not_found: NotFound | None = None
    ) -> SpaceAccess:
        """The space of an object already loaded (a task's), kept as `self.access`: 404 if the
        person may not see it (`not_found`: the view's 404 for a missing object, so that both
        read alike), 403 if it lacks the ability `space_ability_map` names."""
        try:
            self.access = access_loaded_space(
                self.acting,
                space,
                tenant=getattr(self.request, "tenant", None),
                section=section or self.space_section,
            )
        except Space.DoesNotExist:
            raise (not_found or not_visible()) from None
        self.require(self.space_ability_map.get(self.request.method or "GET", "manage"))
        return self.access

    def body_space(self, space_id: Any, *, ability: str, section: str | None = None) -> SpaceAccess:
        """A space named in the body: 400 on `space` if unknown or invisible, 403 if `ability`
        is missing (see the module docstring)."""
        try:
            access = access_space(
                self.acting,
                int(space_id),
                tenant=getattr(self.request, "tenant", None),
                section=section or self.space_section,
            )
        except (Space.DoesNotExist, TypeError, ValueError):
            raise ValidationError(
                {"space": [_("Espace inconnu : choisissez un espace que vous pouvez voir.")]}
            ) from None
        self.require(ability, access)
        return access

    def require(self, ability: str, access: SpaceAccess | None = None) -> None:
        """403 with the reason unless the person has `ability` in the space."""
        if not getattr((access or self.access).abilities, ability, False):
            raise PermissionDenied(ability_message(ability))

    # -- What views read -------------------------------------------------------------------

    @property
    def membership(self) -> Membership:
        return self.acting

    @property
    def space(self) -> Space:
        return self.access.space

    @property
    def abilities(self) -> SpaceAbilities:
        return self.access.abilities

    @property
    def space_role(self) -> str | None:
        return self.access.role

    def get_serializer_context(self) -> dict[str, Any]:
        context: dict[str, Any] = super().get_serializer_context()
        if hasattr(self, "access"):
            context.update(space=self.space, abilities=self.abilities, membership=self.membership)
        return context
