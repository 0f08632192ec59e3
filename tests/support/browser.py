"""Playwright driving Debian's chromium, headless, for the browser tests.

No browser → skipped with the reason, except under CI=true where that is a failure. Every page
a test opens is also checked against the Content-Security-Policy: a refused inline script or
style (Chromium says so on the console) fails the test that met it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from infra.browser import find_chromium

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_or_skip() -> str:
    path = find_chromium()
    if path:
        return path
    reason = "Debian's chromium is not installed (make test installs it where apt-get can)."
    if os.environ.get("CI") == "true":
        pytest.fail(f"Browser required under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    # Playwright's sync API runs an event loop in this thread; our test code around it is sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Once Playwright's loop is running in this thread, asgiref's locals (Django's database
    # connections among them) are read from context variables, no longer from the thread:
    # Django would open another connection, outside the transaction a test already holds. The
    # open connections are put back where Django will look for them.
    opened = {alias: connections[alias] for alias in connections.settings}
    with sync_playwright() as playwright:
        for alias, opened_connection in opened.items():
            connections[alias] = opened_connection
        instance = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_FLAGS
        )
        yield instance
        instance.close()


def is_csp_violation(message_type: str, text: str) -> bool:
    """Chromium reports each thing the Content-Security-Policy refused as a console error."""
    return message_type == "error" and "Content Security Policy" in text


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    refused: list[str] = []
    context.on(
        "console",
        lambda message: (
            refused.append(f"{message.location.get('url', '')}: {message.text}")
            if is_csp_violation(message.type, message.text)
            else None
        ),
    )
    page = context.new_page()
    yield page
    context.close()
    assert not refused, "Content-Security-Policy violations:\n" + "\n".join(refused)
