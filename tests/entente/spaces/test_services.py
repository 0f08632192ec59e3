"""Space services: each write checks abilities, validates, and records its activity."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role
from entente.activity.models import ActivityEntry
from entente.spaces import services
from entente.spaces.models import Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from tests.support.acting import seeding
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db

MANAGERS = ("editor", "admin")
NOT_MANAGERS = ("commenter", "reader", "staff", "guest")


def membership(actors: SpaceActors, actor: str) -> Membership:
    return Membership.objects.select_related("tenant", "user").get(
        tenant=actors.tenant, user=actors.people[actor]
    )


@pytest.mark.parametrize("role", [Role.AGENT, Role.ELECTED, Role.ADMIN])
def test_staff_create_a_space_and_become_its_editor(
    role: str, tenant_a: Any, make_user: Any
) -> None:
    """The creator is the space's first editor; the creation is in the activity log."""
    user = make_user(tenant=tenant_a, role=role)
    acting = Membership.objects.get(user=user, tenant=tenant_a)
    with tenant_context(tenant_a):
        space = services.create_space(
            acting,
            name="  Voirie   et réseaux ",
            kind=SpaceKind.PROJECT,
            visibility=Visibility.PRIVATE,
        )
        assert space.name == "Voirie et réseaux"
        assert space.created_by_id == user.pk
        assert SpaceMembership.objects.get(space=space).user_id == user.pk
        assert SpaceMembership.objects.get(space=space).role == SpaceRole.EDITOR
        entry = ActivityEntry.objects.get(space=space)
        assert (entry.verb, entry.actor_id, entry.object_id) == ("space.created", user.pk, space.pk)


def test_guests_do_not_create_spaces(tenant_a: Any, make_user: Any) -> None:
    guest = make_user(tenant=tenant_a, role=Role.GUEST)
    with tenant_context(tenant_a), pytest.raises(PermissionDenied):
        services.create_space(
            Membership.objects.get(user=guest, tenant=tenant_a), name="Projet citoyen"
        )
    with tenant_context(tenant_a):
        assert not Space.objects.filter(name="Projet citoyen").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"name": "A", "kind": "x"}, "kind"),
        ({"name": "A", "visibility": "world"}, "visibility"),
    ],
)
def test_create_space_validates(fields: dict[str, str], field: str, tenant_a: Any) -> None:
    with tenant_context(tenant_a), pytest.raises(ValidationError) as raised:
        services.create_space(seeding(), **fields)  # type: ignore[arg-type]
    assert field in raised.value.message_dict


@pytest.mark.parametrize("actor", MANAGERS)
def test_managers_update_settings_and_the_change_is_recorded(
    actor: str, actors: SpaceActors
) -> None:
    acting = membership(actors, actor)
    with actors.inside():
        services.update_space(acting, actors.space, name="Accueil", visibility=Visibility.TENANT)
        space = Space.objects.get(pk=actors.space.pk)
        assert (space.name, space.visibility) == ("Accueil", Visibility.TENANT)
        entry = ActivityEntry.objects.get(space=space, verb="space.updated")
        assert entry.changes == {
            "name": ["Secrétariat de mairie", "Accueil"],
            "visibility": [Visibility.PRIVATE, Visibility.TENANT],
        }


@pytest.mark.parametrize("actor", NOT_MANAGERS)
def test_others_cannot_update_archive_or_manage_members(actor: str, actors: SpaceActors) -> None:
    acting = membership(actors, actor)
    staff = membership(actors, "staff")
    with actors.inside():
        member = SpaceMembership.objects.get(space=actors.space, user=actors.people["reader"])
        with pytest.raises(PermissionDenied):
            services.update_space(acting, actors.space, name="Piraté")
        with pytest.raises(PermissionDenied):
            services.archive_space(acting, actors.space)
        with pytest.raises(PermissionDenied):
            services.add_space_member(acting, actors.space, person=staff, role=SpaceRole.READER)
        with pytest.raises(PermissionDenied):
            services.change_space_member_role(acting, member, role=SpaceRole.EDITOR)
        if actor != "reader":  # the reader may leave: that is another test
            with pytest.raises(PermissionDenied):
                services.remove_space_member(acting, member)
        space = Space.objects.get(pk=actors.space.pk)
        assert (space.name, space.archived_at) == ("Secrétariat de mairie", None)
        assert not SpaceMembership.objects.filter(space=space, user=actors.people["staff"]).exists()
        assert SpaceMembership.objects.get(pk=member.pk).role == SpaceRole.READER
        assert not ActivityEntry.objects.filter(space=space).exists()


