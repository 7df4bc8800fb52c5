"""Server-side SVG charts for the analyst page (`/analisis`): pure functions from rows to an inline `<svg>`.

No script and no `style` attribute (the app's CSP allows neither): colours are SVG presentation attributes
(`fill`), sizes are `width`/`height`/`viewBox`, fonts and layout come from classes in `static/app.css`. Every label
is escaped: region names and other labels can be user data. Each chart is `<svg role="img">` with a `<title>` and a
`<desc>`; the page puts a data table with the same numbers under each chart. Without data a chart says
"Belum ada data" instead of drawing (and dividing by) nothing.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any, Iterable, Sequence

from markupsafe import Markup, escape

EMPTY_TEXT = "Belum ada data"
OTHER_LABEL = "Lainnya"
NO_REGION_LABEL = "(tanpa wilayah)"
# Okabe-Ito colours (distinguishable with the common colour-vision deficiencies); grey is kept for "Lainnya".
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
OTHER_COLOUR = "#9E9E9E"

WIDTH = 720
FONT_PX = 12  # approximate glyph width used to keep labels inside the chart (see _fit)
LEGEND_ROW = 20


def _fit(label: str, max_chars: int) -> str:
    """Shorten a label to max_chars (with an ellipsis); the full label stays in the data table and tooltip."""
    return label if len(label) <= max_chars else label[: max(1, max_chars - 1)].rstrip() + "…"


def _fmt(x: float) -> str:
    """A coordinate with at most one decimal."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def nice_step(top: float, ticks: int = 4) -> int:
    """An integer tick step (1, 2 or 5 times a power of ten) giving about `ticks` steps up to `top` (> 0)."""
    raw = max(top / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * power >= raw:
            return int(m * power)
    return int(10 * power)  # not reached


def _svg(chart_id: str, title: str, desc: str, height: float, body: str, cls: str) -> Markup:
    cid = escape(chart_id)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" class="chart {escape(cls)}" role="img" '
        f'viewBox="0 0 {WIDTH} {_fmt(height)}" width="{WIDTH}" height="{_fmt(height)}" '
        f'aria-labelledby="{cid}-title {cid}-desc">'
        f'<title id="{cid}-title">{escape(title)}</title><desc id="{cid}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def empty_chart(chart_id: str, title: str) -> Markup:
    """The chart's frame with "Belum ada data" in the middle."""
    body = (f'<rect class="chart-frame" x="0.5" y="0.5" width="{WIDTH - 1}" height="119" fill="none" '
            f'stroke="#cccccc"/><text class="chart-empty" x="{WIDTH // 2}" y="65" text-anchor="middle">'
            f"{EMPTY_TEXT}</text>")
    return _svg(chart_id, title, EMPTY_TEXT, 120, body, "chart-empty-state")


def _legend(items: Sequence[tuple[str, str]], top: float) -> tuple[str, float]:
    """Swatches with labels, laid out in columns; returns the SVG and its height."""
    col_w = 240
    cols = max(1, (WIDTH - 20) // col_w)
    out = []
    for i, (label, colour) in enumerate(items):
        x = 10 + (i % cols) * col_w
        y = top + (i // cols) * LEGEND_ROW
        out.append(
            f'<g class="chart-legend-item"><rect x="{x}" y="{_fmt(y)}" width="12" height="12" fill="{colour}"/>'
            f'<text class="chart-legend" x="{x + 18}" y="{_fmt(y + 11)}">{escape(_fit(label, 30))}</text></g>'
        )
    rows = math.ceil(len(items) / cols) if items else 0
    return "".join(out), rows * LEGEND_ROW


def stacked_bar_chart(
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    colours: Sequence[str] | None = None,
    unit: str = "pos",
) -> Markup:
    """Vertical stacked bars: one bar per x label, one coloured segment per series (with a legend).

    `series` is [(label, values)] with one value per x label. Empty or all-zero data gives `empty_chart`."""
    colours = list(colours or PALETTE)
    totals = [sum(values[i] for _, values in series) for i in range(len(x_labels))]
    top_value = max(totals, default=0)
    if not x_labels or not series or top_value <= 0:
        return empty_chart(chart_id, title)
    step = nice_step(top_value)
    y_max = step * math.ceil(top_value / step)
    left, right, top, plot_h = 52, 12, 12, 220
    plot_w = WIDTH - left - right
    band = plot_w / len(x_labels)
    bar_w = min(56.0, band * 0.7)
    bottom = top + plot_h
    parts = ['<g class="chart-axis">']
    for v in range(0, y_max + 1, step):
        y = bottom - plot_h * v / y_max
        parts.append(f'<line x1="{left}" y1="{_fmt(y)}" x2="{WIDTH - right}" y2="{_fmt(y)}" stroke="#dddddd"/>'
                     f'<text class="chart-tick" x="{left - 6}" y="{_fmt(y + 4)}" text-anchor="end">{v}</text>')
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - right}" y2="{bottom}" stroke="#555555"/></g>')
    label_chars = max(4, int(band // (FONT_PX * 0.6)))
    parts.append('<g class="chart-bars">')
    for i, x_label in enumerate(x_labels):
        x = left + band * i + (band - bar_w) / 2
        y = float(bottom)
        for s, (label, values) in enumerate(series):
            value = values[i]
            if value <= 0:
                continue
            h = plot_h * value / y_max
            y -= h
            parts.append(
                f'<rect x="{_fmt(x)}" y="{_fmt(y)}" width="{_fmt(bar_w)}" height="{_fmt(h)}" '
                f'fill="{colours[s % len(colours)]}"><title>{escape(x_label)} · {escape(label)}: {value} {unit}'
                f"</title></rect>"
            )
        parts.append(
            f'<text class="chart-total" x="{_fmt(x + bar_w / 2)}" y="{_fmt(y - 4)}" text-anchor="middle">'
            f"{totals[i]}</text>"
            f'<text class="chart-xlabel" x="{_fmt(x + bar_w / 2)}" y="{bottom + 16}" text-anchor="middle">'
            f"{escape(_fit(x_label, label_chars))}</text>"
        )
    parts.append("</g>")
    legend, legend_h = _legend([(label, colours[s % len(colours)]) for s, (label, _) in enumerate(series)],
                               bottom + 32)
    parts.append(f'<g class="chart-legend-box">{legend}</g>')
    desc = (f"Batang bertumpuk, {len(x_labels)} batang, {len(series)} kelompok; nilai tertinggi {top_value} {unit}. "
            "Angka lengkap ada di tabel di bawah grafik.")
    return _svg(chart_id, title, desc, bottom + 32 + legend_h + 6, "".join(parts), "chart-stacked")


def horizontal_bar_chart(
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, int]],
    *,
    colours: Sequence[str] | None = None,
    unit: str = "pos",
) -> Markup:
    """Horizontal bars, one per (label, value) row: the label above its bar, the value and share after it.

    Empty or all-zero data gives `empty_chart`; rows with 0 keep their label (a zero-width bar)."""
    colours = list(colours or PALETTE)
    total = sum(v for _, v in rows)
    top_value = max((v for _, v in rows), default=0)
    if not rows or top_value <= 0:
        return empty_chart(chart_id, title)
    left, right, row_h = 10, 110, 42
    plot_w = WIDTH - left - right
    label_chars = int((WIDTH - 2 * left) // (FONT_PX * 0.6))
    parts = ['<g class="chart-bars">']
    for i, (label, value) in enumerate(rows):
        y = 6 + i * row_h
        w = plot_w * value / top_value
        share = 100.0 * value / total
        parts.append(
            f'<text class="chart-label" x="{left}" y="{y + 12}">{escape(_fit(label, label_chars))}</text>'
            f'<rect x="{left}" y="{y + 18}" width="{_fmt(max(w, 0.0))}" height="16" '
            f'fill="{colours[i % len(colours)]}"><title>{escape(label)}: {value} {unit} ({share:.1f}%)</title></rect>'
            f'<text class="chart-value" x="{_fmt(left + w + 6)}" y="{y + 31}">{value} ({share:.1f}%)</text>'
        )
    parts.append("</g>")
    desc = (f"Batang mendatar, {len(rows)} baris, jumlah {total} {unit}. "
            "Angka lengkap ada di tabel di bawah grafik.")
    return _svg(chart_id, title, desc, 6 + len(rows) * row_h + 6, "".join(parts), "chart-hbar")


# -- shaping the rows of the SQL views into chart data (pure, no database) -------------------------------------------

def _iso_label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year:04d}-W{week:02d}"


def weekly_by_region(rows: Iterable[dict[str, Any]], *, top: int = 6, weeks: int = 12) -> dict[str, Any]:
    """Flagged posts per ISO week and region, for the last `weeks` weeks that end with the latest week with data
    (weeks without flags in between count 0), the `top` regions of that window by count and the rest as "Lainnya".

    `rows`: dicts with `week_start` (the Monday, a date), `region` (None allowed) and `flagged`, e.g. rows of
    `v_flags_weekly` summed per week and region. Returns `weeks` (ISO labels), `series` [(label, counts per week)]
    `colours` (one per series, grey for "Lainnya") and `totals` per week."""
    counts: dict[tuple[date, str | None], int] = {}
    for r in rows:
        if not isinstance(r["week_start"], date):  # DuckDB returns a date Python cannot hold (BC, > 9999) as text
            continue
        key = (r["week_start"], r["region"])
        counts[key] = counts.get(key, 0) + int(r["flagged"] or 0)
    if not counts:
        return {"weeks": [], "series": [], "colours": [], "totals": []}
    last = max(w for w, _ in counts)
    first = max(min(w for w, _ in counts), last - timedelta(weeks=weeks - 1))
    mondays = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    shown = {w: i for i, w in enumerate(mondays)}
    by_region: dict[str | None, list[int]] = {}
    for (w, region), n in counts.items():
        if w in shown:
            by_region.setdefault(region, [0] * len(mondays))[shown[w]] += n
    ranked = sorted(by_region, key=lambda reg: (-sum(by_region[reg]), reg is None, reg or ""))
    series = [(NO_REGION_LABEL if reg is None else reg, by_region[reg]) for reg in ranked[:top]]
    rest = ranked[top:]
    if rest:
        series.append((OTHER_LABEL, [sum(by_region[reg][i] for reg in rest) for i in range(len(mondays))]))
    colours = [PALETTE[i % len(PALETTE)] for i in range(min(top, len(ranked)))] + ([OTHER_COLOUR] if rest else [])
    totals = [sum(values[i] for _, values in series) for i in range(len(mondays))]
    return {"weeks": [_iso_label(m) for m in mondays], "series": series, "colours": colours, "totals": totals}
