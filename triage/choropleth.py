"""The map of /analisis: flagged posts per province of Indonesia, drawn on the server as an inline `<svg>`.

Boundaries: `pantau/data/boundaries/indonesia-provinsi.geojson` (Natural Earth, public domain; how it was made and
its licence: SOURCE.md beside it), 33 areas, each naming the provinces of the Bawaslu office table it covers (an area
can hold provinces made after the boundaries were drawn, e.g. Papua holds Papua Selatan). A post's region is placed
in a province the way a report is routed (`pantau.referral.routing`: 'Kab. Sleman' -> DI Yogyakarta); a region
routed to Bawaslu RI (empty, unknown or ambiguous) is counted as not placed and listed under the map.

Like triage/charts.py: no script, no `style` attribute, every label escaped, `<svg role="img">` with `<title>` and
`<desc>`, one `<title>` per area with its count, and the same numbers in a table under the map. Colours: a
sequential blue scale over at most 5 classes of equal, round width (`classes`), white for areas without flags.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

from markupsafe import Markup, escape

from pantau.referral.routing import default_offices, route

from .charts import WIDTH, _fit, _fmt, _svg, empty_chart, nice_step

BOUNDARIES = "data/boundaries/indonesia-provinsi.geojson"  # inside the pantau package
# ColorBrewer "Blues" (light to dark); an area without flags is white; outlines dark grey (text: svg.chart in app.css).
SCALE = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
ZERO_COLOUR = "#ffffff"
OUTLINE = "#4d4d4d"
MAX_CLASSES = len(SCALE)
PAD = 6
NOT_PLACED = "Tidak dapat dipetakan (tanpa wilayah atau wilayah tidak dikenali)"


@dataclass(frozen=True)
class Area:
    id: str  # Natural Earth's FIPS code, e.g. 'ID14'
    name: str  # as the Bawaslu office table names the province
    provinces: tuple[str, ...]  # the office table's provinces drawn inside this area
    polygons: tuple[tuple[tuple[float, float], ...], ...]  # outer rings, (longitude, latitude)

    @property
    def label(self) -> str:
        """'Kalimantan Timur (dengan Kalimantan Utara)' when the area holds newer provinces."""
        others = [p for p in self.provinces if p != self.name]
        return f"{self.name} (dengan {', '.join(others)})" if others else self.name


def parse_areas(text: str) -> tuple[Area, ...]:
    """The areas of a boundaries GeoJSON (as tools/make_boundaries.py writes it), checked against the office table:
    every province of the table lies in exactly one area, and every area names provinces of the table only."""
    areas = []
    for f in json.loads(text)["features"]:
        props = f["properties"]
        polygons = tuple(tuple((float(x), float(y)) for x, y in poly[0]) for poly in f["geometry"]["coordinates"])
        areas.append(Area(str(f["id"]), props["name"], tuple(props["provinces"]), polygons))
    known = [o.province for o in default_offices().offices if o.level == "provinsi"]
    drawn = [p for a in areas for p in a.provinces]
    twice = sorted({p for p in drawn if drawn.count(p) > 1})
    missing, unknown = sorted(set(known) - set(drawn)), sorted(set(drawn) - set(known))
    if twice or missing or unknown:
        raise ValueError(f"boundaries and office table disagree: provinces in two areas {twice}, without an area "
                         f"{missing}, not in the office table {unknown}")
    return tuple(areas)


@lru_cache(maxsize=1)
def areas() -> tuple[Area, ...]:
    return parse_areas(resources.files("pantau").joinpath(BOUNDARIES).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def area_of_province() -> dict[str, Area]:
    return {p: a for a in areas() for p in a.provinces}


# -- counting ---------------------------------------------------------------------------------------------------------

def province_of(region: str | None) -> str | None:
    """The office table's province of a post's region, or None when it cannot be placed (routed to Bawaslu RI)."""
    office = route(region).office
    return office.province if office.level != "nasional" else None


def count_by_province(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Flags per province from rows with `region` and `flagged` (e.g. of v_flags_weekly). Returns `provinces`
    {province: n} (provinces with flags only), `areas` {area id: n}, `not_placed` {region: n} and `total`."""
    by_region: dict[str | None, int] = {}
    for r in rows:
        by_region[r["region"]] = by_region.get(r["region"], 0) + int(r["flagged"] or 0)
    provinces: dict[str, int] = {}
    not_placed: dict[str | None, int] = {}
    for region, n in by_region.items():
        province = province_of(region)
        if province is None:
            not_placed[region] = not_placed.get(region, 0) + n
        else:
            provinces[province] = provinces.get(province, 0) + n
    by_area: dict[str, int] = {}
    for province, n in provinces.items():
        area = area_of_province()[province]
        by_area[area.id] = by_area.get(area.id, 0) + n
    return {"provinces": provinces, "areas": by_area, "not_placed": not_placed, "total": sum(by_region.values())}


