"""Meeting pages: a space's meetings, a meeting (attendance, agenda), create and edit forms.

Thin: forms parse, `services` decide and write, `selectors` read. A space or a meeting the
person may not see answers 404, like one that does not exist (nothing learnt); a meeting they
see but may not prepare answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.selectors import SpaceAccess
from tenants.models import Tenant

from . import elected, extract, feed, followup, minutes, pdf, selectors, services
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    ItemMinutesForm,
    MeetingForm,
    SubmitMinutesForm,
)
from .models import AgendaItem, Meeting
from .permissions import meeting_abilities


def _acting(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits members only
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


def space_access(request: HttpRequest, space_id: int) -> tuple[Space, SpaceAbilities]:
    """The space and what the person may do with its meetings; 404 if they may not see them."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    abilities = meeting_abilities(_acting(request), space)
    if not abilities.view:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    return space, abilities


def _meeting(request: HttpRequest, space_id: int, pk: int, *, edit: bool = False) -> Meeting:
    space, abilities = space_access(request, space_id)
    meeting = selectors.meeting_in(space, pk)
    if meeting is None:
        raise Http404(_("Cette réunion n'existe pas."))
    if edit and not abilities.edit:
        raise PermissionDenied(_("Seuls les éditeurs de l'espace préparent ses réunions."))
    return meeting


def _status(form: Any) -> int:
    return 400 if form.is_bound and form.errors else 200


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            for item in errors:
                form.add_error(field if field in form.fields else None, item)
    else:
        form.add_error(None, error)


