"""Issue 18 part 4: first-review SLA, overdue badges and counts, the shift handover page, its report and role checks.

A real DuckDB file with items captured and decided at known times (relative to the real clock, which the app uses);
every figure the app shows is compared with an independent query over decisions and queue_items written here."""

from __future__ import annotations

import json
import re
import statistics
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.sla import DEFAULT_REVIEW_TARGET_HOURS, first_review_due, review_overdue
from pantau.store.db import Store
from pantau.times import WIB
from pantau.triage.app import create_app
from test_triage_helpers import ROLES, add_users, csrf_of, login

H = timedelta(hours=1)
# post id -> hours before now it was captured
CAPTURED = {1: 40, 2: 50, 3: 30, 4: 10, 5: 6, 6: 26, 8: 148, 9: 128, 10: 200}
# (post id, decision, reviewer, hours before now); decisions are appended in this order
DECISIONS = [(1, "violation", "rina", 30), (2, "needs_info", "budi", 20), (5, "not_violation", "rina", 1),
             (6, "violation", "budi", 3), (1, "not_violation", "rina", 2)]


def build(path, now: datetime) -> Store:
    store = Store(path)
    posts = [make_post(i, f"Ayo pilih nomor {i}", captured=now - h * H) for i, h in CAPTURED.items()]
    posts.append(make_post(7, "pos biasa", captured=now - 3 * H))  # not flagged: not in the queue
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, p.post_id != "7", "kampanye_medsos") for p in posts])
    for pid, decision, reviewer, h in DECISIONS:
        store.record_decision("demo", str(pid), decision, reviewer=reviewer, now=now - h * H)
    add_users(store, *[(f"u-{role}", role) for role in ROLES], ("rina", "reviewer"), ("budi", "reviewer"))
    store.claim("demo", "4", "rina", now=now - 0.1 * H)
    return store


@pytest.fixture
def world(tmp_path, monkeypatch):
    monkeypatch.delenv("PANTAU_REVIEW_TARGET_HOURS", raising=False)
    monkeypatch.delenv("PANTAU_SHIFT_HOURS", raising=False)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    store = build(tmp_path / "shift.duckdb", now)
    return store, now


def independent(store: Store, start: datetime, end: datetime, now: datetime, target: int = 24) -> dict:
    """The SLA figures from decisions and queue_items, without the app's SQL or macros: the first decision is the
    row with the lowest decision_id; percentiles by Python's statistics."""
    rows = store.query(
        """SELECT q.status, q.captured_at, d.decided_at AS first_at
           FROM queue_items q LEFT JOIN decisions d ON d.decision_id =
             (SELECT min(x.decision_id) FROM decisions x WHERE x.platform = q.platform AND x.post_id = q.post_id)""")
    first = [r for r in rows if r["first_at"] is not None and start <= r["first_at"] < end]
    hours = sorted((r["first_at"] - r["captured_at"]).total_seconds() / 3600 for r in first)
    return {
        "captured": sum(start <= r["captured_at"] < end for r in rows),
        "first_reviews": len(first),
        "within_target": sum(h <= target for h in hours),
        "median_hours": round(statistics.median(hours), 2) if hours else None,
        "p90_hours": round(statistics.quantiles(hours, n=10, method="inclusive")[8], 2) if len(hours) > 1 else
        (round(hours[0], 2) if hours else None),
        "overdue_now": sum(r["status"] == "new" and (now - r["captured_at"]).total_seconds() > target * 3600
                           for r in rows),
        "open_items": sum(r["status"] in ("new", "needs_info") for r in rows),
    }


def test_rule_in_python_and_sql_agree(tmp_path):
    store = Store(tmp_path / "rule.duckdb")
    store.init()
    assert store.scalar("SELECT review_target_hours()") == DEFAULT_REVIEW_TARGET_HOURS
    base = datetime(2026, 2, 28, 23, 30, tzinfo=timezone.utc)
    for hours in (1, 24, 36, 24 * 9):
        assert store.scalar("SELECT first_review_due(CAST(? AS TIMESTAMPTZ), ?)", [base, hours]) == \
            first_review_due(base, hours)
    assert review_overdue("new", base, base + 24 * H + timedelta(seconds=1), 24)
    assert not review_overdue("new", base, base + 24 * H, 24)  # due at the hour, late after it
    assert not review_overdue("needs_info", base, base + 100 * H, 24)  # reviewed once: not a first review
    store.set_review_target(12)
    assert store.scalar("SELECT review_target_hours()") == 12


