"""Search tests: a space of Legé with French content, indexed through the real services."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.config.celery_app import app
from entente.search import services
from entente.search.query import SearchQuery
from entente.search.registry import search_kinds
from entente.search.selectors import search
from entente.spaces.models import Space, Visibility
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.services import create_space
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.support.acting import seeding

EVERYTHING = SpaceAbilities(view=True, comment=True, edit=True, manage=True)


@pytest.fixture(autouse=True)
def _postgres_backend(settings: Any) -> None:
    """These tests are the PostgreSQL backend's; the OpenSearch ones build their own client
    (test_opensearch.py), so an OPENSEARCH_URL in the environment changes nothing here."""
    settings.OPENSEARCH_URL = ""


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks sent with `.delay()` run at once, in this process (the real task functions)."""
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def reindex(tenant: Tenant) -> None:
    services.reindex_tenant(tenant)


def titles(user: User, text: str, **filters: object) -> list[str]:
    answer = search(user, SearchQuery(text=text, **filters))  # type: ignore[arg-type]
    return [found.hit.title for found in answer.found]


@dataclass
class Place:
    tenant: Tenant
    space: Space
    agent: User


@pytest.fixture
def place(tenant_a: Tenant, make_user: Callable[..., User]) -> Place:
    agent = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Agathe Lemoine")
    with tenant_context(tenant_a):
        space = create_space(seeding(agent), name="Voirie et école", visibility=Visibility.TENANT)
        for title, description in (
            ("Réunion du conseil municipal", "<p>Ordre du jour : budget de l'école.</p>"),
            ("Réfection des trottoirs", "<p>Devis des entreprises à comparer.</p>"),
            ("Cantine scolaire", "<p>Les menus de l’école élémentaire.</p>"),
        ):
            create_task(seeding(agent), space=space, title=title, description=description)
    reindex(tenant_a)
    return Place(tenant=tenant_a, space=space, agent=agent)


__all__ = ["search_kinds"]
