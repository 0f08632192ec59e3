"""Debian's chromium for the browser tests: find it, or install it where we can.

`make test` calls `python -m infra.browser ensure`. Playwright drives the system browser
(`/usr/bin/chromium`): Playwright's own browser download cannot work on machines that reach only
package registries. Where no browser can be had, the browser tests are skipped with the reason,
except under CI=true, where they fail (tests/support/browser.py).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CANDIDATES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    explicit = os.environ.get("ENTENTE_CHROMIUM")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def ensure() -> int:
    path = find_chromium()
    if path:
        print(f"browser: {path}")
        return 0
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("browser: installing Debian's chromium (apt-get)…")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        update = subprocess.run(["apt-get", "update", "-qq"], env=env, check=False)
        install = subprocess.run(
            ["apt-get", "install", "-y", "-qq", "chromium"], env=env, check=False
        )
        if update.returncode == 0 and install.returncode == 0 and find_chromium():
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
