"""The layout decision of ARCHITECTURE.md §1: `platform/` is a source root, never a package."""

import importlib
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_platform_is_the_standard_library() -> None:
    module = importlib.import_module("platform")
    stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
    assert Path(module.__file__).resolve().parent == stdlib  # type: ignore[arg-type]
    assert callable(module.python_version)


def test_platform_folder_is_not_a_package() -> None:
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_both_source_roots_are_on_the_path() -> None:
    paths = {Path(p).resolve() for p in sys.path if p}
    assert ROOT in paths
    assert ROOT / "platform" in paths
