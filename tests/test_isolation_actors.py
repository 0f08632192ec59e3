"""The isolation matrix, crossed with the actors of federation and citizenship (issue 5).

Every route of `tests/test_isolation_matrix.py` (so every route of the URL configurations: one
missing from its tables already fails there, and here) but the Django admin's is requested by
each actor below on the host of the CC Sud Retz Atlantique (the bare domain for platform
routes), with its object ids pointing at planted canaries. One test per (route, actor); what
each may do comes from the policy of the route and the actor's standing (`OUTCOMES`), never
from a per-route list, so a new route is crossed with every actor as soon as it has a policy.

The world (built once per module, inside a transaction rolled back at the end, so nothing is
left behind even after a crash): in the EPCI, a private space, a space visible to the whole
tenant, three federation spaces — one joined by the federated actor, one open to their commune
that they did not join, one whose scope leaves their commune out — and two public projects, A
and B. Each space holds a task (with a comment and an attachment), a discussion (with a
message), a checklist and a meeting with approved minutes (its extract published in the
public projects), all named with unique canary strings; the tenant also holds a
procedure template and a label (on no task) whose names are canaries. Actors, all built from
the data model directly:

- `anonymous`: refused everywhere but the open pages (login, health, language), which show
  no canary.
- `other_tenant`: an admin of Paulx, a commune with no link to the EPCI: refused everywhere.
- `unfederated`: an admin of Machecoul-Saint-Même, whose link with the EPCI is only INVITED:
  refused everywhere.
- `federated`: an admin of Legé, whose link is ACTIVE, editor of one federation space: may pass
  member routes (as a stand-in, never as an admin of the EPCI), sees the names of the
  federation spaces open to Legé and the content of the one they joined, nothing else: no
  private, tenant-wide, public-project or out-of-scope space, no template. The tenant's labels
  are the one exception: a federated editor picks among them in a task's form (shared
  vocabulary); the label list and its management stay refused (`test_label_pages_...`).
- `citizen`: a guest of the EPCI, member of public project B: sees B and nothing else; every
  id pointing into another space is refused.
- `removed_citizen`: the same after removal (membership deleted; the stale space membership in
  B is left on purpose): refused everywhere.
- `ended`: an admin of Corcoué-sur-Logne, whose link ENDED, still holding the editor membership
  of the federation space they had joined through it: refused everywhere.

Outcomes (`OUTCOMES`): open routes let everyone in; member routes refuse anonymous people and
outsiders and let the federated actor and the citizen in; admin-only, vendor-staff, machine-token
and webhook routes refuse all seven; personal routes of the bare domain let logged-in actors in.
Ids point into every space, the actor's own included (the actors refused at the tenant's door:
into the private space and the one they came closest to, `PROBES`).

For every request: no canary the actor must not see appears in the body; where the outcome is
a refusal (or the ids point into a space the actor must not see at all) the status is a
refusal (302 to log in, 401, 403, 404 or 405); and after GET and POST (with a plausible body),
nothing the actor must not touch has changed (`_fingerprint`): spaces, their members and
content, labels, templates, the EPCI's memberships and federation links.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.accounts.services import add_member
from entente.checklists.models import Checklist, ChecklistItem, ProcedureTemplate, TemplateItem
from entente.checklists.services import ItemSpec, create_template, launch_template
from entente.core.db import connection
from entente.discussions.models import Comment, Thread
from entente.discussions.services import add_comment as add_thread_comment
from entente.discussions.services import create_thread
from entente.documents.models import Document, Folder
from entente.documents.selectors import tree_root
from entente.documents.services import create_folder
from entente.documents.services import upload as upload_document
from entente.meetings.extract import publish_extract
from entente.meetings.minutes import approve_minutes, submit_minutes, write_item_minutes
from entente.meetings.models import Meeting, Minutes
from entente.meetings.services import MeetingSpec, add_agenda_item, create_meeting
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.spaces.permissions import SpaceAbilities
from entente.tasks.models import Label, Task, TaskAttachment, TaskComment
from entente.tasks.services import add_attachment, create_task
from entente.tasks.services import add_comment as add_task_comment
from tenants.models import FederationLink, FederationState, Tenant, TenantKind
from tenants.provisioning import create_tenant
from tests.conftest import SESSION_TENANTS, ensure_session_tenants
from tests.support.acting import seeding
from tests.test_isolation_matrix import (
    AUTHENTICATED,
    MACHINE_TOKEN,
    MEMBERS,
    OPEN,
    OPEN_PREFIXES,
    PLATFORM_ROUTES,
    PLATFORM_URLCONF,
    SAMPLES,
    SCIM_TOKEN,
    TENANT_ADMINS,
    TENANT_ROUTES,
    TENANT_STAFF,
    TENANT_URLCONF,
    VENDOR_STAFF,
    VENDOR_STAFF_PREFIXES,
    WEBHOOK_SECRET,
    Route,
    policy_for,
    routes_of,
)

pytestmark = pytest.mark.django_db

EVERYTHING = SpaceAbilities(view=True, comment=True, edit=True, manage=True)

# What an actor's request must come to.
REFUSED = "refused"  # a refusal status, and no canary
NO_LEAK = "no_leak"  # may pass, but shows no canary it must not and changes nothing it must not

# The actors, and their standing towards the EPCI.
ANONYMOUS = "anonymous"
OUTSIDER = "outsider"  # reaches nothing of the EPCI
FEDERATED = "federated"  # a stand-in member through an active link
CITIZEN = "citizen"  # a guest of one public project
STANDING = {
    "anonymous": ANONYMOUS,
    "other_tenant": OUTSIDER,
    "unfederated": OUTSIDER,
    "federated": FEDERATED,
    "citizen": CITIZEN,
    "removed_citizen": OUTSIDER,
    "ended": OUTSIDER,
}
ACTORS = tuple(STANDING)

# Route policy × standing → outcome. A policy missing here fails every test of its routes.
OUTCOMES: dict[str, dict[str, str]] = {
    OPEN: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), NO_LEAK),
    MEMBERS: {ANONYMOUS: REFUSED, OUTSIDER: REFUSED, FEDERATED: NO_LEAK, CITIZEN: NO_LEAK},
    TENANT_ADMINS: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), REFUSED),
    TENANT_STAFF: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), REFUSED),
    AUTHENTICATED: {ANONYMOUS: REFUSED, OUTSIDER: NO_LEAK, FEDERATED: NO_LEAK, CITIZEN: NO_LEAK},
    VENDOR_STAFF: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), REFUSED),
    MACHINE_TOKEN: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), REFUSED),
    WEBHOOK_SECRET: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), REFUSED),
    SCIM_TOKEN: dict.fromkeys((ANONYMOUS, OUTSIDER, FEDERATED, CITIZEN), REFUSED),
}

# The spaces of the EPCI: key → visibility.
SPACES = {
    "private": Visibility.PRIVATE,
    "tenant": Visibility.TENANT,
    "fed_joined": Visibility.FEDERATION,  # scope: Legé (and Corcoué); the federated actor's
    "fed_open": Visibility.FEDERATION,  # scope: every linked commune; not joined
    "fed_outside": Visibility.FEDERATION,  # scope: Machecoul only (needs federation_scope)
    "project_a": Visibility.PUBLIC_PROJECT,
    "project_b": Visibility.PUBLIC_PROJECT,
}
# Which spaces' names / content each actor may see (everything else is forbidden).
NAMES_ALLOWED = {"federated": {"fed_joined", "fed_open"}, "citizen": {"project_b"}}
CONTENT_ALLOWED = {"federated": {"fed_joined"}, "citizen": {"project_b"}}
# Tenant-wide canaries (template, label) an actor may meet: the label in a task form's picker.
TENANT_CANARIES_ALLOWED = {"federated": {1}}
# Actors refused by the tenant's door whatever the ids: probed on the private space and on the
# one they came closest to (the rest costs time and proves nothing more).
PROBES = {
    "anonymous": ("private", "project_a"),
    "other_tenant": ("private", "fed_open"),
    "unfederated": ("private", "fed_open"),
    "removed_citizen": ("private", "project_b"),
    "ended": ("private", "fed_joined"),
}

# Communes made for the actors (provisioned inside the module's transaction).
EXTRA_COMMUNES = {
    "machecoul": {"name": "Machecoul-Saint-Même", "official_code": "44087"},
    "corcoue": {"name": "Corcoué-sur-Logne", "official_code": "44156"},
}

# A plausible body for POSTs: the field names the forms and the API use for their writes.
WRITE_MARK = "ECRITURE-INTERDITE"
POST_BODY = {
    "title": WRITE_MARK,
    "name": WRITE_MARK,
    "body": WRITE_MARK,
    "description": WRITE_MARK,
    "message": WRITE_MARK,
    "status": "done",
    "role": SpaceRole.EDITOR,
    "visibility": Visibility.TENANT,
    "color": "#000000",
    "reference_date": "2026-01-05",
    "space": "",
}


@dataclass
class World:
    epci: Tenant
    spaces: dict[str, Space]
    objects: dict[str, dict[str, int]]  # space key → object kind → id
    tenant_objects: dict[str, int]  # template, template_item, label, member
    names: dict[str, list[str]]  # space key → canaries of its name
    contents: dict[str, list[str]]  # space key → canaries of its content
    tenant_canaries: list[str]
    people: dict[str, User]
    links: dict[str, FederationLink] = field(default_factory=dict)
    fingerprints: dict[str, dict[str, Any]] = field(default_factory=dict)

    def forbidden_texts(self, actor: str) -> list[str]:
        names_ok = NAMES_ALLOWED.get(actor, set())
        content_ok = CONTENT_ALLOWED.get(actor, set())
        allowed = TENANT_CANARIES_ALLOWED.get(actor, set())
        texts = [text for i, text in enumerate(self.tenant_canaries) if i not in allowed]
        for key in self.spaces:
            if key not in names_ok:
                texts += self.names[key]
            if key not in content_ok:
                texts += self.contents[key]
        return texts

    def targets(self, actor: str) -> list[str]:
        """The spaces the actor's ids point into: every one (those they may read too: their
        pages must show nothing of the others, e.g. in a picker), or their probes."""
        if actor in PROBES:
            return [key for key in PROBES[actor] if key in self.spaces]
        return list(self.spaces)

    def fingerprint(self, actor: str) -> dict[str, Any]:
        """The world's state as built (every test rolls back to it), computed once per actor."""
        if actor not in self.fingerprints:
            self.fingerprints[actor] = _fingerprint(self, actor)
        return self.fingerprints[actor]

    def invisible(self, actor: str) -> set[str]:
        return {key for key in self.spaces if key not in NAMES_ALLOWED.get(actor, set())}


