"""Charts drawn on the server as SVG: the same markup in the page and in the PDF (WeasyPrint).

No JavaScript, no external font or file: an inline `<svg role="img">` with its `<title>` and
`<desc>`, axis ticks in French number formatting (narrow no-break space between thousands,
decimal comma), a palette whose colours all have a contrast of at least 3:1 against white
(WCAG 1.4.11), a dash pattern per series on line charts so that colour is never the only cue,
and a legend when there are several series. Every chart also carries its data as a table
(`Chart.table`), shown behind a « Voir les données » toggle by `reports/_chart.html`.

    chart = bar_chart(title=…, description=…, categories=["CAF", "CPAM"],
                      series=[("Demandes", [120, 80])], unit="demandes", horizontal=True)
    {% include "reports/_chart.html" with chart=chart %}
"""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maillon.reports.rendering.numbers import Number, format_number, is_whole

Series = Sequence[tuple[str, Sequence[Number | None]]]

# Contrast ≥ 3:1 against white for every colour (tested); distinguishable for common colour
# blindness when adjacent (blue / orange / green / purple first).
PALETTE = (
    "#1d4f91",  # blue
    "#b5430b",  # dark orange
    "#0b7a55",  # green
    "#7b3fa0",  # purple
    "#a3266b",  # magenta
    "#5c5c5c",  # grey
    "#806400",  # ochre
    "#006d80",  # teal
)
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4")
TEXT = "#161616"
AXIS = "#595959"
GRID = "#d9d9d9"
FONT = 'font-family="sans-serif"'

WIDTH = 640
CHAR_WIDTH = 6.6  # average width of a 12 px sans-serif character, for truncating labels


def nice_ticks(top: float, *, count: int = 5, integers: bool = True) -> list[float]:
    """Round tick values from 0 to at least `top` (steps of 1, 2, 2.5 or 5 × 10ⁿ)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if integers:
        step = max(1, math.ceil(step))
    ticks, value = [0.0], 0.0
    while value < top:
        value = round(value + step, 10)
        ticks.append(value)
    return ticks


# -- the chart -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartRow:
    label: str
    values: list[Number | None]

    @property
    def cells(self) -> list[str]:
        return [format_number(value) for value in self.values]


@dataclass(frozen=True)
class ChartTable:
    """The chart's data: `header` (first cell names the categories), then one row per category."""

    header: list[str]
    rows: list[ChartRow]


@dataclass(frozen=True)
class Chart:
    kind: str  # "bar", "hbar" or "line"
    title: str
    description: str
    categories: list[str]
    series: list[tuple[str, list[Number | None]]]
    unit: str = ""
    id: str = ""
    category_label: str = field(default="")

    @property
    def empty(self) -> bool:
        return not any(value for _name, values in self.series for value in values)

    @cached_property
    def table(self) -> ChartTable:
        names = [name for name, _values in self.series]
        if self.unit and len(names) == 1:
            names = [f"{names[0]} ({self.unit})"]
        header = [self.category_label or _("Catégorie"), *names]
        rows = [
            ChartRow(category, [values[i] for _name, values in self.series])
            for i, category in enumerate(self.categories)
        ]
        return ChartTable(header, rows)

    @cached_property
    def svg(self) -> SafeString:
        if self.empty:
            return _svg_empty(self)
        draw = {"bar": _draw_columns, "hbar": _draw_rows, "line": _draw_lines}[self.kind]
        return draw(self)

    def __html__(self) -> str:
        return self.svg


def _chart(kind: str, title, description, categories, series, unit, category_label, chart_id):
    categories = [str(c) for c in categories]
    series = [(str(name), list(values)) for name, values in series]
    for name, values in series:
        if len(values) != len(categories):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(categories)}")
    if not chart_id:
        digest = hashlib.sha1(  # noqa: S324 — an element id, not a security token
            repr((kind, title, description, categories, series)).encode()
        ).hexdigest()
        chart_id = f"chart-{digest[:10]}"
    return Chart(
        kind=kind,
        title=str(title),
        description=str(description),
        categories=categories,
        series=series,
        unit=str(unit),
        id=chart_id,
        category_label=str(category_label),
    )


def bar_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: Series,
    unit: str = "",
    horizontal: bool = False,
    category_label: str = "",
    chart_id: str = "",
) -> Chart:
    """Bars per category, grouped when there are several series. Horizontal bars suit long
    labels (partners, sites, themes); vertical bars suit short ones (months, channels)."""
    kind = "hbar" if horizontal else "bar"
    return _chart(kind, title, description, categories, series, unit, category_label, chart_id)


