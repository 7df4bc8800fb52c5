"""The election calendar: stages (pendaftaran, kampanye, masa tenang, pemungutan, rekapitulasi) per election and
region, read from TOML files (one per election, plus zones.toml), and the stage a moment falls in for a region.

    cal = load_calendar()                                    # the folder calendar_dir() names
    stage = cal.stage_at(post_time(created_at, captured_at), "Kab. Badung")   # Stage or None
    stage.text   # 'Masa kampanye Pilkada 2024 (25 Sep – 23 Nov 2024)'

Dates in the files are local dates, first and last day included: a stage runs from local midnight of `start` to
local midnight after `end` in the region's zone (WIB/WITA/WIT, from zones.toml), so one UTC instant can be the last
hour of kampanye in Sleman (WIB) and already masa tenang in Jayapura (WIT). An election's stages apply to every
region; a stage with `regions` replaces the stage of the same code for those regions only. Stages that apply to one
region never overlap, across all files. Format and how to edit: docs/calendar.md. Bad files raise CalendarError
naming the file, the line and the field."""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

from pantau.regions import normalise, parts

# The stage codes a file may use, in the order of an election, with the label the UI and reports show.
STAGES: dict[str, str] = {
    "pendaftaran": "Pendaftaran pasangan calon",
    "kampanye": "Masa kampanye",
    "masa_tenang": "Masa tenang",
    "pemungutan": "Hari pemungutan suara",
    "rekapitulasi": "Penghitungan dan rekapitulasi suara",
}
ZONES = {"WIB": timezone(timedelta(hours=7), "WIB"), "WITA": timezone(timedelta(hours=8), "WITA"),
         "WIT": timezone(timedelta(hours=9), "WIT")}
SHORT_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
ZONES_FILE = "zones.toml"
CALENDAR_DIR_ENV = "PANTAU_CALENDAR_DIR"
SHIPPED_CALENDAR_DIR = Path(__file__).resolve().parent / "data" / "calendar"
ELECTION_KEYS = ("code", "name", "regulation", "stages")
STAGE_KEYS = ("stage", "start", "end", "regions", "note")


class CalendarError(ValueError):
    """A calendar file that cannot be used: 'path:line: field: message'."""

    def __init__(self, path: str | Path, field: str, message: str, line: int | None = None):
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")
        self.path, self.field, self.line = str(path), field, line


@dataclass(frozen=True)
class Stage:
    """One stage of one election as it applies to a region: local dates and the UTC instants they mean there."""

    election: str  # the election's code, e.g. 'pilkada2024'
    election_name: str  # 'Pilkada 2024'
    stage: str  # a key of STAGES
    start: date  # first local day
    end: date  # last local day (included)
    zone: str  # WIB, WITA or WIT
    note: str = ""
    source: str = ""  # the file it was read from
    regulation: str = ""  # the regulation the schedule comes from, as the file cites it

    @property
    def key(self) -> str:
        """'pilkada2024/kampanye': what queue_items.stage holds and the queue filters on."""
        return f"{self.election}/{self.stage}"

    @property
    def label(self) -> str:
        return STAGES[self.stage]

    @property
    def starts_at(self) -> datetime:
        """Local midnight at the start of `start`, as UTC."""
        return datetime.combine(self.start, time(0), ZONES[self.zone]).astimezone(timezone.utc)

    @property
    def ends_at(self) -> datetime:
        """Local midnight after `end` (excluded), as UTC."""
        return datetime.combine(self.end + timedelta(days=1), time(0), ZONES[self.zone]).astimezone(timezone.utc)

    @property
    def dates(self) -> str:
        """'25 Sep – 23 Nov 2024', '24 – 26 Nov 2024', '27 Nov 2024', '28 Nov 2023 – 10 Feb 2024'."""
        def day(d: date, year: bool) -> str:
            return f"{d.day} {SHORT_MONTHS[d.month - 1]}" + (f" {d.year}" if year else "")
        if self.start == self.end:
            return day(self.end, True)
        if (self.start.year, self.start.month) == (self.end.year, self.end.month):
            return f"{self.start.day} \u2013 {day(self.end, True)}"
        return f"{day(self.start, self.start.year != self.end.year)} \u2013 {day(self.end, True)}"

    @property
    def text(self) -> str:
        """'Masa kampanye Pilkada 2024 (25 Sep – 23 Nov 2024)'."""
        return f"{self.label} {self.election_name} ({self.dates})"

    def covers(self, when: datetime) -> bool:
        return self.starts_at <= when < self.ends_at