def test_sla_figures_match_sql(world):
    store, now = world
    start, end = now - 24 * H, now
    got = store.review_sla(start, end, target_hours=24, now=now)
    want = independent(store, start, end, now)
    assert got == {**want, "target_hours": 24}
    # the data is what the test means: p2 (30 h), p6 (23 h), p5 (5 h) first reviewed in the window
    assert (got["first_reviews"], got["within_target"], got["median_hours"]) == (3, 2, 23.0)
    assert got["overdue_now"] == 4 and got["open_items"] == 6
    shorter = store.review_sla(now - 8 * H, now, target_hours=6, now=now)
    assert shorter == {**independent(store, now - 8 * H, now, now, target=6), "target_hours": 6}


def test_v_review_sla_matches_sql(world):
    store, now = world
    rows = {(r["grain"], r["period_start"]): r for r in store.query("SELECT * FROM v_review_sla")}
    items = store.query(
        """SELECT q.status, q.captured_at, d.decided_at AS first_at
           FROM queue_items q LEFT JOIN decisions d ON d.decision_id =
             (SELECT min(x.decision_id) FROM decisions x WHERE x.platform = q.platform AND x.post_id = q.post_id)""")
    by_day: dict = {}
    for r in items:
        by_day.setdefault(r["captured_at"].astimezone(WIB).date(), []).append(r)
    assert {k for k in rows if k[0] == "day"} == {("day", d) for d in by_day}
    for day, its in by_day.items():
        row = rows[("day", day)]
        hours = [(r["first_at"] - r["captured_at"]).total_seconds() / 3600 for r in its if r["first_at"]]
        assert row["captured"] == len(its) and row["reviewed"] == len(hours)
        assert row["reviewed_within_target"] == sum(h <= 24 for h in hours)
        assert row["overdue_now"] == sum(r["status"] == "new" and now - r["captured_at"] > 24 * H for r in its)
        assert row["median_hours_to_first_review"] == (pytest.approx(statistics.median(hours)) if hours else None)
        assert row["target_hours"] == 24
    weeks = [r for k, r in rows.items() if k[0] == "week"]
    assert sum(r["captured"] for r in weeks) == len(items) == 9


def figure(html: str, element_id: str) -> str:
    m = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert m, element_id
    return m.group(1)


def test_handover_page_figures_match_sql(world):
    store, now = world
    c = TestClient(create_app(store.path, secret=b"shift"))
    login(c, "rina")
    start, end = now - 24 * H, now
    html = c.get("/serah-terima", params={"dari": start.astimezone(WIB).isoformat(),
                                          "sampai": end.astimezone(WIB).isoformat()}).text
    want = independent(store, start, end, datetime.now(timezone.utc))
    assert figure(html, "sla-captured") == str(want["captured"])
    assert figure(html, "sla-first-reviews") == str(want["first_reviews"])
    assert figure(html, "sla-within") == str(want["within_target"])
    assert figure(html, "sla-median") == f"{want['median_hours']:.1f}".replace(".", ",")
    assert figure(html, "sla-p90") == f"{want['p90_hours']:.1f}".replace(".", ",")
    assert figure(html, "review-overdue") == str(want["overdue_now"])
    assert figure(html, "open-items") == str(want["open_items"])
    due = store.query("""SELECT count(*) FILTER (WHERE deadline_at <= now()) AS passed,
                                count(*) FILTER (WHERE deadline_at > now() AND deadline_at <= now() + INTERVAL 24 HOUR) AS d24,
                                count(*) FILTER (WHERE deadline_at > now() AND deadline_at <= now() + INTERVAL 48 HOUR) AS d48
                         FROM queue_items WHERE status IN ('new', 'needs_info', 'awaiting_confirmation')""")[0]
    assert (figure(html, "due-passed"), figure(html, "due-24"), figure(html, "due-48")) == \
        (str(due["passed"]), str(due["d24"]), str(due["d48"])) == ("1", "1", "2")
    assert figure(html, "claims-count") == "1" and "<td>rina</td>" in html
    decided = store.query("SELECT reviewer, count(*) AS n FROM decisions WHERE decided_at >= ? AND decided_at < ? "
                          "GROUP BY ALL ORDER BY 1", [start, end])
    assert figure(html, "decisions-total") == str(sum(r["n"] for r in decided)) == "4"
    # near-copy clusters that grew in the window, from post_clusters and posts directly
    members = store.query("SELECT pc.cluster_id, p.captured_at FROM post_clusters pc JOIN posts p USING (platform, post_id)")
    sizes: dict = {}
    for m in members:
        sizes.setdefault(m["cluster_id"], []).append(m["captured_at"])
    grown = {str(c): sum(start <= t < end for t in ts) for c, ts in sizes.items()
             if len(ts) >= 2 and any(start <= t < end for t in ts)}
    shown = dict(re.findall(r'<li data-cluster="(\d+)">Klaster \d+: \+(\d+) anggota', html))
    assert {c: int(n) for c, n in shown.items()} == grown and grown  # the "Ayo pilih nomor N" posts are one
    assert 'href="/serah-terima"' in html  # in the navigation


