"""Federation spaces in use: the directory, joining, asking to join, and what a link's end removes.

Thematic spaces with federation visibility live in the EPCI's schema. Staff of its linked
communes reach them on the EPCI's host through a stand-in membership (`access`); they join an
open space directly, or ask and wait for its managers. Their `SpaceMembership.via_tenant_id`
remembers the commune they came through: ending that commune's link removes the membership
(unless they have another way in), and refuses their pending requests. Their tasks, comments
and activity stay, attributed (people are referenced by `PersonField`, which never cascades).

Writes run in the current (EPCI) schema, check the acting membership's rights, record activity
and publish events after commit, like every service of the spaces.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from entente.accounts.acting import via_communes
from entente.accounts.models import Membership, Role, User
from entente.activity.services import record_in_space
from entente.core.events import Event, publish_on_commit
from entente.spaces.models import (
    JoinPolicy,
    JoinRequestState,
    Space,
    SpaceJoinRequest,
    SpaceMembership,
    SpaceRole,
    Visibility,
)
from entente.spaces.permissions import federated_via_ids, in_federation_scope, space_abilities
from entente.spaces.selectors import space_role_of
from tenants.models import FederationLink, FederationState, Tenant

JOINED_ROLE = SpaceRole.EDITOR
"""People join to work: they create and change content; managing stays with the EPCI's own."""


# -- Reads ----------------------------------------------------------------------------------------


def _tenant() -> Tenant:
    tenant: Tenant = connection.tenant  # type: ignore[attr-defined]
    return tenant


def _schema() -> str:
    return str(getattr(connection, "schema_name", "public"))


def joinable_spaces(membership: Membership | None) -> QuerySet[Space]:
    """The active federation spaces this person may find in the directory (and join or ask)."""
    spaces = Space.objects.filter(visibility=Visibility.FEDERATION, archived_at__isnull=True)
    if membership is None:
        return spaces.none()
    via = federated_via_ids(membership)
    if via is not None:
        return spaces.filter(Q(federation_scope__len=0) | Q(federation_scope__overlap=sorted(via)))
    if membership.role == Role.GUEST:
        return spaces.none()
    return spaces


@dataclass(frozen=True)
class DirectoryEntry:
    space: Space
    members: int
    is_member: bool
    pending: bool

    @property
    def is_open(self) -> bool:
        return self.space.join_policy == JoinPolicy.OPEN


def directory(membership: Membership | None) -> list[DirectoryEntry]:
    """The directory of federation spaces: each with its size and where the person stands."""
    if membership is None:
        return []
    spaces = list(
        joinable_spaces(membership).annotate(member_count=Count("memberships")).order_by("name")
    )
    ids = [space.pk for space in spaces]
    mine = set(
        SpaceMembership.objects.filter(user_id=membership.user_id, space_id__in=ids).values_list(
            "space_id", flat=True
        )
    )
    pending = set(
        SpaceJoinRequest.objects.filter(
            user_id=membership.user_id, space_id__in=ids, state=JoinRequestState.PENDING
        ).values_list("space_id", flat=True)
    )
    return [
        DirectoryEntry(
            space=space,
            members=space.member_count,
            is_member=space.pk in mine,
            pending=space.pk in pending,
        )
        for space in spaces
    ]


