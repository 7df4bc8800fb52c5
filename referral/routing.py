"""Which Bawaslu office a report goes to, by the locus of the violation (province / regency-city).

The table is `bawaslu_offices.csv` in this package: one row per office with `province`, `regency_city` (empty for a
province-level office, both empty for Bawaslu RI), `level` (nasional, provinsi, kabupaten, kota), `office`,
`aliases` ('|'-separated other spellings) and `note`. A locus the table does not know falls back to its province
when the province can be recognised, otherwise to Bawaslu RI; the route says so in `note`.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pantau.regions import normalise, parts

LEVEL_LABELS = {"nasional": "Bawaslu RI", "provinsi": "Bawaslu Provinsi", "kabupaten": "Bawaslu Kabupaten",
                "kota": "Bawaslu Kota"}


@dataclass(frozen=True)
class Office:
    province: str
    regency_city: str
    level: str
    office: str
    aliases: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Route:
    """The office a report goes to. `fallback` is True when the locus itself was not found in the table."""

    office: Office
    locus: str | None
    fallback: bool
    note: str

    @property
    def level(self) -> str:
        return self.office.level

    @property
    def name(self) -> str:
        return self.office.office


def _bare(name: str) -> str:
    """A regency/city key without its kabupaten/kota prefix."""
    return re.sub(r"^(kabupaten administrasi|kota administrasi|kabupaten|kota) ", "", normalise(name))


class OfficeTable:
    def __init__(self, offices: list[Office]):
        self.offices = offices
        nationals = [o for o in offices if o.level == "nasional"]
        if len(nationals) != 1:
            raise ValueError("the office table needs exactly one 'nasional' row (Bawaslu RI)")
        self.national = nationals[0]
        self.provinces: dict[str, Office] = {}
        self.regencies: dict[str, Office] = {}
        self.bare: dict[str, list[Office]] = {}
        for o in offices:
            if o.level == "provinsi":
                for key in (o.province, *o.aliases):
                    self.provinces[normalise(key)] = o
            elif o.level in ("kabupaten", "kota"):
                for key in (o.regency_city, *o.aliases):
                    self.regencies[normalise(key)] = o
                self.bare.setdefault(_bare(o.regency_city), []).append(o)
        missing = {o.province for o in offices if o.level in ("kabupaten", "kota")} - {
            o.province for o in offices if o.level == "provinsi"}
        if missing:
            raise ValueError(f"regency rows name provinces without a province row: {', '.join(sorted(missing))}")

    def province_office(self, province: str) -> Office | None:
        return self.provinces.get(normalise(province))

    def route(self, locus: str | None) -> Route:
        """The office for `locus` (e.g. 'Kab. Sleman', 'Kota Medan', 'Sleman, DIY', 'Jawa Barat')."""
        text = (locus or "").strip()
        if not text:
            return Route(self.national, locus, True,
                         "Lokasi kejadian tidak diketahui; laporan diarahkan ke Bawaslu RI.")
        pieces = parts(text)
        for part in pieces:
            office = self.regencies.get(normalise(part))
            if office is not None:
                return Route(office, locus, False, f"Lokasi '{text}' sesuai wilayah {office.regency_city}.")
        for part in pieces:
            office = self.provinces.get(normalise(part))
            if office is not None:
                if normalise(text) in self.provinces:
                    return Route(office, locus, False, f"Lokasi '{text}' adalah wilayah provinsi {office.province}.")
                return Route(office, locus, True,
                             f"Kabupaten/kota dari lokasi '{text}' tidak ada dalam tabel kantor; laporan diarahkan "
                             f"ke tingkat provinsi ({office.province}).")
        for part in pieces:
            candidates = self.bare.get(_bare(part), [])
            if len(candidates) == 1:
                office = candidates[0]
                return Route(office, locus, False,
                             f"Lokasi '{text}' dicocokkan dengan {office.regency_city} berdasarkan nama wilayah.")
            if candidates:
                provinces = {c.province for c in candidates}
                names = " atau ".join(sorted(c.regency_city for c in candidates))
                if len(provinces) == 1:
                    office = self.provinces[normalise(provinces.pop())]
                    return Route(office, locus, True,
                                 f"Lokasi '{text}' bisa berarti {names}; laporan diarahkan ke tingkat provinsi "
                                 f"({office.province}). Periksa kembali lokasi kejadian.")
        return Route(self.national, locus, True,
                     f"Lokasi '{text}' tidak dikenali dalam tabel kantor (kabupaten/kota maupun provinsi); laporan "
                     "diarahkan ke Bawaslu RI. Periksa kembali lokasi kejadian.")


def load_offices(path: str | Path | None = None) -> OfficeTable:
    """Read the office table (default: the CSV shipped in this package)."""
    if path is None:
        text = resources.files("pantau.referral").joinpath("bawaslu_offices.csv").read_text(encoding="utf-8")
        return _parse(text)
    return _parse(Path(path).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def default_offices() -> OfficeTable:
    return load_offices()


def _parse(text: str) -> OfficeTable:
    rows = list(csv.DictReader(text.splitlines()))
    required = {"province", "regency_city", "level", "office"}
    if not rows or not required <= set(rows[0]):
        raise ValueError(f"office table needs the columns {', '.join(sorted(required))}")
    offices = []
    for n, r in enumerate(rows, start=2):
        level = (r["level"] or "").strip()
        if level not in LEVEL_LABELS:
            raise ValueError(f"office table line {n}: unknown level {level!r}")
        offices.append(Office(
            province=(r["province"] or "").strip(), regency_city=(r["regency_city"] or "").strip(), level=level,
            office=(r["office"] or "").strip(),
            aliases=tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip()),
            note=(r.get("note") or "").strip(),
        ))
    return OfficeTable(offices)


def route(locus: str | None) -> Route:
    return default_offices().route(locus)