def test_queue_shows_overdue_badges_and_count(world):
    store, now = world
    c = TestClient(create_app(store.path, secret=b"shift"))
    login(c, "rina")
    overdue = store.scalar("""SELECT count(*) FROM queue_items WHERE status IN ('new', 'needs_info')
                              AND status = 'new' AND captured_at < now() - INTERVAL 24 HOUR""")
    html = c.get("/antrean").text
    assert overdue == 4
    assert re.search(r'id="review-overdue-count"><strong>(\d+)</strong>', html).group(1) == str(overdue)
    assert html.count('class="badge review-overdue"') == overdue
    html = c.get("/antrean", params={"status": "needs_info"}).text
    assert 'id="review-overdue-count"' not in html and "badge review-overdue" not in html
    html = c.get("/antrean", params={"q": "pilih"}).text  # the text-search path counts in the same scan
    assert re.search(r'id="review-overdue-count"><strong>(\d+)</strong>', html).group(1) == str(overdue)


def test_target_from_the_environment(world, monkeypatch):
    store, now = world
    monkeypatch.setenv("PANTAU_REVIEW_TARGET_HOURS", "8")
    c = TestClient(create_app(store.path, secret=b"shift"))
    assert store.scalar("SELECT review_target_hours()") == 8
    assert {r["target_hours"] for r in store.query("SELECT target_hours FROM v_review_sla")} == {8}
    login(c, "rina")
    html = c.get("/antrean").text
    assert re.search(r'id="review-overdue-count"><strong>(\d+)</strong>', html).group(1) == "5"  # p4 (10 h) too
    monkeypatch.setenv("PANTAU_REVIEW_TARGET_HOURS", "sehari")
    with pytest.raises(ValueError, match="PANTAU_REVIEW_TARGET_HOURS"):
        create_app(store.path, secret=b"shift")


