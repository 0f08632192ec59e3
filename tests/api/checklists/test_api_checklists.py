"""/api/v1/checklist-templates/ and /api/v1/spaces/<id>/checklists/, per actor."""

from __future__ import annotations

import datetime

import pytest

from entente.checklists import services
from entente.checklists.models import Checklist, ProcedureTemplate
from entente.checklists.permissions import TemplateAbilities
from entente.checklists.services import ItemSpec
from entente.tasks.models import Task
from tests.support.acting import seeding
from tests.support.actors import ACTORS, SpaceActors

EDIT = TemplateAbilities(view=True, edit=True)
WRITERS = {"editor", "reader", "staff", "admin"}  # agents and admins
ANON_OR_OUTSIDER = {"anonymous": 401, "outsider": 403}


def _template(actors: SpaceActors) -> ProcedureTemplate:
    with actors.inside():
        return services.create_template(
            seeding(),
            name="Permis de construire",
            items=[ItemSpec("Récépissé", 0), ItemSpec("Affichage", 15)],
        )


@pytest.mark.parametrize("actor", ACTORS)
def test_list_templates(actors: SpaceActors, actor: str) -> None:
    _template(actors)
    response = actors.client(actor).get("/api/v1/checklist-templates/")
    expected = ANON_OR_OUTSIDER.get(actor, 403 if actor == "guest" else 200)
    assert response.status_code == expected
    if expected == 200:
        [row] = response.json()["results"]
        assert [item["due_offset_days"] for item in row["items"]] == [0, 15]


@pytest.mark.parametrize("actor", ACTORS)
def test_create_template(actors: SpaceActors, actor: str) -> None:
    body = {
        "name": "Recensement",
        "items": [
            {
                "title": "Recruter les agents recenseurs",
                "due_offset_days": -60,
                "assignee_role": "admin",
            }
        ],
    }
    response = actors.client(actor).post(
        "/api/v1/checklist-templates/", body, content_type="application/json"
    )
    with actors.inside():
        created = ProcedureTemplate.objects.filter(name="Recensement").first()
    if actor in WRITERS:
        assert response.status_code == 201
        assert created is not None
        assert list(created.items.values_list("due_offset_days", "assignee_role")) == [
            (-60, "admin")
        ]
    else:
        assert response.status_code == ANON_OR_OUTSIDER.get(actor, 403)
        assert created is None


@pytest.mark.parametrize("actor", ACTORS)
def test_update_and_delete_template(actors: SpaceActors, actor: str) -> None:
    template = _template(actors)
    client = actors.client(actor)
    url = f"/api/v1/checklist-templates/{template.pk}/"
    patch = client.patch(
        url,
        {"name": "Permis (suivi)", "items": [{"title": "Dépôt"}]},
        content_type="application/json",
    )
    with actors.inside():
        template.refresh_from_db()
        titles = list(template.items.values_list("title", flat=True))
    if actor in WRITERS:
        assert patch.status_code == 200
        assert (template.name, titles) == ("Permis (suivi)", ["Dépôt"])
        assert client.delete(url).status_code == 204
        with actors.inside():
            assert not ProcedureTemplate.objects.filter(pk=template.pk).exists()
    else:
        assert patch.status_code == ANON_OR_OUTSIDER.get(actor, 403)
        assert (template.name, titles) == ("Permis de construire", ["Récépissé", "Affichage"])
        assert client.delete(url).status_code == ANON_OR_OUTSIDER.get(actor, 403)


def test_invalid_items_are_refused_with_field_errors(actors: SpaceActors) -> None:
    response = actors.client("editor").post(
        "/api/v1/checklist-templates/",
        {"name": "X", "items": [{"title": "a", "assignee_id": actors.people["outsider"].pk}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "assignee_id" in response.json()["errors"]
    with actors.inside():
        assert not ProcedureTemplate.objects.exists()


LAUNCH = {"editor": 201, "admin": 201, "commenter": 403, "reader": 403, "staff": 400, "guest": 403}


@pytest.mark.parametrize("actor", ACTORS)
def test_launch(actors: SpaceActors, actor: str) -> None:
    template = _template(actors)
    response = actors.client(actor).post(
        f"/api/v1/checklist-templates/{template.pk}/launch/",
        {"space": actors.space.pk, "reference_date": "2026-05-04"},
        content_type="application/json",
    )
    with actors.inside():
        count = Checklist.objects.count(), Task.objects.count()
    expected = LAUNCH.get(actor) or ANON_OR_OUTSIDER[actor]
    assert response.status_code == expected
    if expected == 201:
        data = response.json()
        assert [i["due_date"] for i in data["items"]] == ["2026-05-04", "2026-05-19"]
        assert (data["done"], data["total"]) == (0, 2)
        assert count == (1, 2)
    else:
        assert count == (0, 0)


READ = {"editor": 200, "commenter": 200, "reader": 200, "admin": 200, "staff": 404, "guest": 404}


@pytest.mark.parametrize("actor", ACTORS)
def test_list_and_retrieve_checklists(actors: SpaceActors, actor: str) -> None:
    with actors.inside():
        checklist = services.launch_template(
            seeding(),
            _template(actors),
            space=actors.space,
            reference_date=datetime.date(2026, 5, 4),
        )
    client = actors.client(actor)
    base = f"/api/v1/spaces/{actors.space.pk}/checklists/"
    for url in (base, f"{base}{checklist.pk}/"):
        response = client.get(url)
        expected = READ.get(actor) or ANON_OR_OUTSIDER[actor]
        assert response.status_code == expected, url
        assert (checklist.name in response.content.decode()) == (expected == 200)