@require_GET
def meeting_list(request: HttpRequest, space_id: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    return render(
        request,
        "meetings/meeting_list.html",
        {"space": space, "abilities": abilities, "meetings": selectors.meetings_of(space)},
    )


@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, space_id: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    if not abilities.edit:
        raise PermissionDenied(_("Seuls les éditeurs de l'espace préparent ses réunions."))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.create_meeting(_acting(request), space=space, spec=form.spec())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(
                request, _("Réunion programmée : les membres de l'espace y sont invités.")
            )
            return redirect("meetings:meeting_detail", space_id=space.pk, pk=meeting.pk)
    context = {"space": space, "form": form, "meeting": None}
    return render(request, "meetings/meeting_form.html", context, status=_status(form))


@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    form = MeetingForm(request.POST or None, initial=MeetingForm.initial_for(meeting))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(_acting(request), meeting, form.spec())
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Réunion enregistrée."))
            return redirect("meetings:meeting_detail", space_id=space_id, pk=meeting.pk)
    context = {"space": meeting.space, "form": form, "meeting": meeting}
    return render(request, "meetings/meeting_form.html", context, status=_status(form))


@require_GET
def meeting_detail(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    space, abilities = space_access(request, space_id)
    meeting = selectors.meeting_in(space, pk)
    if meeting is None:
        raise Http404(_("Cette réunion n'existe pas."))
    people = selectors.people_of(space)
    membership = _acting(request)
    documents = followup.documents_for(meeting, membership)
    attendees = [
        {
            "attendee": attendee,
            "person": people.get(attendee.person_id),
            "proxy_to": people.get(attendee.proxy_to_id or 0),
        }
        for attendee in meeting.attendees.all()
    ]
    minutes_state = selectors.minutes_context(meeting, people, request.user.pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "space": space,
            "meeting": meeting,
            "abilities": abilities,
            "attendees": attendees,
            "agenda": [
                (
                    item,
                    people.get(item.rapporteur_id or 0),
                    DecisionForm(people=people, auto_id=f"d{item.pk}-%s"),
                    documents.get(item.pk, []),
                )
                for item in meeting.agenda.all()
            ],
            "carry_over": followup.carry_over_of(meeting),
            "attachable": (
                followup.attachable_documents(meeting, membership) if abilities.edit else []
            ),
            "agenda_form": AgendaItemForm(people=people),
            "attendance_form": AttendanceForm(people=people),
            "submit_form": SubmitMinutesForm(people=people),
            **minutes_state,
            "may_publish": extract.may_publish(membership, meeting, minutes_state["minutes"]),
        },
    )


def _back(meeting: Meeting) -> HttpResponse:
    return redirect("meetings:meeting_detail", space_id=meeting.space_id, pk=meeting.pk)


def _refused(request: HttpRequest, form: Any, error: ValidationError | None = None) -> None:
    if error is not None:
        _apply_errors(form, error)
    details = " ".join(str(message) for message in form.errors.get("__all__", []))
    details += " ".join(
        str(message)
        for field, errs in form.errors.items()
        if field != "__all__"
        for message in errs
    )
    messages.error(request, _("Rien n'a été enregistré : %(details)s") % {"details": details})


def _submit(
    request: HttpRequest,
    meeting: Meeting,
    form: Any,
    write: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A meeting's form posted: invalid or refused, the reasons as a message; else `done`.

    Either way back to the meeting's page, where the message shows."""
    if not form.is_valid():
        _refused(request, form)
    else:
        try:
            write(form.cleaned_data)
        except ValidationError as error:
            _refused(request, form, error)
        else:
            messages.success(request, done)
    return _back(meeting)


@require_POST
def attendance(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    form = AttendanceForm(request.POST, people=selectors.people_of(meeting.space))
    return _submit(
        request,
        meeting,
        form,
        lambda data: services.set_attendance(
            _acting(request),
            meeting,
            person_id=data["person"],
            status=data["status"],
            proxy_to_id=data["proxy_to"],
        ),
        _("Présence enregistrée."),
    )


@require_POST
def agenda_add(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    form = AgendaItemForm(request.POST, people=selectors.people_of(meeting.space))
    return _submit(
        request,
        meeting,
        form,
        lambda data: services.add_agenda_item(
            _acting(request),
            meeting,
            title=data["title"],
            rapporteur_id=data["rapporteur"],
            notes=data["notes"],
        ),
        _("Point ajouté à l'ordre du jour."),
    )


@require_POST
def agenda_move(request: HttpRequest, space_id: int, pk: int, item_id: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    try:
        services.move_agenda_item(_acting(request), item, up=request.POST.get("direction") == "up")
    except ValidationError as error:  # submitted or approved minutes: the agenda is kept
        messages.error(request, " ".join(error.messages))
    return _back(meeting)


def _item(request: HttpRequest, space_id: int, pk: int, item_id: int) -> AgendaItem:
    meeting = _meeting(request, space_id, pk, edit=True)
    return get_object_or_404(
        AgendaItem.objects.select_related("meeting__space"), pk=item_id, meeting=meeting
    )


@require_POST
def item_minutes(request: HttpRequest, space_id: int, pk: int, item_id: int) -> HttpResponse:
    item = _item(request, space_id, pk, item_id)
    form = ItemMinutesForm(request.POST)
    if form.is_valid():
        try:
            minutes.write_item_minutes(_acting(request), item, text=form.cleaned_data["text"])
        except ValidationError as error:
            _refused(request, form, error)
        else:
            messages.success(request, _("Compte rendu enregistré."))
    return _back(item.meeting)


@require_POST
def decision_add(request: HttpRequest, space_id: int, pk: int, item_id: int) -> HttpResponse:
    item = _item(request, space_id, pk, item_id)
    form = DecisionForm(request.POST, people=selectors.people_of(item.meeting.space))

    def record(data: dict[str, Any]) -> object:
        task = None
        if data["task_title"]:
            task = minutes.TaskSpec(data["task_title"], data["assignee"], data["due_date"])
        return minutes.record_decision(
            _acting(request), item, text=data["text"], votes=form.votes(), task=task
        )

    return _submit(request, item.meeting, form, record, _("Décision enregistrée."))


@require_POST
def minutes_submit(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    form = SubmitMinutesForm(request.POST, people=selectors.people_of(meeting.space))
    return _submit(
        request,
        meeting,
        form,
        lambda data: minutes.submit_minutes(
            _acting(request), meeting, approver_ids=data["approvers"]
        ),
        _("Procès-verbal soumis à approbation."),
    )


@require_POST
def minutes_approve(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk)
    try:
        minutes.approve_minutes(_acting(request), meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Votre approbation est enregistrée."))
    return _back(meeting)


@require_POST
def extract_publish(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    try:
        extract.publish_extract(_acting(request), meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'extrait est publié pour les citoyens du projet."))
    return _back(meeting)


def _extracts_space(request: HttpRequest, space_id: int) -> Space:
    """A public project the person may open; anything else answers 404 (nothing learnt)."""
    space = Space.objects.filter(pk=space_id).first()
    if space is None or not extract.may_read_extracts(_acting(request), space):
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert."))
    return space


@require_GET
def public_extracts(request: HttpRequest, space_id: int) -> HttpResponse:
    """« Séances publiques »: the published extracts of a public project's meetings."""
    space = _extracts_space(request, space_id)
    context = {"space": space, "meetings": list(extract.published_in(space))}
    return render(request, "meetings/public_extracts.html", context)


@require_GET
def public_extract(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    """One published extract: per item its minutes, and the decisions with their votes."""
    space = _extracts_space(request, space_id)
    found = extract.extract_of(space, pk)
    if found is None:
        raise Http404(_("Cet extrait n'existe pas ou n'est pas publié."))
    return render(request, "meetings/public_extract.html", {"space": space, "extract": found})


@require_POST
def carry_over(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    try:
        followup.carry_over_open_tasks(_acting(request), meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Les tâches ouvertes sont reportées à l'ordre du jour."))
    return _back(meeting)


@require_POST
def item_document(request: HttpRequest, space_id: int, pk: int, item_id: int) -> HttpResponse:
    """Attach a document of the space to an item (`document`), or detach it (`remove`)."""
    item = _item(request, space_id, pk, item_id)
    try:
        document_id = int(request.POST.get("document") or 0)
    except ValueError:
        document_id = 0
    try:
        if request.POST.get("remove"):
            followup.detach_document(_acting(request), item, document_id=document_id)
            messages.success(request, _("Document retiré du point."))
        else:
            followup.attach_document(_acting(request), item, document_id=document_id)
            messages.success(request, _("Document joint au point."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back(item.meeting)


@require_POST
def convene(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    meeting = _meeting(request, space_id, pk, edit=True)
    try:
        invited = services.send_convocation(_acting(request), meeting)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Convocation envoyée à %(count)s personne(s).") % {"count": len(invited)}
        )
    return _back(meeting)


def space_section_context(request: HttpRequest, access: SpaceAccess) -> dict[str, Any]:
    """The space's home page: its next meetings."""
    return {
        "upcoming": list(selectors.upcoming_of(access.space)[:3]),
        "may_prepare": meeting_abilities(access.membership, access.space).edit,
    }


@require_POST
def feed_token(request: HttpRequest) -> HttpResponse:
    """Create (or replace) the person's feed address, or revoke it."""
    membership = _acting(request)
    if request.POST.get("action") == "revoke":
        feed.revoke_feed_tokens(membership)
        messages.success(request, _("Le flux de calendrier est révoqué."))
    else:
        raw = feed.issue_feed_token(membership)
        url = request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": raw}))
        messages.success(
            request,
            _(
                "Votre adresse d'abonnement (gardez-la pour vous, "
                "elle n'est affichée qu'une fois) : %(url)s"
            )
            % {"url": url},
        )
    return redirect("meetings:my_calendar")


@require_GET
def minutes_pdf(request: HttpRequest, space_id: int, pk: int) -> HttpResponse:
    """The minutes as a PDF, for whoever may read the meeting (a draft says « Projet »)."""
    meeting = _meeting(request, space_id, pk)
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    try:
        body = pdf.minutes_pdf(tenant, meeting)
    except RuntimeError:
        return HttpResponse(
            _("Le PDF ne peut pas être produit sur ce serveur (Pango absent)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="proces-verbal-{day}.pdf"'
    return response


@require_GET
def elected_view(request: HttpRequest) -> HttpResponse:
    """« Mes séances »: the one page an élu needs, large and quiet (made for a phone)."""
    membership = _acting(request)
    if not elected.may_open(membership):
        raise PermissionDenied(
            _("Cette page est celle des élus ; vos réunions sont dans « Mon calendrier ».")
        )
    return render(request, "meetings/elected.html", elected.overview(membership))