def _canary(key: str, what: str) -> str:
    return f"CANARI-{key}-{what}-{uuid.uuid4().hex[:12]}"


def _set_scope(space: Space, commune_ids: list[int]) -> bool:
    """Limit a federation space to these communes, if the model has a scope (issue 5)."""
    try:
        Space._meta.get_field("federation_scope")
    except Exception:
        return False
    space.federation_scope = commune_ids
    space.save()
    return True


def _join(space: Space, user: User, role: str, via: Tenant | None = None) -> None:
    membership = SpaceMembership(space=space, user=user, role=role)
    if via is not None and hasattr(membership, "via_tenant_id"):
        membership.via_tenant_id = via.pk
    membership.save()


def _commune(spec: dict[str, str]) -> Tenant:
    existing = Tenant.objects.filter(kind=TenantKind.COMMUNE, official_code=spec["official_code"])
    return existing.first() or create_tenant(
        name=spec["name"], kind=TenantKind.COMMUNE, official_code=spec["official_code"]
    )


def _person(label: str) -> User:
    return User.objects.create_user(
        f"matrice-{label}-{uuid.uuid4().hex[:8]}@example.fr",
        "mot-de-passe-solide-42",
        full_name=f"Personne {label}",
    )


def _approved_meeting(owner: User, space: Space, title: str, text: str) -> Meeting:
    """A meeting with approved minutes; in a public project, its extract published."""
    meeting = create_meeting(
        seeding(owner),
        space=space,
        spec=MeetingSpec(title, datetime.datetime(2026, 1, 5, 18, tzinfo=datetime.UTC)),
    )
    item = add_agenda_item(seeding(owner), meeting, title="Point de la matrice")
    write_item_minutes(seeding(owner), item, text=text)
    submit_minutes(seeding(owner), meeting, approver_ids=[owner.pk])
    approve_minutes(seeding(owner), meeting)
    if space.visibility == Visibility.PUBLIC_PROJECT:
        publish_extract(seeding(owner), meeting)
    return meeting