def line_chart(
    *,
    title: str,
    description: str,
    categories: list[str],
    series: Series,
    unit: str = "",
    category_label: str = "",
    chart_id: str = "",
) -> Chart:
    """A trend over ordered categories (months): one line per series, a marker per value."""
    return _chart("line", title, description, categories, series, unit, category_label, chart_id)


# -- drawing ---------------------------------------------------------------------------------
def _open(chart: Chart, width: float, height: float) -> list[str]:
    cid = escape(chart.id)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" id="{cid}-svg" '
        f'aria-labelledby="{cid}-title {cid}-desc" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" class="chart-svg" {FONT} font-size="12">',
        f'<title id="{cid}-title">{escape(chart.title)}</title>',
        f'<desc id="{cid}-desc">{escape(chart.description)}</desc>',
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above went through escape()


def _svg_empty(chart: Chart) -> SafeString:
    parts = _open(chart, WIDTH, 60)
    message = escape(_("Aucune donnée pour cette période."))
    parts.append(
        f'<text x="{WIDTH / 2:g}" y="34" text-anchor="middle" fill="{TEXT}">{message}</text>'
    )
    return _close(parts)


def _truncate(text: str, width: float) -> str:
    room = max(3, int(width / CHAR_WIDTH))
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def _value_title(chart: Chart, category: str, name: str, value: Number | None) -> str:
    label = category if len(chart.series) == 1 else f"{category} — {name}"
    unit = f" {chart.unit}" if chart.unit else ""
    return escape(f"{label} : {format_number(value)}{unit}")


def _legend(chart: Chart, y: float, *, lines: bool = False) -> tuple[list[str], float]:
    """A legend row (wrapping) when there are several series; returns (parts, height used)."""
    if len(chart.series) < 2:
        return [], 0
    parts, x, row = ['<g class="legend">'], 8.0, 0
    for index, (name, _values) in enumerate(chart.series):
        label = _truncate(name, 180)
        item = 22 + len(label) * CHAR_WIDTH + 16
        if x + item > WIDTH and x > 8:
            x, row = 8.0, row + 1
        top = y + row * 18
        colour = PALETTE[index % len(PALETTE)]
        if lines:
            dash = DASHES[index % len(DASHES)]
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{x:g}" y1="{top + 6:g}" x2="{x + 16:g}" y2="{top + 6:g}" '
                f'stroke="{colour}" stroke-width="2.5"{dash_attr}/>'
            )
        else:
            parts.append(f'<rect x="{x:g}" y="{top:g}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 22:g}" y="{top + 10:g}" fill="{TEXT}">{escape(label)}</text>')
        x += item
    parts.append("</g>")
    return parts, (row + 1) * 18 + 6


def _values(chart: Chart) -> list[float]:
    return [float(v) for _name, values in chart.series for v in values if v is not None]


def _integers(chart: Chart) -> bool:
    return all(is_whole(v) for _name, values in chart.series for v in values if v is not None)


def _y_axis(ticks, left, right, y_of) -> list[str]:
    parts = []
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{left:g}" y1="{y:.1f}" x2="{right:g}" y2="{y:.1f}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{left - 6:g}" y="{y + 4:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{format_number(tick)}</text>"
        )
    return parts


