"""A canary planted where an actor may not look is never found, by page, suggestions or API.

The world is the isolation matrix's (`tests/test_isolation_actors.py`): in the CC Sud Retz
Atlantique, private, tenant-wide, federation and public-project spaces, each holding a task
(with a comment and a file), a discussion (with a message) and a checklist named by unique
canaries, and a procedure template named by one. It is indexed once, then every actor searches:

- the word all canaries share (« canari »): the page, the suggestions and the API list exactly
  the entries the actor may open, and the API's count is theirs only (nothing else counted);
- each canary they may not see, through the service: nothing, and a count of what is shown.

Actors of the matrix: anonymous, an admin of another commune (`other_tenant`), of a commune
whose link is only invited (`unfederated`), of one whose link ended and who still holds the
space membership (`ended`), a federated admin of Legé who joined one federation space, a citizen
of project B, the same citizen after removal; plus an agent of the CC (`staff`) who is a member
of no space: everything but the private space.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client, override_settings
from django_tenants.utils import tenant_context

from entente.accounts.acting import note_federation_change
from entente.accounts.models import Membership, Role, User
from entente.accounts.services import add_member
from entente.citizens.services import set_open_sections
from entente.core.db import connection
from entente.search.query import SearchQuery, strip_marks
from entente.search.selectors import search
from entente.search.services import reindex_tenant
from tenants.models import FederationLink, FederationState, Tenant
from tests.test_isolation_actors import SPACES, World, _build_world, _person

pytestmark = pytest.mark.django_db

# Which spaces each actor may open, and in them which sections (None: all).
OPENS: dict[str, dict[str, set[str] | None]] = {
    "anonymous": {},
    "other_tenant": {},
    "unfederated": {},
    "ended": {},
    "removed_citizen": {},
    "federated": {"fed_joined": None},
    "citizen": {"project_b": {"discussions"}},  # the sections open to citizens by default
    "staff": {key: None for key in SPACES if key != "private"},
}
SEES_TEMPLATES = {"staff"}
# The host each actor searches from: their own tenant's (the CC's when they have none there).
HOSTS = {
    "other_tenant": "paulx",
    "unfederated": "machecoul",
    "ended": "corcoue",
    "federated": "lege",
}
ACTORS = tuple(OPENS)
PEOPLE = tuple(actor for actor in ACTORS if actor != "anonymous")  # actors with an account
# The entry each canary's object is found as (its title), and the section it lies in.
SECTION_OF = {
    "tache": "tasks",
    "sujet": "discussions",
    "procedure": "checklists",
    "reunion": "meetings",  # each space's council, with approved minutes (the « pv »)
}
CONTENT_SECTION = {
    **SECTION_OF,
    "detail": "tasks",
    "commentaire": "tasks",
    "fichier": "documents",  # a task's attachment is a document of its space
    "message": "discussions",
    "document": "documents",
    "dossier": "documents",
    "pv": "meetings",  # found as its meeting, by those who may open the meeting
}


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The matrix's world plus an agent of the CC, indexed; all rolled back at the end."""
    assert connection.settings_dict["NAME"].startswith("test"), connection.settings_dict["NAME"]
    media = tempfile.mkdtemp(prefix="entente-search-")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = _build_world()
            built.people["staff"] = _person("agent")
            add_member(built.epci, built.people["staff"], Role.AGENT)
            for tenant in Tenant.objects.exclude(schema_name="public"):
                if tenant.schema_name != "entente_template":
                    reindex_tenant(tenant)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            connection.set_schema_to_public()
            shutil.rmtree(media, ignore_errors=True)


def _content(world: World, key: str, what: str) -> str:
    return next(text for text in world.contents[key] if f"-{what}-" in text)


def visible_titles(world: World, actor: str) -> set[str]:
    """The canary titles of the entries the actor may open (what « canari » must list)."""
    titles: set[str] = set()
    for key, sections in OPENS[actor].items():
        if key not in world.spaces:
            continue
        titles.add(world.names[key][0])
        for what, section in SECTION_OF.items():
            if sections is None or section in sections:
                titles.add(_content(world, key, what))
        if sections is None or "documents" in sections:  # a file's entry is titled by its name
            titles.add(_content(world, key, "document") + ".txt")
            titles.add(_content(world, key, "fichier") + ".txt")  # the task's attachment
    if actor in SEES_TEMPLATES:
        titles.add(world.tenant_canaries[0])
    return titles


def forbidden_texts(world: World, actor: str) -> list[str]:
    allowed_spaces = OPENS[actor]
    texts = [] if actor in SEES_TEMPLATES else [world.tenant_canaries[0]]
    for key in world.spaces:
        sections = allowed_spaces.get(key, set())
        if key not in allowed_spaces:
            texts += world.names[key]
        for text in world.contents[key]:
            what = text.split("-")[2]
            section = CONTENT_SECTION[what]
            if key not in allowed_spaces or (sections is not None and section not in sections):
                texts.append(text)
    return texts


