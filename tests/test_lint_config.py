"""The lint configuration guards the layout: nothing may shadow the standard library's `platform`.

tests/test_layout.py checks the tree as it is; this checks that ruff (`make lint`) would refuse
a `platform` module if one were added, which it does only while `platform` is not one of
ruff's `src` roots (a root is not a module, so A005 would not see it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", ".data", ".git", "node_modules", "staticfiles", "__pycache__"}


def source_files(root: Path) -> list[Path]:
    found = []
    for path in root.iterdir():
        if path.name in SKIPPED:
            continue
        if path.is_dir():
            found.extend(source_files(path))
        elif path.suffix == ".py":
            found.append(path)
    return found


def test_no_module_is_named_platform() -> None:
    offenders = [
        path.relative_to(ROOT)
        for path in source_files(ROOT)
        if path.name == "platform.py"
        or (path.name == "__init__.py" and path.parent.name == "platform")
    ]
    assert offenders == []


def test_ruff_selects_the_builtins_rules_and_only_the_repo_root_as_source() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    assert "A" in config["lint"]["select"]
    assert config["src"] == ["."]


def ruff(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "A005", "."],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ruff_refuses_a_top_level_module_named_platform(tmp_path: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "platform" / "entente").mkdir(parents=True)
    (tmp_path / "platform" / "entente" / "__init__.py").write_text("")
    (tmp_path / "platform" / "entente" / "views.py").write_text("import platform\n")

    assert ruff(tmp_path).returncode == 0  # the layout as it should be passes

    (tmp_path / "platform" / "__init__.py").write_text("")
    result = ruff(tmp_path)
    assert result.returncode == 1
    assert "A005" in result.stdout
    assert "platform/__init__.py" in result.stdout