def _build_world() -> World:
    ensure_session_tenants()

    def session(key: str) -> Tenant:
        return Tenant.objects.get(official_code=SESSION_TENANTS[key]["official_code"])

    epci, lege, paulx = session("tenant_epci"), session("tenant_a"), session("tenant_b")
    machecoul = _commune(EXTRA_COMMUNES["machecoul"])
    corcoue = _commune(EXTRA_COMMUNES["corcoue"])
    FederationLink.objects.filter(epci=epci).delete()
    links = {
        "federated": FederationLink.objects.create(
            epci=epci, commune=lege, state=FederationState.ACTIVE
        ),
        "unfederated": FederationLink.objects.create(
            epci=epci, commune=machecoul, state=FederationState.INVITED
        ),
        "ended": FederationLink.objects.create(
            epci=epci, commune=corcoue, state=FederationState.ENDED
        ),
    }
    owner = _person("proprietaire")
    add_member(epci, owner, Role.ADMIN)
    people = {
        "owner": owner,
        "other_tenant": _person("paulx"),
        "unfederated": _person("machecoul"),
        "federated": _person("lege"),
        "citizen": _person("citoyen"),
        "removed_citizen": _person("ancien-citoyen"),
        "ended": _person("corcoue"),
    }
    add_member(paulx, people["other_tenant"], Role.ADMIN)
    add_member(machecoul, people["unfederated"], Role.ADMIN)
    add_member(lege, people["federated"], Role.ADMIN)
    add_member(corcoue, people["ended"], Role.ADMIN)
    add_member(epci, people["citizen"], Role.GUEST)
    add_member(epci, people["removed_citizen"], Role.GUEST)

    spaces: dict[str, Space] = {}
    objects: dict[str, dict[str, int]] = {}
    names: dict[str, list[str]] = {}
    contents: dict[str, list[str]] = {}
    owner_membership = Membership.objects.select_related("tenant", "user").get(
        tenant=epci, user=owner
    )
    with tenant_context(epci):
        template = create_template(
            seeding(owner),
            name=_canary("tenant", "procedure"),
            items=[ItemSpec(title="Étape de la procédure secrète")],
        )
        launcher = create_template(
            seeding(owner),
            name="Procédure ordinaire",
            items=[ItemSpec(title="Vérifier les pièces")],
        )
        label = Label.objects.create(name="Étiquette de la matrice")  # on every canary task
        # Labels are the tenant's: one on no task the actor may see is none of their business.
        secret_label = Label.objects.create(name=_canary("tenant", "etiquette"))
        for key, visibility in SPACES.items():
            name = _canary(key, "espace")
            space = Space.objects.create(
                name=name, description=f"{name} description", visibility=visibility
            )
            if key == "fed_outside" and not _set_scope(space, [machecoul.pk]):
                space.delete()
                continue
            if key == "fed_joined":
                _set_scope(space, [lege.pk, corcoue.pk])
            _join(space, owner, SpaceRole.EDITOR)
            texts = {
                what: _canary(key, what)
                for what in ("tache", "detail", "commentaire", "fichier", "sujet", "message")
            }
            texts["procedure"] = _canary(key, "procedure")
            task = create_task(
                seeding(owner),
                space=space,
                title=texts["tache"],
                description=f"<p>{texts['detail']}</p>",
                assignee_ids=[owner.pk],
                label_ids=[label.pk],
            )
            task_comment = add_task_comment(seeding(owner), task, body=texts["commentaire"])
            attachment = add_attachment(
                seeding(owner),
                task,
                upload=ContentFile(texts["fichier"].encode(), name=f"{texts['fichier']}.txt"),
            )
            thread = create_thread(seeding(owner), space=space, title=texts["sujet"], body="Début")
            thread_comment = add_thread_comment(seeding(owner), thread, body=texts["message"])
            checklist = launch_template(
                seeding(owner),
                launcher,
                space=space,
                reference_date=datetime.date(2026, 1, 5),
                name=texts["procedure"],
            )
            texts["document"] = _canary(key, "document")
            texts["dossier"] = _canary(key, "dossier")
            folder = create_folder(
                membership=owner_membership, parent=tree_root(space), name=texts["dossier"]
            )
            version = upload_document(
                membership=owner_membership,
                folder=folder,
                name=f"{texts['document']}.txt",
                content=io.BytesIO(texts["document"].encode()),
            )
            texts["reunion"] = _canary(key, "reunion")
            texts["pv"] = _canary(key, "pv")
            meeting = _approved_meeting(owner, space, texts["reunion"], texts["pv"])
            spaces[key] = space
            names[key] = [name]
            contents[key] = list(texts.values())
            objects[key] = {
                "space": space.pk,
                "task": task.pk,
                "task_comment": task_comment.pk,
                "attachment": attachment.pk,
                "thread": thread.pk,
                "thread_comment": thread_comment.pk,
                "checklist": checklist.pk,
                "checklist_item": checklist.items.get().pk,
                "folder": folder.pk,
                "document": version.document_id,
                "version": version.pk,
                "meeting": meeting.pk,
            }
        _join(spaces["fed_joined"], people["federated"], SpaceRole.EDITOR, via=lege)
        _join(spaces["fed_joined"], people["ended"], SpaceRole.EDITOR, via=corcoue)
        _join(spaces["project_b"], people["citizen"], SpaceRole.COMMENTER)
        _join(spaces["project_b"], people["removed_citizen"], SpaceRole.COMMENTER)
        tenant_objects = {
            "template": template.pk,
            "template_item": template.items.get().pk,
            "label": secret_label.pk,
            "member": owner.pk,
        }
    # Removal deletes the membership; the stale space membership must not open anything.
    Membership.objects.filter(tenant=epci, user=people["removed_citizen"]).delete()
    connection.set_schema_to_public()
    return World(
        epci=epci,
        spaces=spaces,
        objects=objects,
        tenant_objects=tenant_objects,
        names=names,
        contents=contents,
        tenant_canaries=[template.name, secret_label.name],
        people=people,
        links=links,
    )


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once, in a transaction the module's tests run inside (as savepoints), rolled back."""
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]
    media = tempfile.mkdtemp(prefix="entente-matrix-")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build_world()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()
            shutil.rmtree(media, ignore_errors=True)


