"""The election calendar (issue 18, part 2): the shipped Pemilu/Pilkada 2024 schedule, stage boundaries at local
midnight in WIB/WITA/WIT, regional overrides, clear errors for bad files, and the stage the store gives queue items
(SQL) equal to pantau.calendar's (Python) at every boundary."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone

import pytest

from bench.calendar_stages import main as bench_main
from conftest import make_post, result
from pantau.calendar import (SHIPPED_CALENDAR_DIR, ZONES, CalendarError, calendar_dir, load_calendar,
                             post_time)
from pantau.store.db import Store

UTC = timezone.utc
# One region per zone: a regency (WIB by default), a WITA city and a WIT city of zones.toml.
REGIONS = {"WIB": "Kab. Sleman", "WITA": "Kota Makassar", "WIT": "Kota Jayapura"}
SECOND = timedelta(seconds=1)


def boundary_cases():
    """(region, instant, expected stage key or None) for the last second before, the first second of, the last second
    of and the first second after every shipped stage, in each zone."""
    cal = load_calendar(SHIPPED_CALENDAR_DIR)
    cases = []
    for zone, region in REGIONS.items():
        tz = ZONES[zone]
        stages = cal.stages_for(region)
        by_day = lambda d: next((s.key for s in stages if s.start <= d <= s.end), None)  # noqa: E731
        for s in stages:
            first = datetime.combine(s.start, time(0), tz)
            last = datetime.combine(s.end, time(23, 59, 59), tz)
            cases += [(region, first - SECOND, by_day(s.start - timedelta(days=1))), (region, first, s.key),
                      (region, last, s.key), (region, last + SECOND, by_day(s.end + timedelta(days=1)))]
    return cases


def test_shipped_schedule_is_the_kpu_one():
    cal = load_calendar(SHIPPED_CALENDAR_DIR)
    got = {s.key: (s.start, s.end) for s in cal.stages_for(None)}
    assert got == {
        "pemilu2024/pendaftaran": (date(2023, 10, 19), date(2023, 10, 25)),
        "pemilu2024/kampanye": (date(2023, 11, 28), date(2024, 2, 10)),
        "pemilu2024/masa_tenang": (date(2024, 2, 11), date(2024, 2, 13)),
        "pemilu2024/pemungutan": (date(2024, 2, 14), date(2024, 2, 14)),
        "pemilu2024/rekapitulasi": (date(2024, 2, 15), date(2024, 3, 20)),
        "pilkada2024/pendaftaran": (date(2024, 8, 27), date(2024, 8, 29)),
        "pilkada2024/kampanye": (date(2024, 9, 25), date(2024, 11, 23)),
        "pilkada2024/masa_tenang": (date(2024, 11, 24), date(2024, 11, 26)),
        "pilkada2024/pemungutan": (date(2024, 11, 27), date(2024, 11, 27)),
        "pilkada2024/rekapitulasi": (date(2024, 11, 28), date(2024, 12, 16)),
    }
    kampanye = cal.find("pilkada2024/kampanye", "Kab. Sleman")
    assert kampanye.text == "Masa kampanye Pilkada 2024 (25 Sep \u2013 23 Nov 2024)"
    assert cal.find("pilkada2024/masa_tenang").text == "Masa tenang Pilkada 2024 (24 \u2013 26 Nov 2024)"
    assert cal.find("pemilu2024/kampanye").dates == "28 Nov 2023 \u2013 10 Feb 2024"
    assert cal.find("pemilu2024/pemungutan").text == "Hari pemungutan suara Pemilu 2024 (14 Feb 2024)"


def test_zones_of_regions():
    cal = load_calendar(SHIPPED_CALENDAR_DIR)
    assert [cal.zone_of(r) for r in ("Kab. Sleman", "Kota Makassar", "Kota Jayapura")] == ["WIB", "WITA", "WIT"]
    assert cal.zone_of("Kabupaten Badung") == "WITA" and cal.zone_of("kab badung") == "WITA"
    assert cal.zone_of("Kec. Somewhere, Sulawesi Selatan") == "WITA"  # a piece names the province
    assert cal.zone_of("Kab. Merauke") == "WIT" and cal.zone_of("Papua Pegunungan") == "WIT"
    assert cal.zone_of("Kota Banjar") == "WIB" and cal.zone_of("Kab. Banjar") == "WITA"  # Jawa Barat vs Kalsel
    assert cal.zone_of(None) == "WIB" and cal.zone_of("Tempat Tak Dikenal") == "WIB"


def test_local_midnight_in_each_zone():
    """Stage bounds in UTC, worked out by hand: kampanye Pilkada 2024 starts 25 Sep 00:00 local."""
    cal = load_calendar(SHIPPED_CALENDAR_DIR)
    starts = {z: cal.find("pilkada2024/kampanye", r).starts_at for z, r in REGIONS.items()}
    assert starts == {"WIB": datetime(2024, 9, 24, 17, tzinfo=UTC), "WITA": datetime(2024, 9, 24, 16, tzinfo=UTC),
                      "WIT": datetime(2024, 9, 24, 15, tzinfo=UTC)}
    assert cal.find("pilkada2024/kampanye", "Kota Jayapura").ends_at == datetime(2024, 11, 23, 15, tzinfo=UTC)


def test_same_instant_is_kampanye_in_wib_and_masa_tenang_in_wit():
    cal = load_calendar(SHIPPED_CALENDAR_DIR)
    at = datetime(2024, 11, 23, 23, 30, tzinfo=ZONES["WIB"])  # 23:30 WIB on the last day of kampanye
    assert cal.stage_at(at, "Kab. Sleman").stage == "kampanye"
    assert cal.stage_at(at, "Kota Makassar").stage == "masa_tenang"  # 00:30 WITA on 24 Nov
    assert cal.stage_at(at, "Kota Jayapura").stage == "masa_tenang"  # 01:30 WIT
    assert cal.stage_at(at.replace(tzinfo=None) - timedelta(hours=7), "Kab. Sleman").stage == "kampanye"  # naive=UTC
    assert cal.stage_at(datetime(2024, 6, 1, tzinfo=UTC), "Kab. Sleman") is None  # between the elections
    assert cal.stage_at(None, "Kab. Sleman") is None
    assert cal.stage_at("10000-01-07 23:59:59+00", "Kab. Sleman") is None  # DuckDB's text for a time past 9999
    created, captured = datetime(2024, 11, 1, tzinfo=UTC), datetime(2024, 12, 1, tzinfo=UTC)
    assert post_time(created, captured) == created and post_time(None, captured) == captured


@pytest.mark.parametrize("region,instant,expected", boundary_cases(),
                         ids=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
def test_every_stage_boundary(region, instant, expected):
    stage = load_calendar(SHIPPED_CALENDAR_DIR).stage_at(instant, region)
    assert (stage.key if stage else None) == expected


def test_store_gives_queue_items_the_same_stage_at_every_boundary(tmp_path, monkeypatch):
    """queue_items.stage (the SQL range join over election_stages) equals stage_at for every boundary instant, in
    every zone; posts without created_at use their capture time, posts without region the default zone."""
    monkeypatch.setenv("PANTAU_CALENDAR_DIR", str(SHIPPED_CALENDAR_DIR))
    cal = load_calendar()
    cases = boundary_cases()
    posts = [replace(make_post(i), created_at=instant, captured_at=datetime(2026, 1, 1, tzinfo=UTC), region=region)
             for i, (region, instant, _) in enumerate(cases)]
    at = datetime(2024, 11, 23, 17, tzinfo=UTC)  # 00:00 WIB on 24 Nov: masa tenang everywhere
    posts += [replace(make_post(len(posts)), created_at=None, captured_at=at, region=None),
              replace(make_post(len(posts) + 1), created_at=at - SECOND, region=None)]
    store = Store(tmp_path / "s.duckdb")
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    got = {r["post_id"]: r["stage"] for r in store.query("SELECT post_id, stage FROM queue_items")}
    want = {p.post_id: (s.key if (s := cal.stage_at(post_time(p.created_at, p.captured_at), p.region)) else None)
            for p in posts}
    assert got == want
    assert [got[str(i)] for i in range(len(cases))] == [c[2] for c in cases]
    assert got[posts[-2].post_id] == "pilkada2024/masa_tenang" and got[posts[-1].post_id] == "pilkada2024/kampanye"
    # a rebuild gives the same stages
    store.rebuild_queue_items()
    assert {r["post_id"]: r["stage"] for r in store.query("SELECT post_id, stage FROM queue_items")} == want


def test_editing_the_calendar_restages_the_queue(tmp_path, monkeypatch):
    """A team's folder (PANTAU_CALENDAR_DIR) with a regional override: the next refresh re-applies the whole calendar
    to the items already queued; the override holds only for its region."""
    folder = tmp_path / "kalender"
    shutil.copytree(SHIPPED_CALENDAR_DIR, folder)
    monkeypatch.setenv("PANTAU_CALENDAR_DIR", str(folder))
    assert calendar_dir() == folder
    at = datetime(2024, 12, 20, 5, tzinfo=UTC)
    posts = [replace(make_post(i), created_at=at, region=r) for i, r in enumerate(("Kab. Sleman", "Kab. Badung"))]
    store = Store(tmp_path / "s.duckdb")
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True) for p in posts[:1]])
    assert store.query("SELECT stage FROM queue_items") == [{"stage": None}]  # after rekapitulasi
    (folder / "pilkada2024.toml").write_text((folder / "pilkada2024.toml").read_text(encoding="utf-8") + """
