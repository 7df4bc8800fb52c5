"""Analyst views, `pantau sql` and `pantau export` on a small hand-built database whose numbers are known exactly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

from pantau.post import Author, Post, canonical_json, sha256_hex
from pantau.store.analyst import AnalystError, export, pseudonym, run_sql
from pantau.store.db import Store

PANTAU = [sys.executable, "-m", "pantau.cli"]
SALT = "rahasia-tim-analis-0123456789"
OTHER_SALT = "salt-lain-sama-sekali-9876543210"


def utc(month: int, day: int, hour: int) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=timezone.utc)


H = timedelta(hours=1)
BUDI = Author(id="acct-1001", handle="guru_budi", name="Budi Santoso", bio="Guru SDN 1 Sleman, PNS")
SITI = Author(id="acct-2002", handle="camat_siti", name="Siti Rahayu", bio="Camat Gondokusuman")
ANDI = Author(id="acct-3003", handle="warga_andi", name="Andi Wijaya", bio="Wiraswasta")
REPORTER = "pelapor.rahasia@example.org"
IDENTIFYING = ["guru_budi", "Budi Santoso", "camat_siti", "Siti Rahayu", "warga_andi", "Andi Wijaya",
               "acct-1001", "acct-2002", "acct-3003", "Guru SDN 1 Sleman", "Camat Gondokusuman", "Wiraswasta",
               "rina_w", "tono_s", "sari_sup", REPORTER, "relawan_sleman", "x.com/guru_budi"]


def post(platform, post_id, author, created, region, text, *, captured=None, raw=None, url=None):
    raw = raw or canonical_json({"id": post_id, "text": text})
    return Post(platform=platform, post_id=post_id, text=text, url=url or f"http://127.0.0.1/p/{post_id}",
                created_at=created, author=author, region=region, captured_at=captured or created + H,
                raw=raw, raw_sha256=sha256_hex(raw))


POSTS = [
    post("x", "1", BUDI, utc(11, 10, 3), "Kab. Sleman", "Ayo dukung paslon nomor 2!",
         url="https://x.com/guru_budi/status/1"),
    post("x", "2", BUDI, utc(11, 11, 3), "Kab. Sleman", "Coblos nomor 2 tanggal 27",
         url="https://x.com/guru_budi/status/2"),
    # Sunday 20:00 UTC is Monday 03:00 WIB: ISO week 47 in WIB (week 46 in UTC).
    post("x", "3", BUDI, utc(11, 15, 20), "Kab. Sleman", "Foto bersama, salam dua jari",
         url="https://x.com/guru_budi/status/3"),
    post("demo", "4", SITI, utc(11, 16, 5), "Kota Yogyakarta", "Mari menangkan paslon 1"),
    post("demo", "5", SITI, utc(11, 17, 5), "Kota Yogyakarta", "Hadir di kampanye akbar paslon 1"),
    post("demo", "6", ANDI, utc(11, 17, 6), "Kota Yogyakarta", "Dukung paslon 1 ya"),
    post("demo", "7", ANDI, utc(11, 17, 7), "Kota Yogyakarta", "Jadwal posyandu hari Kamis"),
    post("tip", "tip-abc", Author(), None, None, "Guru SDN ajak coblos paslon 2 di status",
         captured=utc(11, 18, 2),
         raw=canonical_json({"intake": {"tip": "Guru SDN ajak coblos paslon 2 di status",
                                        "reporter_contact": REPORTER, "submitted_by": "relawan_sleman",
                                        "submitted_at": "2026-11-18T02:00:00Z"}, "fetched": None})),
]
BY_ID = {p.post_id: p for p in POSTS}
SIGNALS = [{"name": "asn_role", "source": "bio", "start": 0, "end": 17, "text": "Guru SDN 1 Sleman"},
           {"name": "ajakan", "source": "text", "start": 0, "end": 3, "text": "Ayo"}]


def classify(store, post_id, model, flagged, category, hours_after_capture):
    p = BY_ID[post_id]
    store.save_classifications([{
        "platform": p.platform, "post_id": p.post_id, "model_version": model, "score": 0.9 if flagged else 0.1,
        "flagged": flagged, "category": category, "signals": SIGNALS if flagged else [],
    }], now=p.captured_at + hours_after_capture * H)


def decide(store, post_id, decision, reviewer, hours_after_capture, **kw):
    p = BY_ID[post_id]
    return store.record_decision(p.platform, p.post_id, decision, reviewer=reviewer,
                                 reason=f"catatan {reviewer} tentang {p.author.handle}",
                                 now=p.captured_at + hours_after_capture * H, **kw)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("analysts") / "analysts.duckdb"
    store = Store(path)
    store.ingest(POSTS, now=utc(11, 18, 3))
    for pid, cat in [("1", "kampanye_medsos"), ("2", "kampanye_medsos"), ("3", "foto_simbol"),
                     ("4", "kampanye_medsos"), ("5", "hadir_kampanye"), ("6", "kampanye_medsos"),
                     ("tip-abc", "kampanye_medsos")]:
        classify(store, pid, "m1", True, cat, 1)
    classify(store, "7", "m1", False, None, 1)
    classify(store, "1", "m2", True, "kampanye_medsos", 2)
    classify(store, "2", "m2", False, None, 2)   # the newer model no longer flags x/2
    d1 = decide(store, "1", "violation", "rina_w", 5)
    store.confirm_decision(d1, supervisor="sari_sup", agreed=True, now=utc(11, 10, 12))
    decide(store, "2", "violation", "rina_w", 3)
    decide(store, "3", "not_violation", "rina_w", 10)
    decide(store, "4", "needs_info", "tono_s", 2)
    decide(store, "4", "violation", "tono_s", 26)
    decide(store, "5", "duplicate", "tono_s", 4, duplicate_of="4")
    d6 = decide(store, "6", "violation", "rina_w", 8)
    store.confirm_decision(d6, supervisor="sari_sup", agreed=False, decision="not_violation",
                           now=utc(11, 17, 20))
    decide(store, "tip-abc", "needs_info", "rina_w", 170)
    r1 = store.register_referral("x", "1", package="laporan-x-1.zip", package_dir="/tmp", package_sha256="0" * 64,
                                 manifest_sha256="1" * 64, office="Bawaslu Kab. Sleman", built_by="sari_sup",
                                 now=utc(11, 10, 13))
    store.set_referral_status(r1, "sent", actor="sari_sup", reference="TT-1", now=utc(11, 11, 2))
    store.set_referral_status(r1, "registered", actor="sari_sup", reference="REG-1", now=utc(11, 12, 2))
    store.register_referral("demo", "4", package="laporan-demo-4.zip", package_dir="/tmp", package_sha256="2" * 64,
                            manifest_sha256="3" * 64, office="Bawaslu Kota Yogyakarta", built_by="sari_sup",
                            now=utc(11, 18, 9))
    return path


def rows(db: Path, sql: str) -> list[dict]:
    r = run_sql(db, sql)
    return [dict(zip(r.columns, row)) for row in r.rows]


def test_flags_weekly_counts_latest_flags_per_wib_iso_week(db):
    got = rows(db, "SELECT * FROM v_flags_weekly")
    w46, w47 = date(2026, 11, 9), date(2026, 11, 16)
    assert [(r["week_start"], r["iso_week"], r["region"], r["category"], r["platform"], r["flagged"], r["reviewed"],
             r["violations"], r["pending"]) for r in got] == [
        (w46, "2026-W46", "Kab. Sleman", "kampanye_medsos", "x", 1, 1, 1, 0),
        (w47, "2026-W47", "Kota Yogyakarta", "hadir_kampanye", "demo", 1, 0, 0, 0),   # duplicate: not reviewed
        (w47, "2026-W47", "Kota Yogyakarta", "kampanye_medsos", "demo", 2, 2, 1, 0),  # 4 violation, 6 overruled
        (w47, "2026-W47", None, "kampanye_medsos", "tip", 1, 0, 0, 1),                # no created_at: capture time
        (w47, "2026-W47", "Kab. Sleman", "foto_simbol", "x", 1, 1, 0, 0),             # Sunday UTC = Monday WIB
    ]
    total = rows(db, "SELECT count(*) n FROM latest_classification WHERE flagged")[0]["n"]
    assert sum(r["flagged"] for r in got) == total


def test_reviewer_throughput_and_time_to_first_decision(db):
    got = {(r["iso_week"], r["reviewer"]): r for r in rows(db, "SELECT * FROM v_reviewer_throughput")}
    assert sorted(got) == [("2026-W46", "rina_w"), ("2026-W47", "rina_w"), ("2026-W47", "sari_sup"),
                           ("2026-W47", "tono_s"), ("2026-W48", "rina_w")]
    cols = ["decisions", "items", "violations", "not_violations", "needs_info", "duplicates", "first_decisions",
            "first_within_7_days", "median_hours_from_capture", "avg_hours_from_capture", "max_hours_from_capture",
            "median_hours_from_classification", "avg_hours_from_classification"]
    expected = {
        ("2026-W46", "rina_w"): [2, 2, 2, 0, 0, 0, 2, 2, 4.0, 4.0, 5.0, 3.0, 3.0],
        ("2026-W47", "rina_w"): [2, 2, 1, 1, 0, 0, 2, 2, 9.0, 9.0, 10.0, 8.0, 8.0],
        # the supervisor's overruling decision counts as a decision, not as an item's first decision
        ("2026-W47", "sari_sup"): [1, 1, 0, 1, 0, 0, 0, 0, None, None, None, None, None],
        # demo/4: needs_info then violation (the first one times the item), demo/5 duplicate
        ("2026-W47", "tono_s"): [3, 2, 1, 0, 1, 1, 2, 2, 3.0, 3.0, 4.0, 2.0, 2.0],
        ("2026-W48", "rina_w"): [1, 1, 0, 0, 1, 0, 1, 0, 170.0, 170.0, 170.0, 169.0, 169.0],
    }
    for key, values in expected.items():
        assert [got[key][c] for c in cols] == values, key
    assert sum(r["decisions"] for r in got.values()) == rows(db, "SELECT count(*) n FROM decisions")[0]["n"]


def test_classifier_precision_per_model_version_and_category(db):
    got = [(r["model_version"], r["category"], r["flagged"], r["reviewed"], r["violations"], r["not_violations"],
            r["duplicates"], r["pending"], r["confirmed_violations"], r["precision"])
           for r in rows(db, "SELECT * FROM v_classifier_precision")]
    assert got == [
        ("m1", "foto_simbol", 1, 1, 0, 1, 0, 0, 0, 0.0),
        ("m1", "hadir_kampanye", 1, 0, 0, 0, 1, 0, 0, None),
        ("m1", "kampanye_medsos", 5, 4, 3, 1, 0, 1, 1, 0.75),
        ("m2", "kampanye_medsos", 1, 1, 1, 0, 0, 0, 1, 1.0),
    ]


def test_referrals_by_status_lists_every_status(db):
    got = rows(db, "SELECT * FROM v_referrals_by_status")
    assert [r["status"] for r in got] == ["draft", "sent", "registered", "forwarded_bkn", "decided", "sanctioned",
                                          "closed"]
    by = {r["status"]: r for r in got}
    assert [(r["status"], r["cases"], r["sent"], r["sent_within_7_days"]) for r in got if r["cases"]] == [
        ("draft", 1, 0, 0), ("registered", 1, 1, 1)]
    assert by["registered"]["median_days_to_send"] == pytest.approx(22 / 24)
    assert by["registered"]["first_built_at"] == utc(11, 10, 13)
    assert by["registered"]["last_status_at"] == utc(11, 12, 2)
    assert by["draft"]["median_days_to_send"] is None
    assert sum(r["cases"] for r in got) == 2


def test_repeat_accounts(db):
    got = [(r["platform"], r["author_id"], r["author_handle"], r["flagged"], r["violations"], r["first_seen"],
            r["last_seen"]) for r in rows(db, "SELECT * FROM v_repeat_accounts")]
    assert got == [
        ("demo", "acct-2002", "camat_siti", 2, 1, utc(11, 16, 6), utc(11, 17, 6)),
        # x/2 is no longer flagged by the latest model: 2 flagged posts, not 3
        ("x", "acct-1001", "guru_budi", 2, 1, utc(11, 10, 4), utc(11, 15, 21)),
    ]


# -- pantau sql ---------------------------------------------------------------------------------------------------


def cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if k != "PANTAU_PSEUDONYM_SALT"}
    full_env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1", **(env or {})})
    return subprocess.run([*PANTAU, *args], capture_output=True, text=True, env=full_env, timeout=300)


def test_sql_cli_formats(db):
    r = cli("sql", "SELECT platform, author_handle, flagged FROM v_repeat_accounts", "--db", str(db),
            "--format", "json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"platform": "demo", "author_handle": "camat_siti", "flagged": 2},
                                    {"platform": "x", "author_handle": "guru_budi", "flagged": 2}]
    r = cli("sql", "SELECT status, cases FROM v_referrals_by_status WHERE cases > 0", "--db", str(db),
            "--format", "csv")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["status,cases", "draft,1", "registered,1"]
    r = cli("sql", "SELECT iso_week, sum(flagged) AS flagged FROM v_flags_weekly GROUP BY 1 ORDER BY 1",
            "--db", str(db))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["iso_week  flagged", "--------  -------", "2026-W46  1", "2026-W47  5",
                                     "(2 rows)"]


def test_sql_cli_refuses_writes_and_file_access(db):
    before = rows(db, "SELECT count(*) n FROM decisions")[0]["n"]
    r = cli("sql", "INSERT INTO decisions (platform, post_id, decision, reviewer, decided_at) "
                   "VALUES ('x', '3', 'violation', 'mallory', now())", "--db", str(db))
    assert r.returncode == 1
    assert "read-only" in r.stderr and "refused" in r.stderr
    assert rows(db, "SELECT count(*) n FROM decisions")[0]["n"] == before
    with pytest.raises(AnalystError, match="read-only"):
        run_sql(db, "DROP VIEW v_repeat_accounts")
    with pytest.raises(AnalystError, match="no other files"):
        run_sql(db, "COPY posts TO '/tmp/pantau-should-not-exist.csv'")
    assert not Path("/tmp/pantau-should-not-exist.csv").exists()
    with pytest.raises(AnalystError, match="no other files"):
        run_sql(db, "SELECT * FROM read_csv('/etc/hostname')")
    with pytest.raises(AnalystError, match="does not exist"):
        run_sql(db, "SELECT * FROM no_such_table")
    assert rows(db, "SELECT count(*) n FROM v_repeat_accounts")[0]["n"] == 2


# -- pantau export ------------------------------------------------------------------------------------------------


def read(path: Path) -> list[dict]:
    con = duckdb.connect()
    fn = "read_parquet" if path.suffix == ".parquet" else "read_csv"
    cur = con.execute(f"SELECT * FROM {fn}(?)", [str(path)])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def export_entries(db: Path) -> list[dict]:
    return [{**e, "detail": json.loads(e["detail"])}
            for e in Store(db).query("SELECT * FROM audit_log WHERE action = 'export' ORDER BY seq")]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_export_reads_back_and_is_audited(db, tmp_path, fmt):
    before = len(export_entries(db))
    result = export(db, tmp_path / "out", fmt, actor="analis_dewi")
    out = tmp_path / "out"
    names = ["posts", "classifications", "decisions", "confirmations", "referrals", "queue_items",
             "decision_withdrawals", "double_checks", "v_flags_weekly",
             "v_reviewer_throughput", "v_classifier_precision", "v_referrals_by_status", "v_repeat_accounts",
             "v_review_sla"]
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{n}.{fmt}" for n in names] + ["export.json"])
    posts = read(out / f"posts.{fmt}")
    assert len(posts) == 8 and {p["author_handle"] for p in posts} == {"guru_budi", "camat_siti", "warga_andi", None}
    assert {p["author_bio"] for p in posts} >= {"Guru SDN 1 Sleman, PNS"}
    assert len(read(out / f"classifications.{fmt}")) == 10
    assert len(read(out / f"decisions.{fmt}")) == 9
    assert [(r["author_handle"], r["flagged"]) for r in read(out / f"v_repeat_accounts.{fmt}")] == [
        ("camat_siti", 2), ("guru_budi", 2)]
    assert len(read(out / f"v_referrals_by_status.{fmt}")) == 7
    assert not any(REPORTER in p.read_text(encoding="utf-8", errors="ignore") for p in out.iterdir()), \
        "raw payloads are never exported"
    manifest = json.loads((out / "export.json").read_text(encoding="utf-8"))
    assert {f["name"]: f["rows"] for f in manifest["files"]} == {
        "posts": 8, "classifications": 10, "decisions": 9, "v_flags_weekly": 5, "v_reviewer_throughput": 5,
        "v_classifier_precision": 4, "v_referrals_by_status": 7, "v_repeat_accounts": 2,
        **{t: Store(db).scalar(f"SELECT count(*) FROM {t}") for t in ("confirmations", "referrals", "queue_items",
                                                                       "v_review_sla", "decision_withdrawals",
                                                                       "double_checks")}}
    assert all(manifest_rows > 0 for manifest_rows in (len(read(out / f"{t}.{fmt}")) for t in (
        "confirmations", "referrals", "queue_items")))  # the four-eyes and deadline queries have rows to read
    entries = export_entries(db)
    assert len(entries) == before + 1
    last = entries[-1]
    assert last["seq"] == result.audit_seq and last["actor"] == "analis_dewi"
    assert last["target"] == str(out.resolve())
    assert last["detail"]["format"] == fmt and last["detail"]["pseudonymised"] is False
    assert last["detail"]["files"] == manifest["files"]
    assert Store(db).verify_audit()[1] == []


def exported_text(out: Path) -> str:
    text = ""
    for p in sorted(out.iterdir()):
        if p.suffix == ".parquet":  # decompressed: compare values, not compressed bytes
            text += json.dumps(read(p), default=str, ensure_ascii=False)
        text += p.read_bytes().decode("utf-8", errors="ignore")
    return text


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_pseudonymised_export_hides_people_and_is_stable_per_salt(db, tmp_path, fmt):
    a = export(db, tmp_path / "a", fmt, pseudonymise=True, salt=SALT)
    export(db, tmp_path / "a2", fmt, pseudonymise=True, salt=SALT)
    export(db, tmp_path / "b", fmt, pseudonymise=True, salt=OTHER_SALT)
    text = exported_text(tmp_path / "a")
    for secret in IDENTIFYING:
        assert secret not in text, secret
    posts = read(tmp_path / "a" / f"posts.{fmt}")
    assert "author_bio" not in posts[0] and "url" not in posts[0]
    budi = [p for p in posts if p["post_id"] == "1"][0]
    assert budi["author_handle"] == pseudonym(SALT, "guru_budi") and len(budi["author_handle"]) == 64
    assert budi["author_name"] == pseudonym(SALT, "Budi Santoso")
    assert budi["author_id"] == pseudonym(SALT, "acct-1001")
    assert budi["text"] == "Ayo dukung paslon nomor 2!"
    decisions = read(tmp_path / "a" / f"decisions.{fmt}")
    assert "reason" not in decisions[0]
    assert {d["reviewer"] for d in decisions} == {pseudonym(SALT, n) for n in ("rina_w", "tono_s", "sari_sup")}
    confirmations = read(tmp_path / "a" / f"confirmations.{fmt}")
    assert confirmations and "reason" not in confirmations[0]
    assert all(len(c["supervisor"]) == 64 for c in confirmations)
    referrals = read(tmp_path / "a" / f"referrals.{fmt}")
    assert referrals and "package_dir" not in referrals[0] and all(len(r["built_by"]) == 64 for r in referrals)
    queue = read(tmp_path / "a" / f"queue_items.{fmt}")
    assert {q["author_handle"] for q in queue} <= {pseudonym(SALT, h) for h in ("guru_budi", "camat_siti",
                                                                                "warga_andi")} | {None}
    signals = json.loads(read(tmp_path / "a" / f"classifications.{fmt}")[0]["signals"] or "[]")
    assert all("text" not in s for s in signals if s["source"] == "bio")
    repeat = read(tmp_path / "a" / f"v_repeat_accounts.{fmt}")
    assert [r["author_handle"] for r in repeat] == [pseudonym(SALT, "camat_siti"), pseudonym(SALT, "guru_budi")]
    # pseudonyms join across files: the repeat account's posts can still be found
    assert {p["post_id"] for p in posts if p["author_id"] == repeat[1]["author_id"]} == {"1", "2", "3"}
    # same salt, same pseudonyms; another salt, other pseudonyms
    again = read(tmp_path / "a2" / f"posts.{fmt}")
    other = read(tmp_path / "b" / f"posts.{fmt}")
    key = lambda r: (r["platform"], r["post_id"])  # noqa: E731
    assert sorted(map(key, again)) == sorted(map(key, posts))
    assert {key(p): p["author_handle"] for p in again} == {key(p): p["author_handle"] for p in posts}
    other_handles = {key(p): p["author_handle"] for p in other}
    assert other_handles[("x", "1")] == pseudonym(OTHER_SALT, "guru_budi") != budi["author_handle"]
    assert export_entries(db)[-3]["detail"]["pseudonymised"] is True
    assert export_entries(db)[-3]["seq"] == a.audit_seq


def test_export_cli_needs_a_salt_to_pseudonymise(db, tmp_path):
    before = len(export_entries(db))
    r = cli("export", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "no"), "--pseudonymise")
    assert r.returncode == 1 and "PANTAU_PSEUDONYM_SALT" in r.stderr
    assert not (tmp_path / "no").exists()
    r = cli("export", "--db", str(db), "--format", "csv", "-o", str(tmp_path / "short"), "--pseudonymise",
            env={"PANTAU_PSEUDONYM_SALT": "pendek"})
    assert r.returncode == 1 and "at least 16" in r.stderr
    r = cli("export", "--db", str(db), "--format", "parquet", "-o", str(tmp_path / "ok"), "--pseudonymise",
            "--actor", "analis_dewi", env={"PANTAU_PSEUDONYM_SALT": SALT})
    assert r.returncode == 0, r.stderr
    assert "(pseudonymised)" in r.stdout
    posts = read(tmp_path / "ok" / "posts.parquet")
    assert {p["author_handle"] for p in posts} == {pseudonym(SALT, h) for h in ("guru_budi", "camat_siti",
                                                                                 "warga_andi")} | {None}
    entries = export_entries(db)
    assert len(entries) == before + 1 and entries[-1]["actor"] == "analis_dewi"
    assert SALT not in json.dumps(entries[-1], default=str)
    with pytest.raises(AnalystError, match="unknown export format"):
        export(db, tmp_path / "x", "xlsx")


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_the_docs_example_script_reads_an_export_and_draws_the_chart(db, tmp_path, fmt):
    out = tmp_path / "export"
    export(db, out, fmt, pseudonymise=True, salt=SALT)
    script = Path(__file__).resolve().parent.parent / "docs" / "examples" / "analyse_export.py"
    r = subprocess.run([sys.executable, str(script), str(out)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Four eyes" in r.stdout and "Deadline compliance" in r.stdout
    svg = (out / "flags.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and 'id="flags"' in svg
    # its queries give on the export what the same queries give on the database itself
    sys.path.insert(0, str(script.parent))
    try:
        import analyse_export
    finally:
        sys.path.remove(str(script.parent))
    con = analyse_export.open_export(out)
    store = Store(db)
    for query in (analyse_export.FOUR_EYES, analyse_export.COMPLIANCE):
        assert [tuple(r) for r in con.sql(query).fetchall()] == [tuple(r.values()) for r in store.query(query)]
    assert con.sql(analyse_export.FOUR_EYES).fetchone()[0] > 0
