"""Procedure templates and their launch: due dates, assignees, the copy at launch, completion."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entente.accounts.models import Role, User
from entente.checklists import selectors, services
from entente.checklists.demo import seed_procedure_templates
from entente.checklists.models import AssigneeRole, ChecklistItem, ProcedureTemplate
from entente.checklists.permissions import TemplateAbilities, template_abilities
from entente.checklists.services import ItemSpec
from entente.spaces.permissions import SpaceAbilities
from entente.tasks.models import Task, TaskStatus
from tests.support.acting import member, seeding
from tests.support.actors import SpaceActors

EDIT = TemplateAbilities(view=True, edit=True)
SPACE_EDIT = SpaceAbilities(view=True, comment=True, edit=True)
COUNCIL = datetime.date(2026, 3, 12)


def _template(actors: SpaceActors, items: list[ItemSpec]) -> ProcedureTemplate:
    return services.create_template(seeding(actors.people["editor"]), name="Conseil", items=items)


def test_due_dates_are_offsets_from_the_reference_date(actors: SpaceActors) -> None:
    """D-30, D0 and D+90 land on the right calendar days, across months and a leap year."""
    with actors.inside():
        template = _template(
            actors, [ItemSpec("Avant", -30), ItemSpec("Jour J", 0), ItemSpec("Après", 90)]
        )
        checklist = services.launch_template(
            seeding(actors.people["editor"]),
            template,
            space=actors.space,
            reference_date=datetime.date(2028, 3, 1),
        )
        dues = [
            item.task.due_date if item.task else None
            for item in checklist.items.select_related("task")
        ]
    assert dues == [
        datetime.date(2028, 1, 31),
        datetime.date(2028, 3, 1),
        datetime.date(2028, 5, 30),
    ]
    assert services.due_date_for(datetime.date(2026, 1, 5), -5) == datetime.date(2025, 12, 31)


def test_roles_resolve_to_the_space_members_holding_them(actors: SpaceActors) -> None:
    """Agents of the space get the agent step; no elected official in it: left unassigned."""
    with actors.inside():
        template = _template(
            actors,
            [
                ItemSpec("Agents", 0, assignee_role=AssigneeRole.AGENT),
                ItemSpec("Admins", 0, assignee_role=AssigneeRole.ADMIN),
                ItemSpec("Personne nommée", 0, assignee_id=actors.people["reader"].pk),
                ItemSpec("Hors de l'espace", 0, assignee_id=actors.people["staff"].pk),
            ],
        )
        checklist = services.launch_template(
            seeding(actors.people["editor"]), template, space=actors.space, reference_date=COUNCIL
        )
        assigned = [
            sorted(item.task.assignments.values_list("user_id", flat=True)) if item.task else None
            for item in checklist.items.select_related("task")
        ]
    agents = sorted([actors.people["editor"].pk, actors.people["reader"].pk])
    # The commenter is an elected official; the space has no admin member; the staff member
    # cannot see the private space, so they are not handed a task they could not open.
    assert assigned == [agents, [], [actors.people["reader"].pk], []]


def test_editing_a_template_leaves_launched_checklists_alone(actors: SpaceActors) -> None:
    with actors.inside():
        template = _template(actors, [ItemSpec("Convocation", -6), ItemSpec("Séance", 0)])
        checklist = services.launch_template(
            seeding(actors.people["editor"]), template, space=actors.space, reference_date=COUNCIL
        )
        first = template.items.first()
        assert first is not None
        services.update_item(seeding(), first, ItemSpec("Autre intitulé", -20))
        services.add_item(seeding(), template, ItemSpec("Nouvelle étape", 5))
        services.delete_template(seeding(), template)
        items = list(ChecklistItem.objects.filter(checklist=checklist).select_related("task"))
        assert [(i.title, i.due_offset_days) for i in items] == [("Convocation", -6), ("Séance", 0)]
        assert items[0].task is not None
        assert items[0].task.due_date == datetime.date(2026, 3, 6)
        checklist.refresh_from_db()
        assert checklist.template is None  # the source is gone, the checklist stays


def test_completing_an_item_completes_its_task_and_the_progress(actors: SpaceActors) -> None:
    with actors.inside():
        template = _template(actors, [ItemSpec("Un", 0), ItemSpec("Deux", 1)])
        checklist = services.launch_template(
            seeding(actors.people["editor"]), template, space=actors.space, reference_date=COUNCIL
        )
        item = checklist.items.select_related("task").first()
        assert item is not None
        services.complete_item(seeding(actors.people["editor"]), item)
        assert Task.objects.get(checklist_item=item).status == TaskStatus.DONE
        listed = selectors.checklists_of(actors.space).get(pk=checklist.pk)
        progress = selectors.progress_of(listed)
    assert (progress.done, progress.total, progress.percent) == (1, 2, 50)


def test_reordering_moves_an_item_and_renumbers(actors: SpaceActors) -> None:
    with actors.inside():
        template = _template(actors, [ItemSpec("A"), ItemSpec("B"), ItemSpec("C")])
        c = template.items.get(title="C")
        services.move_item(seeding(), c, up=True)
        assert list(template.items.values_list("title", "position")) == [
            ("A", 0),
            ("C", 1),
            ("B", 2),
        ]
        services.move_item(seeding(), template.items.get(title="A"), up=True)  # already first
        assert list(template.items.values_list("title", flat=True)) == ["A", "C", "B"]


def test_refusals_write_nothing(actors: SpaceActors, make_user: Callable[..., User]) -> None:
    """The services decide from the acting membership: elected officials read the procedures,
    guests do not see them, space commenters do not launch them."""
    elected = make_user("elu@mairie-lege.fr", actors.tenant, Role.ELECTED)
    with actors.inside():
        for person in (elected, actors.people["guest"]):
            with pytest.raises(PermissionDenied):
                services.create_template(member(person, actors.tenant), name="X")
        with pytest.raises(ValidationError):
            services.create_template(
                seeding(), name="X", items=[ItemSpec("ok"), ItemSpec("trop loin", 99_999)]
            )
        with pytest.raises(ValidationError):
            _template(
                actors,
                [ItemSpec("deux", assignee_id=actors.people["reader"].pk, assignee_role="agent")],
            )
        with pytest.raises(ValidationError):  # a person of another tenant
            _template(actors, [ItemSpec("x", assignee_id=actors.people["outsider"].pk)])
        assert not ProcedureTemplate.objects.exists()
        template = _template(actors, [ItemSpec("Un")])
        with pytest.raises(PermissionDenied):
            services.launch_template(
                member(actors.people["commenter"], actors.tenant),
                template,
                space=actors.space,
                reference_date=COUNCIL,
            )
        assert not Task.objects.exists()


def test_template_abilities_by_tenant_role(actors: SpaceActors) -> None:
    from entente.accounts.models import Membership

    def of(actor: str) -> TemplateAbilities:
        return template_abilities(
            Membership.objects.get(user=actors.people[actor], tenant=actors.tenant)
        )

    assert of("editor") == TemplateAbilities(view=True, edit=True)  # agent
    assert of("admin") == TemplateAbilities(view=True, edit=True)
    assert of("commenter") == TemplateAbilities(view=True, edit=False)  # elected
    assert of("guest") == TemplateAbilities()
    assert template_abilities(None) == TemplateAbilities()


def test_demo_procedures_are_real_and_idempotent(actors: SpaceActors) -> None:
    with actors.inside():
        made = seed_procedure_templates(actors.people["admin"])
        again = seed_procedure_templates(actors.people["admin"])
        assert [t.pk for t in made] == [t.pk for t in again]
        council = ProcedureTemplate.objects.get(name__contains="conseil municipal")
        convocation = council.items.get(title__startswith="Envoyer la convocation")
        assert (
            convocation.due_offset_days == -6
        )  # 5 clear days: neither the day sent nor the day held
        assert "5 jours francs" in convocation.notes
        titles = " ".join(ProcedureTemplate.objects.values_list("items__title", flat=True))
        for word in (
            "émargement",
            "dépouillement",
            "procès-verbaux",
            "récépissé",
            "contrôle de légalité",
        ):
            assert word in titles


SPACE_EDITORS = {"editor", "admin"}


@pytest.mark.parametrize("actor", ["editor", "commenter", "reader", "staff", "guest", "admin"])
def test_launching_and_completing_follow_the_acting_membership(
    actors: SpaceActors, actor: str
) -> None:
    """The space's editors (and the tenant's admins) launch and complete; nobody else."""
    with actors.inside():
        template = _template(actors, [ItemSpec("Un", 0)])
        launched = services.launch_template(
            seeding(actors.people["editor"]), template, space=actors.space, reference_date=COUNCIL
        )
        item = launched.items.select_related("task", "checklist__space").get()
        acting = member(actors.people[actor], actors.tenant)
        if actor in SPACE_EDITORS:
            services.complete_item(acting, item)
            services.launch_template(acting, template, space=actors.space, reference_date=COUNCIL)
        else:
            with pytest.raises(PermissionDenied):
                services.complete_item(acting, item)
            with pytest.raises(PermissionDenied):
                services.launch_template(
                    acting, template, space=actors.space, reference_date=COUNCIL
                )
        done = Task.objects.get(checklist_item=item).status == TaskStatus.DONE
        assert done is (actor in SPACE_EDITORS)
        assert template.checklists.count() == (2 if actor in SPACE_EDITORS else 1)