def _x_labels(categories, x_of, band, y) -> list[str]:
    """Category labels under the plot; every n-th one when they would overlap."""
    longest = max(len(c) for c in categories) * CHAR_WIDTH
    every = max(1, math.ceil((min(longest, 120) + 8) / max(band, 1)))
    parts = []
    for index, category in enumerate(categories):
        if index % every:
            continue
        label = _truncate(category, max(band * every - 4, 40))
        parts.append(
            f'<text x="{x_of(index):.1f}" y="{y:g}" text-anchor="middle" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
    return parts


def _draw_columns(chart: Chart) -> SafeString:
    height, left, right, top = 320.0, 64.0, WIDTH - 12.0, 12.0
    legend, legend_height = _legend(chart, top)
    top += legend_height
    bottom = height - 32
    ticks = nice_ticks(max(_values(chart)), integers=_integers(chart))
    scale = (bottom - top) / ticks[-1]
    n, k = len(chart.categories), len(chart.series)
    band = (right - left) / n
    bar = min(48.0, band * 0.8 / k)
    parts = _open(chart, WIDTH, height) + legend
    parts += _y_axis(ticks, left, right, lambda v: bottom - v * scale)
    for index, category in enumerate(chart.categories):
        start = left + band * index + (band - bar * k) / 2
        for s, (name, values) in enumerate(chart.series):
            value = values[index]
            if value is None:
                continue
            h = float(value) * scale
            parts.append(
                f'<rect class="bar" data-value="{float(value):g}" x="{start + s * bar:.1f}" '
                f'y="{bottom - h:.2f}" width="{bar - 1:.1f}" height="{h:.2f}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>'
                f"{_value_title(chart, category, name, value)}</title></rect>"
            )
    parts.append(
        f'<line x1="{left:g}" y1="{bottom:g}" x2="{right:g}" y2="{bottom:g}" stroke="{AXIS}"/>'
    )
    parts += _x_labels(chart.categories, lambda i: left + band * (i + 0.5), band, bottom + 18)
    return _close(parts)


def _draw_rows(chart: Chart) -> SafeString:
    n, k = len(chart.categories), len(chart.series)
    longest = max(len(c) for c in chart.categories) * CHAR_WIDTH
    left = min(max(longest + 16, 60.0), 220.0)
    right = WIDTH - 70.0  # room for the value written after each bar
    legend, legend_height = _legend(chart, 8)
    top = 8.0 + legend_height
    bar = 16.0 if k == 1 else 12.0
    band = bar * k + 10
    bottom = top + band * n
    height = bottom + 24
    ticks = nice_ticks(max(_values(chart)), count=4, integers=_integers(chart))
    scale = (right - left) / ticks[-1]
    parts = _open(chart, WIDTH, height) + legend
    for tick in ticks:
        x = left + tick * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top:g}" x2="{x:.1f}" y2="{bottom:g}" stroke="{GRID}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{bottom + 16:g}" text-anchor="middle" fill="{TEXT}">'
            f"{format_number(tick)}</text>"
        )
    for index, category in enumerate(chart.categories):
        y0 = top + band * index + 5
        parts.append(
            f'<text x="{left - 6:g}" y="{y0 + bar * k / 2 + 4:.1f}" text-anchor="end" '
            f'fill="{TEXT}">{escape(_truncate(category, left - 8))}</text>'
        )
        for s, (name, values) in enumerate(chart.series):
            value = values[index]
            if value is None:
                continue
            w = float(value) * scale
            y = y0 + s * bar
            parts.append(
                f'<rect class="bar" data-value="{float(value):g}" x="{left:g}" y="{y:.1f}" '
                f'width="{w:.2f}" height="{bar - 1:g}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{_value_title(chart, category, name, value)}</title></rect>"
            )
            parts.append(
                f'<text x="{left + w + 4:.1f}" y="{y + bar - 4:.1f}" fill="{TEXT}" '
                f'font-size="11">{format_number(value)}</text>'
            )
    parts.append(
        f'<line x1="{left:g}" y1="{top:g}" x2="{left:g}" y2="{bottom:g}" stroke="{AXIS}"/>'
    )
    return _close(parts)


def _draw_lines(chart: Chart) -> SafeString:
    height, left, right, top = 300.0, 64.0, WIDTH - 16.0, 12.0
    legend, legend_height = _legend(chart, top, lines=True)
    top += legend_height
    bottom = height - 32
    ticks = nice_ticks(max(_values(chart)), integers=_integers(chart))
    scale = (bottom - top) / ticks[-1]
    n = len(chart.categories)
    step = (right - left) / max(n - 1, 1)

    def x_of(i: int) -> float:
        return left + step * i if n > 1 else (left + right) / 2

    parts = _open(chart, WIDTH, height) + legend
    parts += _y_axis(ticks, left, right, lambda v: bottom - v * scale)
    parts.append(
        f'<line x1="{left:g}" y1="{bottom:g}" x2="{right:g}" y2="{bottom:g}" stroke="{AXIS}"/>'
    )
    for s, (name, values) in enumerate(chart.series):
        colour, dash = PALETTE[s % len(PALETTE)], DASHES[s % len(DASHES)]
        points = [
            (x_of(i), bottom - float(v) * scale, chart.categories[i], v)
            for i, v in enumerate(values)
            if v is not None
        ]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{x:.1f},{y:.2f}" for x, y, _c, _v in points)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2.5"{dash_attr}/>'
        )
        for x, y, category, value in points:
            parts.append(
                f'<circle class="point" data-value="{float(value):g}" cx="{x:.1f}" cy="{y:.2f}" '
                f'r="3.5" fill="{colour}"><title>'
                f"{_value_title(chart, category, name, value)}</title></circle>"
            )
    parts += _x_labels(chart.categories, x_of, step if n > 1 else right - left, bottom + 18)
    return _close(parts)
