"""Make pantau/data/boundaries/indonesia-provinsi.geojson: Indonesia's province boundaries for the map on /analisis.

Input: Natural Earth's 1:10m admin-1 states/provinces, either as the `states_provinces` layer of QGIS's
`world_map.gpkg` (Debian package qgis-common, /usr/share/qgis/resources/data/world_map.gpkg: Natural Earth v4.1.0,
generalised by the QGIS project) or as Natural Earth's own `ne_10m_admin_1_states_provinces.geojson`. The script
keeps Indonesia's features (adm0_a3 = IDN), simplifies every ring (Douglas-Peucker, `--tolerance` degrees), drops
islands smaller than `--min-area` square degrees (a province keeps at least its largest ring), rounds coordinates to
`--digits` decimals and names each area as the Bawaslu office table does, with the provinces it covers (`AREAS`).
Standard library only. How the shipped file was made: pantau/data/boundaries/SOURCE.md.

    python tools/make_boundaries.py /usr/share/qgis/resources/data/world_map.gpkg \
        pantau/data/boundaries/indonesia-provinsi.geojson
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sqlite3
import struct
import sys
from pathlib import Path

# Natural Earth's FIPS code of each Indonesian admin-1 area -> (name as in referral/bawaslu_offices.csv, the
# provinces of that table drawn inside the area). Natural Earth v4.1.0 has 33 areas: Kalimantan Utara (2012) is
# still part of Kalimantan Timur, and the four provinces made in 2022 are still part of Papua and Papua Barat.
AREAS = {
    "ID01": ("Aceh", ["Aceh"]),
    "ID02": ("Bali", ["Bali"]),
    "ID35": ("Kepulauan Bangka Belitung", ["Kepulauan Bangka Belitung"]),
    "ID33": ("Banten", ["Banten"]),
    "ID03": ("Bengkulu", ["Bengkulu"]),
    "ID34": ("Gorontalo", ["Gorontalo"]),
    "ID04": ("DKI Jakarta", ["DKI Jakarta"]),
    "ID05": ("Jambi", ["Jambi"]),
    "ID30": ("Jawa Barat", ["Jawa Barat"]),
    "ID07": ("Jawa Tengah", ["Jawa Tengah"]),
    "ID08": ("Jawa Timur", ["Jawa Timur"]),
    "ID11": ("Kalimantan Barat", ["Kalimantan Barat"]),
    "ID12": ("Kalimantan Selatan", ["Kalimantan Selatan"]),
    "ID13": ("Kalimantan Tengah", ["Kalimantan Tengah"]),
    "ID14": ("Kalimantan Timur", ["Kalimantan Timur", "Kalimantan Utara"]),
    "ID40": ("Kepulauan Riau", ["Kepulauan Riau"]),
    "ID15": ("Lampung", ["Lampung"]),
    "ID28": ("Maluku", ["Maluku"]),
    "ID29": ("Maluku Utara", ["Maluku Utara"]),
    "ID17": ("Nusa Tenggara Barat", ["Nusa Tenggara Barat"]),
    "ID18": ("Nusa Tenggara Timur", ["Nusa Tenggara Timur"]),
    "ID36": ("Papua", ["Papua", "Papua Selatan", "Papua Tengah", "Papua Pegunungan"]),
    "ID39": ("Papua Barat", ["Papua Barat", "Papua Barat Daya"]),
    "ID37": ("Riau", ["Riau"]),
    "ID41": ("Sulawesi Barat", ["Sulawesi Barat"]),
    "ID38": ("Sulawesi Selatan", ["Sulawesi Selatan"]),
    "ID21": ("Sulawesi Tengah", ["Sulawesi Tengah"]),
    "ID22": ("Sulawesi Tenggara", ["Sulawesi Tenggara"]),
    "ID31": ("Sulawesi Utara", ["Sulawesi Utara"]),
    "ID24": ("Sumatera Barat", ["Sumatera Barat"]),
    "ID32": ("Sumatera Selatan", ["Sumatera Selatan"]),
    "ID26": ("Sumatera Utara", ["Sumatera Utara"]),
    "ID10": ("DI Yogyakarta", ["DI Yogyakarta"]),
}

Ring = list[tuple[float, float]]


# -- reading ----------------------------------------------------------------------------------------------------------

def _wkb_polygons(buf: bytes, pos: int = 0) -> tuple[list[list[Ring]], int]:
    """The polygons (each a list of rings, the outer first) of a WKB Polygon or MultiPolygon at `pos`."""
    order = "<" if buf[pos] == 1 else ">"
    kind = struct.unpack_from(order + "I", buf, pos + 1)[0] % 1000
    pos += 5
    if kind == 6:  # MultiPolygon: a count, then a whole WKB Polygon each
        (count,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        polygons = []
        for _ in range(count):
            got, pos = _wkb_polygons(buf, pos)
            polygons.extend(got)
        return polygons, pos
    if kind != 3:
        raise ValueError(f"WKB geometry type {kind} is not a polygon")
    (rings_n,) = struct.unpack_from(order + "I", buf, pos)
    pos += 4
    rings = []
    for _ in range(rings_n):
        (n,) = struct.unpack_from(order + "I", buf, pos)
        pos += 4
        flat = struct.unpack_from(order + "d" * (2 * n), buf, pos)
        pos += 16 * n
        rings.append(list(zip(flat[0::2], flat[1::2])))
    return [rings], pos


def gpkg_geometry(blob: bytes) -> list[list[Ring]]:
    """A GeoPackage geometry blob ('GP', version, flags, srs id, envelope, WKB) as polygons."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 0b111]
    return _wkb_polygons(blob, 8 + envelope)[0]


