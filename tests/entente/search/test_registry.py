"""The registry: apps plug their kinds in; search imports none of them."""

from __future__ import annotations

import ast
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from entente.search import registry
from entente.search.registry import Entry, SearchKind

SEARCH_APP = Path(registry.__file__).parent
CAPABILITIES = ("tasks", "discussions", "checklists", "documents", "meetings", "citizens")


def _kind(name: str = "essai", **fields: object) -> SearchKind:
    return SearchKind(
        kind=name,
        label="Essai",
        entries=lambda ids: [],
        all_ids=lambda: [],
        **fields,  # type: ignore[arg-type]
    )


def test_every_capability_registered_its_kinds() -> None:
    kinds = [kind.kind for kind in registry.search_kinds()]
    assert kinds == [
        "space",
        "task",
        "discussion",
        "meeting",
        "checklist",
        "document",
        "procedure",
        "person",
    ]


def test_a_second_different_kind_of_the_same_name_is_refused() -> None:
    first = _kind(verbs=("essai.",))
    registry.register_kinds([first])
    try:
        registry.register_kinds([first])  # the same again: ready() may run twice
        with pytest.raises(ImproperlyConfigured):
            registry.register_kinds([_kind(verbs=("autre.",))])
    finally:
        registry.unregister_kinds([first])
    assert registry.search_kind("essai") is None


def test_verbs_match_exactly_or_by_prefix_and_object_type() -> None:
    kind = _kind(verbs=("task.", "space.created"), object_types=("task", "space"))
    assert kind.reindexed_by("task.commented", "task")
    assert kind.reindexed_by("space.created", "space")
    assert not kind.reindexed_by("space.created_again", "space")
    assert not kind.reindexed_by("task.commented", "comment")
    assert {k.kind for k in registry.kinds_for_verb("discussion.commented", "comment")} == {
        "discussion"
    }


def test_an_entrys_file_text_comes_from_the_installed_extractor() -> None:
    entry = Entry(
        kind="document",
        object_id=1,
        title="Compte rendu",
        url="/",
        date=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        body="Résumé",
        file="compte-rendu.pdf",
    )
    installed = registry._file_text_extractor  # documents installs its own in ready()
    registry.set_file_text_extractor(None)
    try:
        assert entry.indexed_body() == "Résumé"  # no extractor installed: the file adds nothing
        registry.set_file_text_extractor(lambda file: f"texte de {file}")
        assert entry.indexed_body() == "Résumé\ntexte de compte-rendu.pdf"
    finally:
        registry.set_file_text_extractor(installed)


def test_the_search_app_imports_no_capability_it_indexes() -> None:
    """Apps plug themselves in; only spaces' permission rules and reach are read (access.py)."""
    for path in SEARCH_APP.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                assert not any(name.startswith(f"entente.{app}") for app in CAPABILITIES), (
                    path,
                    name,
                )
