"""Server-rendered SVG bar charts (no library, no CDN); pages put a table under each."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    x: int
    y: int
    width: int
    height: int
    label: str
    value: int


def bars(
    series: list[tuple[datetime.date, int]], *, height: int = 120, width: int = 600
) -> list[Bar]:
    """Bars scaled to the largest value; each keeps its label for the SVG `<title>`."""
    if not series:
        return []
    top = max(value for _, value in series) or 1
    step = width // len(series)
    return [
        Bar(
            x=i * step,
            y=height - round(height * value / top),
            width=max(step - 2, 1),
            height=round(height * value / top),
            label=day.strftime("%d/%m"),
            value=value,
        )
        for i, (day, value) in enumerate(series)
    ]


@dataclass(frozen=True)
class Row:
    """A horizontal bar: one group's share (0–100), for charts by role or by service."""

    y: int
    width: int
    label: str
    value: int


def rows(
    series: list[tuple[str, int]], *, top: int = 100, width: int = 400, step: int = 24
) -> list[Row]:
    """Bars along x scaled to `top` (a percentage by default); the page draws the labels."""
    return [
        Row(y=i * step, width=round(width * min(value, top) / (top or 1)), label=label, value=value)
        for i, (label, value) in enumerate(series)
    ]
