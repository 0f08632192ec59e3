"""Procedure pages, per actor: the status code and what the database holds afterwards."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from entente.checklists import services
from entente.checklists.models import Checklist, ProcedureTemplate, TemplateItem
from entente.checklists.permissions import TemplateAbilities
from entente.checklists.services import ItemSpec
from entente.checklists.starter import PROCEDURES
from entente.tasks.models import Task, TaskStatus
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

EDIT = TemplateAbilities(view=True, edit=True)


def _template(actors: SpaceActors) -> ProcedureTemplate:
    with actors.inside():
        return services.create_template(
            seeding(actors.people["editor"]),
            name="Conseil municipal",
            items=[ItemSpec("Convocation", -6), ItemSpec("Séance", 0)],
        )


def _refused(status: int, response: Any, actor: str) -> None:
    if actor == "anonymous":
        assert status == 302
        assert "/comptes/login/" in response["Location"]
    elif actor == "outsider":
        assert status == 403


LIST = {"editor": 200, "commenter": 200, "reader": 200, "staff": 200, "admin": 200, "guest": 403}


@pytest.mark.parametrize("actor", ACTORS)
def test_template_list(actors: SpaceActors, actor: str) -> None:
    template = _template(actors)
    response = actors.client(actor).get("/procedures/")
    if actor in LIST:
        assert response.status_code == LIST[actor]
        assert (template.name in response.content.decode()) == (LIST[actor] == 200)
    else:
        _refused(response.status_code, response, actor)
        assert template.name not in response.content.decode()


WRITERS = {"editor", "reader", "staff", "admin"}  # agents and admins


def test_an_empty_procedures_page_offers_the_usual_procedures_in_one_click(
    actors: SpaceActors,
) -> None:
    client = actors.client("staff")
    empty = client.get("/procedures/").content.decode()
    assert "Aucune procédure pour l'instant." in empty
    for name, _description, _items in PROCEDURES:
        assert f"<li>{name}</li>" in empty
    added = client.post("/procedures/courantes/", follow=True).content.decode()
    assert "3 procédures courantes ajoutées : relisez-les, puis lancez-en une." in added
    assert "Commencer avec les procédures courantes" not in added
    with actors.inside():
        assert ProcedureTemplate.objects.count() == len(PROCEDURES) == 3
        assert TemplateItem.objects.count() > 10
    client.post("/procedures/courantes/")  # twice: nothing more
    with actors.inside():
        assert ProcedureTemplate.objects.count() == 3
    # A commenter (an élu) reads procedures but adds none.
    refused = actors.client("commenter").post("/procedures/courantes/")
    assert refused.status_code == 403


@pytest.mark.parametrize("actor", ACTORS)
def test_template_create(actors: SpaceActors, actor: str) -> None:
    response = actors.client(actor).post("/procedures/nouvelle/", {"name": "Recensement"})
    with actors.inside():
        created = ProcedureTemplate.objects.filter(name="Recensement").first()
    if actor in WRITERS:
        assert response.status_code == 302
        assert created is not None
        assert response["Location"] == f"/procedures/{created.pk}/"
    else:
        assert created is None
        if actor in {"commenter", "guest"}:
            assert response.status_code == 403
        else:
            _refused(response.status_code, response, actor)


@pytest.mark.parametrize("actor", ACTORS)
def test_items_are_added_edited_moved_and_removed_inline(actors: SpaceActors, actor: str) -> None:
    template = _template(actors)
    client = actors.client(actor)
    htmx: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}
    add = client.post(
        f"/procedures/{template.pk}/etapes/",
        {"new-title": "Affichage", "new-due_offset_days": "7", "new-assignee": "role:agent"},
        **htmx,
    )
    with actors.inside():
        added = TemplateItem.objects.filter(template=template, title="Affichage").first()
    if actor not in WRITERS:
        assert added is None
        assert add.status_code in {302, 403}
        return
    assert add.status_code == 200
    assert added is not None
    assert 'id="template-items"' in add.content.decode()
    assert (added.due_offset_days, added.assignee_role, added.position) == (7, "agent", 2)
    first = template.items.first()
    assert first is not None
    edit = client.post(
        f"/procedures/{template.pk}/etapes/{first.pk}/",
        {
            f"i{first.pk}-title": "Convocation (5 jours francs)",
            f"i{first.pk}-due_offset_days": "-6",
            f"i{first.pk}-assignee": f"user:{actors.people['reader'].pk}",
        },
        **htmx,
    )
    assert edit.status_code == 200
    move = client.post(
        f"/procedures/{template.pk}/etapes/{added.pk}/deplacer/", {"direction": "up"}, **htmx
    )
    assert move.status_code == 200
    with actors.inside():
        rows = list(template.items.values_list("title", "assignee_id"))
    assert rows == [
        ("Convocation (5 jours francs)", actors.people["reader"].pk),
        ("Affichage", None),
        ("Séance", None),
    ]
    bad = client.post(
        f"/procedures/{template.pk}/etapes/", {"new-title": "", "new-due_offset_days": "0"}, **htmx
    )
    assert bad.status_code == 400
    assert "field-error" in bad.content.decode()
    delete = client.post(f"/procedures/{template.pk}/etapes/{added.pk}/supprimer/")  # no JS
    assert delete.status_code == 302
    with actors.inside():
        assert not TemplateItem.objects.filter(pk=added.pk).exists()


LAUNCHERS = {"editor", "admin"}


@pytest.mark.parametrize("actor", ACTORS)
def test_launch(actors: SpaceActors, actor: str) -> None:
    template = _template(actors)
    response = actors.client(actor).post(
        f"/procedures/{template.pk}/lancer/",
        {"space": actors.space.pk, "reference_date": "2026-03-12", "name": ""},
    )
    with actors.inside():
        checklist = Checklist.objects.filter(space=actors.space).first()
        tasks = Task.objects.filter(space=actors.space).count()
    if actor in LAUNCHERS:
        assert checklist is not None
        assert tasks == 2
        assert response.status_code == 302
        assert response["Location"] == f"/espaces/{actors.space.pk}/procedures/{checklist.pk}/"
        assert checklist.reference_date == datetime.date(2026, 3, 12)
    else:
        assert checklist is None
        assert tasks == 0
        if actor in {"anonymous", "outsider"}:
            _refused(response.status_code, response, actor)
        else:
            assert response.status_code == 403


def _launched(actors: SpaceActors) -> Checklist:
    with actors.inside():
        return services.launch_template(
            seeding(actors.people["editor"]),
            _template(actors),
            space=actors.space,
            reference_date=datetime.date(2026, 3, 12),
        )


READERS = {"editor": 200, "commenter": 200, "reader": 200, "admin": 200, "staff": 404, "guest": 404}


@pytest.mark.parametrize("actor", ACTORS)
def test_checklist_pages(actors: SpaceActors, actor: str) -> None:
    checklist = _launched(actors)
    base = f"/espaces/{actors.space.pk}/procedures/"
    for path in (base, f"{base}{checklist.pk}/"):
        response = actors.client(actor).get(path)
        if actor in READERS:
            assert response.status_code == READERS[actor], path
            assert (checklist.name in response.content.decode()) == (READERS[actor] == 200)
        else:
            _refused(response.status_code, response, actor)
            assert checklist.name not in response.content.decode()
    if actor == "editor":
        page = actors.client(actor).get(f"{base}{checklist.pk}/").content.decode()
        assert "0 étape(s) faite(s) sur 2" in page
        assert "J-6" in page
        assert "06/03/2026" in page


COMPLETERS = {
    "editor": 302,
    "admin": 302,
    "commenter": 403,
    "reader": 403,
    "staff": 404,
    "guest": 404,
}


@pytest.mark.parametrize("actor", ACTORS)
def test_completing_an_item(actors: SpaceActors, actor: str) -> None:
    checklist = _launched(actors)
    with actors.inside():
        item = checklist.items.first()
    assert item is not None
    response = actors.client(actor).post(
        f"/espaces/{actors.space.pk}/procedures/{checklist.pk}/etapes/{item.pk}/terminer/"
    )
    with actors.inside():
        status = Task.objects.get(checklist_item=item).status
    if actor in COMPLETERS:
        assert response.status_code == COMPLETERS[actor]
    else:
        _refused(response.status_code, response, actor)
    assert (status == TaskStatus.DONE) == (COMPLETERS.get(actor) == 302)


def test_a_checklist_of_another_space_is_not_found(actors: SpaceActors) -> None:
    checklist = _launched(actors)
    with actors.inside():
        from entente.spaces.models import Space

        other = Space.objects.create(name="Autre espace")
    response = actors.client("admin").get(f"/espaces/{other.pk}/procedures/{checklist.pk}/")
    assert response.status_code == 404


def test_the_space_home_page_shows_checklists_and_discussions(actors: SpaceActors) -> None:
    """Both apps add their section to the space's page through the spaces registry."""
    checklist = _launched(actors)
    from entente.discussions.services import create_thread

    with actors.inside():
        thread = create_thread(
            seeding(actors.people["editor"]),
            space=actors.space,
            title="Fête de la musique",
            body="Qui tient la buvette ?",
        )
    page = actors.client("reader").get(f"/espaces/{actors.space.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert checklist.name in html
    assert "0 sur 2" in html
    assert thread.title in html