def post_time(created_at: datetime | None, captured_at: datetime | None) -> datetime | None:
    """The moment a post's stage is taken from: when it was posted, else when it was first captured."""
    return created_at or captured_at


@dataclass(frozen=True)
class _Entry:
    """A stage as written in a file (before a region and its zone are known)."""

    election: str
    election_name: str
    stage: str
    start: date
    end: date
    regions: frozenset[str]  # normalised; empty: every region
    note: str
    source: str
    line: int | None
    regulation: str = ""


class Calendar:
    """Every election's stages and the region -> zone table, read from one folder."""

    def __init__(self, entries: list[_Entry], zones: dict[str, str], default_zone: str, fingerprint: str):
        self.entries = entries
        self.zones = zones  # normalised region name -> WIB/WITA/WIT
        self.default_zone = default_zone
        self.fingerprint = fingerprint  # SHA-256 over the files: the store re-applies the calendar when it changes
        self.elections = {e.election: e.election_name for e in entries}

    def zone_of(self, region: str | None) -> str:
        """WIB, WITA or WIT for a post's region: the whole name or any piece of it found in zones.toml, else the
        default zone."""
        for piece in parts(region):
            zone = self.zones.get(normalise(piece))
            if zone:
                return zone
        return self.default_zone

    def stages_for(self, region: str | None) -> list[Stage]:
        """The stages that apply to `region` (None: a post without region gets the stages for every region), in
        time order."""
        keys = {normalise(p) for p in parts(region)}
        zone = self.zone_of(region)
        chosen: dict[tuple[str, str], _Entry] = {}
        for e in self.entries:
            if e.regions and not (e.regions & keys):
                continue
            k = (e.election, e.stage)
            if k not in chosen or (e.regions and not chosen[k].regions):  # a regional stage wins over the default
                chosen[k] = e
        return sorted((Stage(e.election, e.election_name, e.stage, e.start, e.end, zone, e.note, e.source, e.regulation)
                       for e in chosen.values()), key=lambda s: (s.start, s.election))

    def stage_at(self, when: datetime | None, region: str | None) -> Stage | None:
        """The stage `when` (an aware datetime; naive is UTC) falls in for `region`, or None outside every stage
        (and for anything but a datetime: DuckDB returns a time after year 9999 as text)."""
        if not isinstance(when, datetime):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        return next((s for s in self.stages_for(region) if s.covers(when)), None)

    def find(self, key: str | None, region: str | None = None) -> Stage | None:
        """The stage with this key ('pilkada2024/kampanye') for `region`."""
        return next((s for s in self.stages_for(region) if s.key == key), None) if key else None

    def choices(self) -> list[tuple[str, str]]:
        """(key, 'Masa kampanye Pilkada 2024') for every stage, in time order: the queue's stage filter."""
        seen: dict[str, str] = {}
        for s in self.stages_for(None):
            seen.setdefault(s.key, f"{s.label} {s.election_name}")
        for e in self.entries:  # stages that exist only for some regions
            seen.setdefault(f"{e.election}/{e.stage}", f"{STAGES[e.stage]} {e.election_name}")
        return list(seen.items())


# -- reading the files --------------------------------------------------------------------------------------------

def calendar_dir(env: Mapping[str, str] | None = None) -> Path:
    """The folder of calendar files: PANTAU_CALENDAR_DIR, default the calendar shipped with pantau (Pemilu 2024,
    Pilkada 2024, zones.toml)."""
    raw = (os.environ if env is None else env).get(CALENDAR_DIR_ENV, "").strip()
    return Path(raw).expanduser() if raw else SHIPPED_CALENDAR_DIR


