"""Debian's chromium for the browser tests, and Pango for the PDFs: find them, or install them
where we can.

`make test` calls `python -m infra.browser ensure`. Playwright drives the system browser
(`/usr/bin/chromium`): Playwright's own browser download cannot work on machines that reach only
package registries. Where no browser can be had, the browser tests are skipped with the reason,
except under CI=true, where they fail (tests/support/browser.py).

weasyprint (the minutes' PDF, entente.meetings.pdf) needs Pango from the system: Debian's
libpango-1.0-0 and libpangoft2-1.0-0, installed by the same step where it can; without them the
PDF tests are skipped with the reason, except under CI=true, where they fail.

axe-core (the accessibility test) comes from npm, at the version `infra/axe/package-lock.json`
pins with its checksum (`npm ci`); where npm is missing or cannot reach its registry, the
accessibility test is skipped with the reason, except under CI=true, where it fails.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_SCRIPT = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_SKIPPED = "the accessibility test will be skipped (or fail under CI=true)."
CANDIDATES = ("chromium", "chromium-browser")
PANGO_LIBRARIES = ("pango-1.0", "pangoft2-1.0")
PANGO_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0")


def find_pango() -> bool:
    return all(ctypes.util.find_library(name) for name in PANGO_LIBRARIES)


def _apt_install(packages: tuple[str, ...]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    update = subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
    install = subprocess.run(["apt-get", "install", "-y", "-qq", *packages], env=env, check=False)
    return update.returncode == 0 and install.returncode == 0


def ensure_pango() -> None:
    if find_pango():
        print("pango: found")
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("pango: installing Debian's Pango (apt-get)…")
        if _apt_install(PANGO_PACKAGES) and find_pango():
            print("pango: installed")
            return
    print("pango: not available; the PDF tests will be skipped (or fail under CI=true).")


def find_chromium() -> str | None:
    explicit = os.environ.get("ENTENTE_CHROMIUM")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def find_axe() -> Path | None:
    return AXE_SCRIPT if AXE_SCRIPT.is_file() else None


def ensure_axe() -> None:
    """`npm ci`: the locked version, checked against its integrity hash; nothing if current."""
    lock = AXE_DIR / "package-lock.json"
    if find_axe() and AXE_SCRIPT.stat().st_mtime >= lock.stat().st_mtime:
        print(f"axe-core: {AXE_SCRIPT}")
        return
    npm = shutil.which("npm")
    if npm is None:
        print(f"axe-core: npm not found; {AXE_SKIPPED}")
        return
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=AXE_DIR, check=False
    )
    if done.returncode == 0 and find_axe():
        AXE_SCRIPT.touch()
        print(f"axe-core: installed {AXE_SCRIPT}")
    else:
        print(f"axe-core: npm ci failed; {AXE_SKIPPED}")


def ensure() -> int:
    ensure_pango()
    ensure_axe()
    path = find_chromium()
    if path:
        print(f"browser: {path}")
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("browser: installing Debian's chromium (apt-get)…")
        if _apt_install(("chromium",)) and find_chromium():
            print(f"browser: {find_chromium()}")
            return 0
        print("browser: apt-get could not install chromium; browser tests will be skipped.")
        return 0
    print(
        "browser: no chromium found and cannot install it here (needs root and apt-get); "
        "browser tests will be skipped (or fail under CI=true)."
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:] != ["ensure"]:
        print(__doc__)
        sys.exit(2)
    sys.exit(ensure())
