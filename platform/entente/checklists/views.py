"""Procedure pages: templates (list, create, edit with inline HTMX items), launch, checklists.

Templates belong to the tenant (`permissions.template_abilities`); checklists belong to a space
and follow its abilities. A space the person may not see answers 404, like one that does not
exist (same message, nothing learnt).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import Membership
from entente.spaces.models import Space, SpaceMembership
from entente.spaces.permissions import SpaceAbilities, space_abilities
from entente.spaces.sections import section_open
from entente.spaces.selectors import SpaceAccess, space_role_of, spaces_for

from . import selectors, services
from .forms import ItemForm, LaunchForm, TemplateForm
from .models import ChecklistItem, ProcedureTemplate, TemplateItem
from .permissions import TemplateAbilities, template_abilities
from .starter import PROCEDURES, install_starter_templates


def _membership(request: HttpRequest) -> Membership | None:
    return getattr(request, "membership", None)


def _template_abilities(request: HttpRequest, *, edit: bool = False) -> TemplateAbilities:
    abilities = template_abilities(_membership(request))
    if not abilities.view or (edit and not abilities.edit):
        raise PermissionDenied(
            _("Seuls les agents et les administrateurs modifient les procédures.")
            if abilities.view
            else _("Les procédures sont réservées aux agents, aux élus et aux administrateurs.")
        )
    return abilities


def space_access(request: HttpRequest, space_id: int) -> tuple[Space, SpaceAbilities]:
    """The space and the person's abilities in it; 404 if they may not see it."""
    space = Space.objects.filter(pk=space_id).first()
    membership = _membership(request)
    if space is None or membership is None:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    abilities = space_abilities(membership, space, space_role_of(membership.user_id, space))
    if not abilities.view or not section_open(membership, space.pk, "checklists"):
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    return space, abilities


def editable_spaces(membership: Membership) -> list[Space]:
    roles = dict(
        SpaceMembership.objects.filter(user_id=membership.user_id).values_list("space_id", "role")
    )
    return [
        space
        for space in spaces_for(membership)
        if space_abilities(membership, space, roles.get(space.pk)).edit
    ]


def _acting(request: HttpRequest) -> Membership:
    membership = _membership(request)
    if membership is None:  # the membership middleware admits members only
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    abilities = _template_abilities(request)
    return render(
        request,
        "checklists/template_list.html",
        {
            "templates": selectors.templates(),
            "abilities": abilities,
            "starter": [name for name, _description, _items in PROCEDURES],
        },
    )


@require_POST
def install_starter(request: HttpRequest) -> HttpResponse:
    """The empty page's button: the usual procedures of a commune, added in one click."""
    _template_abilities(request, edit=True)
    made = install_starter_templates(_acting(request))
    messages.success(
        request,
        _("%(count)d procédures courantes ajoutées : relisez-les, puis lancez-en une.")
        % {"count": len(made)},
    )
    return redirect("checklists:template_list")


