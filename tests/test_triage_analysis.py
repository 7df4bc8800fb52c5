"""The analyst page /analisis: server-side SVG charts whose data tables match SQL counts on the same database,
escaped labels, the role matrix, empty data, and (slow) the page in a real browser under the app's CSP."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import make_post
from pantau.categories import CATEGORIES
from pantau.store.db import Store
from pantau.triage import charts
from pantau.triage.app import COMPLIANCE_STATES, create_app
from test_sql_docs import demo_posts
from test_triage_helpers import PASSWORD, ROLES, add_users, login

EVIL_REGION = '<script>alert("wilayah")</script>Kab. "Jahat" & Co'
LATE = datetime(2024, 11, 18, 3, 0, tzinfo=timezone.utc)  # an old post (inside the demo weeks)...


def _classify(p, flagged: bool, category: str | None) -> dict:
    return {"platform": p.platform, "post_id": p.post_id, "model_version": "demo-truth", "score": 0.9 if flagged else 0.1,
            "flagged": flagged, "category": category, "signals": []}


def build_demo_db(path: Path) -> Store:
    """The demo platform's posts classified by their hidden truth, reviewed and confirmed (as in test_sql_docs),
    with referral cases in every deadline state: sent on time, sent late, closed unsent, draft overdue, plus
    confirmed violations captured a day ago (open within the deadline)."""
    store = Store(path)
    items = demo_posts()
    now = datetime.now(timezone.utc)
    # ...first captured yesterday: still within its reporting deadline
    recent = [dataclasses.replace(make_post(900 + i, f"ASN ajak coblos nomor {i}"), created_at=LATE,
                                  captured_at=now - timedelta(days=1), region="Kab. Sleman") for i in range(2)]
    store.ingest([p for p, _ in items] + recent)
    flagged = {p.post_id for i, (p, t) in enumerate(items) if t["campaign"] or i % 20 == 0}
    store.save_classifications([_classify(p, p.post_id in flagged, t["category"]) for p, t in items]
                               + [_classify(p, True, "fasilitas_negara") for p in recent])
    violations = []
    with store.session():
        for i, (p, t) in enumerate((p, t) for p, t in items if p.post_id in flagged):
            if i % 10 == 9:
                continue  # still in the queue
            decision = "needs_info" if i % 10 == 8 else ("violation" if t["violation"] else "not_violation")
            when = p.captured_at + timedelta(hours=2 + (i * 7) % 60)
            decision_id = store.record_decision(p.platform, p.post_id, decision, reviewer="rina", now=when)
            if decision == "violation" and i % 4 != 1:
                store.confirm_decision(decision_id, supervisor="sari", agreed=True, now=when + timedelta(hours=3))
                violations.append((p, when + timedelta(hours=3)))
        for p in recent:
            decision_id = store.record_decision(p.platform, p.post_id, "violation", reviewer="rina")
            store.confirm_decision(decision_id, supervisor="sari", agreed=True)
    assert len(violations) >= 8, "the demo data should give enough confirmed violations"
    for n, (p, confirmed_at) in enumerate(violations[:6]):
        case = store.register_referral(p.platform, p.post_id, package=f"laporan-demo-{p.post_id}.zip",
                                       package_dir="/tmp", package_sha256="0" * 64, manifest_sha256="1" * 64,
                                       office="Bawaslu", built_by="sari", now=confirmed_at + timedelta(hours=1))
        if n in (0, 1, 2):  # sent the next day: on time
            store.set_referral_status(case, "sent", actor="sari", reference=f"T-{n}", now=confirmed_at + timedelta(days=1))
        elif n == 3:  # sent three weeks later: late
            store.set_referral_status(case, "sent", actor="sari", reference="T-3", now=confirmed_at + timedelta(weeks=3))
        elif n == 4:  # closed without sending
            store.set_referral_status(case, "closed", actor="sari", now=confirmed_at + timedelta(days=2))
        # n == 5 stays a draft, long overdue
    return store


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    store = build_demo_db(tmp_path_factory.mktemp("analysis") / "demo.duckdb")
    add_users(store, *[(f"u-{role}", role) for role in ROLES])
    return TestClient(create_app(store.path, secret=b"analysis")), store


def page_as(demo, username: str):
    """GET /analisis with a fresh client (own cookies) logged in as `username`."""
    c = TestClient(demo[0].app)
    login(c, username)
    return c.get("/analisis", follow_redirects=False)


class Tables(HTMLParser):
    """Every <table id=...> of a page as a list of rows of cell texts (th and td)."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._table: str | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._table = dict(attrs).get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def svgs(html: str) -> dict[str, str]:
    """The page's charts by id."""
    return {m.group(1): m.group(0) for m in re.finditer(r'<svg [^>]*id="(grafik-[a-z]+)".*?</svg>', html, flags=re.S)}


