"""The report's charts as inline SVG, drawn from the same tables the report prints.

Each function takes a ``MetricTable`` (or a goal's progress) and returns one ``<svg>``; the
HTML puts the table itself right after it, so every chart has a text alternative.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from arrears.adapters.reports.formatting import compact_money, fmt, percent
from arrears.adapters.reports.svg import (
    HEIGHT,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PALETTE,
    WIDTH,
    Linear,
    dot,
    frame,
    legend,
    line,
    nice_ticks,
    polyline,
    rect,
    text,
    y_axis,
)
from arrears.analytics.report_model import GoalProgress, MetricTable, Unit


def _value_label(unit: Unit, currency: str) -> Callable[[float], str]:
    if unit == "money":
        return lambda value: compact_money(value, currency)
    if unit == "ratio":
        return lambda value: percent(value + 0.0, digits=0 if value == round(value, 2) else 1)
    return lambda value: f"{value:,.0f}"


def _blend(rate: float) -> str:
    """White to deep blue; the square root makes small rates visible."""
    level = max(0.0, min(1.0, rate)) ** 0.5
    low, high = (247, 251, 255), (8, 48, 107)
    red, green, blue = (round(a + (b - a) * level) for a, b in zip(low, high, strict=True))
    return f"#{red:02x}{green:02x}{blue:02x}"


def heat_map(table: MetricTable, *, value: str = "account_rate") -> str:
    """Roll rates: rows are buckets at the earlier month end, columns segments at the later."""
    records = table.records()
    rows = list(dict.fromkeys(str(r["from_segment"]) for r in records))
    columns = list(dict.fromkeys(str(r["to_segment"]) for r in records))
    left, top, cell_height = 88, 56, 26
    cell_width = (WIDTH - left - 8) / max(len(columns), 1)
    height = top + cell_height * len(rows) + 16
    shapes = []
    for i, name in enumerate(columns):
        words = name.split(" ") if len(name) * 7 > cell_width else [name]
        shapes += [
            text(left + cell_width * (i + 0.5), top - 10 - 13 * (len(words) - 1 - j), word, size=11)
            for j, word in enumerate(words)
        ]
    shapes.append(text(left + (WIDTH - left) / 2, 16, "to (segment at this month end)", size=11))
    for record in records:
        row, column = (
            rows.index(str(record["from_segment"])),
            columns.index(str(record["to_segment"])),
        )
        rate = record[value]
        share = float(rate) if isinstance(rate, int | float) else 0.0
        x, y = left + cell_width * column, top + cell_height * row
        tip = (
            f"{record['from_segment']} → {record['to_segment']}: "
            f"{percent(share)} ({record['accounts']:,} accounts)"
        )
        shapes.append(
            rect(x + 1, y + 1, cell_width - 2, cell_height - 2, fill=_blend(share), tip=tip)
        )
        label = "" if rate is None else percent(share, digits=0 if share >= 0.1 else 1)
        css = "on-dark" if share**0.5 > 0.55 else ""
        shapes.append(text(x + cell_width / 2, y + cell_height / 2 + 4, label, size=11, css=css))
    shapes += [
        text(left - 6, top + cell_height * (i + 0.5) + 4, name, anchor="end", size=11)
        for i, name in enumerate(rows)
    ]
    description = (
        f"Heat map of {len(rows)} buckets by {len(columns)} segments; darker cells "
        "hold a larger share of the row's accounts. The table below lists every cell."
    )
    return frame(f"chart-{table.key}", table.title, description, shapes, height=height)


def line_chart(
    chart_id: str,
    title: str,
    series: dict[str, list[tuple[float, float]]],
    *,
    unit: Unit,
    currency: str,
    x_label: Callable[[float], str],
    x_title: str,
) -> str:
    """One line per series (x numeric), with a legend under the axis."""
    points = [point for values in series.values() for point in values]
    if not points:
        return ""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    ticks = nice_ticks(min(0.0, *ys), max(ys))
    x = Linear(
        min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1, MARGIN_LEFT, WIDTH - MARGIN_RIGHT
    )
    y = Linear(ticks[0], ticks[-1], HEIGHT - MARGIN_BOTTOM, MARGIN_TOP)
    label = _value_label(unit, currency)
    shapes = list(y_axis(y, ticks, label))
    for value in sorted(set(xs)):
        shapes.append(text(x(value), HEIGHT - MARGIN_BOTTOM + 16, x_label(value), size=11))
    shapes.append(text(WIDTH / 2, HEIGHT - MARGIN_BOTTOM + 32, x_title, size=11))
    for index, (name, values) in enumerate(series.items()):
        colour = PALETTE[index % len(PALETTE)]
        coords = [(x(a), y(b)) for a, b in sorted(values)]
        shapes.append(polyline(coords, colour=colour))
        shapes += [
            dot(cx, cy, colour=colour, tip=f"{name}, {x_label(a)}: {fmt(b, unit, currency)}")
            for (cx, cy), (a, b) in zip(coords, sorted(values), strict=True)
        ]
    shapes += legend(list(series), y=HEIGHT - 4)
    description = (
        f"Line chart of {len(series)} series over {x_title}; the table below has the values."
    )
    return frame(chart_id, title, description, shapes)


def curves(table: MetricTable, *, currency: str) -> str:
    series: dict[str, list[tuple[float, float]]] = {}
    for record in table.records():
        rate = record["recovery_rate"]
        if isinstance(rate, int | float):
            series.setdefault(str(record["cohort"]), []).append(
                (float(str(record["month"])), float(rate))
            )
    return line_chart(
        f"chart-{table.key}",
        table.title,
        series,
        unit="ratio",
        currency=currency,
        x_label=lambda v: f"{v:.0f}",
        x_title="months after the start",
    )


def stacked_bars(table: MetricTable, *, segments: Sequence[str], currency: str) -> str:
    """Outstanding balance of the given segments at each date, stacked."""
    records = [r for r in table.records() if r["segment"] in segments]
    dates = sorted({r["as_of"] for r in records if isinstance(r["as_of"], date)})
    if not dates:
        return ""
    totals = dict.fromkeys(dates, 0.0)
    for r in records:
        totals[r["as_of"]] += float(str(r["outstanding_minor"]))  # type: ignore[index]
    ticks = nice_ticks(0.0, max(totals.values()) or 1.0)
    y = Linear(ticks[0], ticks[-1], HEIGHT - MARGIN_BOTTOM, MARGIN_TOP)
    slot = (WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / len(dates)
    shapes = list(y_axis(y, ticks, _value_label("money", currency)))
    for i, day in enumerate(dates):
        base = 0.0
        for j, segment in enumerate(segments):
            amount = sum(
                float(str(r["outstanding_minor"]))
                for r in records
                if r["as_of"] == day and r["segment"] == segment
            )
            top = base + amount
            tip = f"{day:%b %Y} · {segment}: {fmt(round(amount), 'money', currency)}"
            shapes.append(
                rect(
                    MARGIN_LEFT + slot * i + slot * 0.15,
                    y(top),
                    slot * 0.7,
                    y(base) - y(top),
                    fill=PALETTE[j % len(PALETTE)],
                    tip=tip,
                )
            )
            base = top
        shapes.append(
            text(
                MARGIN_LEFT + slot * (i + 0.5), HEIGHT - MARGIN_BOTTOM + 16, f"{day:%b %y}", size=10
            )
        )
    shapes += legend(list(segments), y=HEIGHT - 4)
    description = (
        "Stacked bars of the outstanding balance of delinquent and charged-off "
        "accounts at each month end, by segment."
    )
    return frame(f"chart-{table.key}", table.title, description, shapes)


def forest(table: MetricTable, *, unit: Unit, currency: str) -> str:
    """Each arm's difference from the champion with its confidence interval around zero."""
    records = [r for r in table.records() if isinstance(r["difference"], int | float)]
    if not records:
        return ""
    lows = [float(str(r["ci_low"])) for r in records]
    highs = [float(str(r["ci_high"])) for r in records]
    ticks = nice_ticks(min(0.0, *lows), max(0.0, *highs))
    left, row_height = 220, 36
    height = MARGIN_TOP + row_height * len(records) + 40
    x = Linear(ticks[0], ticks[-1], left, WIDTH - MARGIN_RIGHT)
    label = _value_label(unit, currency)
    shapes = [line(x(0), MARGIN_TOP, x(0), height - 36, css="zero")]
    shapes += [text(x(t), height - 20, label(t), size=11) for t in ticks]
    for i, r in enumerate(records):
        cy = MARGIN_TOP + row_height * (i + 0.5)
        low, high, value = (
            float(str(r["ci_low"])),
            float(str(r["ci_high"])),
            float(str(r["difference"])),
        )
        colour = PALETTE[2] if low > 0 else PALETTE[3] if high < 0 else PALETTE[8]
        shapes.append(
            text(left - 8, cy + 4, f"{r['experiment']}: {r['arm']}", anchor="end", size=11)
        )
        shapes.append(line(x(low), cy, x(high), cy, css="interval"))
        shapes.append(
            dot(
                x(value),
                cy,
                colour=colour,
                tip=f"{r['arm']}: {fmt(value, unit, currency)} "
                f"[{fmt(low, unit, currency)}, {fmt(high, unit, currency)}]",
            )
        )
    description = (
        "Differences from the champion with their confidence intervals; an interval "
        "that crosses the zero line is not a significant difference."
    )
    return frame(f"chart-{table.key}", table.title, description, shapes, height=height)


