"""The writes of federation: invite, accept, refuse, end.

Each one checks who acts (PermissionDenied) and whether the link's state allows it
(ValidationError, with a French message saying what to do), changes the link under a row
lock, records a FederationEvent in the same transaction, and announces the change after
commit (`signals.federation_link_changed`). Every change forgets the federated access cached for
the EPCI (`access`); ending an active link also removes, in the same transaction, the commune's
people from the EPCI's spaces (`spaces.release_commune`).
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from entente.accounts.acting import note_federation_change
from entente.accounts.models import User
from entente.reference.selectors import is_official_member
from tenants.models import FederationEvent, FederationLink, FederationState, Tenant, TenantKind

from .permissions import Acting, Action, Side, acting_as, may_act, side_of, transition
from .signals import federation_link_changed
from .spaces import release_commune

logger = logging.getLogger(__name__)


@transaction.atomic
def invite_commune(
    epci: Tenant,
    commune: Tenant,
    *,
    actor: User,
    allow_unlisted: bool = False,
    note: str = "",
) -> FederationLink:
    """The EPCI invites a commune (again, after a refusal or an end).

    A commune that the official list (COG) does not count among the EPCI's members is invited
    only with `allow_unlisted`: the list may lag behind a change of perimeter.
    """
    if epci.kind != TenantKind.EPCI:
        raise ValidationError(
            _("Seule une intercommunalité peut inviter une commune."), code="not_an_epci"
        )
    if commune.kind != TenantKind.COMMUNE:
        raise ValidationError(
            _("Seule une commune peut être invitée par une intercommunalité."),
            code="not_a_commune",
        )
    acting = acting_as(actor, epci)
    _require(acting, Action.INVITE, epci, commune)
    if not epci.is_writable:
        raise ValidationError(
            _("%(epci)s est en lecture seule : réactivez son abonnement pour inviter.")
            % {"epci": epci.name},
            code="read_only",
        )
    if not commune.is_open:
        raise ValidationError(
            _("%(commune)s n'est pas disponible sur Entente pour le moment.")
            % {"commune": commune.name},
            code="commune_unavailable",
        )
    if not allow_unlisted and not _listed(epci, commune):
        raise ValidationError(
            _(
                "%(commune)s ne figure pas parmi les communes membres de %(epci)s selon le Code "
                "officiel géographique. Si elle en est bien membre (changement de périmètre "
                "récent), confirmez l'invitation hors liste officielle."
            )
            % {"commune": commune.name, "epci": epci.name},
            code="not_an_official_member",
        )

    link = (
        FederationLink.objects.select_for_update(of=("self",))
        .select_related("epci", "commune")
        .filter(epci=epci, commune=commune)
        .first()
    )
    from_state = link.state if link is not None else ""
    _check_state(acting, Action.INVITE, from_state, epci, commune)
    if link is None:
        try:
            with transaction.atomic():
                link = FederationLink.objects.create(
                    epci=epci, commune=commune, state=FederationState.INVITED
                )
        except IntegrityError as error:  # invited at the same moment by someone else
            raise _state_error(Action.INVITE, FederationState.INVITED, epci, commune) from error
    else:
        link.state = FederationState.INVITED
        link.save(update_fields=["state", "updated_at"])
    _record(link, from_state, acting, note)
    return link


@transaction.atomic
def accept_invitation(link: FederationLink, *, actor: User, note: str = "") -> FederationLink:
    """The commune's admin accepts: the link becomes active."""
    locked = _lock(link)
    acting = acting_as(actor, locked.commune)
    _require(acting, Action.ACCEPT, locked.epci, locked.commune)
    if not locked.commune.is_writable:
        raise ValidationError(
            _("%(commune)s est en lecture seule : réactivez son abonnement pour accepter.")
            % {"commune": locked.commune.name},
            code="read_only",
        )
    return _apply(link, locked, acting, Action.ACCEPT, note)


@transaction.atomic
def refuse_invitation(link: FederationLink, *, actor: User, note: str = "") -> FederationLink:
    """The commune's admin refuses; the EPCI may invite again later."""
    locked = _lock(link)
    acting = acting_as(actor, locked.commune)
    _require(acting, Action.REFUSE, locked.epci, locked.commune)
    return _apply(link, locked, acting, Action.REFUSE, note)


