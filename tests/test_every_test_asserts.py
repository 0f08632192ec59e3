"""Every test asserts something: a test that only runs code passes whatever the code does.

An ast walk over the files pytest collects (`test_*.py`, `*_test.py`): each `test_*` function
(module level or in a class) must hold an
`assert`, a `pytest.raises`/`pytest.warns`, or a call to a helper whose name says it checks
(`assert*`, `check*`, `expect*`, e.g. Playwright's `expect`). Such helpers must themselves
assert: that is for their review, not for this walk.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent
CHECKING_PREFIXES = ("assert", "check", "expect")
# Library calls that fail the test on what they find: schemathesis's `case.call_and_validate`.
CHECKING_CALLS = {"call_and_validate"}
PYTEST_CHECKS = {"raises", "warns", "fail"}

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def collected_functions(tree: ast.Module) -> Iterator[FunctionNode]:
    for node in ast.walk(tree):
        if isinstance(node, FunctionNode) and node.name.startswith("test_"):
            yield node


def called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def is_pytest_check(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "pytest"
        and call.func.attr in PYTEST_CHECKS
    )


def asserts_something(function: FunctionNode) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call) and (
            is_pytest_check(node)
            or called_name(node).lower().startswith(CHECKING_PREFIXES)
            or called_name(node) in CHECKING_CALLS
        ):
            return True
    return False


def silent_tests(root: Path) -> list[str]:
    found: list[str] = []
    paths = {*root.rglob("test_*.py"), *root.rglob("*_test.py")}
    for path in sorted(paths):
        tree = ast.parse(path.read_text(), filename=str(path))
        found.extend(
            f"{path.relative_to(root)}:{function.lineno} {function.name}"
            for function in collected_functions(tree)
            if not asserts_something(function)
        )
    return found


def test_every_test_asserts_something() -> None:
    assert silent_tests(TESTS) == []


def test_the_walk_finds_a_silent_test(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n"
        "def test_runs_only():\n    compute()\n"
        "def test_asserts():\n    assert compute() == 1\n"
        "def test_raises():\n    with pytest.raises(ValueError):\n        compute()\n"
        "class TestPage:\n"
        "    def test_expects(self, page):\n        expect(page).to_have_title('x')\n"
        "    async def test_silent_method(self):\n        await compute()\n"
        "def test_checks():\n    check_status(compute())\n"
        "def test_assert_helper():\n    assert_no_leak()\n"
    )
    (tmp_path / "helpers.py").write_text("def test_database_url():\n    return 'x'\n")
    assert silent_tests(tmp_path) == [
        "test_sample.py:2 test_runs_only",
        "test_sample.py:12 test_silent_method",
    ]
