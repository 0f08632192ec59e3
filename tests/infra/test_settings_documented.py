"""Every setting read from the environment is documented, for operators and in the example file."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "platform" / "entente" / "config" / "settings"
OPERATIONS = (ROOT / "docs" / "operations.md").read_text()
EXAMPLE = (ROOT / "infra" / ".env.example").read_text()
ENTRYPOINT = (ROOT / "infra" / "docker-entrypoint.sh").read_text()


def settings_variables() -> set[str]:
    names: set[str] = set()
    for path in SETTINGS.glob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]*)"', path.read_text()))
    return names


def entrypoint_variables() -> set[str]:
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", ENTRYPOINT))


def test_settings_read_the_variables_we_expect() -> None:
    """Guards the pattern below: if it found nothing, the other tests would pass vacuously."""
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "SENTRY_DSN", "METRICS_TOKEN"} <= (
        settings_variables()
    )


def test_every_variable_is_in_the_operations_guide() -> None:
    missing = sorted(
        name
        for name in settings_variables() | entrypoint_variables() | {"DJANGO_SETTINGS_MODULE"}
        if f"`{name}`" not in OPERATIONS
    )
    assert missing == []


def test_every_variable_is_in_the_example_environment() -> None:
    listed = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", EXAMPLE, flags=re.MULTILINE))
    missing = sorted((settings_variables() | entrypoint_variables()) - listed)
    assert missing == []
