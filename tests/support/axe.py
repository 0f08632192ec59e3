"""axe-core in Chromium over pages Django renders in the test's own process and transaction.

The browser asks for `http://<host>/…`; every request is answered by Django's test client
(`Page.route`), logged in as the persona, so that pages built from data inside a rolled-back
transaction (the seeded demo) can be checked without a live server or committed rows. Static
files are read from disk, once for the run. axe-core is added after each page has loaded, from
a fixed address answered from memory, the Content-Security-Policy bypassed for it (the browser
context's `bypass_csp`).

Rules: WCAG 2.0 and 2.1, levels A and AA (RGAA 4 follows them); the violations counted are
those axe rates serious or critical.
"""

from __future__ import annotations

import contextvars
import functools
import mimetypes
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

from infra.browser import AXE_SKIPPED, find_axe

# axe-core is loaded from this address, answered from memory: a script the browser fetches
# compiles faster than one pasted into the page (about 70 against 125 ms a page).
AXE_URL = "http://axe.invalid/axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
COUNTED_IMPACTS = {"serious", "critical"}
# Headers a test client must not be handed back as a response header of its own.
HOP_BY_HOP = {"connection", "transfer-encoding", "content-length", "keep-alive"}


def axe_or_skip() -> str:
    path = find_axe()
    if path is not None:
        return path.read_text()
    reason = f"axe-core is not installed (make test runs `npm ci` in infra/axe): {AXE_SKIPPED}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Audit:
    """What axe found over the pages it was given."""

    pages: int = 0
    violations: list[str] = field(default_factory=list)
    narrow_pages: int = 0
    overflows: list[str] = field(default_factory=list)

    def add(self, where: str, results: list[dict[str, Any]]) -> None:
        self.pages += 1
        for rule in results:
            if rule.get("impact") not in COUNTED_IMPACTS:
                continue
            targets = [" ".join(map(str, node.get("target", []))) for node in rule["nodes"][:3]]
            self.violations.append(
                f"{where}: {rule['id']} ({rule['impact']}, {len(rule['nodes'])} nodes) "
                f"{rule['help']} → {targets}"
            )


# The elements that stick out of a narrow window, or nothing when the page fits: what makes a
# reader scroll sideways (WCAG 1.4.10, reflow). A box inside a container that scrolls on its
# own (a wide table in its wrapper) does not widen the page and is not counted.
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return [];
    const sticksOut = (element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.right > width + 1;
    };
    const clipped = (element) => {
        for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
            if (getComputedStyle(up).overflowX !== "visible") return true;
        }
        return false;
    };
    const found = [];
    for (const element of document.body.querySelectorAll("*")) {
        // The outermost element that sticks out is the one to mend, unless it scrolls inside
        // a container of its own.
        if (!sticksOut(element) || clipped(element)) continue;
        if (element.parentElement !== document.body && sticksOut(element.parentElement)) continue;
        const name = element.tagName.toLowerCase()
            + (element.id ? "#" + element.id : "")
            + (element.className && typeof element.className === "string"
               ? "." + element.className.trim().split(/\\s+/).join(".") : "");
        const box = element.getBoundingClientRect();
        found.push(`${name} (${Math.round(box.left)}→${Math.round(box.right)} px)`);
    }
    return [`${document.documentElement.scrollWidth} px wide`, ...found.slice(0, 4)];
}"""


@functools.cache
def _static_file(path: str) -> tuple[bytes, str] | None:
    """A static file from disk (what whitenoise would serve), read once for the whole run."""
    if not path.startswith(settings.STATIC_URL):
        return None
    found = finders.find(path.removeprefix(settings.STATIC_URL))
    if not found:
        return None
    file = Path(found if isinstance(found, str) else found[0])
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return file.read_bytes(), kind


def _answer(clients: dict[str, Client], script: str) -> Callable[[Any], None]:
    """The route handler: the request goes to the test client of its host."""

    def handle(route: Any) -> None:
        request = route.request
        url = urlsplit(request.url)
        if request.url == AXE_URL:
            route.fulfill(status=200, body=script, headers={"Content-Type": "text/javascript"})
            return
        static = _static_file(url.path)
        if static is not None:
            route.fulfill(status=200, body=static[0], headers={"Content-Type": static[1]})
            return
        client = clients.get(url.hostname or "")
        if client is None:  # another host: nothing from outside is ever loaded
            route.abort()
            return
        path = url.path + (f"?{url.query}" if url.query else "")
        headers = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in request.headers.items()
            if name.lower() not in {"host", "cookie", "content-type", "content-length"}
        }
        response = client.generic(
            request.method,
            path,
            data=request.post_data_buffer or b"",
            content_type=request.headers.get("content-type", ""),
            **headers,
        )
        body = response.getvalue()  # streamed or not
        route.fulfill(
            status=response.status_code,
            headers={
                name: value for name, value in response.items() if name.lower() not in HOP_BY_HOP
            },
            body=body,
        )

    # Playwright calls handlers from its own greenlet, whose context variables are not the
    # test's: Django would open another database connection there, outside the test's
    # transaction. Each call runs in a copy of the test's context, its connection included
    # (a copy each time: a handler waiting on the browser may be called again meanwhile).
    test_context = contextvars.copy_context()
    return lambda route: test_context.copy().run(handle, route)


@dataclass
class InProcessBrowser:
    """A Chromium context whose every request is served by the given test clients."""

    context: Any
    page: Any
    viewport: dict[str, int]

    def audit(self, url: str, audit: Audit, where: str, *, narrow: bool = False) -> None:
        """axe over the page at the context's size, then, if `narrow`, its reflow at 360 px."""
        if self.page.viewport_size != self.viewport:
            self.page.set_viewport_size(self.viewport)
        self.page.goto(url, wait_until="load")
        self.check(audit, where)
        if narrow:
            self.check_narrow(audit, where)

    def check(self, audit: Audit, where: str) -> None:
        """axe over the page as it is now."""
        self.page.add_script_tag(url=AXE_URL)
        results = self.page.evaluate(
            """async (tags) => {
                const found = await axe.run(document, {
                    runOnly: {type: "tag", values: tags},
                    resultTypes: ["violations"],
                });
                return found.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.map(n => ({target: n.target})),
                }));
            }""",
            WCAG_AA,
        )
        audit.add(where, results)

    def check_narrow(self, audit: Audit, where: str, width: int = 360, height: int = 740) -> None:
        """The page as it is now, on a phone-sized window: nothing wider than the window, and
        axe again (what shows, scrolls or folds away differs there)."""
        self.page.set_viewport_size({"width": width, "height": height})
        # The page's own resize handlers (entente.js) run before the next frame is painted.
        self.page.evaluate(
            "() => new Promise(done => requestAnimationFrame(() => setTimeout(done)))"
        )
        audit.narrow_pages += 1
        found = self.page.evaluate(OVERFLOWING)
        if found:
            audit.overflows.append(f"{where}: {', '.join(found)}")
        self.check(audit, f"{where} ({width} px)")


@contextmanager
def in_process_browser(
    browser: Any, clients: dict[str, Client], *, width: int = 1280, height: int = 800
) -> Iterator[InProcessBrowser]:
    """Yield a page whose requests go to `clients` (host name → test client)."""
    script = axe_or_skip()
    viewport = {"width": width, "height": height}
    context = browser.new_context(locale="fr-FR", bypass_csp=True, viewport=viewport)
    context.set_default_timeout(15_000)
    context.route("**/*", _answer(clients, script))
    page = context.new_page()
    try:
        yield InProcessBrowser(context, page, viewport)
    finally:
        context.close()
