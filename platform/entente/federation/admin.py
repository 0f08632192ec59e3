"""Admin actions on federation links, for Entente's support staff.

The link admin itself lives in `tenants.admin` (read-only); it is re-registered here with an
action that goes through the services, so that support can end a link or withdraw an
invitation on a tenant's request, with a reason, and the history records who did it.
Consent (invite, accept, refuse) stays with the tenants' admins.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.admin import FederationLinkAdmin
from tenants.models import FederationLink, FederationState

from . import services


class EndLinksForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Motif (obligatoire, conservé dans l'historique)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
    )


admin.site.unregister(FederationLink)


@admin.register(FederationLink)
class FederationLinkWithActionsAdmin(FederationLinkAdmin):
    actions = ["end_links"]

    @admin.action(
        description=gettext_lazy("Mettre fin aux liens ou retirer les invitations (support)"),
        permissions=["change"],
    )
    def end_links(
        self, request: HttpRequest, queryset: QuerySet[FederationLink]
    ) -> HttpResponse | None:
        links = list(
            queryset.filter(state__in=[FederationState.ACTIVE, FederationState.INVITED])
            .select_related("epci", "commune")
            .order_by("epci__name", "commune__name")
        )
        if not links:
            self.message_user(
                request,
                _("Aucun des liens choisis n'est actif ou en attente : rien à terminer."),
                messages.WARNING,
            )
            return None
        form = EndLinksForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            ended = 0
            for link in links:
                try:
                    services.end_link(
                        link,
                        actor=request.user,  # type: ignore[arg-type]
                        acting_tenant=None,
                        note=form.cleaned_data["note"],
                    )
                    ended += 1
                except (PermissionDenied, ValidationError) as error:
                    self.message_user(request, f"{link} : {error}", messages.ERROR)
            self.message_user(
                request, _("%(count)d lien(s) terminé(s).") % {"count": ended}, messages.SUCCESS
            )
            return None
        return TemplateResponse(
            request,
            "admin/federation/end_links.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Mettre fin aux liens de fédération"),
                "links": links,
                "form": form,
                "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                "opts": self.model._meta,
            },
        )
