"""Pages of spaces on a tenant's host: the dashboard, `/espaces/` and each space's pages.

Views parse, authorize through `selectors.access_space` (404 for what one may not see, the same
as for what does not exist) and call the services, which check the abilities again and validate.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts import services as account_services
from entente.accounts.models import Membership, Role
from entente.activity.selectors import space_feed
from entente.core.first_steps import StepState, first_steps

from . import services
from .forms import AddMemberForm, MemberRoleForm, SpaceFilterForm, SpaceForm
from .models import Space, SpaceMembership, SpaceRole
from .permissions import can_create_space
from .sections import section_open, space_sections
from .selectors import (
    SpaceAccess,
    access_space,
    addable_people,
    changes_since_last_visit,
    dashboard_spaces,
    intercommunal_directories,
    my_spaces,
    space_members,
    space_roles_of,
    tenant_member,
)

logger = logging.getLogger(__name__)

DASHBOARD_SPACES = 12
FEED_LENGTH = 20


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits only members here
        raise Http404
    return membership


def _access(request: HttpRequest, space_id: int) -> SpaceAccess:
    try:
        return access_space(_membership(request), space_id, tenant=request.tenant)  # type: ignore[attr-defined]
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas accessible.")) from None


def _add_errors(form: Form, error: ValidationError) -> None:
    """Show a service's validation error on the form (on its field when it names one)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _role_label(role: str | None) -> str | None:
    return str(SpaceRole(role).label) if role else None


def _with_roles(membership: Membership, spaces: list[Space]) -> list[tuple[Space, str | None]]:
    """Each space with the label of the person's role in it (None if not a member)."""
    roles = space_roles_of(membership.user_id, [space.pk for space in spaces])
    return [(space, _role_label(roles.get(space.pk))) for space in spaces]


@require_GET
def tenant_home(request: HttpRequest) -> HttpResponse:
    """The tenant's dashboard: my spaces first (those I belong to), then the others I may see."""
    membership = _membership(request)
    spaces = list(dashboard_spaces(membership)[: DASHBOARD_SPACES + 1])
    rows = _with_roles(membership, spaces[:DASHBOARD_SPACES])
    context = {
        "rows": rows,
        "more": len(spaces) > DASHBOARD_SPACES,
        "can_create": can_create_space(membership, tenant=request.tenant),  # type: ignore[attr-defined]
        "intercommunal": intercommunal_directories(membership, request.tenant),  # type: ignore[attr-defined]
        "first_steps": _first_steps(membership, request.tenant),  # type: ignore[attr-defined]
        "changes": changes_since_last_visit(membership),
    }
    return render(request, "spaces/home.html", context)


def _first_steps(membership: Membership, tenant: Any) -> list[StepState]:
    """The « Premiers pas » for an admin who has not hidden them, until every one is done."""
    if membership.role != Role.ADMIN or membership.first_steps_hidden or membership.pk is None:
        return []
    steps = first_steps(tenant)
    return [] if all(step.done for step in steps) else steps


@require_POST
def hide_first_steps(request: HttpRequest) -> HttpResponse:
    account_services.hide_first_steps(_membership(request))
    messages.success(request, _("Les premiers pas sont masqués."))
    return redirect("tenant_home")


@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = SpaceFilterForm(request.GET or None)
    kind, archived = "", False
    if filters.is_valid():
        kind, archived = filters.cleaned_data["kind"], filters.cleaned_data["archived"]
    spaces = list(my_spaces(membership, kind=kind or None, archived=archived))
    context = {
        "rows": _with_roles(membership, spaces),
        "filters": filters,
        "archived": archived,
        "can_create": can_create_space(membership, tenant=request.tenant),  # type: ignore[attr-defined]
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "spaces/_space_rows.html", context)
    return render(request, "spaces/list.html", context)


@require_http_methods(["GET", "POST"])
def space_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if not can_create_space(membership, tenant=request.tenant):  # type: ignore[attr-defined]
        raise PermissionDenied(
            _("Seuls les agents, les élus et les administrateurs peuvent créer un espace.")
        )
    form = SpaceForm(request.POST or None, tenant=request.tenant)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            space = services.create_space(membership, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("L'espace « %(name)s » est créé.") % {"name": space.name})
            return redirect("spaces:detail", space_id=space.pk)
    return render(request, "spaces/form.html", {"form": form}, status=400 if form.errors else 200)


def members_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    return {"members": list(space_members(access.space))}


def activity_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    return {"entries": list(space_feed(access.space.pk, limit=FEED_LENGTH).select_related("actor"))}


def _render_sections(request: HttpRequest, access: SpaceAccess) -> list[dict[str, Any]]:
    rendered = []
    for section in space_sections():
        if not section_open(access.membership, access.space.pk, section.key):
            continue  # a guest sees only what the project's editors opened to citizens
        try:
            get_template(section.template)
        except TemplateDoesNotExist:
            logger.warning(
                "Space section %s: template %s is missing", section.key, section.template
            )
            continue
        context = {"space": access.space, "abilities": access.abilities, "section": section}
        if section.context is not None:
            context.update(section.context(request, access))
        html = render_to_string(section.template, context, request=request)
        rendered.append({"section": section, "html": html})
    return rendered


