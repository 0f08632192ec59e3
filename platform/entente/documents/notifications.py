"""What documents' events mean for whom: « nouvelle version d'un fichier que je suis ».

Registered in `DocumentsConfig.ready()` (see `entente.notifications.registry`). A file's
followers (its authors follow it on their own) hear of each new version, except the person who
added it, and only while they may still see the file: the space's viewers, less those a folder
rule closes it to; in the archive tree, the tenant's staff.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from entente.accounts.models import Membership, Role
from entente.notifications.models import NotificationKind
from entente.notifications.registry import EventHandler
from entente.notifications.services import Draft, Notice, Occurrence, who

from .models import Document, FolderRole, Version
from .permissions import ancestry, rule_for


def _may_see(event: Occurrence, document: Document, user_ids: set[int]) -> set[int]:
    space = document.folder.space
    if space is None:
        staff = Membership.objects.filter(tenant=event.tenant, user_id__in=user_ids).exclude(
            role=Role.GUEST
        )
        allowed = set(staff.values_list("user_id", flat=True))
    else:
        allowed = event.viewers_among(user_ids, space)
    chain = ancestry(document.folder)
    if any(ancestor.deleted for ancestor in chain) or document.deleted_at is not None:
        return set()
    return {uid for uid in allowed if rule_for(uid, chain) != FolderRole.NONE}


def _version_added(event: Occurrence) -> list[Notice]:
    document = (
        Document.objects.select_related("folder__space").filter(pk=event.id("document_id")).first()
    )
    version = Version.objects.filter(pk=event.id("version_id")).first()
    if document is None or version is None:
        return []
    actor = event.person("actor_id")
    title = _("%(who)s a déposé la version %(number)s de « %(name)s »") % {
        "who": who(actor),
        "number": version.number,
        "name": document.name,
    }
    draft = Draft(
        kind=NotificationKind.FOLLOWED_ACTIVITY,
        title=title,
        url=event.url("documents:file", pk=document.pk),
        space_id=document.folder.space_id,
        object_type="document",
        object_id=document.pk,
    )
    recipients = _may_see(event, document, set(event.user_ids))
    return [Notice(draft, recipients, event.key("document.version", version.pk), actor)]


HANDLERS = (EventHandler("document.version_added", _version_added),)
