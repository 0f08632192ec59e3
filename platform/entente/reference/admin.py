"""The official lists in the administration: read-only, for support staff to look things up."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from entente.core.admin import ReadOnlyAdmin

from .models import Commune, Epci
from .text import normalize_name


class ReferenceAdmin(ReadOnlyAdmin):
    """The lists come from `import_reference`; nobody edits them by hand."""

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # Names are searched on their normalised form: "lege" and "Legé" both find Legé.
        return super().get_search_results(request, queryset, normalize_name(search_term))


@admin.register(Epci)
class EpciAdmin(ReferenceAdmin):
    list_display = ["name", "siren", "kind", "population", "is_current"]
    list_filter = ["kind", "is_current"]
    search_fields = ["search_name", "=siren"]


@admin.register(Commune)
class CommuneAdmin(ReferenceAdmin):
    list_display = ["name", "insee_code", "departement", "population", "epci", "is_current"]
    list_filter = ["is_current", "region"]
    list_select_related = ["epci"]
    search_fields = ["search_name", "=insee_code", "=siren"]
    show_full_result_count = False
