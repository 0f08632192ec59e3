"""Writes of spaces and of their members, in the current tenant's schema.

Every write checks the acting member's abilities (`permissions.abilities_of`, the one
decision) and raises `PermissionDenied`; bad input raises `ValidationError` with a message that
says what to do; every change is recorded in the activity log in the same transaction.
Membership writes lock the space row so that two concurrent changes cannot both remove the
"last editor".
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.actors import Acting
from entente.accounts.models import Membership, Role, User
from entente.activity.services import record_in_space
from entente.core.errors import DUPLICATE
from tenants.models import FederationLink, FederationState

from .models import JoinPolicy, Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from .permissions import abilities_of, can_create_space, in_open_tenant

NAME_MAX_LENGTH = Space._meta.get_field("name").max_length or 200


def _require_manage(membership: Membership, space: Space) -> None:
    if not abilities_of(membership, space).manage:
        raise PermissionDenied(
            _("Seuls les éditeurs de l'espace et les administrateurs peuvent faire cela.")
        )


def _require_active(space: Space) -> None:
    if space.archived_at is not None:
        raise ValidationError(_("Cet espace est archivé : restaurez-le avant de le modifier."))


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Donnez un nom à l'espace.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("Le nom est trop long : %(max)d caractères au plus.")
                % {"max": NAME_MAX_LENGTH}
            }
        )
    return name


def _clean_choice(
    field: str, value: str, choices: type[SpaceKind | Visibility | JoinPolicy]
) -> str:
    if value not in choices.values:
        raise ValidationError(
            {
                field: _("Choisissez l'une des valeurs proposées : %(values)s.")
                % {"values": ", ".join(str(label) for label in choices.labels)}
            }
        )
    return value


def _federation_fields(
    visibility: str, join_policy: str | None, federation_scope: list[int] | None
) -> dict[str, Any]:
    """How a federation space is joined and which linked communes it is open to (ids checked
    against the EPCI's active links); other visibilities keep the defaults."""
    if visibility != Visibility.FEDERATION:
        return {}
    fields: dict[str, Any] = {}
    if join_policy is not None:
        fields["join_policy"] = _clean_choice("join_policy", join_policy, JoinPolicy)
    if federation_scope is not None:
        wanted = sorted({int(pk) for pk in federation_scope})
        tenant = getattr(connection, "tenant", None)
        linked = set(
            FederationLink.objects.filter(
                epci_id=getattr(tenant, "pk", None), state=FederationState.ACTIVE
            ).values_list("commune_id", flat=True)
        )
        if set(wanted) - linked:
            raise ValidationError(
                {"federation_scope": _("Choisissez parmi les communes liées à l'intercommunalité.")}
            )
        fields["federation_scope"] = wanted
    return fields


def _record(
    actor: User | None,
    verb: str,
    space: Space,
    summary: str,
    *,
    about: SpaceMembership | None = None,
    changes: dict[str, Any] | None = None,
) -> None:
    """One line of the space's feed, about the space or one of its memberships."""
    if about is None:
        record_in_space(actor, verb, space.pk, summary, changes=changes)
    else:
        record_in_space(
            actor,
            verb,
            space.pk,
            summary,
            object_type="space_membership",
            object_id=about.pk,
            changes=changes,
        )


@transaction.atomic
def create_space(
    acting: Acting,
    *,
    name: str,
    kind: str = SpaceKind.TEAM,
    visibility: str = Visibility.TENANT,
    description: str = "",
    join_policy: str | None = None,
    federation_scope: list[int] | None = None,
) -> Space:
    """Open a space. A person acting must be staff of the tenant and becomes the space's first
    editor; the system (seeding, fixtures) opens it with no editor, attributed to its `user`.
    """
    if isinstance(acting, Membership) and not (can_create_space(acting) and in_open_tenant(acting)):
        raise PermissionDenied(
            _("Seuls les agents, les élus et les administrateurs peuvent créer un espace.")
        )
    created_by = acting.user
    visibility = _clean_choice("visibility", visibility, Visibility)
    space = Space.objects.create(
        name=_clean_name(name),
        kind=_clean_choice("kind", kind, SpaceKind),
        visibility=visibility,
        description=description.strip(),
        created_by=created_by,
        **_federation_fields(visibility, join_policy, federation_scope),
    )
    if isinstance(acting, Membership):
        SpaceMembership.objects.create(space=space, user=acting.user, role=SpaceRole.EDITOR)
    _record(
        created_by, "space.created", space, _("a créé l'espace « %(name)s »") % {"name": space.name}
    )
    return space


@transaction.atomic
def update_space(
    membership: Membership,
    space: Space,
    *,
    name: str | None = None,
    description: str | None = None,
    kind: str | None = None,
    visibility: str | None = None,
    join_policy: str | None = None,
    federation_scope: list[int] | None = None,
) -> Space:
    """Change a space's settings; fields left at None keep their value."""
    space = Space.objects.select_for_update().get(pk=space.pk)
    _require_manage(membership, space)
    _require_active(space)
    wanted: dict[str, Any] = {}
    if name is not None:
        wanted["name"] = _clean_name(name)
    if description is not None:
        wanted["description"] = description.strip()
    if kind is not None:
        wanted["kind"] = _clean_choice("kind", kind, SpaceKind)
    if visibility is not None:
        wanted["visibility"] = _clean_choice("visibility", visibility, Visibility)
    if join_policy is not None or federation_scope is not None:
        federation = _federation_fields(
            wanted.get("visibility", space.visibility),
            join_policy or space.join_policy,
            federation_scope if federation_scope is not None else space.federation_scope,
        )
        wanted.update(federation)
    changes = {
        field: [getattr(space, field), value]
        for field, value in wanted.items()
        if getattr(space, field) != value
    }
    if not changes:
        return space
    for field, (_old, new) in changes.items():
        setattr(space, field, new)
    space.save(update_fields=[*changes, "updated_at"])
    _record(
        membership.user,
        "space.updated",
        space,
        _("a modifié les paramètres de l'espace « %(name)s »") % {"name": space.name},
        changes=changes,
    )
    return space


def _set_archived(membership: Membership, space: Space, archived: bool) -> Space:
    """Archive or restore, by whoever manages the space; the row locked, the change recorded."""
    space = Space.objects.select_for_update().get(pk=space.pk)
    _require_manage(membership, space)
    if (space.archived_at is not None) == archived:
        raise ValidationError(
            _("Cet espace est déjà archivé.") if archived else _("Cet espace n'est pas archivé.")
        )
    space.archived_at = timezone.now() if archived else None
    space.save(update_fields=["archived_at", "updated_at"])
    if archived:
        summary = _("a archivé l'espace « %(name)s »")
    else:
        summary = _("a restauré l'espace « %(name)s »")
    verb = "space.archived" if archived else "space.restored"
    _record(membership.user, verb, space, summary % {"name": space.name})
    return space


@transaction.atomic
def archive_space(membership: Membership, space: Space) -> Space:
    """Archive: the space keeps its content, read-only, and leaves the lists of active spaces."""
    return _set_archived(membership, space, True)


@transaction.atomic
def restore_space(membership: Membership, space: Space) -> Space:
    return _set_archived(membership, space, False)


def _clean_role(role: str, person: Membership, space: Space) -> str:
    if role not in SpaceRole.values:
        raise ValidationError({"role": _("Choisissez un rôle : éditeur, commentateur ou lecteur.")})
    if person.role == Role.GUEST:
        if space.visibility != Visibility.PUBLIC_PROJECT:
            raise ValidationError(
                {"user": _("Un invité ne peut rejoindre qu'un projet ouvert aux citoyens.")}
            )
        if role == SpaceRole.EDITOR:
            raise ValidationError(
                {"role": _("Un invité peut être commentateur ou lecteur, pas éditeur.")}
            )
    return role


def _other_editors(space: Space, user_id: int) -> bool:
    return (
        SpaceMembership.objects.filter(space=space, role=SpaceRole.EDITOR)
        .exclude(user_id=user_id)
        .exists()
    )


def _last_editor_error() -> ValidationError:
    return ValidationError(
        _("L'espace doit garder au moins un éditeur : nommez-en un autre d'abord.")
    )


@transaction.atomic
def add_space_member(
    membership: Membership, space: Space, *, person: Membership, role: str
) -> SpaceMembership:
    """Add `person` (a member of the same tenant) to the space with `role`."""
    space = Space.objects.select_for_update().get(pk=space.pk)
    _require_manage(membership, space)
    _require_active(space)
    if person.tenant_id != membership.tenant_id:
        raise ValidationError({"user": _("Cette personne n'est pas membre de la collectivité.")})
    role = _clean_role(role, person, space)
    if SpaceMembership.objects.filter(space=space, user_id=person.user_id).exists():
        message = _("%(name)s est déjà membre de cet espace.") % {"name": person.user}
        raise ValidationError({"user": ValidationError(message, code=DUPLICATE)})
    added = SpaceMembership.objects.create(space=space, user_id=person.user_id, role=role)
    _record(
        membership.user,
        "space.member_added",
        space,
        _("a ajouté %(name)s à l'espace (%(role)s)")
        % {"name": person.user, "role": added.get_role_display()},
        about=added,
        changes={"user_id": person.user_id, "role": role},
    )
    return added


@transaction.atomic
def change_space_member_role(
    membership: Membership, space_membership: SpaceMembership, *, role: str
) -> SpaceMembership:
    space = Space.objects.select_for_update().get(pk=space_membership.space_id)
    _require_manage(membership, space)
    _require_active(space)
    current = SpaceMembership.objects.select_related("user").get(pk=space_membership.pk)
    person = Membership.objects.filter(
        tenant_id=membership.tenant_id, user_id=current.user_id
    ).first()
    if person is not None:
        role = _clean_role(role, person, space)
    elif role not in SpaceRole.values:
        raise ValidationError({"role": _("Choisissez un rôle : éditeur, commentateur ou lecteur.")})
    if current.role == role:
        return current
    if current.role == SpaceRole.EDITOR and not _other_editors(space, current.user_id):
        raise _last_editor_error()
    old = current.role
    current.role = role
    current.save(update_fields=["role"])
    _record(
        membership.user,
        "space.member_role_changed",
        space,
        _("a donné à %(name)s le rôle %(role)s")
        % {"name": current.user, "role": current.get_role_display()},
        about=current,
        changes={"role": [old, role], "user_id": current.user_id},
    )
    return current


@transaction.atomic
def remove_space_member(membership: Membership, space_membership: SpaceMembership) -> None:
    """Remove someone from a space; anyone may also leave a space themselves."""
    space = Space.objects.select_for_update().get(pk=space_membership.space_id)
    current = SpaceMembership.objects.select_related("user").get(pk=space_membership.pk)
    if current.user_id != membership.user_id:
        _require_manage(membership, space)
    _require_active(space)
    if current.role == SpaceRole.EDITOR and not _other_editors(space, current.user_id):
        raise _last_editor_error()
    _record(
        membership.user,
        "space.member_removed",
        space,
        _("a quitté l'espace")
        if current.user_id == membership.user_id
        else _("a retiré %(name)s de l'espace") % {"name": current.user},
        about=current,
        changes={"user_id": current.user_id, "role": current.role},
    )
    current.delete()