def bars(table: MetricTable, *, label: str, value: str, unit: Unit, currency: str) -> str:
    """Horizontal bars of one column by another (rates by bucket, cost by treatment)."""
    records = [r for r in table.records() if isinstance(r[value], int | float)]
    if not records:
        return ""
    values = [float(str(r[value])) for r in records]
    ticks = nice_ticks(0.0, max(values) or 1.0)
    left, row_height = 180, 24
    height = MARGIN_TOP + row_height * len(records) + 40
    x = Linear(0.0, ticks[-1], left, WIDTH - MARGIN_RIGHT - 40)
    shapes = [text(x(t), height - 20, _value_label(unit, currency)(t), size=11) for t in ticks]
    for i, (r, amount) in enumerate(zip(records, values, strict=True)):
        y = MARGIN_TOP + row_height * i
        shapes.append(text(left - 8, y + 16, str(r[label]), anchor="end", size=11))
        shapes.append(
            rect(
                left,
                y + 4,
                x(amount) - left,
                row_height - 8,
                fill=PALETTE[0],
                tip=f"{r[label]}: {fmt(amount, unit, currency)}",
            )
        )
        shapes.append(
            text(x(amount) + 4, y + 16, fmt(amount, unit, currency), anchor="start", size=11)
        )
    return frame(
        f"chart-{table.key}-{value}",
        table.title,
        f"Bar chart of {value.replace('_', ' ')} by {label}.",
        shapes,
        height=height,
    )