def pending_requests(space: Space) -> QuerySet[SpaceJoinRequest]:
    return (
        SpaceJoinRequest.objects.filter(space=space, state=JoinRequestState.PENDING)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def space_managers(space: Space) -> list[int]:
    """Who is told of a request: the space's own editors, or else the tenant's admins."""
    editors = list(
        SpaceMembership.objects.filter(
            space=space, role=SpaceRole.EDITOR, via_tenant_id__isnull=True
        ).values_list("user_id", flat=True)
    )
    if editors:
        return editors
    return list(
        Membership.objects.filter(tenant_id=_tenant().pk, role=Role.ADMIN).values_list(
            "user_id", flat=True
        )
    )


# -- Writes ---------------------------------------------------------------------------------------


def _entry_commune(membership: Membership, space: Space) -> int | None:
    """The commune through which the person comes into `space` (None: their own membership).

    Raises PermissionDenied when they may not join it at all.
    """
    if space.visibility != Visibility.FEDERATION:
        raise PermissionDenied(_("Cet espace n'est pas ouvert aux communes."))
    via = via_communes(membership)
    if via is None:
        if membership.role == Role.GUEST:
            raise PermissionDenied(_("Les invités ne rejoignent pas les espaces intercommunaux."))
        return None
    for commune in via:  # sorted by name
        if in_federation_scope(space, {commune.pk}):
            return int(commune.pk)
    raise PermissionDenied(_("Cet espace n'est pas ouvert à votre commune."))


def _lock_open_space(space: Space) -> Space:
    locked = Space.objects.select_for_update().get(pk=space.pk)
    if locked.archived_at is not None:
        raise ValidationError(_("Cet espace est archivé : on ne peut plus le rejoindre."))
    if not _tenant().is_writable:
        raise ValidationError(_("Cette intercommunalité est en lecture seule."))
    return locked


def _already_member(space: Space, user_id: int) -> bool:
    return SpaceMembership.objects.filter(space=space, user_id=user_id).exists()


def _add(
    space: Space, user: User, via: int | None, *, actor: User, summary: str
) -> SpaceMembership:
    added = SpaceMembership.objects.create(
        space=space, user_id=user.pk, role=JOINED_ROLE, via_tenant_id=via
    )
    record_in_space(
        actor,
        "space.member_added",
        space.pk,
        summary,
        object_type="space_membership",
        object_id=added.pk,
        changes={"user_id": user.pk, "role": JOINED_ROLE, "via_tenant_id": via},
    )
    publish_on_commit(
        Event(
            "space.member_added",
            tenant_schema=_schema(),
            payload={"space": space.name, "user_id": user.pk, "via_tenant_id": via},
            space_id=space.pk,
            user_ids=tuple(sorted({user.pk, *space_managers(space)} - {actor.pk})),
        )
    )
    return added


@transaction.atomic
def join_space(membership: Membership, space: Space) -> SpaceMembership:
    """Join an open federation space at once."""
    via = _entry_commune(membership, space)
    space = _lock_open_space(space)
    if space.join_policy != JoinPolicy.OPEN:
        raise ValidationError(_("Cet espace se rejoint sur demande : demandez à le rejoindre."))
    if _already_member(space, membership.user_id):
        raise ValidationError(_("Vous êtes déjà membre de cet espace."))
    SpaceJoinRequest.objects.filter(
        space=space, user_id=membership.user_id, state=JoinRequestState.PENDING
    ).update(state=JoinRequestState.WITHDRAWN, decided_at=timezone.now())
    return _add(space, membership.user, via, actor=membership.user, summary=_("a rejoint l'espace"))


@transaction.atomic
def ask_to_join(membership: Membership, space: Space, *, message: str = "") -> SpaceJoinRequest:
    """Ask to join a federation space; its managers are told and decide."""
    via = _entry_commune(membership, space)
    space = _lock_open_space(space)
    if _already_member(space, membership.user_id):
        raise ValidationError(_("Vous êtes déjà membre de cet espace."))
    if SpaceJoinRequest.objects.filter(
        space=space, user_id=membership.user_id, state=JoinRequestState.PENDING
    ).exists():
        raise ValidationError(_("Votre demande est déjà en attente."))
    request = SpaceJoinRequest.objects.create(
        space=space, user_id=membership.user_id, via_tenant_id=via, message=message.strip()[:2000]
    )
    record_in_space(
        membership.user,
        "space.join_requested",
        space.pk,
        _("a demandé à rejoindre l'espace"),
        object_type="space_join_request",
        object_id=request.pk,
        changes={"via_tenant_id": via},
    )
    publish_on_commit(
        Event(
            "space.join_requested",
            tenant_schema=_schema(),
            payload={"space": space.name, "request_id": request.pk, "user_id": membership.user_id},
            space_id=space.pk,
            user_ids=tuple(sorted(set(space_managers(space)) - {membership.user_id})),
        )
    )
    return request


def _lock_request(request: SpaceJoinRequest, manager: Membership) -> SpaceJoinRequest:
    locked = (
        SpaceJoinRequest.objects.select_for_update(of=("self",))
        .select_related("space", "user")
        .get(pk=request.pk)
    )
    role = space_role_of(manager.user_id, locked.space)
    if not space_abilities(manager, locked.space, role, tenant=_tenant()).manage:
        raise PermissionDenied(
            _("Seuls les éditeurs de l'espace et les administrateurs répondent aux demandes.")
        )
    if locked.state != JoinRequestState.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    return locked


def _still_reaches(user: User, via: int | None) -> bool:
    tenant = _tenant()
    if Membership.objects.filter(tenant=tenant, user=user).exclude(role=Role.GUEST).exists():
        return True
    if via is None:
        return False
    return (
        FederationLink.objects.filter(
            epci=tenant, commune_id=via, state=FederationState.ACTIVE
        ).exists()
        and Membership.objects.filter(tenant_id=via, user=user).exclude(role=Role.GUEST).exists()
    )


@transaction.atomic
def approve_request(manager: Membership, request: SpaceJoinRequest) -> SpaceMembership:
    locked = _lock_request(request, manager)
    space = _lock_open_space(locked.space)
    if not _still_reaches(locked.user, locked.via_tenant_id):
        raise ValidationError(
            _("Cette personne n'a plus accès à l'intercommunalité : la demande ne peut aboutir.")
        )
    locked.state = JoinRequestState.APPROVED
    locked.decided_by = manager.user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    if _already_member(space, locked.user_id):
        return SpaceMembership.objects.get(space=space, user_id=locked.user_id)
    return _add(
        space,
        locked.user,
        locked.via_tenant_id,
        actor=manager.user,
        summary=_("a accepté %(name)s dans l'espace") % {"name": locked.user},
    )


@transaction.atomic
def refuse_request(manager: Membership, request: SpaceJoinRequest) -> SpaceJoinRequest:
    locked = _lock_request(request, manager)
    locked.state = JoinRequestState.REFUSED
    locked.decided_by = manager.user
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "decided_by", "decided_at"])
    record_in_space(
        manager.user,
        "space.join_refused",
        locked.space_id,
        _("a refusé la demande de %(name)s") % {"name": locked.user},
        object_type="space_join_request",
        object_id=locked.pk,
    )
    publish_on_commit(
        Event(
            "space.join_refused",
            tenant_schema=_schema(),
            payload={"space": locked.space.name, "request_id": locked.pk},
            space_id=locked.space_id,
            user_ids=(locked.user_id,),
        )
    )
    return locked


