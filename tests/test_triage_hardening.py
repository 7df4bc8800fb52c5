"""Issue 21, the triage app side: what an independent security and fault test broke (real app, real DuckDB file).

Stored values the app must tolerate (a deadline after year 9999 comes back from DuckDB as text), post ids holding
`/`, post URLs that are not http(s), and the queue with status=all."""

from __future__ import annotations

import dataclasses
import re

import pytest
from fastapi.testclient import TestClient

from conftest import make_post, result
from pantau.store.db import Store
from pantau.triage.app import create_app
from pantau.triage.logic import http_url, item_path, time_left, to_wib
from test_triage_helpers import add_users, csrf_of, login

ODD_TIMES = ("9999-12-31 23:59:59+00", "0044-03-15 (BC) 12:00:00+00")


def _insert_raw_post(store: Store, platform: str, post_id: str, captured_at: str, *, url: str | None = None) -> None:
    """A flagged post written straight into the tables with SQL, as an old or damaged database may hold it."""
    with store.connect() as con:
        con.execute(
            """INSERT INTO posts (platform, post_id, url, text, created_at, author_id, author_handle, region,
                                  captured_at, raw_sha256, ingested_at)
               VALUES (?, ?, ?, 'guru ajak coblos nomor 2', NULL, 'odd', 'odd', 'Kab. Sleman', CAST(? AS TIMESTAMPTZ),
                       NULL, now())""",
            [platform, post_id, url, captured_at],
        )
        con.execute(
            """INSERT INTO classifications (platform, post_id, model_version, score, flagged, category, signals,
                                            classified_at)
               VALUES (?, ?, 'test-model', 0.99, true, 'kampanye_medsos', '[]', now())""",
            [platform, post_id],
        )


@pytest.fixture
def odd_store(tmp_path):
    store = Store(tmp_path / "odd.duckdb")
    posts = [make_post(i) for i in range(8)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9 - i * 0.01, True, "kampanye_medsos") for i, p in enumerate(posts)])
    for i, when in enumerate(ODD_TIMES):
        _insert_raw_post(store, "demo", f"odd-{i}", when)
    store.rebuild_queue_items()
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"), ("mona", "monitor"), ("ana", "analyst"))
    return store


def test_a_deadline_python_cannot_hold_does_not_stop_review_work(odd_store, monkeypatch):
    import pantau.triage.queue as triage_queue

    store = odd_store
    assert isinstance(store.scalar("SELECT deadline_at FROM queue_items WHERE post_id = 'odd-0'"), str)
    monkeypatch.setattr(triage_queue, "PAGE_SIZE", 3)  # the odd rows end a page: their deadline goes into the cursor
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    for status in ("open", "all", "new", "confirmed"):
        seen, url = [], f"/antrean?status={status}"
        while url:
            page = c.get(url)
            assert page.status_code == 200, (url, page.text[-500:])
            seen += re.findall(r'data-href="([^"]+)"', page.text)
            m = re.search(r'rel="next" href="([^"]+)"', page.text)
            url = m.group(1).replace("&amp;", "&") if m else None
        if status in ("open", "all", "new"):
            assert len(seen) == len(set(seen)) == 10, (status, seen)
            assert seen[-1] == "/pos/demo/odd-0"  # due last
    for post_id in ("odd-0", "odd-1", "3", "0"):
        page = c.get(f"/pos/demo/{post_id}")
        assert page.status_code == 200, (post_id, page.text[-500:])
    assert "di luar jangkauan" in c.get("/pos/demo/odd-0").text
    page = c.get("/pos/demo/odd-0")
    r = c.post("/pos/demo/odd-0/keputusan", data={"decision": "violation", "csrf_token": csrf_of(page.text)},
               follow_redirects=False)
    assert r.status_code == 303
    sup = TestClient(c.app)
    login(sup, "sari")
    page = sup.get("/konfirmasi")
    assert page.status_code == 200 and "odd-0" in page.text
    decision_id = store.scalar("SELECT decision_id FROM decisions WHERE post_id = 'odd-0'")
    assert sup.post(f"/konfirmasi/{decision_id}", data={"agree": "1", "csrf_token": csrf_of(page.text)},
                    follow_redirects=False).status_code == 303
    for url in ("/antrean?status=confirmed", "/statistik", "/analisis", "/ekspor.csv", "/rujukan", "/kesepakatan",
                "/pos/demo/odd-0"):
        assert sup.get(url).status_code == 200, url
    mon = TestClient(c.app)
    login(mon, "mona")
    assert mon.get("/pemantauan").status_code == 200