# -- URLs pointing at the canaries ----------------------------------------------------------------

PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")
# The collection a `pk` belongs to, by the path segment before it.
PK_COLLECTIONS = {
    "taches": "task",
    "tasks": "task",
    "discussions": "thread",
    "checklists": "checklist",
    "checklist-templates": "template",
    "labels": "label",
    "etiquettes": "label",
    "dossiers": "folder",
    "folders": "folder",
    "fichiers": "document",
    "files": "document",
    "versions": "version",
    "reunions": "meeting",
    "seances-publiques": "meeting",
}
SPACE_KINDS = {
    "space",
    "task",
    "task_comment",
    "attachment",
    "thread",
    "thread_comment",
    "checklist",
    "checklist_item",
    "folder",
    "document",
    "version",
    "meeting",
}


def _params(pattern: str) -> list[tuple[str, str]]:
    """(parameter, the path segment before it) for each parameter of a URL pattern."""
    found = []
    previous = ""
    for segment in pattern.split("/"):
        match = PARAM.search(segment)
        if match:
            found.append((match.group(1) or match.group(2), previous))
        else:
            previous = segment
    return found


def _kind(param: str, segment: str, pattern: str) -> str | None:
    """Which canary object a URL parameter names (None: not one of ours)."""
    in_space = "space_id" in pattern
    kinds = {
        "space_id": "space",
        "member_id": "member",
        "user_id": "member",
        "link_id": "link",
        "label_id": "label",
        "attachment_id": "attachment",
        "comment_id": "thread_comment" if "discussions/" in pattern else "task_comment",
        "item_id": "checklist_item" if in_space else "template_item",
        "version_id": "version",
    }
    if param == "pk":
        if segment == "procedures":
            return "checklist" if in_space else "template"
        return PK_COLLECTIONS.get(segment)
    return kinds.get(param)