def test_weekly_table_matches_sql(demo):
    store = demo[1]
    page = page_as(demo, "u-analyst")
    assert page.status_code == 200
    table = Tables(page.text).tables["tabel-mingguan"]
    header, rows = table[0], table[1:]
    assert header[0] == "Minggu" and header[-1] == "Jumlah"
    regions = header[1:-1]
    # the same counts straight from posts and their latest classification (not through v_flags_weekly)
    expected: dict[tuple[str, str], int] = {}
    for r in store.query(
        """SELECT printf('%04d-W%02d', isoyear(t), week(t)) AS iso_week, coalesce(region, '(tanpa wilayah)') AS region,
                  count(*) AS n
           FROM (SELECT p.region, timezone('Asia/Jakarta', coalesce(p.created_at, p.captured_at)) AS t
                 FROM posts p JOIN latest_classification c USING (platform, post_id) WHERE c.flagged)
           GROUP BY ALL"""
    ):
        expected[(r["iso_week"], r["region"])] = r["n"]
    weeks = sorted({w for w, _ in expected})
    assert [row[0] for row in rows] == weeks  # the demo spans fewer than 12 weeks, none empty
    region_totals: dict[str, int] = {}
    for (_, region), n in expected.items():
        region_totals[region] = region_totals.get(region, 0) + n
    assert len(region_totals) > 6
    top = sorted(region_totals, key=lambda reg: (-region_totals[reg], reg))[:6]
    assert regions[:6] == top and regions[6] == "Lainnya"
    for row in rows:
        week = row[0]
        cells = [int(x) for x in row[1:]]
        assert cells[:6] == [expected.get((week, reg), 0) for reg in top], week
        week_total = sum(n for (w, _), n in expected.items() if w == week)
        assert cells[6] == week_total - sum(cells[:6]) and cells[-1] == week_total
    assert sum(int(row[-1]) for row in rows) == store.scalar(
        "SELECT count(*) FROM latest_classification WHERE flagged")
    # the chart draws the same numbers: one bar total per week
    svg = svgs(page.text)["grafik-mingguan"]
    assert re.findall(r'class="chart-total"[^>]*>(\d+)<', svg) == [row[-1] for row in rows]


def test_category_table_matches_sql(demo):
    store = demo[1]
    page = page_as(demo, "u-analyst")
    table = Tables(page.text).tables["tabel-kategori"]
    body = {row[0]: int(row[1]) for row in table[1:-1]}
    expected = {CATEGORIES.get(r["category"], r["category"]) if r["category"] else "(tanpa kategori)": r["n"]
                for r in store.query("SELECT category, count(*) AS n FROM latest_classification WHERE flagged GROUP BY ALL")}
    assert body == expected and len(body) >= 5
    assert table[-1][:2] == ["Jumlah", str(sum(expected.values()))]
    assert [int(row[1]) for row in table[1:-1]] == sorted(body.values(), reverse=True)
    svg = svgs(page.text)["grafik-kategori"]
    for label, n in body.items():
        assert f"{label}: {n} pos" in svg


