"""What search declares to the discovery score and usage analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import Feature, register_feature, register_usage


def register() -> None:
    register_usage("search.done", _("Recherche faite"), activity=False)  # noted by its page
    register_feature(
        Feature(
            "search",
            _("Rechercher"),
            10,
            frozenset({"search.done"}),
            "",  # the search box is in every page's header: no page to link to
            _("La boîte de recherche en haut de chaque page."),
            order=100,
            suggest_on=frozenset({"spaces:list"}),
        )
    )