def _reverse(route: Route, urlconf: str, kwargs: dict[str, Any]) -> str | None:
    for sample in SAMPLES:
        filled = {key: sample if value is None else value for key, value in kwargs.items()}
        try:
            return reverse(route.name, urlconf=urlconf, kwargs=filled)
        except NoReverseMatch:
            continue
    return None


def _paths(route: Route, urlconf: str, world: World, actor: str) -> list[tuple[str | None, str]]:
    """(target space or None, path) to request: one per forbidden space if the route has ids."""
    params = _params(route.pattern)
    kinds = {param: _kind(param, segment, route.pattern) for param, segment in params}
    if not params or urlconf != TENANT_URLCONF:
        return [(None, route.path)]
    link = world.links.get(actor, world.links["federated"])
    shared = {"link": link.pk, **world.tenant_objects}
    targets: list[str | None] = (
        list(world.targets(actor)) if SPACE_KINDS & set(kinds.values()) else [None]
    )
    paths = []
    for target in targets:
        objects = world.objects[target] if target is not None else {}
        kwargs = {
            param: (objects | shared).get(kind) if kind is not None else None
            for param, kind in kinds.items()
        }
        path = _reverse(route, urlconf, kwargs)
        paths.append((target, path or route.path))
    return paths


# -- What must not change ----------------------------------------------------------------------