def test_deadline_compliance_table_matches_sql(demo):
    store = demo[1]
    page = page_as(demo, "u-analyst")
    table = Tables(page.text).tables["tabel-tenggat"]
    shown = {row[0]: int(row[1]) for row in table[1:-1]}
    assert list(shown) == [label for _, label, _ in COMPLIANCE_STATES]
    q = store.scalar
    case = "FROM referrals r JOIN posts p USING (platform, post_id)"
    unreferred = ("FROM queue_items qi WHERE qi.status = 'confirmed' AND NOT EXISTS "
                  "(SELECT 1 FROM referrals r WHERE r.platform = qi.platform AND r.post_id = qi.post_id)")
    expected = {
        "sent_on_time": q(f"SELECT count(*) {case} WHERE r.sent_at <= reporting_deadline(p.captured_at)"),
        "sent_late": q(f"SELECT count(*) {case} WHERE r.sent_at > reporting_deadline(p.captured_at)"),
        "closed_unsent": q(f"SELECT count(*) {case} WHERE r.sent_at IS NULL AND r.status = 'closed'"),
        "open_on_time": q(f"SELECT count(*) {case} WHERE r.status = 'draft' AND reporting_deadline(p.captured_at) > now()")
        + q(f"SELECT count(*) {unreferred} AND qi.deadline_at > now()"),
        "open_overdue": q(f"SELECT count(*) {case} WHERE r.status = 'draft' AND reporting_deadline(p.captured_at) <= now()")
        + q(f"SELECT count(*) {unreferred} AND qi.deadline_at <= now()"),
    }
    assert shown == {label: expected[state] for state, label, _ in COMPLIANCE_STATES}
    # and what the fixture built: 3 on time, 1 late, 1 closed, 2 recent confirmed, the rest overdue
    assert [expected[s] for s in ("sent_on_time", "sent_late", "closed_unsent", "open_on_time")] == [3, 1, 1, 2]
    assert expected["open_overdue"] >= 3
    assert int(table[-1][1]) == sum(expected.values()) == store.scalar(
        "SELECT count(*) FROM (SELECT platform, post_id FROM queue_items WHERE status = 'confirmed' "
        "UNION SELECT platform, post_id FROM referrals)")


def test_page_structure_and_no_inline_script_or_style(demo):
    page = page_as(demo, "u-supervisor")
    assert page.status_code == 200
    found = svgs(page.text)
    assert set(found) == {"grafik-mingguan", "grafik-kategori", "grafik-tenggat"}
    for chart_id, svg in found.items():
        assert 'role="img"' in svg and f'<title id="{chart_id}-title">' in svg and "<desc" in svg
        assert "Belum ada data" not in svg
    assert "<script>" not in page.text.replace('<script src="/static/triage.js" defer></script>', "")
    assert " style=" not in page.text and "<style" not in page.text
    assert '<a href="/analisis">Analisis</a>' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'none'")