def load_calendar(folder: str | Path | None = None) -> Calendar:
    """Read every *.toml file of `folder` (default: calendar_dir()); zones.toml from the folder, else the
    shipped one. Raises CalendarError naming the file, line and field."""
    if folder is None:
        folder = calendar_dir()
    folder = Path(folder)
    if not folder.is_dir():
        raise CalendarError(folder, "", "no such calendar folder (PANTAU_CALENDAR_DIR, docs/calendar.md)")
    files = sorted(p for p in folder.glob("*.toml") if p.name != ZONES_FILE)
    zones_path = folder / ZONES_FILE if (folder / ZONES_FILE).exists() else SHIPPED_CALENDAR_DIR / ZONES_FILE
    texts = {p: p.read_bytes() for p in [*files, zones_path]}
    key = hashlib.sha256(b"".join(str(p.name).encode() + b"\0" + t + b"\0" for p, t in texts.items())).hexdigest()
    cached = _CACHE.get(str(folder))
    if cached is not None and cached.fingerprint == key:
        return cached
    zones, default = _read_zones(zones_path, texts[zones_path])
    entries: list[_Entry] = []
    codes: dict[str, Path] = {}
    for path in files:
        new = _read_election(path, texts[path])
        code = new[0].election if new else path.stem
        if code in codes:
            raise CalendarError(path, "code", f"election {code!r} is also defined in {codes[code]}", _line_of(
                texts[path], (), "code"))
        codes[code] = path
        entries += new
    _check_overlaps(entries)
    cal = Calendar(entries, zones, default, key)
    _CACHE[str(folder)] = cal
    return cal


_CACHE: dict[str, Calendar] = {}


def _parse(path: Path, data: bytes) -> dict[str, Any]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise CalendarError(path, "", f"not UTF-8 text ({exc.reason})") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise CalendarError(path, "", f"not valid TOML: {exc}", int(m.group(1)) if m else None) from None


def _read_zones(path: Path, data: bytes) -> tuple[dict[str, str], str]:
    doc = _parse(path, data)
    unknown = set(doc) - {"default", "zones"}
    if unknown:
        k = sorted(unknown)[0]
        raise CalendarError(path, k, "unknown key (allowed: default, zones)", _line_of(data, (), k))
    default = doc.get("default", "WIB")
    if default not in ZONES:
        raise CalendarError(path, "default", f"unknown zone {default!r}; use WIB, WITA or WIT", _line_of(data, (), "default"))
    table = doc.get("zones", {})
    zones: dict[str, str] = {}
    for zone, names in table.items():
        if zone not in ZONES:
            raise CalendarError(path, f"zones.{zone}", f"unknown zone {zone!r}; use WIB, WITA or WIT",
                                _line_of(data, ("zones",), zone))
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise CalendarError(path, f"zones.{zone}", "must be a list of region names", _line_of(data, ("zones",), zone))
        for name in names:
            k = normalise(name)
            if zones.get(k, zone) != zone:
                raise CalendarError(path, f"zones.{zone}", f"{name!r} is also listed under {zones[k]}",
                                    _line_of(data, ("zones",), zone))
            zones[k] = zone
    return zones, default


