"""The benchmarks share one set of helpers (benchmarks/_common.py) and stay readable.

Running them takes minutes and a machine of their own, so the suite does not; it checks that
each one takes its conditions, database and percentiles from the shared module, that none grows
past 600 lines, and that the percentile they all print is the one its docstring promises.
"""

from __future__ import annotations

import ast
import math
import statistics
from pathlib import Path

import pytest

from benchmarks._common import p95, percentile

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
MAX_LINES = 600


def runnable_benchmarks() -> list[Path]:
    return sorted(
        path for path in BENCHMARKS.glob("*.py") if 'if __name__ == "__main__":' in path.read_text()
    )


def imports_the_common_module(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "benchmarks._common"
        for node in ast.walk(tree)
    )


def test_there_are_benchmarks() -> None:
    assert {path.name for path in runnable_benchmarks()} >= {"routing.py", "realtime.py"}


@pytest.mark.parametrize("path", runnable_benchmarks(), ids=lambda path: path.name)
def test_every_benchmark_uses_the_common_helpers(path: Path) -> None:
    assert imports_the_common_module(path)


@pytest.mark.parametrize("path", sorted(BENCHMARKS.glob("*.py")), ids=lambda path: path.name)
def test_no_benchmark_file_is_over_600_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= MAX_LINES


def test_the_percentile_interpolates_like_the_inclusive_quantiles() -> None:
    values = [12.0, 3.0, 7.0, 1.0, 30.0, 5.0, 9.0, 4.0, 8.0, 2.0, 6.0]
    inclusive = statistics.quantiles(values, n=20, method="inclusive")
    assert p95(values) == pytest.approx(inclusive[18])
    assert percentile(values, 0.5) == statistics.median(values)
    assert percentile(values, 0.0) == min(values)
    assert percentile(values, 1.0) == max(values)


def test_the_percentile_of_one_value_or_none() -> None:
    assert percentile([4.2], 0.99) == 4.2
    assert math.isnan(percentile([], 0.5))