def goal(progress: GoalProgress, *, currency: str) -> str:
    """The goal's daily values, its target line and the trend carried to the deadline."""
    known = [(d, v) for d, v in progress.series if v is not None]
    if not known:
        return ""
    definition = progress.goal.definition
    unit: Unit = "money" if definition.unit == "money" else "ratio"
    start, deadline = known[0][0], progress.goal.deadline
    end = max(deadline, known[-1][0])
    forecast = progress.forecast
    target = float(progress.goal.target)
    values = [v for _, v in known] + [target]
    if forecast is not None:
        values += [forecast.low, forecast.high]
    ticks = nice_ticks(min(0.0, *values), max(values))
    x = Linear(0.0, float((end - start).days) or 1.0, MARGIN_LEFT, WIDTH - MARGIN_RIGHT)
    y = Linear(ticks[0], ticks[-1], HEIGHT - MARGIN_BOTTOM, MARGIN_TOP)

    def at(day: date) -> float:
        return x(float((day - start).days))

    shapes = list(y_axis(y, ticks, _value_label(unit, currency)))
    shapes.append(line(MARGIN_LEFT, y(target), WIDTH - MARGIN_RIGHT, y(target), css="target"))
    shapes.append(
        text(
            WIDTH - MARGIN_RIGHT,
            y(target) - 6,
            f"target {fmt(target, unit, currency)}",
            anchor="end",
            size=11,
        )
    )
    coords = [(at(d), y(v)) for d, v in known]
    shapes.append(polyline(coords, colour=PALETTE[0]))
    shapes += [
        dot(cx, cy, colour=PALETTE[0], tip=f"{d}: {fmt(v, unit, currency)}")
        for (cx, cy), (d, v) in zip(coords, known, strict=True)
    ]
    if forecast is not None:
        shapes.append(
            polyline(
                [coords[-1], (at(deadline), y(forecast.value))], colour=PALETTE[1], dashed=True
            )
        )
        shapes.append(
            line(at(deadline), y(forecast.low), at(deadline), y(forecast.high), css="interval")
        )
    labels = [(start, "start"), (known[-1][0], "middle"), (deadline, "end")]
    spaced = [
        (day, anchor)
        for day, anchor in labels
        if anchor != "middle" or min(at(day) - at(start), at(deadline) - at(day)) > 90
    ]
    for day, anchor in spaced:
        shapes.append(
            text(at(day), HEIGHT - MARGIN_BOTTOM + 16, day.isoformat(), anchor=anchor, size=10)
        )
    description = (
        f"Daily {definition.label.lower()} from {start} to {known[-1][0]}, the target "
        f"line and the trend to the deadline {deadline} with its interval."
    )
    return frame(f"chart-goal-{progress.goal.id}", f"Goal {progress.goal.id}", description, shapes)
