"""The catalogue of discoverable features, extended by apps as space sections are.

A feature is found when the person has done one of its usage events in the tenant. Each
carries a weight (what it counts in the score) and a "how to" link: a URL name of a page
that exists on the tenant's host, where the feature is reached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Feature:
    key: str
    label: str | Promise
    weight: int
    events: frozenset[str]  # catalogue names (entente.analytics.catalogue.USAGE_EVENTS)
    how_to: str  # URL name of a page every member of any tenant may open ("" for none)
    hint: str | Promise = ""

    def how_to_url(self) -> str:
        if not self.how_to:
            return ""
        try:
            return reverse(self.how_to)
        except NoReverseMatch:
            return ""


_features: dict[str, Feature] = {}


def register_feature(feature: Feature) -> None:
    from .catalogue import USAGE_EVENTS

    unknown = feature.events - set(USAGE_EVENTS)
    if unknown:
        raise ValueError(f"{feature.key}: events not in the catalogue: {sorted(unknown)}")
    _features[feature.key] = feature


def features() -> list[Feature]:
    """In the order of registration: the order in which we suggest trying them."""
    return list(_features.values())


def register_core_features() -> None:
    """The features of the apps as merged (tasks, procedures, documents, federation, …)."""
    for feature in (
        Feature(
            "create_task",
            _("Créer une tâche"),
            10,
            frozenset({"task.created"}),
            "spaces:list",
            _("Ouvrez un espace, puis son tableau : « Nouvelle tâche »."),
        ),
        Feature(
            "assign_task",
            _("Attribuer une tâche à quelqu'un"),
            10,
            frozenset({"task.assigned"}),
            "tasks:mine",
            _("Dans une tâche, choisissez qui s'en charge."),
        ),
        Feature(
            "complete_task",
            _("Terminer une tâche"),
            5,
            frozenset({"task.completed"}),
            "tasks:mine",
            _("Passez une de vos tâches à « Terminé »."),
        ),
        Feature(
            "mention",
            _("Mentionner un collègue dans un commentaire"),
            10,
            frozenset({"comment.mentioned"}),
            "tasks:mine",
            _("Écrivez @ suivi du nom d'un collègue dans un commentaire."),
        ),
        Feature(
            "launch_procedure",
            _("Lancer une procédure"),
            15,
            frozenset({"checklist.launched"}),
            "checklists:template_list",
            _("Choisissez une procédure type et lancez-la dans un espace."),
        ),
        Feature(
            "discussion",
            _("Ouvrir une discussion"),
            5,
            frozenset({"discussion.created", "discussion.commented"}),
            "spaces:list",
            _("Dans un espace, ouvrez l'onglet Discussions."),
        ),
        Feature(
            "upload_document",
            _("Déposer un fichier"),
            5,
            frozenset({"document.created"}),
            "spaces:list",
            _("Dans un espace, ouvrez l'onglet Documents."),
        ),
        Feature(
            "new_version",
            _("Déposer une nouvelle version d'un fichier"),
            10,
            frozenset({"document.version_added"}),
            "spaces:list",
            _("Sur un fichier, « Nouvelle version » garde l'historique."),
        ),
        Feature(
            "join_federation_space",
            _("Rejoindre un espace intercommunal"),
            10,
            frozenset({"space.federation_joined"}),
            "",  # the directory answers on the EPCI's host only: no link from a commune's
            _("Sur l'adresse de votre communauté de communes, ouvrez l'annuaire des espaces."),
        ),
        Feature(
            "search",
            _("Rechercher"),
            10,
            frozenset({"search.done"}),
            "search:results",
            _("La boîte de recherche en haut de chaque page."),
        ),
        Feature(
            "preferences",
            _("Régler ses notifications"),
            10,
            frozenset({"preferences.set"}),
            "notifications:preferences",
            _("Choisissez ce qui vous est envoyé, et quand."),
        ),
    ):
        register_feature(feature)
