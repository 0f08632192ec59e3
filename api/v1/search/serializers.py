"""Search through the API: its parameters and its results (read only)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from api.fields import QueryDateField, Serializer, StrictCharField
from entente.search.forms import kind_choices
from entente.search.query import DATE, MAX_LIMIT, RELEVANCE, SearchQuery, strip_marks
from entente.search.selectors import Found


class SearchParamsSerializer(Serializer[Any]):
    q = StrictCharField(max_length=200, help_text="Mots recherchés (le dernier en préfixe)")
    kind = serializers.MultipleChoiceField(
        choices=[], required=False, help_text="Types d’objets (plusieurs possibles)"
    )
    tenant = serializers.SlugField(
        required=False, help_text="Identifiant (slug) d’une collectivité que vous atteignez"
    )
    space = serializers.IntegerField(
        required=False, min_value=1, help_text="Un espace de cette collectivité (avec tenant)"
    )
    author = serializers.IntegerField(required=False, min_value=1)
    date_from = QueryDateField(required=False)
    date_to = QueryDateField(required=False)
    sort = serializers.ChoiceField(choices=[RELEVANCE, DATE], default=RELEVANCE)
    page = serializers.IntegerField(
        required=False, min_value=1, max_value=10_000, help_text="Numéro de page (à partir de 1)"
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        help_text=f"Résultats par page (≤ {MAX_LIMIT})",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()  # type: ignore[attr-defined]

    def to_query(self) -> SearchQuery:
        data = self.validated_data
        tenant = data.get("tenant") or ""
        return SearchQuery(
            text=data["q"],
            kinds=tuple(sorted(data.get("kind") or ())),
            tenant_slugs=(tenant,) if tenant else (),
            space_id=data.get("space") if tenant else None,
            author_id=data.get("author"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            sort=data.get("sort") or RELEVANCE,
        )


class SearchTenantSerializer(Serializer[Any]):
    id = serializers.IntegerField(source="pk")
    name = StrictCharField()
    slug = StrictCharField()


class SearchResultSerializer(Serializer[Found]):
    kind = StrictCharField(source="hit.kind", help_text="space, task, discussion, …")
    kind_label = StrictCharField(help_text="Le type, en français")
    tenant = SearchTenantSerializer(help_text="La collectivité où se trouve l’objet")
    id = serializers.IntegerField(
        source="hit.object_id", help_text="Identifiant dans sa collectivité"
    )
    space_id = serializers.IntegerField(source="hit.space_id", allow_null=True)
    title = StrictCharField(source="hit.title")
    excerpt = serializers.SerializerMethodField(help_text="Extrait, sans mise en forme")
    excerpt_html = serializers.SerializerMethodField(
        help_text="Extrait échappé, les mots trouvés entre <mark> et </mark>"
    )
    url = StrictCharField(help_text="Lien absolu, sur l’adresse de sa collectivité")
    date = serializers.DateTimeField(source="hit.date")
    score = serializers.FloatField(source="hit.score")

    def get_excerpt(self, found: Found) -> str:
        return strip_marks(found.hit.excerpt_marked)

    def get_excerpt_html(self, found: Found) -> str:
        return str(found.hit.excerpt_html)