[[stages]]
stage = "pemungutan"
start = 2024-12-20
end = 2024-12-20
regions = ["Kabupaten Sleman"]
note = "Pemungutan suara ulang (contoh)"
""", encoding="utf-8")
    store.save_classifications([result(p, 0.9, True) for p in posts[1:]])  # any refresh re-applies the calendar
    stages = {r["post_id"]: r["stage"] for r in store.query("SELECT post_id, stage FROM queue_items")}
    assert stages == {"0": "pilkada2024/pemungutan", "1": None}
    cal = load_calendar()
    assert cal.find("pilkada2024/pemungutan", "Kab. Sleman").start == date(2024, 12, 20)
    assert cal.find("pilkada2024/pemungutan", "Kab. Badung").start == date(2024, 11, 27)
    assert ("pilkada2024/pemungutan", "Hari pemungutan suara Pilkada 2024") in cal.choices()


GOOD = """code = "uji2025"
name = "Pilkada Uji 2025"

[[stages]]
stage = "kampanye"
start = 2025-01-01
end = 2025-01-10

[[stages]]
stage = "masa_tenang"
start = 2025-01-11
end = 2025-01-13
"""


@pytest.mark.parametrize("old,new,where,message", [
    ("start = 2025-01-11", 'start = "11 Januari 2025"', "uji.toml:11: stages[1].start", "not a date"),
    ("end = 2025-01-13", "end = 2025-01-09", "uji.toml:12: stages[1].end", "before start"),
    ("start = 2025-01-11", "start = 2025-01-10", "uji.toml:10: stage", "overlaps uji2025 kampanye"),
    ('stage = "masa_tenang"', 'stage = "tenang"', "uji.toml:10: stages[1].stage", "not a stage"),
    ('name = "Pilkada Uji 2025"', 'nama = "Pilkada Uji 2025"', "uji.toml:2: nama", "unknown key"),
    ("end = 2025-01-10", "end = 2025-01-10\ntahap = 1", "uji.toml:8: stages[0].tahap", "unknown key"),
    ("end = 2025-01-10", "end = 2025-01-10 x", "uji.toml:7", "not valid TOML"),
    ('code = "uji2025"', 'code = "Uji 2025"', "uji.toml:1: code", "lower-case"),
])
def test_bad_election_file_names_file_line_and_field(tmp_path, old, new, where, message):
    (tmp_path / "uji.toml").write_text(GOOD.replace(old, new), encoding="utf-8")
    with pytest.raises(CalendarError) as e:
        load_calendar(tmp_path)
    assert str(e.value).startswith(str(tmp_path / where)) and message in str(e.value), str(e.value)


def test_overlap_across_files_and_bad_zones(tmp_path):
    shutil.copy(SHIPPED_CALENDAR_DIR / "pilkada2024.toml", tmp_path)
    (tmp_path / "ulang.toml").write_text(GOOD.replace("2025-01-01", "2024-11-20").replace("2025-01-10", "2024-11-22")
                                         .replace("2025-01-11", "2025-02-01").replace("2025-01-13", "2025-02-02"),
                                         encoding="utf-8")
    with pytest.raises(CalendarError, match=r"overlaps pilkada2024 kampanye \(2024-09-25 to 2024-11-23, .*pilkada2024\.toml:"):
        load_calendar(tmp_path)
    (tmp_path / "ulang.toml").unlink()
    assert load_calendar(tmp_path).zone_of("Kota Makassar") == "WITA"  # no zones.toml: the shipped one
    (tmp_path / "zones.toml").write_text('default = "WIB"\n\n[zones]\nWITA = ["Kota Makassar"]\nCET = ["Berlin"]\n',
                                         encoding="utf-8")
    with pytest.raises(CalendarError) as e:
        load_calendar(tmp_path)
    assert str(e.value) == f"{tmp_path / 'zones.toml'}:5: zones.CET: unknown zone 'CET'; use WIB, WITA or WIT"
    (tmp_path / "zones.toml").write_text('default = "WITA"\n[zones]\nWIT = ["Kota Makassar"]\n', encoding="utf-8")
    cal = load_calendar(tmp_path)
    assert cal.zone_of("Kota Makassar") == "WIT" and cal.zone_of("Kab. Sleman") == "WITA"
    with pytest.raises(CalendarError, match="no such calendar folder"):
        load_calendar(tmp_path / "tidak-ada")


def test_bench_runs_and_stages_posts_in_every_zone(tmp_path, monkeypatch, capsys):
    """bench/calendar_stages.py at a small size: it prints both ratios, and its posts do fall in stages."""
    monkeypatch.setenv("PANTAU_CALENDAR_DIR", str(SHIPPED_CALENDAR_DIR))
    assert bench_main(["--posts", "3000", "--db", str(tmp_path / "b.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "queue refresh query with stage join" in out and "queue count, stage filter" in out
    store = Store(tmp_path / "b.duckdb")
    by_zone = store.query("""SELECT count(DISTINCT region) AS regions, count(*) FILTER (WHERE stage IS NOT NULL) AS staged,
                                    count(*) FILTER (WHERE stage IS NULL) AS unstaged FROM queue_items""")[0]
    assert by_zone["regions"] >= 10 and by_zone["staged"] > 0 and by_zone["unstaged"] > 0


def test_cli_calendar_check(tmp_path):
    """`pantau calendar check`: the stages for a region with their UTC bounds; a bad file exits 1 naming it."""
    def run(*args):
        return subprocess.run([sys.executable, "-m", "pantau.cli", "calendar", "check", *args], capture_output=True,
                              text=True, timeout=300, env={**os.environ, "PANTAU_CALENDAR_DIR": str(SHIPPED_CALENDAR_DIR)})
    r = run("--region", "Kota Jayapura")
    assert r.returncode == 0, r.stderr
    assert "ok: 2 election(s), 10 stage(s); region 'Kota Jayapura' is in WIT" in r.stdout
    assert ("pilkada2024/kampanye         2024-09-24T15:00Z .. 2024-11-23T15:00Z  Masa kampanye Pilkada 2024 "
            "(25 Sep \u2013 23 Nov 2024)") in r.stdout
    (tmp_path / "uji.toml").write_text(GOOD.replace("end = 2025-01-13", "end = 2025-01-09"), encoding="utf-8")
    r = run(str(tmp_path))
    assert r.returncode == 1 and f"error: {tmp_path / 'uji.toml'}:12: stages[1].end: 2025-01-09 is before start" in r.stderr
