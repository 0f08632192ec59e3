"""The vendor console, on the bare domain under /console/ (see access.py for who gets in)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from entente.accounts.models import User
from entente.outbox import selectors as outbox
from entente.outbox.models import OutboxEvent, OutboxState
from tenants.lifecycle import ACTIONS, days_left
from tenants.models import Tenant

from . import selectors, services
from .access import staff_required
from .forms import AuditFilterForm, TenantActionForm, TenantFilterForm
from .middleware import remember_support_tenant

PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@staff_required
@require_GET
def tenant_list(request: HttpRequest) -> HttpResponse:
    epcis = [(str(epci.pk), epci.name) for epci in selectors.epci_choices()]
    form = TenantFilterForm(request.GET or None, epci_choices=epcis)
    filters = (
        selectors.TenantFilters(**form.cleaned_data)
        if form.is_valid()
        else selectors.TenantFilters()
    )
    page = Paginator(selectors.search_tenants(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/tenant_list.html",
        {
            "form": form,
            "page": page,
            "query": _query_without_page(request),
            "departements": selectors.departement_choices(),
        },
    )


@staff_required
@require_GET
def tenant_detail(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant, pk=tenant_id)
    return render(
        request,
        "console/tenant_detail.html",
        {
            "tenant": tenant,
            "days_left": days_left(tenant),
            "admins": selectors.admins_of(tenant),
            "without_second_factor": selectors.staff_without_second_factor(tenant),
            "member_count": tenant.memberships.count(),
            "links": selectors.federation_links_of(tenant),
            "counts": selectors.content_counts(tenant) if tenant.is_open else {},
            "history": selectors.history_of(tenant)[:100],
            "action_labels": ACTIONS,
            "grant": selectors.active_grant(tenant),
            "form": TenantActionForm(),
        },
    )


def _end_of_day(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


@staff_required
@require_POST
def tenant_action(request: HttpRequest, tenant_id: int) -> HttpResponse:
    tenant = get_object_or_404(Tenant, pk=tenant_id)
    actor: User = request.user  # type: ignore[assignment]
    form = TenantActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("console:tenant", tenant_id=tenant.pk)
    data = form.cleaned_data
    action, reason = data["action"], data["reason"]
    try:
        if action == "extend_trial":
            services.extend_trial(
                tenant, until=_end_of_day(data["trial_ends_on"]), actor=actor, reason=reason
            )
        elif action == "convert":
            services.convert(tenant, plan=data["plan"], actor=actor, reason=reason)
        elif action == "set_read_only":
            services.set_read_only(tenant, actor=actor, reason=reason)
        elif action == "suspend":
            services.suspend(tenant, actor=actor, reason=reason)
        elif action == "reactivate":
            services.reactivate(tenant, actor=actor, reason=reason)
        elif action == "start_closing":
            services.start_closing(
                tenant, closing_on=data["closing_on"], actor=actor, reason=reason
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Action enregistrée."))
    return redirect("console:tenant", tenant_id=tenant.pk)


@staff_required
@require_POST
def open_support(request: HttpRequest, tenant_id: int) -> HttpResponse:
    """Open the tenant's host as a support reader, if its admins granted an access."""
    tenant = get_object_or_404(Tenant, pk=tenant_id)
    grant = selectors.active_grant(tenant)
    if grant is None:
        messages.error(
            request,
            _(
                "Aucun accès support en cours pour %(tenant)s : seul un administrateur de la "
                "collectivité peut l'accorder, depuis sa page Administration › Accès support."
            )
            % {"tenant": tenant.name},
        )
        return redirect("console:tenant", tenant_id=tenant.pk)
    services.open_support(grant, staff=request.user)  # type: ignore[arg-type]
    remember_support_tenant(request, tenant)
    return HttpResponseRedirect(tenant.url("/"))


@staff_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    filters = (
        selectors.AuditFilters(**form.cleaned_data) if form.is_valid() else selectors.AuditFilters()
    )
    page = Paginator(selectors.audit_entries(filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/audit_log.html",
        {"form": form, "page": page, "query": _query_without_page(request)},
    )


@staff_required
@require_GET
def dead_letters(request: HttpRequest) -> HttpResponse:
    """Events whose side effects failed for longer than retries last (entente.outbox)."""
    page = Paginator(outbox.dead_letters(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "console/dead_letters.html",
        {"page": page, "query": "", "backlog": outbox.backlog()},
    )


@staff_required
@require_POST
def replay_dead_letter(request: HttpRequest, row_id: int) -> HttpResponse:
    row = get_object_or_404(OutboxEvent, pk=row_id, state=OutboxState.DEAD)
    services.replay_dead_letter(row, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("L'événement n° %(id)s est relancé.") % {"id": row.pk})
    return redirect("console:dead_letters")