def _read_election(path: Path, data: bytes) -> list[_Entry]:
    doc = _parse(path, data)
    for k in doc:
        if k not in ELECTION_KEYS:
            raise CalendarError(path, k, f"unknown key (allowed: {', '.join(ELECTION_KEYS)})", _line_of(data, (), k))
    code, name = doc.get("code"), doc.get("name")
    for k, v in (("code", code), ("name", name)):
        if not isinstance(v, str) or not v.strip():
            raise CalendarError(path, k, "required, a non-empty string", _line_of(data, (), k))
    regulation = doc.get("regulation", "")
    if not isinstance(regulation, str):
        raise CalendarError(path, "regulation", "must be a string", _line_of(data, (), "regulation"))
    if not re.fullmatch(r"[a-z0-9_-]+", code):
        raise CalendarError(path, "code", f"{code!r}: use lower-case letters, digits, '_' or '-'", _line_of(data, (), "code"))
    stages = doc.get("stages")
    if not isinstance(stages, list) or not stages or not all(isinstance(s, dict) for s in stages):
        raise CalendarError(path, "stages", "at least one [[stages]] table is required", _line_of(data, (), "stages"))
    entries = []
    for i, s in enumerate(stages):
        where = f"stages[{i}]"
        line = lambda k: _line_of(data, ("stages", i), k)  # noqa: E731
        for k in s:
            if k not in STAGE_KEYS:
                raise CalendarError(path, f"{where}.{k}", f"unknown key (allowed: {', '.join(STAGE_KEYS)})", line(k))
        stage = s.get("stage")
        if stage not in STAGES:
            raise CalendarError(path, f"{where}.stage", f"{stage!r} is not a stage; use one of {', '.join(STAGES)}",
                                line("stage"))
        days = {}
        for k in ("start", "end"):
            v = s.get(k)
            if type(v) is not date:
                raise CalendarError(path, f"{where}.{k}", f"{v!r} is not a date; write a TOML date, YYYY-MM-DD, "
                                    "without quotes", line(k))
            days[k] = v
        if days["end"] < days["start"]:
            raise CalendarError(path, f"{where}.end", f"{days['end']} is before start {days['start']}", line("end"))
        regions = s.get("regions", [])
        if not isinstance(regions, list) or not all(isinstance(r, str) and r.strip() for r in regions):
            raise CalendarError(path, f"{where}.regions", "must be a list of region names", line("regions"))
        note = s.get("note", "")
        if not isinstance(note, str):
            raise CalendarError(path, f"{where}.note", "must be a string", line("note"))
        entries.append(_Entry(code, name.strip(), stage, days["start"], days["end"],
                              frozenset(normalise(r) for r in regions), note, str(path), line("stage"),
                              regulation.strip()))
    return entries


def _check_overlaps(entries: list[_Entry]) -> None:
    """No region may be in two stages on one day: checked for every region any file names, and for the rest."""
    named = sorted({r for e in entries for r in e.regions})
    for region in [None, *named]:
        chosen: dict[tuple[str, str], _Entry] = {}
        duplicate = None
        for e in entries:
            if e.regions and region not in e.regions:
                continue
            k = (e.election, e.stage)
            if k in chosen and bool(chosen[k].regions) == bool(e.regions):
                duplicate = (chosen[k], e)
            if k not in chosen or (e.regions and not chosen[k].regions):
                chosen[k] = e
        if duplicate:
            a, b = duplicate
            raise CalendarError(b.source, "stage", f"{b.stage!r} of {b.election} appears twice"
                                + (f" for region {region!r}" if region else "") + f" (also line {a.line})", b.line)
        ordered = sorted(chosen.values(), key=lambda e: (e.start, e.end))
        for a, b in zip(ordered, ordered[1:]):
            if b.start <= a.end:
                raise CalendarError(
                    b.source, "stage", f"{b.election} {b.stage} ({b.start} to {b.end}) overlaps {a.election} "
                    f"{a.stage} ({a.start} to {a.end}, {a.source}:{a.line})" + (f" in region {region!r}" if region else ""),
                    b.line)


def _line_of(data: bytes, table: tuple, key: str) -> int | None:
    """Best-effort line of `key` at the top of the file (table=()), in [table] (table=(name,)) or in the i-th
    [[name]] (table=(name, i))."""
    lines = data.decode("utf-8", "replace").splitlines()
    start, seen = 0, -1
    if table:
        name, index = table[0], (table[1] if len(table) > 1 else None)
        header = rf"\s*\[\[\s*{re.escape(name)}\s*\]\]" if index is not None else rf"\s*\[\s*{re.escape(name)}\s*\]"
        for i, line in enumerate(lines):
            if re.match(header, line):
                seen += 1
                if index is None or seen == index:
                    start = i + 1
                    break
        else:
            return None
    for i in range(start, len(lines)):
        if i > start and not table and lines[i].lstrip().startswith("["):
            return None
        if table and i >= start and re.match(r"\s*\[", lines[i]):
            return None
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", lines[i]):
            return i + 1
    return None
