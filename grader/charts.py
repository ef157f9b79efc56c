"""The geometry of the class report's SVG charts.

Only numbers and plain strings are computed here; `grader/templates/class_report.html.j2` draws
them, and its autoescaping turns every label (a check's name, a student id) into text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

FONT_WIDTH = 6.6  # px per character of a 12 px sans-serif label, on average: for cutting labels
ELLIPSIS = "…"


def rate_color(rate: float | None) -> str:
    """Red for 0, amber for one half, green for 1; grey when there is no rate."""
    if rate is None:
        return "#9aa0a6"
    return f"hsl({round(120 * min(max(rate, 0.0), 1.0))}, 62%, 42%)"


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + ELLIPSIS


def nice_top(largest: int, most_ticks: int = 5) -> tuple[int, int]:
    """The top of a count axis and its tick step: 1, 2 or 5 times a power of ten, at most
    `most_ticks` steps from 0 to a top that is at least `largest` (and at least 1)."""
    largest = max(largest, 1)
    magnitude = 10 ** max(0, math.floor(math.log10(largest)) - 1)
    step = next(step for step in (multiple * magnitude * power for power in (1, 10, 100)
                                  for multiple in (1, 2, 5)) if math.ceil(largest / step) <= most_ticks)
    return math.ceil(largest / step) * step, step


# -- the histogram of scores -------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    x: float
    y: float
    width: float
    height: float
    fill: str
    count: int
    center: float  # x of the count written above it
    label_y: float  # its baseline
    title: str  # the tooltip: "30–40%: 2 submissions"


@dataclass(frozen=True)
class Tick:
    position: float  # x for a tick of the horizontal axis, y for one of the vertical axis
    label: str


@dataclass(frozen=True)
class Histogram:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float  # y of the horizontal axis
    columns: tuple[Column, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]


def histogram(counts: Sequence[int], width: int = 520, height: int = 250) -> Histogram:
    """Columns for counts of equal bins over 0–100%, each coloured by the scores it holds."""
    left, right, top, bottom = 52.0, width - 14.0, 26.0, height - 52.0
    y_top, step = nice_top(max(counts, default=0))
    slot = (right - left) / len(counts)
    columns = []
    for index, count in enumerate(counts):
        bar_height = (bottom - top) * count / y_top
        low, high = 100 * index // len(counts), 100 * (index + 1) // len(counts)
        columns.append(Column(
            x=round(left + index * slot + 3, 2), y=round(bottom - bar_height, 2), width=round(slot - 6, 2),
            height=round(bar_height, 2), fill=rate_color((index + 0.5) / len(counts)), count=count,
            center=round(left + (index + 0.5) * slot, 2), label_y=round(bottom - bar_height - 5, 2),
            title=f"{low}–{high}%: {count} submission{'' if count == 1 else 's'}"))
    x_ticks = tuple(Tick(round(left + index * slot, 2), f"{100 * index // len(counts)}")
                    for index in range(len(counts) + 1))
    y_ticks = tuple(Tick(round(bottom - (bottom - top) * value / y_top, 2), str(value))
                    for value in range(0, y_top + 1, step))
    return Histogram(width, height, left, right, top, bottom, tuple(columns), x_ticks, y_ticks)


# -- horizontal bars of pass rates -------------------------------------------------------------
@dataclass(frozen=True)
class RateRow:
    label: str
    rate: float | None  # None: nothing to count (skipped everywhere)
    detail: str  # written after the bar: "25% · 1/4"
    tag: str = ""  # a small mark after the label ("hidden")


@dataclass(frozen=True)
class RateBar:
    y: float  # top of the row's bar
    text_y: float  # baseline of its texts
    label: str  # cut to fit; `title` holds it whole
    title: str
    tag: str
    fill_width: float
    fill: str
    detail: str


@dataclass(frozen=True)
class RateChart:
    width: int
    height: int
    label_right: float  # labels end here (text-anchor end)
    track_x: float
    track_width: float
    bar_height: float
    detail_x: float
    grid: tuple[Tick, ...]  # x of 0, 25, 50, 75, 100%
    axis_y: float  # baseline of the grid's labels
    bars: tuple[RateBar, ...]


def rate_bars(rows: Sequence[RateRow], width: int = 820, row_height: int = 24) -> RateChart:
    label_right, track_width, bar_height, top = 420.0, 240.0, 14.0, 30.0
    track_x = label_right + 10
    label_chars = int((label_right - 8) / FONT_WIDTH)
    bars = []
    for index, row in enumerate(rows):
        y = top + index * row_height + (row_height - bar_height) / 2
        room = label_chars - (len(row.tag) + 2 if row.tag else 0)
        bars.append(RateBar(
            y=round(y, 2), text_y=round(y + bar_height - 3, 2), label=shorten(row.label, room), title=row.label, tag=row.tag,
            fill_width=round(track_width * (row.rate or 0.0), 2), fill=rate_color(row.rate), detail=row.detail))
    grid = tuple(Tick(round(track_x + track_width * percent / 100, 2), f"{percent}%") for percent in (0, 25, 50, 75, 100))
    height = int(top + len(rows) * row_height + 10)
    return RateChart(width, height, label_right, track_x, track_width, bar_height, track_x + track_width + 10,
                     grid, top - 10, tuple(bars))