def read_features(path: Path) -> list[tuple[str, list[list[Ring]]]]:
    """(FIPS code, polygons) of each Indonesian admin-1 feature of a world_map.gpkg or a Natural Earth GeoJSON."""
    if path.suffix == ".gpkg":
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            rows = db.execute("SELECT fips, geom FROM states_provinces WHERE adm0_a3 = 'IDN' ORDER BY fips").fetchall()
        return [(fips, gpkg_geometry(geom)) for fips, geom in rows]
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for f in data["features"]:
        props = {k.lower(): v for k, v in f["properties"].items()}
        if props.get("adm0_a3") != "IDN":
            continue
        geom = f["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        out.append((props["fips"], [[[(x, y) for x, y, *_ in ring] for ring in poly] for poly in polys]))
    return sorted(out)


# -- simplifying ------------------------------------------------------------------------------------------------------

def ring_area(ring: Ring) -> float:
    """Absolute area of a ring in square degrees (shoelace)."""
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def douglas_peucker(points: Ring, tolerance: float) -> Ring:
    """The points of an open line kept by Douglas-Peucker (iterative): every dropped point lies within `tolerance`
    of the simplified line."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        far, far_d = -1, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * (px - ax) - dx * (py - ay)) / norm if norm else math.hypot(px - ax, py - ay)
            if d > far_d:
                far, far_d = i, d
        if far >= 0:
            keep[far] = True
            stack += [(first, far), (far, last)]
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: Ring, tolerance: float) -> Ring:
    """A closed ring simplified, split at its point farthest from the first so that both halves keep their ends."""
    pts = ring[:-1] if ring[0] == ring[-1] else ring
    if len(pts) < 4:
        return pts
    far = max(range(len(pts)), key=lambda i: math.dist(pts[0], pts[i]))
    half1 = douglas_peucker(pts[: far + 1], tolerance)
    half2 = douglas_peucker(pts[far:] + pts[:1], tolerance)
    return half1 + half2[1:-1]


def simplify(polygons: list[list[Ring]], tolerance: float, min_area: float, digits: int) -> list[list[Ring]]:
    """Outer rings (holes dropped: Indonesian provinces have none at this scale) simplified and rounded; rings under
    `min_area` dropped unless it is the feature's largest."""
    outers = [poly[0] for poly in polygons]
    largest = max(outers, key=ring_area)
    out = []
    for ring in outers:
        if ring is not largest and ring_area(ring) < min_area:
            continue
        simple = [(round(x, digits), round(y, digits)) for x, y in simplify_ring(ring, tolerance)]
        simple = [p for i, p in enumerate(simple) if i == 0 or p != simple[i - 1]]
        if len(simple) >= 3:
            out.append([simple + simple[:1]])
    return out


def build(source: Path, tolerance: float, min_area: float, digits: int) -> dict:
    features = read_features(source)
    found = {fips for fips, _ in features}
    if found != set(AREAS):
        raise SystemExit(f"the source's Indonesian areas differ from AREAS: missing {sorted(set(AREAS) - found)}, "
                         f"unknown {sorted(found - set(AREAS))}")
    out = []
    for fips, polygons in features:
        name, provinces = AREAS[fips]
        out.append({"type": "Feature", "id": fips, "properties": {"name": name, "provinces": provinces},
                    "geometry": {"type": "MultiPolygon",
                                 "coordinates": simplify(polygons, tolerance, min_area, digits)}})
    return {"type": "FeatureCollection", "features": sorted(out, key=lambda f: f["properties"]["name"])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="world_map.gpkg (qgis-common) or ne_10m_admin_1_states_provinces.geojson")
    ap.add_argument("output", type=Path)
    ap.add_argument("--tolerance", type=float, default=0.03, help="Douglas-Peucker tolerance in degrees")
    ap.add_argument("--min-area", type=float, default=0.004, help="drop islands smaller than this (square degrees)")
    ap.add_argument("--digits", type=int, default=2, help="decimals kept of each coordinate")
    args = ap.parse_args(argv)
    data = build(args.source, args.tolerance, args.min_area, args.digits)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one feature a line: small diffs when the file is made again
    text = text.replace(',{"type":"Feature"', ',\n{"type":"Feature"') + "\n"
    args.output.write_text(text, encoding="utf-8")
    points = sum(len(r) for f in data["features"] for poly in f["geometry"]["coordinates"] for r in poly)
    print(f"{args.output}: {len(data['features'])} areas, {points} points, {len(text.encode())} bytes; "
          f"source sha256 {hashlib.sha256(args.source.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
