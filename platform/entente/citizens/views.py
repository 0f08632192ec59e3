"""Pages of invited citizens on a tenant's host.

- `/invitation/<token>/`: the link of the e-mail (open to anyone: the token is the key).
- `/espaces/<id>/citoyens/`: a public project's managers invite, re-send, revoke and choose
  what citizens see.
- `/administration/invites/`: the tenant's admins see every guest and remove them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.forms import NewAccountForm
from entente.accounts.models import Membership, User
from entente.spaces.models import Space, Visibility
from entente.spaces.selectors import SpaceAccess, access_space
from tenants.models import Tenant

from . import permissions, selectors, services
from .forms import InviteForm, OpenSectionsForm
from .models import CitizenInvitation

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# -- The invitation link ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show the project and the tenant; accept in one click (logged in) or with a light account.

    GET never accepts (mailbox link scanners only GET); the POST does.
    """
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    invitation = selectors.invitation_for_token(token)
    user = request.user if request.user.is_authenticated else None
    if (
        invitation is not None
        and invitation.accepted_at is not None
        and user is not None
        and invitation.accepted_by_id == user.pk
    ):
        return redirect("spaces:detail", space_id=invitation.space_id)  # a second click
    refusal = services.refusal_for(invitation)
    if refusal is not None or invitation is None:
        return render(
            request,
            "citizens/refused.html",
            {"tenant": tenant, "message": refusal.message if refusal else ""},
            status=410 if refusal and refusal.code in {"expired", "revoked", "used"} else 404,
        )
    has_account = User.objects.filter(email__iexact=invitation.email).exists()
    form = NewAccountForm(request.POST or None) if user is None and not has_account else None
    error = ""
    if request.method == "POST":
        try:
            if user is not None:
                acceptance = services.accept_invitation(token, tenant, user=user)
            elif form is not None and form.is_valid():
                acceptance = services.accept_invitation(
                    token,
                    tenant,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
                login(request, acceptance.user, backend=LOGIN_BACKEND)
            else:
                acceptance = None
        except services.InvitationRefused as refused:
            error = refused.message
            acceptance = None
        except ValidationError as invalid:
            if form is not None:
                _add_errors(form, invalid)
            acceptance = None
        if acceptance is not None:
            messages.success(
                request,
                _("Bienvenue dans le projet « %(name)s ».") % {"name": acceptance.space.name},
            )
            return redirect("spaces:detail", space_id=acceptance.space.pk)
    context = {
        "tenant": tenant,
        "invitation": invitation,
        "space": invitation.space,
        "form": form,
        "has_account": has_account,
        "error": error,
        "login_url": f"/comptes/login/?next={request.path}",
    }
    status = 400 if (form is not None and form.errors) or error else 200
    return render(request, "citizens/accept.html", context, status=status)


# -- A project's citizens (its managers) -----------------------------------------------------------


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        raise Http404
    return membership


def _manager_access(request: HttpRequest, space_id: int) -> SpaceAccess:
    """404 for a space one may not see; 403 for a space one sees but may not invite into."""
    try:
        access = access_space(_membership(request), space_id, tenant=request.tenant)  # type: ignore[attr-defined]
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas accessible.")) from None
    if not permissions.may_invite(access.membership, access.space):
        raise PermissionDenied(
            _("Seuls les éditeurs du projet et les administrateurs invitent des citoyens.")
        )
    return access


def _space_invitation(access: SpaceAccess, invitation_id: int) -> CitizenInvitation:
    invitation = (
        CitizenInvitation.objects.select_related("space")
        .filter(space=access.space, pk=invitation_id)
        .first()
    )
    if invitation is None:
        raise Http404(_("Cette invitation n'existe pas."))
    return invitation


@require_http_methods(["GET", "POST"])
def space_citizens(request: HttpRequest, space_id: int) -> HttpResponse:
    access = _manager_access(request, space_id)
    space = access.space
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.invite_citizens(
                access.membership,
                space,
                form.cleaned_data["emails"],
                message=form.cleaned_data["message"],
                tenant=request.tenant,  # type: ignore[attr-defined]
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("%(count)d invitation(s) envoyée(s).") % {"count": len(sent)},
            )
            return redirect("citizens:space", space_id=space.pk)
    sections_form = OpenSectionsForm(initial={"open_sections": selectors.open_sections_of(space)})
    context = {
        "space": space,
        "abilities": access.abilities,
        "is_public_project": space.visibility == Visibility.PUBLIC_PROJECT,
        "form": form,
        "sections_form": sections_form,
        "invitations": list(selectors.invitations_of(space)),
    }
    return render(request, "citizens/space.html", context, status=400 if form.errors else 200)


@require_POST
def space_sections(request: HttpRequest, space_id: int) -> HttpResponse:
    access = _manager_access(request, space_id)
    form = OpenSectionsForm(request.POST)
    if form.is_valid():
        try:
            services.set_open_sections(
                access.membership, access.space, form.cleaned_data["open_sections"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Ce que voient les citoyens est enregistré."))
    else:
        messages.error(request, _("Choisissez parmi les sections proposées."))
    return redirect("citizens:space", space_id=access.space.pk)


def _on_invitation(
    request: HttpRequest,
    space_id: int,
    invitation_id: int,
    write: Callable[[SpaceAccess, CitizenInvitation], object],
    done: str,
) -> HttpResponse:
    """Resend or revoke one invitation of the space; the outcome as a message on its page."""
    access = _manager_access(request, space_id)
    invitation = _space_invitation(access, invitation_id)
    try:
        write(access, invitation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done % {"email": invitation.email})
    return redirect("citizens:space", space_id=access.space.pk)


@require_POST
def resend(request: HttpRequest, space_id: int, invitation_id: int) -> HttpResponse:
    return _on_invitation(
        request,
        space_id,
        invitation_id,
        lambda access, invitation: services.resend_invitation(
            access.membership,
            invitation,
            tenant=request.tenant,  # type: ignore[attr-defined]
        ),
        _("L'invitation est renvoyée à %(email)s."),
    )


@require_POST
def revoke(request: HttpRequest, space_id: int, invitation_id: int) -> HttpResponse:
    return _on_invitation(
        request,
        space_id,
        invitation_id,
        lambda access, invitation: services.revoke_invitation(access.membership, invitation),
        _("L'invitation de %(email)s est révoquée."),
    )


# -- The tenant's guests (admins) ------------------------------------------------------------------


def _admin(request: HttpRequest) -> Membership:
    membership = _membership(request)
    if not permissions.may_remove_guests(membership):
        raise PermissionDenied(
            _("Cette page est réservée aux administrateurs de %(name)s.")
            % {"name": request.tenant.name}  # type: ignore[attr-defined]
        )
    return membership


@require_GET
def guests(request: HttpRequest) -> HttpResponse:
    _admin(request)
    tenant = request.tenant  # type: ignore[attr-defined]
    context = {
        "tenant": tenant,
        "guests": selectors.guests_of(tenant),
        "pending": list(selectors.pending_invitations()),
    }
    return render(request, "citizens/guests.html", context)


@require_POST
def guest_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    membership = _admin(request)
    tenant = request.tenant  # type: ignore[attr-defined]
    guest = selectors.guest_of(tenant, user_id)
    if guest is None:
        raise Http404(_("Cette personne n'est pas un citoyen invité de la collectivité."))
    services.remove_guest(membership, tenant, user_id)
    messages.success(
        request,
        _("%(name)s n'a plus accès à %(tenant)s ; ses messages restent, à son nom.")
        % {"name": guest.user.display_name, "tenant": tenant.name},
    )
    return redirect("citizens:guests")


@require_POST
def admin_revoke(request: HttpRequest, invitation_id: int) -> HttpResponse:
    membership = _admin(request)
    invitation = CitizenInvitation.objects.select_related("space").filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404(_("Cette invitation n'existe pas."))
    try:
        services.revoke_invitation(membership, invitation)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request, _("L'invitation de %(email)s est révoquée.") % {"email": invitation.email}
        )
    return redirect("citizens:guests")
