"""Issue 22: the province map of /analisis in Chromium: drawn from the demo data under the app's CSP, changed by the
page's own filter form, and 0 axe-core (WCAG 2.1 A/AA) violations on the page with the map."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_browser_a11y import violations
from test_triage_analysis import build_demo_db
from test_triage_helpers import add_users, browser, browser_login  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")

COLOURED = "svg#peta-provinsi path:not([fill='#ffffff'])"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = build_demo_db(tmp_path_factory.mktemp("browser-map") / "map.duckdb")
    add_users(store, ("ana", "analyst"))
    with ThreadServer(create_app(store.path, secret=b"browser-map")) as url:
        yield url, store


def _counts(page) -> dict[str, int]:
    return page.eval_on_selector_all(
        "svg#peta-provinsi path", "ps => Object.fromEntries(ps.map(p => [p.id, Number(p.dataset.count)]))")


def test_map_renders_and_a_filter_changes_it(served, browser):
    url, store = served
    context, page, _ = browser_login(browser, url, "ana")
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    try:
        assert page.goto(f"{url}/analisis").status == 200
        svg = page.locator("svg#peta-provinsi[role=img]")
        assert svg.is_visible()
        box = svg.bounding_box()
        assert box and box["width"] > 300 and box["height"] > 120, box
        assert page.locator("svg#peta-provinsi path").count() == 33
        counts = _counts(page)
        # the demo's seven regencies lie in seven provinces: seven coloured areas, the rest white
        assert sum(1 for n in counts.values() if n) == 7 and page.locator(COLOURED).count() == 7
        sleman = store.scalar("""SELECT count(*) FROM posts p JOIN latest_classification c USING (platform, post_id)
                                 WHERE c.flagged AND p.region = 'Kab. Sleman'""")
        assert counts["peta-provinsi-ID10"] == sleman > 0  # DI Yogyakarta
        # the area's tooltip is its <title>, with the count
        assert page.locator("#peta-provinsi-ID10 > title").text_content() == f"DI Yogyakarta: {sleman} pos"
        darkest = page.locator("svg#peta-provinsi path[fill='#08519c']")
        assert darkest.count() >= 1
        # the filter form of the page: Wilayah = Kab. Garut, submitted with its button
        page.select_option("#analysis-filters select[name=wilayah]", "Kab. Garut")
        page.click("#analysis-filters button[type=submit]")
        page.wait_for_load_state()
        assert "wilayah=Kab.+Garut" in page.url
        after = _counts(page)
        assert {k: n for k, n in after.items() if n} == {"peta-provinsi-ID30": store.scalar(
            """SELECT count(*) FROM posts p JOIN latest_classification c USING (platform, post_id)
               WHERE c.flagged AND p.region = 'Kab. Garut'""")}  # Jawa Barat only
        assert page.locator(COLOURED).count() == 1
        assert page.locator("#csv-provinsi").get_attribute("href") == "/analisis/provinsi.csv?wilayah=Kab.+Garut"
        with page.expect_download() as download:
            page.click("#csv-provinsi")
        lines = Path(download.value.path()).read_text(encoding="utf-8").splitlines()
        assert lines[0] == "provinsi,wilayah_peta,jumlah"
        assert f"Jawa Barat,Jawa Barat,{after['peta-provinsi-ID30']}" in lines
        assert [m for m in console if "Content Security Policy" in m or "Refused" in m] == []
    finally:
        context.close()


def test_analysis_page_with_the_map_has_no_wcag_21_aa_violation(served, browser):
    url, _ = served
    context, page, _ = browser_login(browser, url, "ana", bypass_csp=True)  # axe is injected as a script
    try:
        for query in ("", "?wilayah=Kab.+Sleman", "?dari=2100-01-01"):  # with data, one province, an empty map
            assert page.goto(f"{url}/analisis{query}").status == 200
            assert page.locator("svg#peta-provinsi").count() == 1
            found = violations(page)
            assert found == [], f"/analisis{query}: {json.dumps(found, ensure_ascii=False, indent=1)}"
    finally:
        context.close()
