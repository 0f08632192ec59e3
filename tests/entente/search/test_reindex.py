"""`manage.py search_reindex`: rebuilds from the database, shows progress, resumes, purges."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from entente.search.models import ReindexCheckpoint, SearchEntry
from entente.search.registry import search_kind

from .conftest import Place, titles

pytestmark = pytest.mark.django_db


def _reindex(*args: str) -> str:
    out = StringIO()
    call_command("search_reindex", *args, stdout=out)
    return out.getvalue()


def test_rebuilds_one_tenant_with_progress(place: Place) -> None:
    SearchEntry.objects.all().delete()
    assert titles(place.agent, "trottoirs") == []
    output = _reindex("--tenant", place.tenant.slug)
    assert "[1/1] Legé" in output
    assert "Tâche" in output
    assert "3/3" in output
    assert titles(place.agent, "trottoirs") == ["Réfection des trottoirs"]
    assert not ReindexCheckpoint.objects.exists()  # a finished run leaves nothing to resume


def test_running_twice_changes_nothing(place: Place) -> None:
    _reindex("--tenant", place.tenant.slug)
    first = sorted(SearchEntry.objects.values_list("tenant_id", "kind", "object_id", "title"))
    _reindex("--tenant", place.tenant.slug)
    assert sorted(SearchEntry.objects.values_list("tenant_id", "kind", "object_id", "title")) == (
        first
    )


def test_resume_starts_after_the_last_recorded_batch(place: Place) -> None:
    task = search_kind("task")
    assert task is not None
    entries = SearchEntry.objects.filter(tenant_id=place.tenant.pk, kind="task")
    ids = sorted(entries.values_list("object_id", flat=True))
    entries.delete()
    # A run stopped after the first task's batch: the other tasks remain to do.
    ReindexCheckpoint.objects.create(tenant_id=place.tenant.pk, kind="task", last_id=ids[0])
    for kind in ("space", "discussion", "checklist", "procedure", "person"):
        ReindexCheckpoint.objects.create(tenant_id=place.tenant.pk, kind=kind, finished=True)
    output = _reindex("--tenant", place.tenant.slug, "--resume")
    assert "2/2" in output
    assert sorted(entries.values_list("object_id", flat=True)) == ids[1:]


def test_entries_of_objects_gone_are_purged(place: Place) -> None:
    SearchEntry.objects.create(
        tenant_id=place.tenant.pk,
        kind="task",
        object_id=10**9,
        title="Fantôme",
        url="/taches/1000000000/",
        date="2026-01-01T00:00:00Z",
        indexed_at="2026-01-01T00:00:00Z",
    )
    _reindex("--tenant", place.tenant.slug, "--kind", "task")
    assert not SearchEntry.objects.filter(object_id=10**9).exists()


def test_unknown_tenant_or_kind_is_an_error(place: Place) -> None:
    with pytest.raises(CommandError):
        _reindex("--tenant", "nulle-part")
    with pytest.raises(CommandError):
        _reindex("--kind", "licorne")
