"""Pages of federation spaces on an EPCI's host: the directory, join / ask, and the requests.

`/federation/espaces/` lists the federation spaces the person may join (staff of a linked
commune, through their stand-in membership, or the EPCI's own staff). Buttons post with HTMX
(the row is replaced) and work without JavaScript (redirect with a message). The space's
managers answer requests at `/federation/espaces/<id>/demandes/`.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.acting import via_communes
from entente.accounts.models import Membership
from entente.spaces.models import Space, SpaceJoinRequest
from entente.spaces.selectors import access_space, via_names
from tenants.models import TenantKind

from . import spaces as federation_spaces


class AskForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Un mot pour les responsables de l'espace (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    tenant = getattr(request, "tenant", None)
    if membership is None or tenant is None or tenant.kind != TenantKind.EPCI:
        raise Http404(_("Les espaces intercommunaux n'existent que chez une intercommunalité."))
    return membership


def _joinable(membership: Membership, space_id: int) -> Space:
    space = federation_spaces.joinable_spaces(membership).filter(pk=space_id).first()
    if space is None:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    return space


def _entry(membership: Membership, space: Space) -> federation_spaces.DirectoryEntry:
    for entry in federation_spaces.directory(membership):
        if entry.space.pk == space.pk:
            return entry
    raise Http404


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    entries = federation_spaces.directory(membership)
    context = {"entries": entries, "via": via_communes(membership)}
    return render(request, "federation/directory.html", context)


def _respond(
    request: HttpRequest, membership: Membership, space: Space, error: str = ""
) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "entry": _entry(membership, space),
            "error": error,
            "saved": not error,
        }
        return render(
            request, "federation/_directory_row.html", context, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    return redirect("federation:directory")


def _on_space(
    request: HttpRequest,
    space_id: int,
    write: Callable[[Membership, Space], object],
    done: Callable[[Space], str],
) -> HttpResponse:
    """Join, ask or leave: the refusal is shown in place; success is also a message off HTMX."""
    membership = _membership(request)
    space = _joinable(membership, space_id)
    try:
        write(membership, space)
    except ValidationError as error:
        return _respond(request, membership, space, " ".join(error.messages))
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, done(space))
    return _respond(request, membership, space)


@require_POST
def join(request: HttpRequest, space_id: int) -> HttpResponse:
    return _on_space(
        request,
        space_id,
        federation_spaces.join_space,
        lambda space: _("Vous avez rejoint « %(name)s ».") % {"name": space.name},
    )


@require_POST
def ask(request: HttpRequest, space_id: int) -> HttpResponse:
    form = AskForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    return _on_space(
        request,
        space_id,
        lambda membership, space: federation_spaces.ask_to_join(membership, space, message=message),
        lambda space: (
            _("Votre demande est envoyée aux responsables de « %(name)s ».") % {"name": space.name}
        ),
    )


@require_POST
def leave(request: HttpRequest, space_id: int) -> HttpResponse:
    return _on_space(
        request,
        space_id,
        federation_spaces.leave_space,
        lambda space: _("Vous avez quitté « %(name)s ».") % {"name": space.name},
    )


@require_http_methods(["GET"])
def requests_page(request: HttpRequest, space_id: int) -> HttpResponse:
    """The pending requests of a space, for its managers."""
    membership = _membership(request)
    try:
        access = access_space(membership, space_id, tenant=request.tenant)  # type: ignore[attr-defined]
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas accessible.")) from None
    if not access.abilities.manage:
        raise PermissionDenied(
            _("Seuls les éditeurs de l'espace et les administrateurs répondent aux demandes.")
        )
    pending = list(federation_spaces.pending_requests(access.space))
    communes = via_names({r.via_tenant_id for r in pending if r.via_tenant_id})
    context = {
        "space": access.space,
        "rows": [(r, communes.get(r.via_tenant_id or 0, "")) for r in pending],
    }
    return render(request, "federation/requests.html", context)


def _decide(request: HttpRequest, space_id: int, request_id: int, *, approve: bool) -> HttpResponse:
    membership = _membership(request)
    join_request = (
        SpaceJoinRequest.objects.filter(pk=request_id, space_id=space_id)
        .select_related("user", "space")
        .first()
    )
    if join_request is None:
        raise Http404(_("Cette demande n'existe pas."))
    try:
        access_space(membership, space_id, tenant=request.tenant)  # type: ignore[attr-defined]
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas accessible.")) from None
    try:
        if approve:
            federation_spaces.approve_request(membership, join_request)
            messages.success(
                request, _("%(name)s est membre de l'espace.") % {"name": join_request.user}
            )
        else:
            federation_spaces.refuse_request(membership, join_request)
            messages.success(request, _("Demande refusée."))
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    return redirect("federation:space_requests", space_id=space_id)


@require_POST
def approve(request: HttpRequest, space_id: int, request_id: int) -> HttpResponse:
    return _decide(request, space_id, request_id, approve=True)


@require_POST
def refuse(request: HttpRequest, space_id: int, request_id: int) -> HttpResponse:
    return _decide(request, space_id, request_id, approve=False)
