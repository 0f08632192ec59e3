"""Federation pages on a tenant's host: `/federation/`.

On an EPCI's host: its official member communes, whether each is on Entente and linked, and
(for its admins) the buttons to invite. On a commune's host: its invitations and links, and
(for its admins) accept, refuse, end. Everyone else on the tenant's staff reads; guests and
non-admins who post get a 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import User
from tenants.models import FederationLink, FederationState, Tenant, TenantKind

from . import services
from .forms import InviteForm, NoteForm
from .permissions import Acting, Action, abilities, acting_as, can_invite, may_act
from .selectors import link_of, links_of, member_overview


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant | None = getattr(request, "tenant", None)
    if tenant is None:  # these URLs only exist on a tenant's host
        raise Http404
    return tenant


def _acting(request: HttpRequest) -> Acting:
    user: User = request.user  # type: ignore[assignment]
    return acting_as(user, _tenant(request), getattr(request, "membership", None))


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "federation/forbidden.html", {"message": message}, status=403)


@require_GET
def federation_home(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    acting = _acting(request)
    if not acting.is_staff_role:
        return _forbidden(
            request, _("Cette page est réservée aux agents, aux élus et aux administrateurs.")
        )
    if tenant.kind == TenantKind.EPCI:
        rows = member_overview(tenant)
        inviter = can_invite(acting)
        lines = []
        for row in rows:
            can = abilities(acting, row.link) if row.link else {}
            invitable = inviter and row.on_entente and (row.link is None or can["invite"])
            lines.append({"row": row, "can": can, "invitable": invitable})
        context: dict[str, Any] = {
            "lines": lines,
            "can_invite": inviter,
            "linked_count": sum(
                1 for row in rows if row.link and row.link.state == FederationState.ACTIVE
            ),
            "official_count": sum(1 for row in rows if row.official),
            "on_entente_count": sum(1 for row in rows if row.official and row.on_entente),
            "form": InviteForm(),
        }
        return render(request, "federation/epci.html", context)
    links = [(link, abilities(acting, link)) for link in links_of(tenant)]
    return render(
        request,
        "federation/commune.html",
        {
            "invitations": [item for item in links if item[0].state == FederationState.INVITED],
            "active": [item for item in links if item[0].state == FederationState.ACTIVE],
            "past": [
                item
                for item in links
                if item[0].state in (FederationState.REFUSED, FederationState.ENDED)
            ],
            "is_admin": acting.is_admin,
        },
    )


@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    tenant = _tenant(request)
    acting = _acting(request)
    if not can_invite(acting):
        return _forbidden(
            request,
            _("Seuls les administrateurs de %(epci)s peuvent inviter une commune.")
            % {"epci": tenant.name},
        )
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("federation:home")
    code = form.cleaned_data["code"]
    commune = Tenant.objects.filter(
        kind=TenantKind.COMMUNE, country=tenant.country, official_code=code
    ).first()
    if commune is None:
        messages.error(
            request,
            _(
                "Aucune commune de code INSEE %(code)s n'est encore inscrite sur Entente : "
                "elle doit d'abord ouvrir son espace."
            )
            % {"code": code},
        )
        return redirect("federation:home")
    try:
        services.invite_commune(
            tenant,
            commune,
            actor=acting.user,
            allow_unlisted=form.cleaned_data["allow_unlisted"],
            note=form.cleaned_data["note"],
        )
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Invitation envoyée à %(commune)s. Ses administrateurs peuvent l'accepter.")
            % {"commune": commune.name},
        )
    return redirect("federation:home")


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, link_id: int) -> HttpResponse:
    return _link_action(request, link_id, Action.ACCEPT)


@require_http_methods(["GET", "POST"])
def refuse(request: HttpRequest, link_id: int) -> HttpResponse:
    return _link_action(request, link_id, Action.REFUSE)


@require_http_methods(["GET", "POST"])
def end(request: HttpRequest, link_id: int) -> HttpResponse:
    return _link_action(request, link_id, Action.END)


def _link_action(request: HttpRequest, link_id: int, action: Action) -> HttpResponse:
    """GET asks for confirmation (with an optional reason); POST does it."""
    tenant = _tenant(request)
    link = link_of(tenant, link_id)
    if link is None:
        raise Http404
    acting = _acting(request)
    if not may_act(acting, action, link.epci, link.commune):
        return _forbidden(request, _("Seuls les administrateurs peuvent faire cette démarche."))
    if request.method == "GET":
        return render(
            request,
            "federation/confirm.html",
            {
                "link": link,
                "action": action.value,
                "possible": abilities(acting, link)[action.value],
                "withdraw": action == Action.END and link.state == FederationState.INVITED,
                "other": link.commune if tenant.pk == link.epci_id else link.epci,
                "form": NoteForm(),
            },
        )
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        was_invited = link.state == FederationState.INVITED
        if action == Action.ACCEPT:
            services.accept_invitation(link, actor=acting.user, note=note)
        elif action == Action.REFUSE:
            services.refuse_invitation(link, actor=acting.user, note=note)
        else:
            services.end_link(link, actor=acting.user, acting_tenant=tenant, note=note)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _success_message(action, link, was_invited))
    return redirect("federation:home")


def _success_message(action: Action, link: FederationLink, was_invited: bool) -> str:
    names = {"epci": link.epci.name, "commune": link.commune.name}
    if action == Action.ACCEPT:
        return _("%(commune)s et %(epci)s sont maintenant liées.") % names
    if action == Action.REFUSE:
        return _("Vous avez refusé l'invitation de %(epci)s.") % names
    if was_invited:
        return _("L'invitation de %(commune)s a été retirée.") % names
    return _("Le lien entre %(epci)s et %(commune)s a pris fin.") % names
