"""What tasks declare to the discovery score and usage analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import (
    ActivationReason,
    EventMapping,
    Feature,
    register_activation,
    register_feature,
    register_mapping,
    register_usage,
)


def register() -> None:
    for name, label in (
        ("task.created", _("Tâche créée")),
        ("task.completed", _("Tâche terminée")),
        ("task.commented", _("Tâche commentée")),
        ("task.attachment_added", _("Pièce jointe ajoutée")),
    ):
        register_usage(name, label)
    register_usage("task.assigned", _("Tâche attribuée"), activity=False)
    register_usage("comment.mentioned", _("Mention dans un commentaire"), activity=False)
    register_mapping(EventMapping("task.assigned", "task.assigned", kind="task"))
    register_mapping(EventMapping("task.mentioned", "comment.mentioned", kind="task"))
    for feature in (
        Feature(
            "create_task",
            _("Créer une tâche"),
            10,
            frozenset({"task.created"}),
            "spaces:list",
            _("Ouvrez un espace, puis son tableau : « Nouvelle tâche »."),
            order=10,
            suggest_on=frozenset({"spaces:detail", "tasks:board"}),
        ),
        Feature(
            "assign_task",
            _("Attribuer une tâche à quelqu'un"),
            10,
            frozenset({"task.assigned"}),
            "tasks:mine",
            _("Dans une tâche, choisissez qui s'en charge."),
            order=20,
            suggest_on=frozenset({"tasks:detail"}),
        ),
        Feature(
            "complete_task",
            _("Terminer une tâche"),
            5,
            frozenset({"task.completed"}),
            "tasks:mine",
            _("Passez une de vos tâches à « Terminé »."),
            order=30,
            suggest_on=frozenset({"tasks:mine"}),
        ),
        Feature(
            "mention",
            _("Mentionner un collègue dans un commentaire"),
            10,
            frozenset({"comment.mentioned"}),
            "tasks:mine",
            _("Écrivez @ suivi du nom d'un collègue dans un commentaire."),
            order=40,
            suggest_on=frozenset({"tasks:detail", "discussions:thread"}),
        ),
    ):
        register_feature(feature)
    register_activation(
        ActivationReason("tasks", _("Des tâches créées"), frozenset({"task.created"}), order=40)
    )
