"""The accessibility harness of tests/test_navigation_demo.py (tests/support/axe.py) reports
what it must: without this, an axe that never ran, or rules that never matched, would pass."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings

from tests.support.axe import Audit, in_process_browser

pytestmark = pytest.mark.browser


def test_the_accessibility_check_finds_what_it_must(browser: Any) -> None:
    audit = Audit()
    with in_process_browser(browser, {}) as pages:
        pages.page.set_content(
            '<html><body><img src="data:,"><button></button>'
            '<p style="color:#bbb;background:#fff">Texte pâle</p></body></html>'
        )
        pages.check(audit, "a page made wrong")
    found = " ".join(audit.violations)
    for rule in ("image-alt", "button-name", "color-contrast", "html-has-lang"):
        assert rule in found, f"{rule} not reported: {found}"


def test_the_phone_check_finds_a_page_wider_than_the_screen(browser: Any) -> None:
    """At 360 px, with Entente's stylesheet, a fixed-width block is reported; a wide table in
    its scrolling wrapper is not (WCAG 1.4.10 lets a data table scroll on its own)."""
    audit = Audit()
    wide = '<div id="wide" style="width:600px">Large</div>'
    cells = "".join(
        f'<td><button type="submit">Retirer<span class="visually-hidden"> — Personne {n}</span>'
        "</button></td>"
        for n in range(8)
    )
    scrolled = f'<div class="table-wrapper"><table class="table"><tr>{cells}</tr></table></div>'
    with in_process_browser(browser, {}) as pages:
        for where, body in (("wide", wide), ("scrolled", scrolled)):
            pages.page.set_viewport_size(pages.viewport)
            pages.page.set_content(
                '<html lang="fr"><head><title>t</title><link rel="stylesheet" '
                f'href="http://static.invalid{settings.STATIC_URL}entente/entente.css"></head>'
                f"<body><main>{body}</main></body></html>"
            )
            pages.check_narrow(audit, where)
    assert audit.narrow_pages == 2
    assert [entry.split(":")[0] for entry in audit.overflows] == ["wide"], audit.overflows
    assert "div#wide" in audit.overflows[0]
