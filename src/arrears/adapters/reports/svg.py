"""Just enough SVG to draw the report's charts inline: scales, ticks, shapes, accessible frames.

Every chart is an ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>`` (screen
readers announce them), sized by its ``viewBox`` so it scales with the page, and drawn only
with elements every browser renders without scripts or fonts from the network.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 720, 320
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 72, 24, 16, 48
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
    "#999999",
    "#882255",
    "#44AA99",
    "#117733",
)
"""Okabe–Ito colours first (distinguishable with colour-vision deficiencies), then Tol's."""


def attr(value: object) -> str:
    return escape(str(value), quote=True)


@dataclass(frozen=True, slots=True)
class Linear:
    """Maps ``[low, high]`` onto ``[start, end]`` pixels."""

    low: float
    high: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        return self.start + (value - self.low) / span * (self.end - self.start)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (1, 2 or 5 times a power of ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    if ticks[-1] < high:
        ticks.append(round(value, 12))
    return ticks


def frame(
    chart_id: str,
    title: str,
    description: str,
    body: Iterator[str] | Sequence[str],
    *,
    height: int = HEIGHT,
) -> str:
    """The ``<svg>`` element around a chart's shapes."""
    return (
        f'<svg class="chart" id="{attr(chart_id)}" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{attr(chart_id)}-title {attr(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{attr(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{attr(chart_id)}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def text(
    x: float, y: float, content: str, *, anchor: str = "middle", size: int = 12, css: str = ""
) -> str:
    klass = f' class="{attr(css)}"' if css else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"{klass}>'
        f"{escape(content)}</text>"
    )


def line(x1: float, y1: float, x2: float, y2: float, *, css: str = "grid") -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" class="{css}"/>'


def rect(x: float, y: float, width: float, height: float, *, fill: str, tip: str = "") -> str:
    title = f"<title>{escape(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="{attr(fill)}">{title}</rect>'
    )


def polyline(points: Sequence[tuple[float, float]], *, colour: str, dashed: bool = False) -> str:
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    return f'<polyline points="{path}" fill="none" stroke="{attr(colour)}" stroke-width="2"{dash}/>'


def dot(x: float, y: float, *, colour: str, tip: str) -> str:
    return (
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{attr(colour)}">'
        f"<title>{escape(tip)}</title></circle>"
    )


def y_axis(scale: Linear, ticks: Sequence[float], label: Callable[[float], str]) -> Iterator[str]:
    """Horizontal grid lines with their labels on the left."""
    for tick in ticks:
        y = scale(tick)
        yield line(MARGIN_LEFT, y, WIDTH - MARGIN_RIGHT, y)
        yield text(MARGIN_LEFT - 6, y + 4, label(tick), anchor="end", size=11)


def legend(names: Sequence[str], *, y: float) -> Iterator[str]:
    """Coloured swatches with names, left to right along the bottom."""
    x = MARGIN_LEFT
    for index, name in enumerate(names):
        yield rect(x, y - 9, 10, 10, fill=PALETTE[index % len(PALETTE)])
        yield text(x + 14, y, name, anchor="start", size=11)
        x += 24 + 7 * len(name)
