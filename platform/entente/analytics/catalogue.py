"""The catalogue of usage events: the only names the log may hold (never free text).

`from_event` maps what the services already publish (`entente.core.events`) to catalogue
entries; page-level events (a search, notification preferences saved) are recorded by
`entente.analytics.services.record_usage` (buffered in Redis) with one of the names below.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from entente.core.events import Event

USAGE_EVENTS: dict[str, object] = {
    "space.created": _("Espace créé"),
    "space.member_added": _("Membre ajouté à un espace"),
    "space.federation_joined": _("Espace intercommunal rejoint"),
    "task.created": _("Tâche créée"),
    "task.assigned": _("Tâche attribuée"),
    "task.completed": _("Tâche terminée"),
    "task.commented": _("Tâche commentée"),
    "task.attachment_added": _("Pièce jointe ajoutée"),
    "comment.mentioned": _("Mention dans un commentaire"),
    "procedure.created": _("Procédure créée"),
    "checklist.launched": _("Procédure lancée"),
    "discussion.created": _("Discussion ouverte"),
    "discussion.commented": _("Discussion commentée"),
    "folder.created": _("Dossier créé"),
    "document.created": _("Fichier déposé"),
    "document.version_added": _("Nouvelle version d'un fichier"),
    "space.citizens_invited": _("Citoyens invités"),
    "search.done": _("Recherche faite"),
    "preferences.set": _("Préférences de notification réglées"),
}

# Activity verbs (entente.activity) counted as they are: the same name in the catalogue.
_ACTIVITY_VERBS = frozenset(USAGE_EVENTS) - {
    "space.federation_joined",
    "task.assigned",
    "comment.mentioned",
    "search.done",
    "preferences.set",
}


@dataclass(frozen=True)
class Usage:
    """One catalogue entry that an event stands for, and who did it."""

    name: str
    user_id: int | None
    object_kind: str


def from_event(event: Event) -> list[Usage]:
    """The usage entries an event stands for (none for most: reads, notifications, …)."""
    payload = event.payload
    if event.name == "activity.recorded":
        verb = str(payload.get("verb", ""))
        if verb in _ACTIVITY_VERBS:
            kind = str(payload.get("object_type", ""))[:32]
            return [Usage(verb, _int(payload.get("actor_id")), kind)]
        return []
    if event.name == "task.assigned":
        return [Usage("task.assigned", _int(payload.get("actor_id")), "task")]
    if event.name == "task.mentioned":
        return [Usage("comment.mentioned", _int(payload.get("actor_id")), "task")]
    if event.name == "discussion.mentioned":
        return [Usage("comment.mentioned", _int(payload.get("author_id")), "comment")]
    if event.name == "space.member_added" and payload.get("via_tenant_id"):
        return [Usage("space.federation_joined", _int(payload.get("user_id")), "space")]
    return []


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