def _fingerprint(world: World, actor: str) -> dict[str, Any]:
    """Everything in the EPCI the actor must not change (spaces they may write in left out).

    Each table is read once for every space and grouped here: the fingerprint is taken after
    every request that was let through, and one query per table per space cost a fifth of the
    module's time."""
    user = world.people.get(actor)
    print_: dict[str, Any] = {
        "memberships": sorted(
            Membership.objects.filter(tenant=world.epci).values_list("user_id", "role")
        ),
        "links": sorted(
            FederationLink.objects.filter(epci=world.epci).values_list("pk", "state", "updated_at")
        ),
    }
    watched = {
        space.pk: key
        for key, space in world.spaces.items()
        if key not in CONTENT_ALLOWED.get(actor, set())
    }

    def by_space(queryset: Any, space_field: str, *fields: str) -> dict[str, list[Any]]:
        """{space key: sorted rows}, every watched space present even with no row."""
        grouped: dict[str, list[Any]] = {key: [] for key in watched.values()}
        for space_id, *row in queryset.filter(**{f"{space_field}__in": watched}).values_list(
            space_field, *fields
        ):
            grouped[watched[space_id]].append(tuple(row))
        return {key: sorted(rows) for key, rows in grouped.items()}

    with tenant_context(world.epci):
        print_["spaces"] = sorted(Space.objects.values_list("pk", flat=True))
        print_["labels"] = sorted(Label.objects.values_list("pk", "name", "color"))
        print_["templates"] = sorted(
            ProcedureTemplate.objects.values_list("pk", "name", "updated_at")
        )
        print_["template_items"] = sorted(
            TemplateItem.objects.values_list("pk", "template_id", "title", "position")
        )
        members = SpaceMembership.objects.all()
        if user is not None:
            # joining an open space is theirs to do: their own membership there is left out
            joinable = [world.spaces[key].pk for key in NAMES_ALLOWED.get(actor, set())]
            members = members.exclude(user=user, space_id__in=joinable)
        tables = {
            "space": by_space(
                Space.objects.all(),
                "pk",
                "name",
                "description",
                "visibility",
                "archived_at",
                "updated_at",
            ),
            "members": by_space(members, "space_id", "user_id", "role"),
            "tasks": by_space(
                Task.objects.all(), "space_id", "pk", "title", "status", "updated_at"
            ),
            "task_comments": by_space(
                TaskComment.objects.all(), "task__space_id", "pk", "updated_at"
            ),
            "attachments": by_space(TaskAttachment.objects.all(), "task__space_id", "pk", "name"),
            "threads": by_space(Thread.objects.all(), "space_id", "pk", "title", "updated_at"),
            "comments": by_space(Comment.objects.all(), "thread__space_id", "pk", "updated_at"),
            "checklists": by_space(Checklist.objects.all(), "space_id", "pk", "name", "updated_at"),
            "folders": by_space(
                Folder.objects.all(), "space_id", "pk", "name", "parent_id", "deleted_at"
            ),
            "documents": by_space(
                Document.objects.all(),
                "folder__space_id",
                "pk",
                "name",
                "folder_id",
                "deleted_at",
                "current_id",
            ),
            "minutes": by_space(
                Minutes.objects.all(),
                "meeting__space_id",
                "pk",
                "state",
                "published_at",
                "shared_at",
            ),
            "meetings": by_space(
                Meeting.objects.all(), "space_id", "pk", "title", "updated_at", "convened_at"
            ),
            "checklist_items": by_space(
                ChecklistItem.objects.all(), "checklist__space_id", "pk", "task_id"
            ),
        }
        for key in watched.values():
            print_[key] = {table: rows[key] for table, rows in tables.items()}
    connection.set_schema_to_public()
    return print_


