"""Issue 22: every page of the triage app passes axe-core's WCAG 2.1 A/AA rules in Chromium (0 violations).

axe-core is the axe.min.js shipped in the axe-playwright-python wheel (pinned in requirements.lock); it is injected
into each page of a context that bypasses the app's CSP (the app allows no inline script, rightly)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import make_post, result
from pantau.triage.app import create_app
from pantau.triage.server import CHROMIUM, ThreadServer
from test_triage_helpers import add_users, browser, browser_login  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.slow

pytest.importorskip("playwright.sync_api")
axe_package = pytest.importorskip("axe_playwright_python")
AXE_JS = Path(axe_package.__file__).parent / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES = {  # user -> the pages that user opens (every page group of the app, by the roles allowed on it)
    "rina": ["/antrean", "/pos/demo/2", "/masukan", "/tangkap", "/serah-terima", "/periksa-ulang", "/pos/demo/3"],
    "sari": ["/antrean", "/konfirmasi", "/rujukan", "/kesepakatan", "/statistik", "/analisis", "/pos/demo/1"],
    "mon": ["/pemantauan", "/masukan", "/token"],
    "adm": ["/pengguna", "/audit", "/analisis", "/pengaturan/pelapor", "/rujukan"],
}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from pantau.store.db import Store

    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed (make test installs it)")
    store = Store(tmp_path_factory.mktemp("a11y") / "a11y.duckdb")
    posts = [make_post(i, f"Sebagai guru SD saya ajak pilih paslon nomor {i} #coblos{i}", bio="Guru SDN 1, ASN")
             for i in range(1, 7)]
    store.ingest(posts)
    results = [result(p, 0.95 - i * 0.01, True, "kampanye_medsos") for i, p in enumerate(posts)]
    for r, p in zip(results, posts):
        act = p.text.find("ajak pilih")
        r["signals"] = [{"name": "vote_call", "source": "text", "start": act, "end": act + 10, "text": "ajak pilih"}]
    store.save_classifications(results)
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), ("mon", "monitor"), ("adm", "admin"))
    store.record_decision("demo", "1", "violation", reviewer="rina", reason="ajakan memilih")  # awaiting a 2nd look
    store.release("demo", "1", "rina")
    store.record_decision("demo", "3", "not_violation", reviewer="sari", double_check_rate=1.0)  # for rina to check
    store.release("demo", "3", "sari")
    with ThreadServer(create_app(store.path, secret=b"a11y")) as url:
        yield url


def violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate("(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
    return [{"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in found["violations"]]


def test_every_page_has_no_wcag_21_aa_violation(served, browser):
    url = served
    checked = []
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{url}/masuk")
    assert violations(page) == [], "/masuk"
    checked.append("/masuk")
    context.close()
    for user, paths in PAGES.items():
        context, page, _ = browser_login(browser, url, user, bypass_csp=True)
        for path in paths:
            response = page.goto(f"{url}{path}")
            assert response.status == 200, (user, path)
            found = violations(page)
            assert found == [], f"{user} {path}: {json.dumps(found, ensure_ascii=False, indent=1)}"
            checked.append(path)
        context.close()
    assert len(checked) == 1 + sum(len(p) for p in PAGES.values())
