"""What the federation's events mean for whom: registered with `entente.notifications`.

Registered in `FederationConfig.ready()` (see `entente.notifications.registry`): arrivals in
and requests to join federation spaces, and the changes of a link. A link lives in the public
schema, so its handler runs in no tenant (`in_tenant=False`) and each notice names the side it
is for.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import (
    Draft,
    Notice,
    Occurrence,
    admin_ids,
    tenant_url,
    who,
)
from entente.spaces.models import Space
from entente.spaces.notifications import added_to_space, event_space, space_draft
from tenants.models import FederationLink, FederationState


def _member_added(event: Occurrence) -> list[Notice]:
    """`space.member_added` from another publisher (federation spaces): the person who joined
    hears of it through the activity entry; the others named (the space's managers) are told
    who joined."""
    space = event_space(event)
    joined = event.id("user_id")
    if space is None:
        return []
    if not joined:
        return added_to_space(event, space, event.user_ids)
    title = _("%(who)s a rejoint l'espace « %(name)s »") % {
        "who": who(event.person("user_id")),
        "name": space.name,
    }
    return [
        Notice(
            draft=space_draft(event, space, NotificationKind.FOLLOWED_ACTIVITY, title),
            recipients=event.viewers_among(set(event.user_ids) - {joined}, space),
            dedup_key=event.key("space_joined", space.pk, joined, timezone.localdate()),
        )
    ]


def _join_request_draft(event: Occurrence, space: Space, kind: str, title: str, url: str) -> Draft:
    return space_draft(
        event,
        space,
        kind,
        title,
        url=url,
        object_type="space_join_request",
        object_id=event.id("request_id") or None,
    )


def _join_requested(event: Occurrence) -> list[Notice]:
    """Someone asks to join a federation space: its managers (named by the publisher)."""
    space = Space.objects.filter(pk=event.space_id or 0).first()
    if space is None:
        return []
    asking = event.person("user_id")
    title = _("%(who)s demande à rejoindre l'espace « %(name)s »") % {
        "who": who(asking),
        "name": space.name,
    }
    url = event.url("spaces:members", space_id=space.pk)
    request = event.payload.get("request_id") or event.event_key
    return [
        Notice(
            draft=_join_request_draft(event, space, NotificationKind.JOIN_REQUEST, title, url),
            recipients=event.viewers_among(event.user_ids, space),
            dedup_key=event.key("space_join_request", request),
            actor=asking,
        )
    ]


def _join_refused(event: Occurrence) -> list[Notice]:
    space = Space.objects.filter(pk=event.space_id or 0).first()
    if space is None:
        return []
    title = _("Votre demande pour rejoindre l'espace « %(name)s » n'a pas été acceptée") % {
        "name": space.name
    }
    url = event.tenant.url("/")
    request = event.payload.get("request_id") or event.event_key
    return [
        Notice(
            draft=_join_request_draft(event, space, NotificationKind.SPACE_INVITED, title, url),
            recipients=event.user_ids,
            dedup_key=event.key("space_join_refused", request),
        )
    ]


def _link_changed(event: Occurrence) -> list[Notice]:
    """The admins of the other side hear of it (of both sides, if vendor staff acted)."""
    link = (
        FederationLink.objects.select_related("epci", "commune")
        .filter(pk=event.id("link_id"))
        .first()
    )
    if link is None:
        return []
    state = str(event.payload.get("to_state") or "")
    acting = event.payload.get("acting_tenant_id")
    titles: dict[str, str] = {
        FederationState.INVITED: _("%(epci)s invite %(commune)s à partager des espaces"),
        FederationState.ACTIVE: _("%(commune)s a accepté l'invitation de %(epci)s"),
        FederationState.REFUSED: _("%(commune)s a refusé l'invitation de %(epci)s"),
        FederationState.ENDED: _("Le lien entre %(epci)s et %(commune)s a pris fin"),
    }
    title = titles.get(state, _("Le lien entre %(epci)s et %(commune)s a changé")) % {
        "epci": link.epci.name,
        "commune": link.commune.name,
    }
    actor = event.person("actor_id")
    return [
        Notice(
            draft=Draft(
                kind=NotificationKind.FEDERATION,
                title=title,
                url=tenant_url(side, "federation:home"),
                object_type="federation_link",
                object_id=link.pk,
            ),
            recipients=admin_ids(side),
            dedup_key=f"federation:{link.pk}:{state}:{event.event_key}",
            actor=actor,
            tenant=side,
        )
        for side in (link.epci, link.commune)
        if side.is_open and (acting is None or side.pk != acting)
    ]


HANDLERS = (
    EventHandler("space.member_added", _member_added),
    EventHandler("space.join_requested", _join_requested),
    EventHandler("space.join_refused", _join_refused),
    EventHandler("federation.link_changed", _link_changed, in_tenant=False),
)
