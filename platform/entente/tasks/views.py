"""Task pages: « Mes tâches », a space's board, a task's page, the creation form.

Every page loads the space through `spaces.selectors.access_space` (404 for a space one may not
see) and decides with its `SpaceAbilities`; the services check them again.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from entente.accounts.models import Membership
from entente.activity.models import ActivityEntry
from entente.core.links import local_target
from entente.spaces.models import Space
from entente.spaces.sections import section_open, with_section_open
from entente.spaces.selectors import SpaceAccess, access_space, spaces_for

from . import labels as label_services
from . import selectors, services
from .files import attachment_response
from .forms import (
    AttachmentForm,
    CommentForm,
    LabelForm,
    MoveForm,
    MyTasksFilterForm,
    TaskForm,
)
from .models import Label, Task, TaskPriority, TaskStatus
from .permissions import may_create_labels, may_manage_labels, may_see_labels
from .selectors import MyTaskFilters

FIELD_LABELS = {
    "title": _("Titre"),
    "description": _("Description"),
    "status": _("Statut"),
    "priority": _("Priorité"),
    "due_date": _("Échéance"),
    "assignees": _("Personnes chargées"),
    "observers": _("Observateurs"),
    "labels": _("Étiquettes"),
    "attachments": _("Pièces jointes"),
    "recurrence_frequency": _("Répétition"),
    "recurrence_interval": _("Intervalle"),
    "recurrence_weekday": _("Jour de la semaine"),
    "recurrence_week": _("Semaine du mois"),
}


def _membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits only members here
        raise Http404
    return membership


def _space_access(request: HttpRequest, space_id: int) -> SpaceAccess:
    try:
        access = access_space(_membership(request), space_id, tenant=request.tenant)  # type: ignore[attr-defined]
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas accessible.")) from None
    if not section_open(access.membership, access.space.pk, "tasks"):
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas accessible."))
    return access


def _task_access(request: HttpRequest, pk: int) -> tuple[Task, SpaceAccess]:
    task = selectors.task_with_details(pk)
    if task is None:
        raise Http404(_("Cette tâche n'existe pas ou ne vous est pas accessible."))
    try:
        access = access_space(_membership(request), task.space_id, tenant=request.tenant)  # type: ignore[attr-defined]
    except Space.DoesNotExist:
        raise Http404(_("Cette tâche n'existe pas ou ne vous est pas accessible.")) from None
    if not section_open(access.membership, access.space.pk, "tasks"):
        raise Http404(_("Cette tâche n'existe pas ou ne vous est pas accessible."))
    return task, access


def _add_errors(form: Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "tasks/forbidden.html", {"message": message}, status=403)


def _task_form(
    request: HttpRequest, access: SpaceAccess, data: Any = None, initial: Any = None
) -> TaskForm:
    return TaskForm(
        data,
        initial=initial,
        people=selectors.people_who_can_view(access.space, request.tenant),  # type: ignore[attr-defined]
        labels=selectors.labels(),
    )


# -- « Mes tâches » -----------------------------------------------------------------------------


def my_tasks(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    spaces = list(with_section_open(membership, spaces_for(membership), "tasks"))
    form = MyTasksFilterForm(request.GET or None, spaces=spaces)
    filters = MyTaskFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = MyTaskFilters(
            relation=data.get("relation") or "assigned",
            statuses=tuple(data.get("status") or ()),
            space_id=data.get("space"),
            due=data.get("due") or None,
            sort=data.get("sort") or "due",
        )
    today = timezone.localdate()
    tasks = list(selectors.my_tasks(membership, filters, today)[:500])
    return render(
        request,
        "tasks/my_tasks.html",
        {"form": form, "tasks": tasks, "today": today, "filters": filters},
    )


# -- A space's board ----------------------------------------------------------------------------


def _board_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    return {
        "space": access.space,
        "abilities": access.abilities,
        "columns": selectors.board_columns(access.space),
        "statuses": TaskStatus.choices,
        "today": timezone.localdate(),
    }


def board(request: HttpRequest, space_id: int) -> HttpResponse:
    access = _space_access(request, space_id)
    return render(request, "tasks/board.html", _board_context(request, access))


@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a task's status: from the board (drag, or the « Déplacer vers… » menu) or its page."""
    task, access = _task_access(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Statut inconnu : choisissez une colonne du tableau."), status=400)
    try:
        services.move_task(access.membership, task, status=form.cleaned_data["status"])
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    if request.headers.get("HX-Request"):
        context = _board_context(request, access)
        context["moved"] = task.pk
        context["moved_to"] = TaskStatus(form.cleaned_data["status"]).label
        return render(request, "tasks/_board_columns.html", context)
    board = reverse("tasks:board", args=[task.space_id])
    return redirect(local_target(request, request.POST.get("next"), default=board))


# -- Creating and showing a task ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, space_id: int) -> HttpResponse:
    access = _space_access(request, space_id)
    if not access.abilities.edit:
        return _forbidden(request, _("Vous ne pouvez pas créer de tâche dans cet espace."))
    form = _task_form(request, access, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(
                access.membership, space=access.space, **form.service_values()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Tâche créée."))
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/create.html", {"form": form, "space": access.space}, status=200)


def _display(field: str, value: Any, people: dict[int, str], labels: dict[int, str]) -> str:
    if value in (None, "", []):
        return "—"
    if field == "status":
        return str(TaskStatus(value).label) if value in TaskStatus.values else str(value)
    if field == "priority":
        return str(TaskPriority(value).label) if value in TaskPriority.values else str(value)
    if field == "due_date":
        try:
            return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
        except (TypeError, ValueError):
            return str(value)
    if field in {"assignees", "observers"}:
        return ", ".join(people.get(pk, _("personne n°%(id)s") % {"id": pk}) for pk in value)
    if field == "labels":
        return ", ".join(labels.get(pk, _("étiquette supprimée")) for pk in value)
    if field == "description":
        return _("(texte modifié)")
    return str(value)


def history_lines(entries: list[ActivityEntry]) -> list[dict[str, Any]]:
    """Each entry of a task's history with its changes in words: « Statut : À faire → En cours »."""
    ids: set[int] = {entry.actor_id for entry in entries if entry.actor_id}
    for entry in entries:
        for field in ("assignees", "observers"):
            for side in entry.changes.get(field, [[], []]):
                ids.update(side or [])
    people = {pk: user.display_name for pk, user in selectors.users_by_id(ids).items()}
    labels = dict(Label.objects.values_list("pk", "name"))
    lines = []
    for entry in entries:
        changes = [
            {
                "field": FIELD_LABELS[field],
                "old": _display(field, values[0], people, labels),
                "new": _display(field, values[1], people, labels),
            }
            for field, values in entry.changes.items()
            if field in FIELD_LABELS and isinstance(values, list) and len(values) == 2
        ]
        actor = people.get(entry.actor_id or 0) or _("Entente (automatique)")
        lines.append({"entry": entry, "actor": actor, "changes": changes})
    return lines


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    task, access = _task_access(request, pk)
    abilities = access.abilities
    initial = {
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "priority": task.priority,
        "due_date": task.due_date,
        "assignees": [a.user_id for a in task.assignment_list],  # type: ignore[attr-defined]
        "observers": [o.user_id for o in task.observation_list],  # type: ignore[attr-defined]
        "labels": [label.pk for label in task.labels.all()],
        "recurrence_frequency": task.recurrence_frequency,
        "recurrence_interval": task.recurrence_interval,
        "recurrence_weekday": task.recurrence_weekday,
        "recurrence_week": task.recurrence_week,
    }
    form = _task_form(request, access, request.POST or None, initial=initial)
    if request.method == "POST":
        if not abilities.edit:
            return _forbidden(request, _("Vous ne pouvez pas modifier cette tâche."))
        if form.is_valid():
            try:
                services.update_task(access.membership, task, **form.service_values())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Tâche enregistrée."))
                return redirect("tasks:detail", pk=task.pk)
    people_ids = [a.user_id for a in task.assignment_list] + [  # type: ignore[attr-defined]
        o.user_id
        for o in task.observation_list  # type: ignore[attr-defined]
    ]
    comments = list(selectors.comments_of(task))
    people = selectors.users_by_id(
        people_ids + [c.author_id for c in comments if c.author_id] + [task.created_by_id or 0]
    )
    for item in comments:
        author = people.get(item.author_id or 0)
        item.author_name = author.display_name if author else _("Personne")  # type: ignore[attr-defined]
    return render(
        request,
        "tasks/detail.html",
        {
            "task": task,
            "space": task.space,
            "abilities": abilities,
            "form": form,
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
            "comments": comments,
            "attachments": list(selectors.attachments_of(task)),
            "history": history_lines(list(selectors.history_of(task))),
            "people": people,
            "assignees": [people[a.user_id] for a in task.assignment_list if a.user_id in people],  # type: ignore[attr-defined]
            "observers": [people[o.user_id] for o in task.observation_list if o.user_id in people],  # type: ignore[attr-defined]
            "user_id": request.user.pk,
            "statuses": TaskStatus.choices,
            "max_attachment_mb": services.max_attachment_bytes() // (1024 * 1024),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    task, access = _task_access(request, pk)
    space_id = task.space_id
    try:
        services.delete_task(access.membership, task)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(request, _("Tâche supprimée."))
    return redirect("tasks:board", space_id=space_id)


# -- Comments and attachments -------------------------------------------------------------------


@require_POST
def comment(request: HttpRequest, pk: int) -> HttpResponse:
    task, access = _task_access(request, pk)
    form = CommentForm(request.POST)
    if not access.abilities.comment:
        return _forbidden(request, _("Vous ne pouvez pas commenter cette tâche."))
    if form.is_valid():
        try:
            made = services.add_comment(access.membership, task, body=form.cleaned_data["body"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect(reverse("tasks:detail", args=[task.pk]) + f"#commentaire-{made.pk}")
    else:
        messages.error(request, _("Écrivez un commentaire avant de l'envoyer."))
    return redirect(reverse("tasks:detail", args=[task.pk]) + "#commentaires")


@require_POST
def comment_edit(request: HttpRequest, pk: int, comment_id: int) -> HttpResponse:
    task, access = _task_access(request, pk)
    existing = task.comments.filter(pk=comment_id).first()
    if existing is None:
        raise Http404(_("Ce commentaire n'existe pas."))
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Un commentaire ne peut pas être vide."))
    else:
        try:
            services.edit_comment(access.membership, existing, body=form.cleaned_data["body"])
        except PermissionDenied as error:
            return _forbidden(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect(reverse("tasks:detail", args=[task.pk]) + f"#commentaire-{comment_id}")


@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    task, access = _task_access(request, pk)
    if not access.abilities.edit:
        return _forbidden(request, _("Vous ne pouvez pas joindre de fichier à cette tâche."))
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier à joindre."))
    else:
        try:
            services.add_attachment(access.membership, task, upload=form.cleaned_data["file"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Fichier joint."))
    return redirect(reverse("tasks:detail", args=[task.pk]) + "#pieces-jointes")


def attachment_download(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    """The only way to a file: whoever may see the task, through this view (never MEDIA_URL)."""
    task, _access = _task_access(request, pk)
    attachment = task.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("Ce fichier n'existe pas."))
    return attachment_response(attachment)


@require_POST
def attachment_delete(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    task, access = _task_access(request, pk)
    attachment = task.attachments.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404(_("Ce fichier n'existe pas."))
    try:
        services.delete_attachment(access.membership, attachment)
    except PermissionDenied as error:
        return _forbidden(request, str(error))
    messages.success(request, _("Fichier retiré."))
    return redirect(reverse("tasks:detail", args=[task.pk]) + "#pieces-jointes")


# -- The section on a space's home page ---------------------------------------------------------


def space_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    today = timezone.localdate()
    open_tasks = selectors.with_people(
        selectors.tasks_of_space(access.space).exclude(status=TaskStatus.DONE)
    ).order_by("due_date", "-priority", "id")
    return {
        "open_tasks": list(open_tasks[:8]),
        "open_count": open_tasks.count(),
        "today": today,
    }


# -- Labels -------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def labels(request: HttpRequest) -> HttpResponse:
    """The collectivité's labels: agents and elected officials add, administrators change."""
    membership = _membership(request)
    if not may_see_labels(membership):
        raise Http404(_("Cette page n'existe pas."))
    form = LabelForm(request.POST or None)
    if request.method == "POST":
        if not may_create_labels(membership):
            return _forbidden(request, _("Seuls les agents et élus peuvent créer des étiquettes."))
        if form.is_valid():
            try:
                label_services.create_label(membership, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Étiquette créée."))
                return redirect("tasks:labels")
    return render(
        request,
        "tasks/labels.html",
        {
            "form": form,
            "labels": list(selectors.labels()),
            "may_create": may_create_labels(membership),
            "may_manage": may_manage_labels(membership),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def label_edit(request: HttpRequest, label_id: int) -> HttpResponse:
    membership = _membership(request)
    label = Label.objects.filter(pk=label_id).first() if may_see_labels(membership) else None
    if label is None:
        raise Http404(_("Cette étiquette n'existe pas."))
    if not may_manage_labels(membership):
        return _forbidden(request, _("Seuls les administrateurs modifient les étiquettes."))
    try:
        if request.POST.get("delete"):
            label_services.delete_label(membership, label)
            messages.success(request, _("Étiquette supprimée."))
        else:
            label_services.update_label(
                membership,
                label,
                name=request.POST.get("name", label.name),
                color=request.POST.get("color", label.color),
            )
            messages.success(request, _("Étiquette enregistrée."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("tasks:labels")
