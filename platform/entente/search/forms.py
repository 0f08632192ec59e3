"""The search parameters of the page and the suggestions, read into a `SearchQuery`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .query import DATE, MAX_LIMIT, RELEVANCE, SearchQuery
from .registry import search_kinds

PAGE_SIZE = 20


def kind_choices() -> list[tuple[str, str]]:
    return [(kind.kind, str(kind.label)) for kind in search_kinds()]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Rechercher"), max_length=200, required=False)
    kind = forms.MultipleChoiceField(label=_("Type"), required=False, choices=kind_choices)
    tenant = forms.CharField(label=_("Collectivité"), max_length=100, required=False)
    space = forms.IntegerField(label=_("Espace"), required=False, min_value=1)
    author = forms.IntegerField(label=_("Auteur"), required=False, min_value=1)
    date_from = forms.DateField(label=_("Depuis le"), required=False)
    date_to = forms.DateField(label=_("Jusqu’au"), required=False)
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[(RELEVANCE, _("Pertinence")), (DATE, _("Date"))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=1000)

    def to_query(self, *, limit: int = PAGE_SIZE, prefix: bool = True) -> SearchQuery:
        """The query of valid parameters (invalid ones are left out, never an error page)."""
        data: dict[str, Any] = self.cleaned_data if self.is_valid() else {}
        if not data:
            data = {"q": str(self.data.get("q", ""))[:200]}
        page = data.get("page") or 1
        limit = min(limit, MAX_LIMIT)
        tenant = data.get("tenant") or ""
        return SearchQuery(
            text=data.get("q") or "",
            kinds=tuple(data.get("kind") or ()),
            tenant_slugs=(tenant,) if tenant else (),
            space_id=data.get("space") if tenant else None,
            author_id=data.get("author"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=data.get("sort") or RELEVANCE,
            prefix=prefix,
            limit=limit,
            offset=(page - 1) * limit,
        )