# -- classes and colours ----------------------------------------------------------------------------------------------

def classes(top: int, most: int = MAX_CLASSES) -> list[tuple[int, int]]:
    """Classes of equal, round width (1, 2 or 5 times a power of ten) covering 1..top, at most `most` of them:
    top 37 -> [(1, 10), (11, 20), (21, 30), (31, 40)]. Zero has no class (its own colour)."""
    if top <= 0:
        return []
    step = nice_step(top, most)
    return [(i * step + 1, (i + 1) * step) for i in range(math.ceil(top / step))]


def class_colours(n: int) -> list[str]:
    """`n` colours of SCALE, spread from light to dark (the darkest always used)."""
    if n <= 1:
        return list(SCALE[-n:]) if n else []
    return [SCALE[round(i * (len(SCALE) - 1) / (n - 1))] for i in range(n)]


def colour_of(value: int, bins: list[tuple[int, int]]) -> str:
    if value <= 0:
        return ZERO_COLOUR
    colours = class_colours(len(bins))
    for (lo, hi), colour in zip(bins, colours):
        if lo <= value <= hi:
            return colour
    return colours[-1]


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two '#rrggbb' colours."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# -- projection and drawing -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Projection:
    """Equirectangular, longitudes shrunk by the cosine of the middle latitude, north up, fitted to `width`."""

    west: float
    south: float
    east: float
    north: float
    width: float = WIDTH

    @property
    def _k(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    @property
    def scale(self) -> float:
        return (self.width - 2 * PAD) / ((self.east - self.west) * self._k)

    @property
    def height(self) -> float:
        return (self.north - self.south) * self.scale + 2 * PAD

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return PAD + (lon - self.west) * self._k * self.scale, PAD + (self.north - lat) * self.scale


def fit(all_areas: Iterable[Area], width: float = WIDTH) -> Projection:
    pts = [p for a in all_areas for ring in a.polygons for p in ring]
    return Projection(min(x for x, _ in pts), min(y for _, y in pts), max(x for x, _ in pts),
                      max(y for _, y in pts), width)


def path_data(area: Area, proj: Projection) -> str:
    """SVG path data of an area: one closed subpath per ring, relative moves in tenths of a pixel (exact sums)."""
    out = []
    cx = cy = 0
    for ring in area.polygons:
        pts = [(round(x * 10), round(y * 10)) for x, y in (proj(lon, lat) for lon, lat in ring)]
        pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
        if len(pts) < 3:
            continue
        (x0, y0) = pts[0]
        steps = [f"m{_fmt((x0 - cx) / 10)} {_fmt((y0 - cy) / 10)}"]
        px, py = x0, y0
        for x, y in pts[1:]:
            steps.append(f"{_fmt((x - px) / 10)} {_fmt((y - py) / 10)}")
            px, py = x, y
        steps[1] = "l" + steps[1]
        out.append(" ".join(steps) + "z")
        cx, cy = x0, y0  # after z the current point is the subpath's start
    return "".join(out)


@lru_cache(maxsize=1)
def _paths() -> tuple[Projection, tuple[tuple[Area, str], ...]]:
    proj = fit(areas())
    return proj, tuple((a, path_data(a, proj)) for a in areas())


def _legend(bins: list[tuple[int, int]], top: float, unit: str) -> tuple[str, float]:
    items = [("0", ZERO_COLOUR)] + [(f"{lo}" if lo == hi else f"{lo}–{hi}", c)
                                    for (lo, hi), c in zip(bins, class_colours(len(bins)))]
    parts = [f'<text class="map-legend-title" x="{PAD}" y="{_fmt(top + 12)}">Jumlah {escape(unit)} bertanda:</text>']
    x = PAD + 150
    for label, colour in items:
        parts.append(f'<g class="map-legend-item"><rect x="{x}" y="{_fmt(top + 1)}" width="14" height="14" '
                     f'fill="{colour}" stroke="{OUTLINE}" stroke-width="1"/>'
                     f'<text class="map-legend" x="{x + 20}" y="{_fmt(top + 12)}">{escape(label)}</text></g>')
        x += 28 + 8 * len(label)
    return "".join(parts), 22


def choropleth(map_id: str, title: str, area_counts: dict[str, int], *, not_placed: int = 0,
               unit: str = "pos") -> Markup:
    """The map: every area filled by its count's class, with `<title>` 'name: n pos'; a legend under it.
    Without any count (nothing flagged, or nothing placed) it is `empty_chart`."""
    top = max(area_counts.values(), default=0)
    if top <= 0:
        return empty_chart(map_id, title)
    bins = classes(top)
    proj, paths = _paths()
    parts = [f'<g class="map-areas" stroke="{OUTLINE}" stroke-width="0.6" stroke-linejoin="round">']
    for area, d in paths:
        n = area_counts.get(area.id, 0)
        parts.append(f'<path id="{escape(map_id)}-{escape(area.id)}" data-count="{n}" d="{d}" '
                     f'fill="{colour_of(n, bins)}"><title>{escape(area.label)}: {n} {escape(unit)}</title></path>')
    parts.append("</g>")
    legend, legend_h = _legend(bins, proj.height + 4, unit)
    parts.append(f'<g class="map-legend-box">{legend}</g>')
    shown = sum(1 for n in area_counts.values() if n > 0)
    desc = (f"Peta provinsi, {shown} dari {len(paths)} wilayah peta memiliki pos bertanda; tertinggi {top} {unit}."
            + (f" {not_placed} {unit} tidak dapat dipetakan." if not_placed else "")
            + " Angka lengkap ada di tabel di bawah peta.")
    return _svg(map_id, title, desc, proj.height + 4 + legend_h + 6, "".join(parts), "map")


def province_rows(counts: dict[str, Any], *, all_provinces: bool = False) -> list[tuple[str, str, int]]:
    """(province, area on the map, n) by n descending then name, and last (NOT_PLACED, '', n) when some flags could
    not be placed. Provinces without flags only with `all_provinces` (the CSV)."""
    names = [o.province for o in default_offices().offices if o.level == "provinsi"]
    rows = [(p, area_of_province()[p].name, counts["provinces"].get(p, 0)) for p in names]
    rows = sorted((r for r in rows if all_provinces or r[2] > 0), key=lambda r: (-r[2], r[0]))
    not_placed = sum(counts["not_placed"].values())
    return rows + ([(NOT_PLACED, "", not_placed)] if not_placed else [])


def not_placed_note(counts: dict[str, Any], most: int = 10) -> str:
    """'Kab. Antah (3), (tanpa wilayah) (2)': the regions not placed, most flags first (plain text; escape it)."""
    ranked = sorted(counts["not_placed"].items(), key=lambda kv: (-kv[1], kv[0] is None, kv[0] or ""))
    names = [f"{_fit(r, 40) if r else '(tanpa wilayah)'} ({n})" for r, n in ranked[:most]]
    return ", ".join(names) + (f" dan {len(ranked) - most} lainnya" if len(ranked) > most else "")