def _client(world: World, actor: str) -> tuple[Client, Tenant]:
    tenant = world.epci
    if actor in HOSTS:
        tenant = Tenant.objects.get(slug__startswith=HOSTS[actor])
    client = Client(HTTP_HOST=tenant.primary_host)
    if actor != "anonymous":
        client.force_login(world.people[actor])
    return client, tenant


@pytest.mark.parametrize("actor", PEOPLE)
def test_service_finds_each_forbidden_canary_nowhere(world: World, actor: str) -> None:
    user = world.people[actor]
    for text in forbidden_texts(world, actor):
        answer = search(user, SearchQuery(text=text, limit=100))
        shown = [strip_marks(f.hit.title_marked + " " + f.hit.excerpt_marked) for f in answer.found]
        assert not [s for s in shown if text.lower() in s.lower()], (actor, text)
        assert answer.total == len(answer.found), (actor, text)  # nothing hidden is counted


@pytest.mark.parametrize("actor", PEOPLE)
def test_service_lists_exactly_what_the_actor_may_open(world: World, actor: str) -> None:
    user = world.people[actor]
    answer = search(user, SearchQuery(text="canari", limit=100))
    assert {f.hit.title for f in answer.found} == visible_titles(world, actor)
    assert answer.total == len(visible_titles(world, actor))


def test_service_finds_nothing_for_anonymous(world: World) -> None:
    answer = search(AnonymousUser(), SearchQuery(text="canari", limit=100))  # type: ignore[arg-type]
    assert (answer.found, answer.total) == ([], 0)


@pytest.mark.parametrize("actor", ACTORS)
def test_api_lists_and_counts_only_what_the_actor_may_open(world: World, actor: str) -> None:
    client, _tenant = _client(world, actor)
    response = client.get("/api/v1/search/", {"q": "canari", "page_size": "100"})
    if actor in {"anonymous", "removed_citizen"}:
        assert response.status_code in {401, 403}
        return
    assert response.status_code == 200, response.content
    body = response.json()
    assert {item["title"] for item in body["results"]} == visible_titles(world, actor)
    assert body["count"] == len(visible_titles(world, actor))
    text = response.content.decode()
    for forbidden in forbidden_texts(world, actor):
        assert forbidden not in text


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("path", ["/recherche/", "/recherche/suggestions/"])
def test_pages_show_nothing_forbidden(world: World, actor: str, path: str) -> None:
    client, _tenant = _client(world, actor)
    pages = []
    for number in (1, 2, 3):  # the results page shows 20 a page; the staff's list is longer
        response = client.get(path, {"q": "canari", "page": str(number)})
        if actor in {"anonymous", "removed_citizen"}:
            assert response.status_code in {302, 403}
            return
        assert response.status_code == 200
        pages.append(response.content.decode())
    text = "".join(pages)
    for forbidden in forbidden_texts(world, actor):
        assert forbidden not in text
    if path == "/recherche/":
        unmarked = text.replace("<mark>", "").replace("</mark>", "")
        for title in visible_titles(world, actor):
            assert title in unmarked


@pytest.mark.parametrize("actor", ["other_tenant", "unfederated", "ended", "removed_citizen"])
def test_outsiders_are_refused_on_the_cc_host(world: World, actor: str) -> None:
    client = Client(HTTP_HOST=world.epci.primary_host)
    client.force_login(world.people[actor])
    assert client.get("/recherche/", {"q": "canari"}).status_code in {302, 403, 404}
    assert client.get("/api/v1/search/", {"q": "canari"}).status_code in {401, 403, 404}


def test_a_section_opened_to_citizens_is_found_at_once(world: World) -> None:
    """Opening the tasks of project B needs no re-indexing: rights are read at query time."""
    citizen: User = world.people["citizen"]
    tache = _content(world, "project_b", "tache")
    assert search(citizen, SearchQuery(text=tache)).total == 0
    editor = Membership.objects.get(tenant=world.epci, user=world.people["owner"])
    with transaction.atomic(), tenant_context(world.epci):
        set_open_sections(editor, world.spaces["project_b"], ["discussions", "tasks"])
        found = search(citizen, SearchQuery(text=tache)).found
        transaction.set_rollback(True)
    assert [f.hit.title for f in found] == [tache]


def test_ending_the_federation_link_ends_the_finding_at_once(world: World) -> None:
    """The federated actor finds their space's canaries until Legé's link ends, then nothing:
    no re-indexing, the reach is read at query time."""
    federated: User = world.people["federated"]
    tache = _content(world, "fed_joined", "tache")
    assert [f.hit.title for f in search(federated, SearchQuery(text=tache)).found] == [tache]
    with transaction.atomic():
        link = world.links["federated"]
        FederationLink.objects.filter(pk=link.pk).update(state=FederationState.ENDED)
        note_federation_change(epci_ids=[link.epci_id])  # as the federation's services do
        answer = search(federated, SearchQuery(text="canari", limit=100))
        transaction.set_rollback(True)
    assert (answer.found, answer.total) == ([], 0)
