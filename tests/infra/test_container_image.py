"""The container image, checked without Docker: what it copies exists, and each role can start.

Docker is not available on our machines; the image is built by the release pipeline. These
checks keep infra/Dockerfile and infra/docker-entrypoint.sh in step with the code.
"""

from __future__ import annotations

import importlib
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "infra" / "Dockerfile").read_text()
ENTRYPOINT = ROOT / "infra" / "docker-entrypoint.sh"


def test_image_is_python_312_slim_and_runs_unprivileged() -> None:
    assert "ARG PYTHON_IMAGE=python:3.12-slim" in DOCKERFILE
    users = re.findall(r"^USER (\S+)$", DOCKERFILE, flags=re.MULTILINE)
    assert users == ["10001:10001"]
    assert "PYTHONPATH=/app:/app/platform" in DOCKERFILE
    assert "DJANGO_SETTINGS_MODULE=entente.config.settings.production" in DOCKERFILE


def test_everything_the_image_copies_exists() -> None:
    copied = []
    for line in re.findall(r"^COPY (?!--from)(.+)$", DOCKERFILE, flags=re.MULTILINE):
        parts = [part for part in line.split() if not part.startswith("--")]
        copied += parts[:-1]  # the last one is the destination
    assert copied
    for source in copied:
        assert (ROOT / source).exists(), source


def test_static_files_are_collected_with_a_throwaway_key() -> None:
    collect = next(block for block in DOCKERFILE.split("\nRUN ") if "collectstatic" in block)
    assert 'DJANGO_SECRET_KEY="build-only-' in collect
    assert "ENV DJANGO_SECRET_KEY" not in DOCKERFILE  # never stored in the image


def test_entrypoint_is_valid_shell_and_knows_every_role() -> None:
    subprocess.run(["sh", "-n", str(ENTRYPOINT)], check=True)
    script = ENTRYPOINT.read_text()
    for role in ("web", "worker", "beat", "migrate", "manage"):
        assert re.search(rf"^    {role}\)$", script, flags=re.MULTILINE), role
    assert "migrate_schemas --shared" in script
    assert "manage.py migrate_tenants" in script  # template first, then every tenant schema


def test_entrypoint_targets_exist() -> None:
    """The ASGI application, the Celery app and the commands the entrypoint names."""
    script = ENTRYPOINT.read_text()
    asgi_module, asgi_name = re.search(r"uvicorn (\S+):(\w+)", script).groups()  # type: ignore[union-attr]
    assert (ROOT / "platform" / Path(*asgi_module.split("."))).with_suffix(".py").exists()
    assert asgi_name == "application"
    celery_module, celery_name = re.search(r"--app (\S+):(\w+)", script).groups()  # type: ignore[union-attr]
    assert hasattr(importlib.import_module(celery_module), celery_name)

    from django.core.management import get_commands

    commands = get_commands()
    for command in re.findall(r"python manage\.py (\w+)", script):
        assert command in commands, command
