"""The accessibility harness of tests/test_navigation_demo.py (tests/support/axe.py) reports
what it must: without this, an axe that never ran, or rules that never matched, would pass."""

from __future__ import annotations

from typing import Any

import pytest

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
