"""Features, usage names and activation reasons come from the apps that own them."""

from __future__ import annotations

from pathlib import Path

from entente.analytics.catalogue import USAGE_EVENTS
from entente.core.discovery import activation_reasons, features, problems

ANALYTICS = Path(__file__).resolve().parents[3] / "platform" / "entente" / "analytics"


def test_every_registration_names_registered_usage() -> None:
    assert problems() == []
    assert {"create_task", "launch_procedure", "upload_document", "search"} <= {
        f.key for f in features()
    }
    assert [f.order for f in features()] == sorted(f.order for f in features())
    assert {"tasks", "procedure", "federation"} <= {r.key for r in activation_reasons()}


def test_the_analytics_app_names_no_feature_nor_usage_of_another_app() -> None:
    names = set(USAGE_EVENTS) | {f.key for f in features()}
    sources = "".join(p.read_text() for p in ANALYTICS.rglob("*.py") if "migrations" not in p.parts)
    named = sorted(n for n in names if f'"{n}"' in sources)
    assert named == []