def test_handover_is_recorded_audited_and_opened_by_the_next_shift(world):
    store, now = world
    app = create_app(store.path, secret=b"shift")
    a = TestClient(app)
    login(a, "rina")
    page = a.get("/serah-terima").text
    assert 'id="no-handover"' in page
    form = {"csrf_token": csrf_of(page), "dari": "", "sampai": "", "catatan": "Pos 4 masih <b>saya</b> pegang"}
    assert a.post("/serah-terima", data={**form, "csrf_token": "salah"}).status_code == 403
    assert store.scalar("SELECT count(*) FROM shift_handovers") == 0
    r = a.post("/serah-terima", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/serah-terima?tersimpan=1"
    [h] = store.query("SELECT * FROM shift_handovers")
    assert h["handed_by"] == "rina" and h["window_end"] - h["window_start"] == 8 * H  # default: one shift
    [entry] = store.query("SELECT * FROM audit_log WHERE action = 'shift_handover'")
    assert entry["actor"] == "rina" and entry["target"] == "handover:1" and entry["seq"] == h["audit_seq"]
    assert store.verify_audit()[1] == []
    b = TestClient(app)
    login(b, "u-supervisor")
    page = b.get("/serah-terima").text
    assert figure(page, "last-by") == "rina"
    assert "Pos 4 masih &lt;b&gt;saya&lt;/b&gt; pegang" in page and "<b>saya</b>" not in page
    # the next shift starts where the last one ended
    start = re.search(r'name="dari" value="([^"]+)"', page.split('id="handover-form"')[1]).group(1)
    assert datetime.fromisoformat(start) == h["window_end"]
    report = b.get("/serah-terima/laporan.md", params={"id": "1"})
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/markdown")
    assert "# Serah terima shift" in report.text and "Diserahkan oleh **rina**" in report.text
    assert "> Pos 4 masih \\<b\\>saya\\</b\\> pegang" in report.text  # Markdown markup escaped
    figures = json.loads(h["figures"])
    assert figures["first_review_overdue"] == 4
    # listed: what falls due within 48 h (8 and 9); 10 passed its deadline and is counted, not listed
    assert [i["post_id"] for i in figures["due"]["items"]] == ["8", "9"] and figures["due"]["deadline_passed"] == 1
    assert "| Belum ditinjau melewati target 24 jam | 4 |" in report.text
    assert "| rina | demo/4 |" in report.text
    assert store.query("SELECT target FROM audit_log WHERE action = 'export' ORDER BY seq DESC LIMIT 1")[0][
        "target"] == "serah-terima/laporan"
    assert b.get("/serah-terima/laporan.md", params={"id": "99"}).status_code == 404
    bad = b.get("/serah-terima", params={"dari": "kemarin sore"})
    assert bad.status_code == 400 and "tidak dikenali" in bad.text
    backwards = b.post("/serah-terima", data={**form, "csrf_token": csrf_of(page),
                                               "dari": now.isoformat(), "sampai": (now - H).isoformat()})
    assert backwards.status_code == 400 and store.scalar("SELECT count(*) FROM shift_handovers") == 1


@pytest.mark.parametrize("role", ROLES)
def test_roles_on_the_handover(world, role):
    store, _ = world
    c = TestClient(create_app(store.path, secret=b"shift"))
    login(c, f"u-{role}")
    may = role in ("reviewer", "supervisor")
    for path in ("/serah-terima", "/serah-terima/laporan.md"):
        assert c.get(path).status_code == (200 if may else 403), (role, path)
    token = csrf_of(c.get("/").text)
    r = c.post("/serah-terima", data={"csrf_token": token, "catatan": "x"}, follow_redirects=False)
    assert r.status_code == (303 if may else 403)
    assert store.scalar("SELECT count(*) FROM shift_handovers") == (1 if may else 0)
    assert ('href="/serah-terima"' in c.get("/").text) is may


def test_bench_prints_each_ratio(tmp_path, capsys):
    """bench/shifts.py at a small size: every figure is measured against the plain count of the same run."""
    from bench.shifts import main as bench_main

    assert bench_main(["--posts", "20000", "--db", str(tmp_path / "bench.duckdb")]) == 0
    out = capsys.readouterr().out
    for label in ("queue count (baseline)", "queue count with the overdue figure", "handover figures",
                  "v_review_sla"):
        assert re.search(rf"{re.escape(label)}.*\d+\.\d{{4}}\s+\d+\.\d\d", out), label
    assert "overdue for first review" in out


def test_a_withdrawn_decision_is_no_review_in_the_shift_figures(tmp_path):
    """The handover's figures read the decisions that count, like v_review_sla: a decision withdrawn ("Batalkan") is
    no first review and no decision of the shift (the item is new again); the next one is the first review."""
    store = Store(tmp_path / "w.duckdb")
    now = datetime.now(timezone.utc)
    post = make_post(1, "Ayo coblos paslon 2, saya guru PNS", bio="Guru | PNS", captured=now - 10 * H)
    store.ingest([post])
    store.save_classifications([result(post, 0.9, True, "kampanye_medsos")])
    slip = store.record_decision("demo", "1", "not_violation", reviewer="rina", now=now - 2 * H,
                                 double_check_rate=0.0)
    store.withdraw_decision(slip, reviewer="rina", window_seconds=60, now=now - 2 * H + timedelta(seconds=5))
    start, end = now - 8 * H, now
    assert store.review_sla(start, end, target_hours=24, now=now)["first_reviews"] == 0
    assert store.decisions_between(start, end) == []
    store.record_decision("demo", "1", "needs_info", reviewer="budi", now=now - H, double_check_rate=0.0)
    sla = store.review_sla(start, end, target_hours=24, now=now)
    assert (sla["first_reviews"], sla["median_hours"]) == (1, 9.0)
    assert store.decisions_between(start, end) == [{"reviewer": "budi", "decision": "needs_info", "n": 1}]
