"""Who invites colleagues, and who changes a colleague's role or removes them.

Pages and the API ask these to show or refuse; `services.py` asks them again before writing,
from the acting membership it is given.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from entente.accounts.actors import is_support_reader
from entente.accounts.models import Membership, Role
from tenants.models import Tenant


def may_see_team(membership: Membership | None) -> bool:
    """The collectivité's staff see who works in it (a citizen invited to a project does not)."""
    return membership is not None and membership.role != Role.GUEST


def may_invite_colleagues(membership: Membership | None) -> bool:
    """Agents and administrators (never an élu, a citizen or a support reader)."""
    return (
        membership is not None
        and membership.role in (Role.AGENT, Role.ADMIN)
        and not is_support_reader(membership)
    )


def roles_given_by(membership: Membership | None) -> list[str]:
    """The roles this person may give: an agent invites agents and élus; an admin, any."""
    if not may_invite_colleagues(membership) or membership is None:
        return []
    if membership.role == Role.ADMIN:
        return [Role.AGENT, Role.ELECTED, Role.ADMIN]
    return [Role.AGENT, Role.ELECTED]


def may_manage_team(membership: Membership | None) -> bool:
    """Administrators change roles, remove colleagues and cancel anyone's invitation."""
    return (
        membership is not None
        and membership.role == Role.ADMIN
        and not is_support_reader(membership)
    )


def require_team_admin(membership: Membership | None, tenant: Tenant) -> Membership:
    """The acting admin of `tenant`, for its security settings (two-factor rule, SAML directory,
    SCIM token); anyone else: PermissionDenied."""
    if membership is None or membership.tenant_id != tenant.pk or not may_manage_team(membership):
        raise PermissionDenied(_("Seuls les administrateurs choisissent les règles de sécurité."))
    return membership
