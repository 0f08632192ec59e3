"""Pages of the collectivité's team on a tenant's host.

- `/equipe/`: its staff see who works here; agents and admins invite colleagues;
  admins change roles and remove.
- `/equipe/securite/`: admins choose who must use two-factor authentication and see who lacks it.
- `/invitation/collegue/<token>/`: the e-mail's link (open to anyone: the token is the key).
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
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from entente.accounts import mfa
from entente.accounts.forms import NewAccountForm
from entente.accounts.models import Membership, Role, User
from entente.sso.models import SamlConnection
from tenants.models import Tenant

from . import permissions, selectors, services
from .forms import InviteColleaguesForm, MfaPolicyForm, RoleForm
from .models import ColleagueInvitation

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _staff(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if not permissions.may_see_team(membership) or membership is None:
        raise PermissionDenied(_("L'équipe de la collectivité est visible de ses agents et élus."))
    return membership


def _tenant(request: HttpRequest) -> Tenant:
    return request.tenant  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
def team_page(request: HttpRequest) -> HttpResponse:
    """Who works here, the invitations under way and, for those who may, the form to invite."""
    membership = _staff(request)
    tenant = _tenant(request)
    roles = permissions.roles_given_by(membership)
    form = InviteColleaguesForm(request.POST or None, roles=roles) if roles else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(
                _("Seuls les agents et les administrateurs invitent des collègues.")
            )
        if form.is_valid():
            try:
                sent = services.invite_colleagues(membership, tenant, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Invitation envoyée à %(emails)s.",
                        "Invitations envoyées à %(emails)s.",
                        len(sent),
                    )
                    % {"emails": ", ".join(s.invitation.email for s in sent)},
                )
                return redirect("team:members")
    manage = permissions.may_manage_team(membership)
    colleagues = list(selectors.colleagues_of(tenant))
    holders = selectors.second_factor_holders(colleagues) if manage else set()
    context = {
        "second_factor": holders,
        "tenant": tenant,
        "colleagues": colleagues,
        "admins": sum(1 for c in colleagues if c.role == Role.ADMIN),
        "invitations": list(selectors.open_invitations()),
        "form": form,
        "manage": manage,
        "me": membership.user_id,
        "role_choices": RoleForm.base_fields["role"].choices,  # type: ignore[attr-defined]
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "team/members.html", context, status=status)


@require_http_methods(["GET", "POST"])
def security_page(request: HttpRequest) -> HttpResponse:
    """Who must use two-factor authentication here, and who it covers without one yet."""
    membership, tenant = _staff(request), _tenant(request)
    if not permissions.may_manage_team(membership):
        raise PermissionDenied(_("Seuls les administrateurs choisissent les règles de sécurité."))
    form = MfaPolicyForm(
        request.POST if request.method == "POST" else None,  # an empty POST is still a POST
        initial={"mfa_required_for": tenant.mfa_required_for},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_mfa_policy(membership, tenant, form.cleaned_data["mfa_required_for"])
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("La règle de double authentification est enregistrée."))
            return redirect("team:security")
    context = {
        "tenant": tenant,
        "form": form,
        "lacking": selectors.colleagues_lacking_second_factor(tenant),
        "i_have_one": mfa.has_second_factor(membership.user_id),
        "directory": SamlConnection.objects.filter(tenant=tenant).first(),
    }
    return render(request, "team/security.html", context, status=400 if form.errors else 200)


def _invitation(pk: int) -> ColleagueInvitation:
    invitation = ColleagueInvitation.objects.filter(pk=pk).first()
    if invitation is None:
        raise Http404(_("Cette invitation n'existe pas."))
    return invitation


def _answer(request: HttpRequest, write: Callable[[], object], success: str) -> HttpResponse:
    """Run a write of the team page; its refusal becomes an error message, never a lost page."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("team:members")


@require_POST
def resend(request: HttpRequest, pk: int) -> HttpResponse:
    membership, tenant, invitation = _staff(request), _tenant(request), _invitation(pk)
    return _answer(
        request,
        lambda: services.resend_invitation(membership, tenant, invitation),
        _("Invitation renvoyée à %(email)s.") % {"email": invitation.email},
    )


@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    membership, tenant, invitation = _staff(request), _tenant(request), _invitation(pk)
    return _answer(
        request,
        lambda: services.revoke_invitation(membership, tenant, invitation),
        _("L'invitation de %(email)s est annulée : son lien ne fonctionne plus.")
        % {"email": invitation.email},
    )


def _colleague(tenant: Tenant, user_id: int) -> Membership:
    member = selectors.colleague(tenant, user_id)
    if member is None:
        raise Http404(_("Cette personne ne fait pas partie de l'équipe de la collectivité."))
    return member


@require_POST
def member_role(request: HttpRequest, user_id: int) -> HttpResponse:
    membership, tenant = _staff(request), _tenant(request)
    member = _colleague(tenant, user_id)
    form = RoleForm(request.POST)
    role = form.cleaned_data["role"] if form.is_valid() else str(request.POST.get("role", ""))
    return _answer(
        request,
        lambda: services.change_role(membership, tenant, user_id, role),
        _("%(name)s est désormais : %(role)s.")
        % {"name": member.user.display_name, "role": Role(role).label if role in Role else role},
    )


@require_POST
def member_remove(request: HttpRequest, user_id: int) -> HttpResponse:
    membership, tenant = _staff(request), _tenant(request)
    member = _colleague(tenant, user_id)
    return _answer(
        request,
        lambda: services.remove_colleague(membership, tenant, user_id),
        _("%(name)s n'a plus accès à %(tenant)s ; ce qu'il ou elle a écrit reste, à son nom.")
        % {"name": member.user.display_name, "tenant": tenant.name},
    )


# -- The invitation link ---------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    """Show who invites and with which role; accept in one click (logged in) or with a new
    account. GET never accepts (mailbox link scanners only GET); the POST does."""
    tenant = _tenant(request)
    invitation = selectors.invitation_for_token(token)
    user: User | None = request.user if request.user.is_authenticated else None
    if (
        invitation is not None
        and invitation.accepted_at is not None
        and user is not None
        and invitation.accepted_by_id == user.pk
    ):
        return redirect("tenant_home")  # a second click
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
        acceptance = None
        try:
            if user is not None:
                acceptance = services.accept_invitation(token, tenant, user=user)
            elif form is not None and form.is_valid():
                acceptance = services.accept_invitation(token, tenant, **form.cleaned_data)
                login(request, acceptance.user, backend=LOGIN_BACKEND)
        except services.InvitationRefused as refused:
            error = refused.message
        except ValidationError as invalid:
            if form is not None:
                _add_errors(form, invalid)
        if acceptance is not None:
            messages.success(
                request, _("Bienvenue dans l'équipe de %(tenant)s.") % {"tenant": tenant.name}
            )
            return redirect("tenant_home")
    context = {
        "tenant": tenant,
        "invitation": invitation,
        "role": Role(invitation.role).label,
        "form": form,
        "has_account": has_account,
        "error": error,
        "login_url": f"/comptes/login/?next={request.path}",
    }
    status = 400 if (form is not None and form.errors) or error else 200
    return render(request, "team/accept.html", context, status=status)