@require_GET
def space_detail(request: HttpRequest, space_id: int) -> HttpResponse:
    access = _access(request, space_id)
    context = {
        "space": access.space,
        "role": _role_label(access.role),
        "abilities": access.abilities,
        "sections": _render_sections(request, access),
    }
    return render(request, "spaces/detail.html", context)


@require_http_methods(["GET", "POST"])
def space_settings(request: HttpRequest, space_id: int) -> HttpResponse:
    access = _access(request, space_id)
    if not access.abilities.manage:
        raise PermissionDenied(
            _("Seuls les éditeurs de l'espace et les administrateurs modifient ses paramètres.")
        )
    form = SpaceForm.for_space(access.space, request.POST or None, tenant=request.tenant)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            services.update_space(access.membership, access.space, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Les paramètres de l'espace sont enregistrés."))
            return redirect("spaces:detail", space_id=access.space.pk)
    context = {"form": form, "space": access.space, "abilities": access.abilities}
    return render(request, "spaces/settings.html", context, status=400 if form.errors else 200)


def _state_change(request: HttpRequest, space_id: int, *, archive: bool) -> HttpResponse:
    access = _access(request, space_id)
    try:
        if archive:
            services.archive_space(access.membership, access.space)
            messages.success(
                request, _("L'espace est archivé : il reste consultable, en lecture seule.")
            )
        else:
            services.restore_space(access.membership, access.space)
            messages.success(request, _("L'espace est restauré."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("spaces:detail", space_id=access.space.pk)


@require_POST
def space_archive(request: HttpRequest, space_id: int) -> HttpResponse:
    return _state_change(request, space_id, archive=True)


@require_POST
def space_restore(request: HttpRequest, space_id: int) -> HttpResponse:
    return _state_change(request, space_id, archive=False)


@require_http_methods(["GET", "POST"])
def space_members_page(request: HttpRequest, space_id: int) -> HttpResponse:
    """Members of a space; its managers add people of the tenant, change roles, remove."""
    access = _access(request, space_id)
    tenant = request.tenant  # type: ignore[attr-defined]
    people = list(addable_people(access.space, tenant)) if access.abilities.manage else []
    form = AddMemberForm(request.POST or None, people=people)
    if request.method == "POST":
        if not access.abilities.manage:
            raise PermissionDenied(
                _("Seuls les éditeurs de l'espace et les administrateurs ajoutent des membres.")
            )
        if form.is_valid():
            person = tenant_member(tenant, form.cleaned_data["user"])
            try:
                if person is None:
                    raise ValidationError({"user": _("Choisissez une personne de la liste.")})
                services.add_space_member(
                    access.membership, access.space, person=person, role=form.cleaned_data["role"]
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request, _("%(name)s est membre de l'espace.") % {"name": person.user}
                )
                return redirect("spaces:members", space_id=access.space.pk)
    context = {
        "space": access.space,
        "abilities": access.abilities,
        "members": [
            (member, MemberRoleForm(initial={"role": member.role}, prefix=f"m{member.pk}"))
            for member in space_members(access.space)
        ],
        "form": form,
        "people": people,
    }
    return render(request, "spaces/members.html", context, status=400 if form.errors else 200)


def _space_member(access: SpaceAccess, member_id: int) -> SpaceMembership:
    member = (
        SpaceMembership.objects.filter(space=access.space, pk=member_id)
        .select_related("user")
        .first()
    )
    if member is None:
        raise Http404(_("Cette personne n'est pas membre de l'espace."))
    return member


@require_POST
def member_role(request: HttpRequest, space_id: int, member_id: int) -> HttpResponse:
    access = _access(request, space_id)
    member = _space_member(access, member_id)
    form = MemberRoleForm(request.POST, prefix=f"m{member.pk}")
    error_text = ""
    if form.is_valid():
        try:
            member = services.change_space_member_role(
                access.membership, member, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            error_text = " ".join(error.messages)
    else:
        error_text = _("Choisissez un rôle : éditeur, commentateur ou lecteur.")
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "space": access.space,
            "abilities": access.abilities,
            "member": member,
            "role_form": MemberRoleForm(initial={"role": member.role}, prefix=f"m{member.pk}"),
            "error": error_text,
            "saved": not error_text,
        }
        return render(
            request, "spaces/_member_row.html", context, status=400 if error_text else 200
        )
    if error_text:
        messages.error(request, error_text)
    else:
        messages.success(
            request,
            _("%(name)s est maintenant %(role)s.")
            % {"name": member.user, "role": member.get_role_display().lower()},
        )
    return redirect("spaces:members", space_id=access.space.pk)


@require_POST
def member_remove(request: HttpRequest, space_id: int, member_id: int) -> HttpResponse:
    access = _access(request, space_id)
    member = _space_member(access, member_id)
    leaving = member.user_id == access.membership.user_id
    try:
        services.remove_space_member(access.membership, member)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("spaces:members", space_id=access.space.pk)
    if leaving:
        messages.success(
            request, _("Vous avez quitté l'espace « %(name)s ».") % {"name": access.space.name}
        )
        return redirect("spaces:list")
    messages.success(request, _("%(name)s n'est plus membre de l'espace.") % {"name": member.user})
    return redirect("spaces:members", space_id=access.space.pk)
