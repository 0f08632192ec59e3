"""What discussions declare to the discovery score and analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import (
    EventMapping,
    Feature,
    register_feature,
    register_mapping,
    register_usage,
)


def register() -> None:
    register_usage("discussion.created", _("Discussion ouverte"))
    register_usage("discussion.commented", _("Discussion commentée"))
    register_usage("comment.mentioned", _("Mention dans un commentaire"), activity=False)
    register_mapping(
        EventMapping("discussion.mentioned", "comment.mentioned", actor="author_id", kind="comment")
    )
    register_feature(
        Feature(
            "discussion",
            _("Ouvrir une discussion"),
            5,
            frozenset({"discussion.created", "discussion.commented"}),
            "spaces:list",
            _("Dans un espace, ouvrez l'onglet Discussions."),
            order=60,
            suggest_on=frozenset({"discussions:thread_list"}),
        )
    )