# -- The matrix ---------------------------------------------------------------------------------

REFUSALS = {401, 403, 404, 405}


def _all_routes() -> list[tuple[str, Route]]:
    """Every route of both hosts but the Django admin's (a hundred routes of the bare domain,
    all refused to anyone but vendor staff by tests/test_isolation_matrix.py, holding no
    tenant content), which would double the module's time and prove nothing more."""
    platform = [
        route
        for route in routes_of(PLATFORM_URLCONF)
        if route.pattern.startswith(OPEN_PREFIXES)
        or not route.pattern.startswith(VENDOR_STAFF_PREFIXES)
    ]
    return [(TENANT_URLCONF, route) for route in routes_of(TENANT_URLCONF)] + [
        (PLATFORM_URLCONF, route) for route in platform
    ]


def _body(response: Any) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _client(world: World, actor: str, host: str) -> Client:
    client = Client(HTTP_HOST=host)
    if actor != "anonymous":
        client.force_login(world.people[actor])
    return client


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize(
    ("urlconf", "route"),
    _all_routes(),
    ids=lambda value: value.name if isinstance(value, Route) else value.rsplit(".", 1)[-1],
)
def test_no_actor_reaches_what_it_must_not(
    urlconf: str, route: Route, actor: str, world: World
) -> None:
    table = TENANT_ROUTES if urlconf == TENANT_URLCONF else PLATFORM_ROUTES
    policy = policy_for(route, table)
    assert policy in OUTCOMES, f"{route.name}: policy {policy!r} has no row in OUTCOMES"
    outcome = OUTCOMES[policy][STANDING[actor]]
    host = world.epci.primary_host if urlconf == TENANT_URLCONF else settings.ENTENTE_DOMAIN
    forbidden = world.forbidden_texts(actor)
    invisible = world.invisible(actor)
    baseline = world.fingerprint(actor)  # before any request of this test
    problems = []
    passed = False  # some request was let through: then check that nothing changed
    client = _client(world, actor, host)
    for target, path in _paths(route, urlconf, world, actor):
        must_refuse = outcome == REFUSED or target in invisible
        for method in ("get", "post"):
            if policy == OPEN:
                client = _client(world, actor, host)  # logging out ends the session
            response = client.get(path) if method == "get" else client.post(path, POST_BODY)
            status = response.status_code
            where = f"{method.upper()} {path} (space {target})"
            leaked = [text for text in forbidden if text in _body(response)]
            if leaked:
                problems.append(f"{where} → {status} shows {leaked}")
            if status >= 500:
                problems.append(f"{where} → {status}")
            to_login = status == 302 and "login" in response.get("Location", "")
            refused = status in REFUSALS or to_login
            passed = passed or not refused
            if must_refuse and not refused:
                problems.append(f"{where} → {status}, not a refusal")
    assert not problems, f"{actor} on {route.name} ({policy}):\n" + "\n".join(problems)
    if passed:
        after = _fingerprint(world, actor)
        changed = {k: (baseline[k], after[k]) for k in baseline if baseline[k] != after[k]}
        assert not changed, f"{actor} on {route.name} changed what they must not: {changed}"


