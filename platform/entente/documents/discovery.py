"""What documents declare to the discovery score and usage analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import Feature, register_feature, register_usage


def register() -> None:
    register_usage("folder.created", _("Dossier créé"))
    register_usage("document.created", _("Fichier déposé"))
    register_usage("document.version_added", _("Nouvelle version d'un fichier"))
    for feature in (
        Feature(
            "upload_document",
            _("Déposer un fichier"),
            5,
            frozenset({"document.created"}),
            "spaces:list",
            _("Dans un espace, ouvrez l'onglet Documents."),
            order=70,
            suggest_on=frozenset({"documents:space", "documents:folder"}),
        ),
        Feature(
            "new_version",
            _("Déposer une nouvelle version d'un fichier"),
            10,
            frozenset({"document.version_added"}),
            "spaces:list",
            _("Sur un fichier, « Nouvelle version » garde l'historique."),
            order=80,
            suggest_on=frozenset({"documents:file"}),
        ),
    ):
        register_feature(feature)