def test_region_with_markup_is_escaped(tmp_path):
    store = Store(tmp_path / "evil.duckdb")
    posts = [dataclasses.replace(make_post(i), region=EVIL_REGION if i < 3 else "Kota Baik") for i in range(5)]
    store.ingest(posts)
    store.save_classifications([_classify(p, True, "<b>kode_baru</b>" if p.post_id == "0" else "foto_simbol")
                                for p in posts])
    add_users(store, ("ana", "analyst"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "ana")
    html = c.get("/analisis").text
    assert "<script>alert" not in html and "<b>kode_baru" not in html
    svg = svgs(html)["grafik-mingguan"]
    escaped = "&lt;script&gt;alert(&#34;wilayah&#34;)&lt;/script&gt;Kab. &#34;Jahat&#34; &amp; Co"
    assert escaped in svg  # in the bar's tooltip, in full
    assert "&lt;script&gt;alert" in svg.split('class="chart-legend-box"', 1)[1]  # and in the legend
    assert "&lt;b&gt;kode_baru&lt;/b&gt;" in svgs(html)["grafik-kategori"]
    # the parsed table shows the name as text
    assert Tables(html).tables["tabel-mingguan"][0][1] == EVIL_REGION


def test_chart_functions_escape_every_label():
    evil = '<img src=x onerror="alert(1)">'
    out = str(charts.stacked_bar_chart("x" + evil, "judul " + evil, ["2024-W46" + evil], [(evil, [3])]))
    out += str(charts.horizontal_bar_chart("y", evil, [(evil, 2), ("b", 1)]))
    out += str(charts.empty_chart("z", evil))
    assert "<img" not in out and "onerror=\"" not in out
    assert out.count("&lt;img src=x onerror=&#34;alert(1)&#34;&gt;") >= 5


@pytest.mark.parametrize("role, status", [("reviewer", 403), ("monitor", 403), ("analyst", 200), ("supervisor", 200),
                                          ("admin", 200)])
def test_roles(demo, role, status):
    c = TestClient(demo[0].app)
    login(c, f"u-{role}")
    assert c.get("/analisis", follow_redirects=False).status_code == status
    nav = c.get("/").text
    assert ('href="/analisis"' in nav) is (status == 200)


def test_anonymous_is_sent_to_login(demo):
    c, _ = demo
    r = TestClient(c.app).get("/analisis", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/masuk?next=/analisis"


def test_empty_data_says_belum_ada_data():
    for svg in (
        charts.stacked_bar_chart("a", "Tanda per minggu per wilayah", [], []),
        charts.stacked_bar_chart("b", "t", ["2024-W46", "2024-W47"], [("Kab. A", [0, 0]), ("Kab. B", [0, 0])]),
        charts.horizontal_bar_chart("c", "Komposisi kategori", []),
        charts.horizontal_bar_chart("d", "Kepatuhan tenggat", [(label, 0) for _, label, _ in COMPLIANCE_STATES]),
    ):
        assert "Belum ada data" in svg and 'role="img"' in svg and "<title" in svg
        assert "<rect x=" not in svg.split("chart-frame", 1)[1]  # no bars
    assert charts.weekly_by_region([]) == {"weeks": [], "series": [], "colours": [], "totals": []}


def test_empty_database_page(tmp_path):
    store = Store(tmp_path / "empty.duckdb")
    store.init()
    add_users(store, ("ana", "analyst"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "ana")
    page = c.get("/analisis")
    assert page.status_code == 200
    assert page.text.count("Belum ada data</text>") == 4  # the three charts and the map
    assert Tables(page.text).tables == {}


def test_weekly_by_region_fills_gaps_and_limits_weeks():
    monday = date(2024, 1, 1)  # 2024-W01
    rows = [{"week_start": monday + timedelta(weeks=w), "region": reg, "flagged": n}
            for w, reg, n in [(0, "A", 1), (3, "A", 2), (3, None, 5), (20, "B", 4), (20, "C", 1)]]
    out = charts.weekly_by_region(rows, top=2, weeks=18)
    assert out["weeks"][0] == "2024-W04" and out["weeks"][-1] == "2024-W21" and len(out["weeks"]) == 18
    assert [label for label, _ in out["series"]] == ["(tanpa wilayah)", "B", "Lainnya"]
    assert out["totals"][0] == 7 and out["totals"][-1] == 5 and sum(out["totals"]) == 12  # week 1 left out
    assert out["colours"][-1] == charts.OTHER_COLOUR
    assert charts.nice_step(1) == 1 and charts.nice_step(9) == 5 and charts.nice_step(130) == 50


# -- in a real browser ------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_analysis_page_in_browser(tmp_path):
    playwright_api = pytest.importorskip("playwright.sync_api")
    from pantau.triage.server import CHROMIUM, CHROMIUM_ARGS, ThreadServer

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = build_demo_db(tmp_path / "browser.duckdb")
    add_users(store, ("ana", "analyst"))
    with ThreadServer(create_app(store.path, secret=b"browser")) as url, playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
            page.goto(f"{url}/masuk")
            page.fill("input[name=username]", "ana")
            page.fill("input[name=password]", PASSWORD)
            page.press("input[name=password]", "Enter")
            page.wait_for_load_state()
            missing: list[str] = []
            page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
            console.clear()
            response = page.goto(f"{url}/analisis")
            page.wait_for_load_state("networkidle")
            assert response.status == 200
            charts_shown = page.locator("svg.chart[role=img]")
            assert charts_shown.count() == 4  # three charts and the map (tests/test_analysis_map.py)
            for i in range(4):
                svg = charts_shown.nth(i)
                assert svg.is_visible()
                box = svg.bounding_box()
                assert box and box["width"] > 100 and box["height"] > 50, box
                assert svg.locator("rect").count() > 0
                # the stylesheet applies: chart text gets the class rules from app.css
            assert page.evaluate(
                "getComputedStyle(document.querySelector('svg.chart')).maxWidth") == "720px"
            assert page.locator("table#tabel-tenggat").is_visible()
            csp = [m for m in console if "Content Security Policy" in m or "Refused" in m]
            assert csp == [], csp
            # the only failed request a browser may make on its own is /favicon.ico (the app has none)
            assert all(u.endswith("/favicon.ico") for u in missing), missing
            assert len([m for m in console if "Failed to load resource" not in m]) == 0, console
            assert len(console) == len(missing), (console, missing)
        finally:
            browser.close()


def test_filters_and_csv_per_chart_match_sql(demo):
    import csv as csv_module
    import io

    store = demo[1]
    c = TestClient(demo[0].app)
    login(c, "u-analyst")
    region = store.query("""SELECT p.region, count(*) AS n FROM posts p JOIN latest_classification l
                            USING (platform, post_id) WHERE l.flagged AND p.region IS NOT NULL
                            GROUP BY ALL ORDER BY n DESC LIMIT 1""")[0]["region"]
    expected = {CATEGORIES.get(r["category"], r["category"]) if r["category"] else "(tanpa kategori)": r["n"]
                for r in store.query("""SELECT l.category, count(*) AS n FROM latest_classification l
                                        JOIN posts p USING (platform, post_id)
                                        WHERE l.flagged AND p.region = ? GROUP BY ALL""", [region])}
    page = c.get("/analisis", params={"wilayah": region})
    assert page.status_code == 200
    table = Tables(page.text).tables["tabel-kategori"]
    assert {row[0]: int(row[1]) for row in table[1:-1]} == expected
    assert f'href="/analisis/kategori.csv?wilayah=' in page.text
    r = c.get("/analisis/kategori.csv", params={"wilayah": region})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv_module.reader(io.StringIO(r.text)))
    assert rows[0] == ["kategori", "jumlah"] and {k: int(v) for k, v in rows[1:]} == expected
    weekly = list(csv_module.reader(io.StringIO(c.get("/analisis/mingguan.csv").text)))
    assert weekly[0][0] == "minggu" and weekly[0][-1] == "jumlah" and len(weekly) > 1
    assert sum(int(row[-1]) for row in weekly[1:]) <= store.scalar(
        "SELECT count(*) FROM latest_classification WHERE flagged")
    tenggat = list(csv_module.reader(io.StringIO(c.get("/analisis/tenggat.csv").text)))
    assert [row[0] for row in tenggat[1:]] == [label for _, label, _ in COMPLIANCE_STATES]
    # a date range keeps only its weeks; a bad date or chart is refused in Indonesian
    later = c.get("/analisis/mingguan.csv", params={"dari": "2100-01-01"}).text
    assert len(list(csv_module.reader(io.StringIO(later)))) == 1
    assert c.get("/analisis", params={"dari": "kemarin"}).status_code == 400
    assert c.get("/analisis/peta.csv").status_code == 404
    last_export = store.query("SELECT target, detail FROM audit_log WHERE action = 'export' ORDER BY seq DESC LIMIT 1")
    assert last_export[0]["target"] == "analisis/mingguan" and "2100-01-01" in last_export[0]["detail"]