@transaction.atomic
def leave_space(membership: Membership, space: Space) -> None:
    """Leave a space (the last editor cannot: the spaces' own rule)."""
    from entente.spaces.services import remove_space_member

    current = SpaceMembership.objects.filter(space=space, user_id=membership.user_id).first()
    if current is None:
        raise ValidationError(_("Vous n'êtes pas membre de cet espace."))
    remove_space_member(membership, current)


# -- A link's end ---------------------------------------------------------------------------------


def release_commune(epci: Tenant, commune: Tenant, *, actor: User | None) -> int:
    """In the EPCI's schema: remove what the commune's link opened. Returns memberships removed.

    Called by `services.end_link` inside its transaction, after the link's state changed. A
    person who has another way in (their own membership in the EPCI, or staff of another
    linked commune in the space's scope) stays, through that way.
    """
    if not schema_exists(epci.schema_name):
        return 0
    with schema_context(epci.schema_name):
        rows = list(
            SpaceMembership.objects.select_for_update()
            .filter(via_tenant_id=commune.pk)
            .select_related("space")
        )
        user_ids = {row.user_id for row in rows}
        own = set(
            Membership.objects.filter(tenant=epci, user_id__in=user_ids)
            .exclude(role=Role.GUEST)
            .values_list("user_id", flat=True)
        )
        linked = FederationLink.objects.filter(epci=epci, state=FederationState.ACTIVE).exclude(
            commune=commune
        )
        others: dict[int, list[int]] = {}
        for user_id, tenant_id in (
            Membership.objects.filter(
                user_id__in=user_ids, tenant_id__in=linked.values("commune_id")
            )
            .exclude(role=Role.GUEST)
            .order_by("tenant__name")
            .values_list("user_id", "tenant_id")
        ):
            others.setdefault(user_id, []).append(tenant_id)
        removed = 0
        for row in rows:
            if row.user_id in own:
                row.via_tenant_id = None
                row.save(update_fields=["via_tenant_id"])
                continue
            other = next(
                (pk for pk in others.get(row.user_id, []) if in_federation_scope(row.space, {pk})),
                None,
            )
            if other is not None:
                row.via_tenant_id = other
                row.save(update_fields=["via_tenant_id"])
                continue
            record_in_space(
                actor,
                "space.member_removed",
                row.space_id,
                _("a mis fin au lien avec %(commune)s : un de ses agents quitte l'espace")
                % {"commune": commune.name},
                object_type="space_membership",
                object_id=row.pk,
                changes={"user_id": row.user_id, "role": row.role, "via_tenant_id": commune.pk},
            )
            row.delete()
            removed += 1
        SpaceJoinRequest.objects.filter(
            via_tenant_id=commune.pk, state=JoinRequestState.PENDING
        ).update(state=JoinRequestState.REFUSED, decided_at=timezone.now(), decided_by=actor)
    return removed