def test_the_canaries_are_there_for_those_who_may_see_them(world: World) -> None:
    """Without this, a canary planted wrong (or a body read wrong) would make the matrix pass."""
    client = _client(world, "owner", world.epci.primary_host)
    private = world.objects["private"]
    pages = {
        reverse("spaces:list", urlconf=TENANT_URLCONF): world.names["private"],
        reverse("tasks:detail", urlconf=TENANT_URLCONF, kwargs={"pk": private["task"]}): [
            world.contents["private"][0]
        ],
        reverse(
            "tasks:attachment_download",
            urlconf=TENANT_URLCONF,
            kwargs={"pk": private["task"], "attachment_id": private["attachment"]},
        ): [world.contents["private"][3]],
        reverse(
            "discussions:thread",
            urlconf=TENANT_URLCONF,
            kwargs={"space_id": private["space"], "pk": private["thread"]},
        ): [world.contents["private"][4], world.contents["private"][5]],
        reverse("checklists:template_list", urlconf=TENANT_URLCONF): world.tenant_canaries[:1],
        reverse("tasks:labels", urlconf=TENANT_URLCONF): world.tenant_canaries[1:],
    }
    for path, texts in pages.items():
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        body = _body(response)
        assert all(text in body for text in texts), (path, texts)
    assert set(world.spaces) >= set(SPACES) - {"fed_outside"}


def test_the_citizen_reads_their_projects_published_extract(world: World) -> None:
    """The one meeting page a citizen opens: project B's extract, with its minutes' canary."""
    client = _client(world, "citizen", world.epci.primary_host)
    kwargs = {"space_id": world.objects["project_b"]["space"]}
    meeting = world.objects["project_b"]["meeting"]
    page = reverse("meetings:extract", urlconf=TENANT_URLCONF, kwargs={**kwargs, "pk": meeting})
    listing = reverse("meetings:extracts", urlconf=TENANT_URLCONF, kwargs=kwargs)
    detail = reverse(
        "meetings:meeting_detail", urlconf=TENANT_URLCONF, kwargs={**kwargs, "pk": meeting}
    )
    response = client.get(page)
    assert response.status_code == 200
    assert world.contents["project_b"][-1] in _body(response)  # the minutes' text
    assert world.contents["project_b"][-2] in _body(client.get(listing))  # the meeting's title
    assert client.get(detail).status_code == 404  # the meeting itself stays closed


@pytest.mark.parametrize("actor", ["federated", "citizen"])
@pytest.mark.parametrize("route", ["tasks:labels", "api-label-list", "api-label-detail"])
def test_label_pages_are_refused_to_guests_and_federated_staff(
    world: World, client_for: Any, actor: str, route: str
) -> None:
    """The label list is the tenant staff's own: refused even where the picker shows labels."""
    kwargs = {"pk": world.tenant_objects["label"]} if route == "api-label-detail" else {}
    path = reverse(route, urlconf=TENANT_URLCONF, kwargs=kwargs)
    response = client_for(world.epci, world.people[actor]).get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert world.tenant_canaries[1] not in _body(response)