def test_time_helpers_take_any_value():
    from datetime import datetime, timezone

    assert time_left("10000-01-07 23:59:59+00")["level"] == "unknown"
    assert time_left(datetime(9999, 12, 31, 23, 0, tzinfo=timezone.utc))["level"] == "ok"
    assert time_left(datetime(1, 1, 1, tzinfo=timezone.utc))["level"] == "expired"
    assert to_wib(datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)).startswith("9999-12-31T23:59:59")
    assert to_wib("10000-01-07 23:59:59+00") == "10000-01-07 23:59:59+00 (UTC)"


def test_status_all_lists_every_item(odd_store):
    c = TestClient(create_app(odd_store.path, secret=b"s"))
    login(c, "rina")
    page = c.get("/antrean?status=all")
    assert page.status_code == 200 and '<span id="total">10</span>' in page.text


SLASHED = ("channel/1008", "../../ekspor.csv", "a/b/keputusan", "x/paket.zip", "100% #1?x=y", "sp ace/..", "..", ".",
           "~..", "~")


def test_post_ids_with_slashes_open_and_take_decisions(tmp_path):
    store = Store(tmp_path / "slash.duckdb")
    posts = [make_post(i, f"guru ajak coblos {i}", platform="telegram") for i in range(len(SLASHED))]
    posts = [dataclasses.replace(p, post_id=pid) for p, pid in zip(posts, SLASHED)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    add_users(store, ("rina", "reviewer"), ("sari", "supervisor"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    queue = c.get("/antrean").text
    links = re.findall(r'data-href="([^"]+)"', queue)
    assert sorted(links) == sorted(item_path("telegram", pid) for pid in SLASHED)
    for link in links:
        # every link stays one segment under /pos/telegram/: nothing a browser would resolve elsewhere
        assert re.fullmatch(r"/pos/telegram/[^/]+", link), link
        assert "/ekspor.csv" not in link
    for pid in SLASHED:
        page = c.get(item_path("telegram", pid))
        assert page.status_code == 200, (pid, page.status_code)
        assert f"guru ajak coblos {SLASHED.index(pid)}" in page.text
        token = csrf_of(page.text)
        note = c.post(item_path("telegram", pid, "catatan"), data={"body": "cek", "csrf_token": token},
                      follow_redirects=False)
        assert note.status_code == 303 and note.headers["location"] == item_path("telegram", pid) + "#catatan"
        r = c.post(item_path("telegram", pid, "keputusan"), data={"decision": "not_violation", "csrf_token": token},
                   follow_redirects=False)
        assert r.status_code == 303, (pid, r.status_code)
    decided = {r["post_id"] for r in store.query("SELECT post_id FROM decisions WHERE decision = 'not_violation'")}
    assert decided == set(SLASHED)
    # the plain (unencoded) form of a Telegram id opens the same item
    assert c.get("/pos/telegram/channel/1008").status_code == 200


def test_only_http_urls_become_links(tmp_path):
    store = Store(tmp_path / "url.duckdb")
    urls = {"1": "javascript:alert(document.domain)", "2": "data:text/html,<script>alert(1)</script>",
            "3": " JavaScript:alert(1)", "4": "https://t.me/channel/1008", "5": "//evil.example/x", "6": "vbscript:x"}
    for pid, url in urls.items():
        _insert_raw_post(store, "demo", pid, "2026-11-20 10:00:00+00", url=url)
    store.rebuild_queue_items()
    add_users(store, ("rina", "reviewer"))
    c = TestClient(create_app(store.path, secret=b"s"))
    login(c, "rina")
    for pid, url in urls.items():
        html = c.get(f"/pos/demo/{pid}").text
        hrefs = re.findall(r'<a class="source" href="([^"]*)"', html)
        if pid == "4":
            assert hrefs == [url]
        else:
            assert hrefs == [] and 'id="source-not-link"' in html, (pid, hrefs)
            assert not re.search(r'href="\s*(javascript|data|vbscript):', html, flags=re.I)


@pytest.mark.parametrize("url,ok", [("https://x.com/a/status/1", True), ("http://127.0.0.1/p/1", True),
                                    ("javascript:alert(1)", False), ("data:text/html,x", False), ("/relative", False),
                                    ("https://", False), ("https://a.b/\nx", False), (None, False), (42, False)])
def test_http_url(url, ok):
    assert (http_url(url) is not None) is ok


@pytest.mark.parametrize("post_id", SLASHED + ("plain-1", "~~", "a~b"))
def test_post_id_segments_round_trip(post_id):
    from urllib.parse import unquote

    from pantau.triage.post_ids import decode_post_id, encode_post_id

    segment = encode_post_id(post_id)
    assert "/" not in segment and segment not in (".", "..") and unquote(segment) not in (".", "..")
    assert decode_post_id(unquote(segment)) == post_id