@transaction.atomic
def end_link(
    link: FederationLink, *, actor: User, acting_tenant: Tenant | None, note: str = ""
) -> FederationLink:
    """Either side ends an active link; the EPCI may also withdraw a pending invitation.

    `acting_tenant` is the side the person acts for; None means Entente's support staff,
    from the administration.
    """
    locked = _lock(link)
    acting = acting_as(actor, acting_tenant)
    _require(acting, Action.END, locked.epci, locked.commune)
    if acting.tenant is None and not note.strip():
        raise ValidationError(
            _("Indiquez pourquoi l'équipe Entente met fin à ce lien."), code="note_required"
        )
    return _apply(link, locked, acting, Action.END, note)


# -- Internals ----------------------------------------------------------------------------------


def _listed(epci: Tenant, commune: Tenant) -> bool:
    return epci.country == commune.country == "FR" and is_official_member(
        epci.official_code, commune.official_code
    )


def _lock(link: FederationLink) -> FederationLink:
    return (
        FederationLink.objects.select_for_update(of=("self",))
        .select_related("epci", "commune")
        .get(pk=link.pk)
    )


def _require(acting: Acting, action: Action, epci: Tenant, commune: Tenant) -> None:
    if may_act(acting, action, epci, commune):
        return
    if action == Action.INVITE:
        message = _("Seuls les administrateurs de %(epci)s peuvent inviter une commune.")
    elif action in (Action.ACCEPT, Action.REFUSE):
        message = _("Seuls les administrateurs de %(commune)s peuvent répondre à cette invitation.")
    else:
        message = _(
            "Seuls les administrateurs de %(epci)s ou de %(commune)s peuvent mettre fin à ce lien."
        )
    raise PermissionDenied(message % {"epci": epci.name, "commune": commune.name})


def _check_state(acting: Acting, action: Action, state: str, epci: Tenant, commune: Tenant) -> str:
    found = transition(side_of(acting, epci, commune), action, state)
    if found is None:
        raise _state_error(action, state, epci, commune)
    return found.target


def _state_error(action: Action, state: str, epci: Tenant, commune: Tenant) -> ValidationError:
    names = {"epci": epci.name, "commune": commune.name}
    if state == FederationState.ACTIVE:  # END is always valid from ACTIVE
        message = _("%(commune)s est déjà liée à %(epci)s.")
    elif state == FederationState.INVITED:
        message = (
            _("Une invitation de %(epci)s est déjà en attente de la réponse de %(commune)s.")
            if action == Action.INVITE
            else _("Cette invitation attend la réponse de %(commune)s : acceptez-la ou refusez-la.")
        )
    elif state == FederationState.REFUSED:
        message = _(
            "Cette invitation a été refusée. %(epci)s peut envoyer une nouvelle invitation."
        )
    elif state == FederationState.ENDED:
        message = _("Ce lien a pris fin. %(epci)s peut envoyer une nouvelle invitation.")
    else:
        message = _("Il n'y a pas encore de lien entre %(epci)s et %(commune)s.")
    return ValidationError(message % names, code=f"invalid_transition_{state or 'none'}")


def _apply(
    link: FederationLink, locked: FederationLink, acting: Acting, action: Action, note: str
) -> FederationLink:
    from_state = locked.state
    locked.state = _check_state(acting, action, from_state, locked.epci, locked.commune)
    locked.save(update_fields=["state", "updated_at"])
    _record(locked, from_state, acting, note)
    if from_state == FederationState.ACTIVE:
        # The commune's people leave the EPCI's spaces in this same transaction.
        actor = acting.user if acting.user.is_authenticated else None
        release_commune(locked.epci, locked.commune, actor=actor)
    # The caller's object follows, so that it does not show a stale state.
    link.state, link.updated_at = locked.state, locked.updated_at
    return locked


def _record(link: FederationLink, from_state: str, acting: Acting, note: str) -> None:
    event = FederationEvent.objects.create(
        link=link,
        from_state=from_state,
        to_state=link.state,
        actor=acting.user if acting.user.is_authenticated else None,
        acting_tenant=acting.tenant,
        note=note.strip(),
    )
    # Federated access (entente.accounts.acting) is forgotten here now, elsewhere within 1 s.
    note_federation_change(epci_ids=[link.epci_id])
    side = side_of(acting, link.epci, link.commune)
    logger.info(
        "Federation link %s (%s ↔ %s): %s → %s by user %s for %s",
        link.pk,
        link.epci.schema_name,
        link.commune.schema_name,
        from_state or "-",
        link.state,
        event.actor_id,
        side.value if isinstance(side, Side) else "-",
    )
    transaction.on_commit(
        lambda: federation_link_changed.send(
            sender=FederationLink,
            link_id=link.pk,
            from_state=from_state,
            to_state=event.to_state,
            actor_id=event.actor_id,
            acting_tenant_id=event.acting_tenant_id,
        )
    )