def test_archive_then_restore(actors: SpaceActors) -> None:
    acting = membership(actors, "editor")
    with actors.inside():
        services.archive_space(acting, actors.space)
        space = Space.objects.get(pk=actors.space.pk)
        assert space.archived_at is not None
        with pytest.raises(ValidationError):
            services.archive_space(acting, space)
        with pytest.raises(ValidationError, match="archivé"):
            services.update_space(acting, space, name="Pendant l'archivage")
        services.restore_space(acting, space)
        assert Space.objects.get(pk=space.pk).archived_at is None
        with pytest.raises(ValidationError):
            services.restore_space(acting, space)
        verbs = list(ActivityEntry.objects.filter(space=space).values_list("verb", flat=True))
        assert verbs == ["space.restored", "space.archived"]


def test_add_member_of_the_tenant(actors: SpaceActors) -> None:
    acting = membership(actors, "editor")
    with actors.inside():
        added = services.add_space_member(
            acting, actors.space, person=membership(actors, "staff"), role=SpaceRole.COMMENTER
        )
        assert SpaceMembership.objects.get(pk=added.pk).role == SpaceRole.COMMENTER
        entry = ActivityEntry.objects.get(verb="space.member_added")
        assert entry.changes == {"user_id": actors.people["staff"].pk, "role": "commenter"}
        with pytest.raises(ValidationError, match="déjà membre"):
            services.add_space_member(
                acting, actors.space, person=membership(actors, "staff"), role=SpaceRole.READER
            )


def test_people_of_another_tenant_cannot_be_added(actors: SpaceActors) -> None:
    outsider = Membership.objects.get(user=actors.people["outsider"])
    with actors.inside():
        with pytest.raises(ValidationError, match="pas membre de la collectivité"):
            services.add_space_member(
                membership(actors, "admin"), actors.space, person=outsider, role=SpaceRole.READER
            )
        assert not SpaceMembership.objects.filter(user=actors.people["outsider"]).exists()


def test_guests_join_only_public_projects_and_never_as_editors(
    actors: SpaceActors, make_user: Any
) -> None:
    citizen = make_user(tenant=actors.tenant, role=Role.GUEST)
    person = Membership.objects.get(user=citizen, tenant=actors.tenant)
    acting = membership(actors, "admin")
    with actors.inside():
        with pytest.raises(ValidationError, match="projet ouvert"):
            services.add_space_member(acting, actors.space, person=person, role=SpaceRole.READER)
        services.update_space(acting, actors.space, visibility=Visibility.PUBLIC_PROJECT)
        with pytest.raises(ValidationError, match="pas éditeur"):
            services.add_space_member(acting, actors.space, person=person, role=SpaceRole.EDITOR)
        services.add_space_member(acting, actors.space, person=person, role=SpaceRole.COMMENTER)
        assert SpaceMembership.objects.filter(space=actors.space, user=citizen).exists()


def test_role_change_is_recorded(actors: SpaceActors) -> None:
    with actors.inside():
        member = SpaceMembership.objects.get(space=actors.space, user=actors.people["reader"])
        services.change_space_member_role(
            membership(actors, "editor"), member, role=SpaceRole.EDITOR
        )
        assert SpaceMembership.objects.get(pk=member.pk).role == SpaceRole.EDITOR
        entry = ActivityEntry.objects.get(verb="space.member_role_changed")
        assert entry.changes["role"] == ["reader", "editor"]


def test_the_last_editor_can_be_neither_demoted_nor_removed(actors: SpaceActors) -> None:
    acting = membership(actors, "admin")
    with actors.inside():
        editor = SpaceMembership.objects.get(space=actors.space, user=actors.people["editor"])
        with pytest.raises(ValidationError, match="au moins un éditeur"):
            services.change_space_member_role(acting, editor, role=SpaceRole.READER)
        with pytest.raises(ValidationError, match="au moins un éditeur"):
            services.remove_space_member(acting, editor)
        assert SpaceMembership.objects.get(pk=editor.pk).role == SpaceRole.EDITOR


def test_removal_and_leaving(actors: SpaceActors) -> None:
    with actors.inside():
        commenter = SpaceMembership.objects.get(space=actors.space, user=actors.people["commenter"])
        services.remove_space_member(membership(actors, "editor"), commenter)
        reader = SpaceMembership.objects.get(space=actors.space, user=actors.people["reader"])
        services.remove_space_member(membership(actors, "reader"), reader)  # leaves
        left = set(
            SpaceMembership.objects.filter(space=actors.space).values_list("user_id", flat=True)
        )
        assert left == {actors.people["editor"].pk, actors.people["guest"].pk}
        summaries = list(
            ActivityEntry.objects.filter(verb="space.member_removed").values_list(
                "summary", flat=True
            )
        )
        assert summaries == ["a quitté l'espace", "a retiré Paul Girard de l'espace"]