@require_http_methods(["GET", "POST"])
def template_create(request: HttpRequest) -> HttpResponse:
    _template_abilities(request, edit=True)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.create_template(_acting(request), **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Procédure créée : ajoutez maintenant ses étapes."))
            return redirect("checklists:template_edit", pk=template.pk)
    return render(request, "checklists/template_create.html", {"form": form}, status=_status(form))


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _template(pk: int) -> ProcedureTemplate:
    template = selectors.template_with_items(pk)
    if template is None:
        raise Http404(_("Cette procédure n'existe pas."))
    return template


def _items_context(
    template: ProcedureTemplate, abilities: TemplateAbilities, new_form: ItemForm | None = None
) -> dict[str, Any]:
    rows = [
        {"item": item, "form": ItemForm(initial=ItemForm.initial_for(item), prefix=f"i{item.pk}")}
        for item in template.items.all()
    ]
    return {
        "template": template,
        "rows": rows,
        "abilities": abilities,
        "new_form": new_form or ItemForm(prefix="new"),
    }


@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    abilities = _template_abilities(request, edit=request.method == "POST")
    template = _template(pk)
    form = TemplateForm(
        request.POST or None, initial={"name": template.name, "description": template.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_template(_acting(request), template, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Procédure enregistrée."))
            return redirect("checklists:template_edit", pk=template.pk)
    context = {"form": form, **_items_context(template, abilities)}
    return render(request, "checklists/template_edit.html", context, status=_status(form))


def _items_response(
    request: HttpRequest,
    template_pk: int,
    abilities: TemplateAbilities,
    new_form: ItemForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """HTMX swaps the item list; without JavaScript, back to the edit page."""
    if not getattr(request, "htmx", False):
        if status >= 400 and new_form is not None:
            messages.error(request, _("L'étape n'a pas été enregistrée : corrigez le formulaire."))
        return redirect("checklists:template_edit", pk=template_pk)
    context = _items_context(_template(template_pk), abilities, new_form)
    return render(request, "checklists/_items.html", context, status=status)


def _apply_form_errors(form: ItemForm, error: ValidationError) -> None:
    mapping = {"assignee_id": "assignee", "assignee_role": "assignee"}
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(mapping.get(field, field), item)
    else:
        form.add_error(None, error)


@require_POST
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    abilities = _template_abilities(request, edit=True)
    template = get_object_or_404(ProcedureTemplate, pk=pk)
    form = ItemForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.add_item(_acting(request), template, form.spec())
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            return _items_response(request, template.pk, abilities)
    return _items_response(request, template.pk, abilities, new_form=form, status=400)


def _item(pk: int, item_id: int) -> TemplateItem:
    return get_object_or_404(TemplateItem, pk=item_id, template_id=pk)


@require_POST
def item_update(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    abilities = _template_abilities(request, edit=True)
    item = _item(pk, item_id)
    form = ItemForm(request.POST, prefix=f"i{item.pk}")
    if form.is_valid():
        try:
            services.update_item(_acting(request), item, form.spec())
        except ValidationError as error:
            _apply_form_errors(form, error)
        else:
            return _items_response(request, pk, abilities)
    return _items_response(request, pk, abilities, status=400)


@require_POST
def item_delete(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    abilities = _template_abilities(request, edit=True)
    services.delete_item(_acting(request), _item(pk, item_id))
    return _items_response(request, pk, abilities)


@require_POST
def item_move(request: HttpRequest, pk: int, item_id: int) -> HttpResponse:
    abilities = _template_abilities(request, edit=True)
    services.move_item(
        _acting(request), _item(pk, item_id), up=request.POST.get("direction") == "up"
    )
    return _items_response(request, pk, abilities)


@require_POST
def template_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _template_abilities(request, edit=True)
    template = get_object_or_404(ProcedureTemplate, pk=pk)
    services.delete_template(_acting(request), template)
    messages.success(request, _("Procédure supprimée. Les listes déjà lancées sont conservées."))
    return redirect("checklists:template_list")


@require_http_methods(["GET", "POST"])
def launch(request: HttpRequest, pk: int) -> HttpResponse:
    _template_abilities(request)
    template = _template(pk)
    membership = _membership(request)
    assert membership is not None  # the membership middleware admits members only
    spaces = editable_spaces(membership)
    form = LaunchForm(
        request.POST or None,
        spaces=Space.objects.filter(pk__in=[space.pk for space in spaces]),
        initial={"space": request.GET.get("espace")},
    )
    if request.method == "POST":
        if not spaces:
            raise PermissionDenied(_("Vous ne pouvez lancer de procédure dans aucun espace."))
        if form.is_valid():
            space = form.cleaned_data["space"]
            space_access(request, space.pk)  # 404 for a space one may not see
            try:
                checklist = services.launch_template(
                    membership,
                    template,
                    space=space,
                    reference_date=form.cleaned_data["reference_date"],
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Procédure lancée : les tâches sont créées."))
                return redirect("checklists:checklist_detail", space_id=space.pk, pk=checklist.pk)
    return render(
        request,
        "checklists/launch.html",
        {"template": template, "form": form, "has_spaces": bool(spaces)},
        status=_status(form),
    )


@require_GET
def checklist_list(request: HttpRequest, space_id: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    checklists = [
        (checklist, selectors.progress_of(checklist))
        for checklist in selectors.checklists_of(space)
    ]
    return render(
        request,
        "checklists/checklist_list.html",
        {
            "space": space,
            "abilities": abilities,
            "checklists": checklists,
            "may_launch": abilities.edit
            and template_abilities(getattr(request, "membership", None)).view,
        },
    )


@require_GET
def checklist_detail(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    checklist = selectors.checklist_in(space, pk)
    if checklist is None:
        raise Http404(_("Cette liste n'existe pas."))
    return render(
        request,
        "checklists/checklist_detail.html",
        {
            "space": space,
            "abilities": abilities,
            "checklist": checklist,
            "progress": selectors.progress_of(checklist),
        },
    )


@require_POST
def item_complete(request: HttpRequest, space_id: int, pk: int, item_id: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    item = get_object_or_404(
        ChecklistItem.objects.select_related("task"),
        pk=item_id,
        checklist_id=pk,
        checklist__space=space,
    )
    if not abilities.edit:
        raise PermissionDenied(_("Vous ne pouvez pas modifier les tâches de cet espace."))
    services.complete_item(_acting(request), item)
    return redirect(reverse("checklists:checklist_detail", kwargs={"space_id": space.pk, "pk": pk}))


def space_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    """The space's home page: its checklists in progress, with their progress."""
    checklists = list(selectors.checklists_of(access.space)[:5])
    return {
        "checklists": [(c, selectors.progress_of(c)) for c in checklists],
        # Launching starts from the tenant's templates: shown to those the list admits.
        "may_launch": access.abilities.edit and template_abilities(access.membership).view,
    }
