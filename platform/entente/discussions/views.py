"""Discussion pages of a space: the list of threads, a thread with HTMX posting, edits, history.

Reading follows the space's `view`; opening threads and posting follow `comment`; a message is
edited by its author only. Spaces the person cannot see answer 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import Membership, User
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.selectors import SpaceAccess

from . import selectors, services
from .forms import CommentForm, ThreadForm
from .models import Thread
from .permissions import can_edit, discussion_abilities


def space_access(request: HttpRequest, space_id: int) -> tuple[Space, SpaceAbilities]:
    """The space and the person's abilities in it; 404 if they may not see it."""
    membership = getattr(request, "membership", None)
    space = Space.objects.filter(pk=space_id).first()
    if space is None or membership is None:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    abilities = discussion_abilities(membership, space)
    if not abilities.view:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    return space, abilities


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _acting(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits members only
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


def _thread(space: Space, pk: int) -> Thread:
    thread = selectors.thread_in(space, pk)
    if thread is None:
        raise Http404(_("Cette discussion n'existe pas."))
    return thread


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


@require_http_methods(["GET", "POST"])
def thread_list(request: HttpRequest, space_id: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    form = ThreadForm(request.POST or None)
    if request.method == "POST":
        if not abilities.comment:
            raise PermissionDenied(_("Vous ne pouvez pas ouvrir de discussion dans cet espace."))
        if form.is_valid():
            try:
                thread = services.create_thread(_acting(request), space=space, **form.cleaned_data)
            except ValidationError as error:
                _form_errors(form, error)
            else:
                return redirect("discussions:thread", space_id=space.pk, pk=thread.pk)
    return render(
        request,
        "discussions/thread_list.html",
        {
            "space": space,
            "abilities": abilities,
            "threads": selectors.threads_of(space),
            "form": form,
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _thread_context(
    request: HttpRequest, space: Space, abilities: SpaceAbilities, thread: Thread, form: CommentForm
) -> dict[str, Any]:
    user = _user(request)
    comments = [
        (comment, can_edit(comment, user, abilities)) for comment in selectors.comments_of(thread)
    ]
    return {
        "space": space,
        "abilities": abilities,
        "thread": thread,
        "comments": comments,
        "form": form,
    }


@require_GET
def thread_detail(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    thread = _thread(space, pk)
    context = _thread_context(request, space, abilities, thread, CommentForm())
    return render(request, "discussions/thread.html", context)


@require_POST
def comment_create(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    thread = _thread(space, pk)
    if not abilities.comment:
        raise PermissionDenied(_("Vous ne pouvez pas participer aux discussions de cet espace."))
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.add_comment(_acting(request), thread, body=form.cleaned_data["body"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            status, form = 200, CommentForm()
            if not getattr(request, "htmx", False):
                return redirect("discussions:thread", space_id=space.pk, pk=thread.pk)
    context = _thread_context(request, space, abilities, thread, form)
    template = (
        "discussions/_comments.html"
        if getattr(request, "htmx", False)
        else "discussions/thread.html"
    )
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, space_id: int, pk: int, comment_id: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    comment = selectors.comment_in(space, pk, comment_id)
    if comment is None:
        raise Http404(_("Ce message n'existe pas."))
    if not can_edit(comment, _user(request), abilities):
        raise PermissionDenied(_("Seul l'auteur d'un message peut le modifier."))
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_comment(_acting(request), comment, body=form.cleaned_data["body"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Message modifié. L'ancienne version reste dans l'historique.")
            )
            return redirect("discussions:thread", space_id=space.pk, pk=pk)
    return render(
        request,
        "discussions/comment_edit.html",
        {"space": space, "comment": comment, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


@require_GET
def comment_history(request: HttpRequest, space_id: int, pk: int, comment_id: int) -> HttpResponse:
    space, _abilities = space_access(request, space_id)
    comment = selectors.comment_in(space, pk, comment_id)
    if comment is None:
        raise Http404(_("Ce message n'existe pas."))
    return render(request, "discussions/comment_history.html", {"space": space, "comment": comment})


def space_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    """The space's home page: its latest discussions."""
    return {"threads": list(selectors.threads_of(access.space)[:5])}
