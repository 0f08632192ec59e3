"""The import directions of ARCHITECTURE.md §1 are import-linter contracts, run by `make lint`.

These tests keep the contracts whole: they exist under their ids, they cover every capability
app and every views module on disk (a new app or a new `*_views.py` must be added to them),
and the tree keeps them today.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "platform" / "entente"
GROUND_FLOOR = {"core", "config"}


def contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract for contract in config["contracts"]}


def capability_apps() -> set[str]:
    return {
        f"entente.{path.parent.name}"
        for path in APPS.glob("*/__init__.py")
        if path.parent.name not in GROUND_FLOOR
    }


def views_modules(app: str) -> set[str]:
    folder = APPS / app.removeprefix("entente.")
    return {
        f"{app}.{path.stem}"
        for path in folder.glob("*.py")
        if path.stem == "views" or path.stem.endswith("_views")
    }


def test_the_root_packages_are_the_product_and_its_faces() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert sorted(config["root_packages"]) == ["api", "entente", "realtime", "tenants"]


def test_capability_apps_never_import_the_faces() -> None:
    contract = contracts()["capabilities-below-faces"]
    assert contract["type"] == "forbidden"
    assert set(contract["source_modules"]) == capability_apps()
    assert set(contract["forbidden_modules"]) == {"api", "realtime"}


def test_tenants_never_imports_a_capability_app() -> None:
    contract = contracts()["tenants-below-capabilities"]
    assert contract["type"] == "forbidden"
    assert contract["source_modules"] == ["tenants"]
    assert set(contract["forbidden_modules"]) == capability_apps()


def test_core_never_imports_tenants() -> None:
    contract = contracts()["core-below-tenants"]
    assert contract["type"] == "forbidden"
    assert contract["source_modules"] == ["entente.core"]
    assert contract["forbidden_modules"] == ["tenants"]


def test_every_views_module_is_private_to_its_app_and_the_url_configuration() -> None:
    expected = {app: views_modules(app) for app in capability_apps() if views_modules(app)}
    found = {
        contract["allowed_importers"][0]: set(contract["protected_modules"])
        for contract_id, contract in contracts().items()
        if contract_id.startswith("views-private-")
    }
    assert found == expected
    for contract_id, contract in contracts().items():
        if contract_id.startswith("views-private-"):
            assert contract["type"] == "protected", contract_id
            app = f"entente.{contract_id.removeprefix('views-private-')}"
            assert contract["allowed_importers"] == [app, "entente.config"], contract_id
            assert not contract.get("ignore_imports"), contract_id


def test_the_tree_keeps_every_contract() -> None:
    environment = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}"}
    result = subprocess.run(
        [Path(sys.executable).parent / "lint-imports", "--no-cache"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout
