"""Freshness: writes reach the index after commit, through the events and a Celery task.

Celery runs inline (`eager`), and the commit callbacks run (`django_capture_on_commit_callbacks`),
so each test goes through the real path: service → activity event → subscriber → task → index.
Permission changes that depend on people (leaving a space) need no re-indexing at all.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.discussions.services import add_comment, create_thread
from entente.search.models import SearchEntry
from entente.spaces.models import SpaceMembership, SpaceRole, Visibility
from entente.spaces.services import (
    archive_space,
    create_space,
    remove_space_member,
    restore_space,
    update_space,
)
from entente.tasks.services import create_task, delete_task, update_task
from tenants.models import Tenant
from tests.support.acting import seeding

from .conftest import titles

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def people(tenant_a: Tenant, make_user: Callable[..., User]) -> dict[str, User]:
    return {
        "admin": make_user(tenant=tenant_a, role=Role.ADMIN, full_name="Nadia Chevalier"),
        "agent": make_user(tenant=tenant_a, role=Role.AGENT, full_name="Marc Guérin"),
    }


def _membership(tenant: Tenant, user: User) -> Membership:
    return Membership.objects.get(tenant=tenant, user=user)


def test_a_task_is_searchable_after_commit_renamed_then_deleted(
    tenant_a: Tenant, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    admin, agent = people["admin"], people["agent"]
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        space = create_space(seeding(admin), name="Urbanisme", visibility=Visibility.TENANT)
        task = create_task(seeding(admin), space=space, title="Permis de construire")
    assert titles(agent, "permis") == ["Permis de construire"]

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        update_task(seeding(admin), task, title="Déclaration préalable")
    assert titles(agent, "permis") == []
    assert titles(agent, "declaration") == ["Déclaration préalable"]

    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        delete_task(seeding(admin), task)
    assert titles(agent, "declaration") == []
    assert not SearchEntry.objects.filter(tenant_id=tenant_a.pk, kind="task").exists()


def test_nothing_is_indexed_before_commit(tenant_a: Tenant, people: dict[str, User]) -> None:
    with tenant_context(tenant_a):  # the test's transaction never commits
        space = create_space(seeding(people["admin"]), name="Cimetière")
        create_task(seeding(people["admin"]), space=space, title="Concessions")
    assert not SearchEntry.objects.filter(tenant_id=tenant_a.pk).exists()


def test_a_message_finds_its_discussion(
    tenant_a: Tenant, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    admin = people["admin"]
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        space = create_space(seeding(admin), name="Fêtes", visibility=Visibility.TENANT)
        thread = create_thread(seeding(admin), space=space, title="Marché de Noël", body="Idées ?")
        add_comment(seeding(admin), thread, body="<p>Des <b>chalets</b></p>")
    assert titles(people["agent"], "chalet") == ["Marché de Noël"]


def test_archiving_hides_a_space_and_its_content_restoring_shows_them(
    tenant_a: Tenant, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    admin, agent = people["admin"], people["agent"]
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        space = create_space(seeding(admin), name="Jumelage", visibility=Visibility.TENANT)
        create_task(seeding(admin), space=space, title="Jumelage : accueil")
    assert len(titles(agent, "jumelage")) == 2
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        archive_space(_membership(tenant_a, admin), space)
    assert titles(agent, "jumelage") == []
    assert titles(admin, "jumelage") == []  # archived: out of search for everyone
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        restore_space(_membership(tenant_a, admin), space)
    assert len(titles(agent, "jumelage")) == 2


def test_a_space_made_private_hides_its_content_from_staff_outside_it(
    tenant_a: Tenant, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    admin, agent = people["admin"], people["agent"]
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        space = create_space(seeding(admin), name="Ressources humaines")
        update_space(_membership(tenant_a, admin), space, visibility=Visibility.TENANT)
        create_task(seeding(admin), space=space, title="Entretiens annuels")
    assert titles(agent, "entretiens") == ["Entretiens annuels"]
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        update_space(_membership(tenant_a, admin), space, visibility=Visibility.PRIVATE)
    assert titles(agent, "entretiens") == []
    assert titles(admin, "entretiens") == ["Entretiens annuels"]


def test_leaving_a_private_space_takes_effect_without_reindexing(
    tenant_a: Tenant, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    admin, agent = people["admin"], people["agent"]
    with tenant_context(tenant_a), django_capture_on_commit_callbacks(execute=True):
        space = create_space(seeding(admin), name="Budget", visibility=Visibility.PRIVATE)
        joined = SpaceMembership.objects.create(space=space, user=agent, role=SpaceRole.READER)
        create_task(seeding(admin), space=space, title="Arbitrages budgétaires")
    assert titles(agent, "arbitrages") == ["Arbitrages budgétaires"]
    indexed_at = list(SearchEntry.objects.values_list("indexed_at", flat=True))
    with tenant_context(tenant_a):
        remove_space_member(_membership(tenant_a, agent), joined)
    assert titles(agent, "arbitrages") == []
    assert list(SearchEntry.objects.values_list("indexed_at", flat=True)) == indexed_at
