"""Chart geometry for the SVG templates (templates/admin/insights/): the server draws, the browser runs nothing."""

import math
from dataclasses import dataclass

# Dark enough against white for graphics (WCAG 1.4.11) and apart from each other; each chart also has a table.
COLOURS = ("#1f4e5f", "#a34e00")
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 12, 40
MAX_X_LABELS = 13


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # a tooltip for mouse users; the table beside the chart has every figure


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class ColumnChart:
    bars: list[Rect]
    y_ticks: list[Tick]
    x_labels: list[Tick]
    legend: list[tuple[str, str]]  # (colour, series name)
    empty: bool
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: int = HEIGHT - BOTTOM
    right_edge: int = WIDTH - RIGHT


def _nice_ceiling(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at or above the value (the axis' top)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def _number(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.0f}%"
    text = f"{value:.1f}".removesuffix(".0") if value % 1 else f"{value:.0f}"
    return f"{text}{unit}"


def column_chart(labels: list[str], series: list[tuple[str, list[float | None]]], *, unit: str = "") -> ColumnChart:
    """Columns per label, one per series side by side; None is a gap (no figure), not zero."""
    values = [value for _, points in series for value in points if value is not None]
    top = _nice_ceiling(max(values, default=0))
    if unit == "%":
        top = 1.0
    elif not unit:
        top = max(4, top)  # counts: the axis' four steps are whole numbers
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(labels))
    bar_width = slot * 0.8 / max(1, len(series))
    bars = []
    for index, label in enumerate(labels):
        for number, (name, points) in enumerate(series):
            value = points[index]
            if value is None:
                continue
            height = plot_height * value / top
            bars.append(
                Rect(
                    x=round(LEFT + index * slot + slot * 0.1 + number * bar_width, 2),
                    y=round(HEIGHT - BOTTOM - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    colour=COLOURS[number % len(COLOURS)],
                    title=f"{label}: {name} {_number(value, unit)}",
                )
            )
    every = math.ceil(len(labels) / MAX_X_LABELS) or 1
    return ColumnChart(
        bars=bars,
        y_ticks=[
            Tick(round(HEIGHT - BOTTOM - plot_height * step / 4, 2), _number(top * step / 4, unit)) for step in range(5)
        ],
        x_labels=[
            Tick(round(LEFT + index * slot + slot / 2, 2), label)
            for index, label in enumerate(labels)
            if index % every == 0
        ],
        legend=[(COLOURS[number % len(COLOURS)], name) for number, (name, _) in enumerate(series)],
        empty=not values,
    )


@dataclass(frozen=True)
class BarRow:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class BarChart:
    rows: list[BarRow]
    height: int
    label_width: int = 220
    bar_space: int = WIDTH - 220 - 60
    width: int = WIDTH
    row_height: int = 26
    colour: str = COLOURS[0]


def bar_chart(rows: list[tuple[str, int]]) -> BarChart:
    """One horizontal bar per row, longest for the largest value."""
    top = max((value for _, value in rows), default=0) or 1
    chart = BarChart(rows=[], height=max(1, len(rows)) * 26 + 4)
    chart.rows.extend(
        BarRow(label=label, value=value, y=4 + index * chart.row_height, width=round(chart.bar_space * value / top, 2))
        for index, (label, value) in enumerate(rows)
    )
    return chart
