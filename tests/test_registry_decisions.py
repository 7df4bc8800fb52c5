"""The account registry is also filled from reviewers' decisions (issue 20, point 2): an account whose post a reviewer
decided a violation is identity evidence ("terdaftar sebagai ASN (...): keputusan #<id>") the next time it posts
with a bare bio. Real DuckDB files, the real model, the store's real decision API; the flows run under a real
Prefect engine (a crawl of the demo platform on 127.0.0.1; a bulk run on a local Dask cluster); a capture from the
browser extension goes through the real app, which owns its DuckDB file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient

from pantau.nlp.classifier import load
from pantau.nlp.registry import Registry, load_registry, with_decided
from pantau.post import Author, Post
from pantau.store.db import Store
from pantau.store.registry import decided_accounts
from pantau.triage.app import create_app
from pantau.triage.capture import LazyClassifier
from test_capture_api import USERS, new_token, send
from test_triage_helpers import add_users

CAMAT = "Camat Cikupa | Pemkab Tangerang"
BARE = "pecinta kopi"
# account key -> (author id, handle)
ACCOUNTS = {"a": ("u-a", "budi_cikupa"), "w": ("u-w", "sari_withdrawn"), "n": ("u-n", "joko_notviol"),
            "c": ("u-c", "rudi_checked"), "k": ("u-k", "tono_unknown")}
FIRST = [  # (post id, account, bio, text): the first crawl
    ("1001", "a", BARE, "Pokoknya tetap dukung prabowo-gibran sampai menang, pilih 02!"),
    ("1002", "a", CAMAT, "Tetap dukung prabowo-gibran, pilih 02 tanggal 14 Februari!"),
    ("1003", "w", CAMAT, "Ayo dukung prabowo-gibran, coblos nomor 02 ya warga!"),
    ("1004", "n", CAMAT, "Warga semua, tetap dukung prabowo-gibran dan pilih 02!"),
]
SECOND = [  # bare bios, partisan: flagged only with a registry entry
    ("2001", "a", BARE, "Mari dukung prabowo-gibran, pilih 02 biar menang satu putaran!"),
    ("2002", "w", BARE, "Ayo tetap dukung prabowo-gibran, coblos 02 ya!"),
    ("2003", "n", BARE, "Tetap dukung prabowo-gibran, pilih 02!"),
]


def post(pid: str, account: str, bio: str | None, text: str, platform: str = "demo") -> Post:
    author_id, handle = ACCOUNTS[account]
    return Post(platform=platform, post_id=pid, text=text,
                author=Author(id=author_id, handle=handle, name=handle.split("_")[0].title(), bio=bio))


def registry_signal(result: dict) -> list[dict]:
    return [s for s in result["signals"] if s["name"] == "registry"]


def review_first_crawl(store: Store) -> dict[str, int]:
    """The reviewers' decisions on the first crawl: a's ASN post a violation, w's a violation withdrawn ("Batalkan"),
    n's ASN post not a violation."""
    a = store.record_decision("demo", "1002", "violation", reviewer="rina")
    w = store.record_decision("demo", "1003", "violation", reviewer="rina")
    store.withdraw_decision(w, reviewer="rina")
    n = store.record_decision("demo", "1004", "not_violation", reviewer="tono", double_check_rate=0.0)
    return {"a": a, "w": w, "n": n}


# -- the store's view and the registry built from it ---------------------------------------------------------


@pytest.fixture(scope="module")
def model():
    return load(registry=[])


@pytest.fixture
def reviewed(tmp_path, model) -> tuple[Store, dict[str, int]]:
    store = Store(tmp_path / "r.duckdb")
    first = [post(*row) for row in FIRST]
    store.ingest(first)
    results = model.classify(first)
    assert [r["flagged"] for r in results] == [False, True, True, True]  # the bare bio is not flagged
    store.save_classifications(results)
    return store, review_first_crawl(store)


def test_only_the_latest_live_violation_gives_a_row(reviewed):
    store, ids = reviewed
    rows = decided_accounts(store)
    assert [(r["platform"], r["author_id"], r["author_handle"], r["identity_class"], r["source"], r["post_id"])
            for r in rows] == [("demo", "u-a", "budi_cikupa", "asn", f"keputusan #{ids['a']}", "1002")]
    # a later violation of the same account: one row, the latest decision is the source
    later = post("1005", "a", CAMAT, "Sekali lagi: tetap dukung prabowo-gibran, pilih 02!")
    store.ingest([later])
    store.save_classifications(load(registry=[]).classify([later]))
    again = store.record_decision("demo", "1005", "violation", reviewer="dewi")
    assert [r["source"] for r in decided_accounts(store)] == [f"keputusan #{again}"]


def test_the_class_comes_from_the_reviewers_checklist_when_the_model_had_none(tmp_path, model):
    """A violation the model did not flag (no identity evidence in the post) counts only when the reviewer ticked
    the ASN identity element; without it the account's class is unknown and it gives no row."""
    store = Store(tmp_path / "c.duckdb")
    posts = [post("3001", "c", BARE, FIRST[0][3]), post("3002", "k", BARE, SECOND[0][3])]
    store.ingest(posts)
    store.save_classifications(model.classify(posts))
    checked = store.record_decision("demo", "3001", "violation", reviewer="rina",
                                    checklist={"asn_identity": True, "partisan_act": True, "election_period": True})
    store.record_decision("demo", "3002", "violation", reviewer="rina",
                          checklist={"asn_identity": False, "partisan_act": True, "election_period": True})
    assert [(r["author_handle"], r["identity_class"], r["source"]) for r in decided_accounts(store)] == [
        ("rudi_checked", "asn", f"keputusan #{checked}")]


def test_a_decided_account_posting_with_a_bare_bio_is_flagged_with_the_decision_as_source(reviewed, model):
    store, ids = reviewed
    second = [post(*row) for row in SECOND]
    assert not any(r["flagged"] for r in model.classify(second))  # before: nobody known
    results = with_decided(model, decided_accounts(store)).classify(second)
    assert [r["flagged"] for r in results] == [True, False, False]  # the withdrawn and the not_violation: no
    assert results[0]["identity_class"] == "asn"
    assert [s["text"] for s in registry_signal(results[0])] == [
        f"terdaftar sebagai ASN (Camat): keputusan #{ids['a']}"]
    assert model.registry.entries() == []  # the model given keeps its own registry


def test_an_old_database_without_the_view_has_no_decided_accounts(tmp_path):
    path = tmp_path / "old.duckdb"
    Store(path).init()
    with duckdb.connect(str(path)) as con:
        con.execute("DROP VIEW v_registry_decisions")
    assert decided_accounts(Store(path)) == []


def test_the_team_file_wins_over_a_decision_for_the_same_account(tmp_path):
    toml = tmp_path / "team.toml"
    toml.write_text('[[accounts]]\nplatform = "demo"\nhandle = "@Budi_Cikupa"\nclass = "desa"\n'
                    'role = "Kepala Desa Cikupa"\nsource = "SK Bupati 12/2024"\n', encoding="utf-8")
    rows = [{"platform": "demo", "author_id": "u-a", "author_handle": "budi_cikupa", "identity_class": "asn",
             "region": "Kab. Tangerang", "source": "keputusan #7", "signals": "[]"},
            {"platform": "demo", "author_id": None, "author_handle": "@Other", "identity_class": "asn",
             "region": None, "source": "keputusan #8", "signals": None},
            {"platform": "demo", "author_id": "u-z", "author_handle": None, "identity_class": "lurah",  # unknown
             "region": None, "source": "keputusan #9", "signals": None}]
    merged = load_registry([toml]).merged(Registry.from_rows(rows))
    assert len(merged) == 2
    # the team's entry, though the decision's entry has the author id (looked up first)
    assert merged.lookup("demo", "budi_cikupa", "u-a").source == "SK Bupati 12/2024"
    assert merged.lookup("demo", "other", None).source == "keputusan #8"
    assert merged.lookup("demo", None, "u-z") is None


# -- the flows: a crawl (monitor) and a bulk run classify with the decided accounts ---------------------------


def demo_payload(pid: str, account: str, bio: str, text: str, minute: int) -> dict:
    author_id, handle = ACCOUNTS[account]
    return {"id": pid, "text": text, "created_at": f"2024-02-01T08:{minute:02d}:00Z", "lang": "id",
            "region": "Kab. Tangerang", "author": {"id": author_id, "handle": handle,
                                                   "name": handle.split("_")[0].title(), "bio": bio}}


def flags(db: Path, ids: list[str]) -> dict[str, tuple[bool, list[str]]]:
    rows = Store(db).query("SELECT post_id, flagged, signals FROM latest_classification WHERE post_id IN "
                           f"({', '.join('?' for _ in ids)})", ids)
    return {r["post_id"]: (r["flagged"], [s["text"] for s in json.loads(r["signals"]) if s["name"] == "registry"])
            for r in rows}


@pytest.mark.slow
def test_the_next_crawl_flags_a_decided_account_by_its_decision(prefect_server, tmp_path, monkeypatch):
    from pantau.demo.site import DemoSite
    from pantau.flows.monitor import monitor

    monkeypatch.delenv("PANTAU_REGISTRY", raising=False)
    db = tmp_path / "monitor.duckdb"
    first = [demo_payload(*row, minute=i) for i, row in enumerate(FIRST)]
    with DemoSite(first) as site:
        monitor(db=db, source="demo", base_url=site.url, work_dir=tmp_path / "w1", capture=False)
    assert flags(db, ["1001", "1002"]) == {"1001": (False, []), "1002": (True, [])}
    ids = review_first_crawl(Store(db))

    second = first + [demo_payload(*row, minute=10 + i) for i, row in enumerate(SECOND)]
    with DemoSite(second) as site:
        summary = monitor(db=db, source="demo", base_url=site.url, work_dir=tmp_path / "w2", capture=False)
    assert summary["classify"]["registry_accounts"] == 1
    entry = f"terdaftar sebagai ASN (Camat, Kab. Tangerang): keputusan #{ids['a']}"  # the decided post's region
    assert flags(db, ["2001", "2002", "2003"]) == {"2001": (True, [entry]), "2002": (False, []), "2003": (False, [])}
    # the crawl saw a's first bare-bio post again: classified again, it is now flagged by the same entry
    assert flags(db, ["1001"]) == {"1001": (True, [entry])}


@pytest.mark.slow
def test_the_next_bulk_run_flags_a_decided_account_by_its_decision(prefect_server, tmp_path, monkeypatch):
    from pantau.flows.bulk import run_bulk

    monkeypatch.delenv("PANTAU_REGISTRY", raising=False)
    db = tmp_path / "bulk.duckdb"
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    one.write_text("".join(post(*row).to_json() + "\n" for row in FIRST), encoding="utf-8")
    two.write_text("".join(post(*row).to_json() + "\n" for row in SECOND), encoding="utf-8")
    before = run_bulk(db, one, workers=1, chunk_size=2, work_dir=tmp_path / "w1")
    assert before["registry_from_decisions"] == 0
    assert flags(db, ["1001", "1002"]) == {"1001": (False, []), "1002": (True, [])}
    ids = review_first_crawl(Store(db))

    after = run_bulk(db, two, workers=1, chunk_size=2, work_dir=tmp_path / "w2")
    assert after["registry_from_decisions"] == 1 and after["flagged"] == 1
    assert flags(db, ["2001", "2002", "2003"]) == {
        "2001": (True, [f"terdaftar sebagai ASN (Camat): keputusan #{ids['a']}"]),
        "2002": (False, []), "2003": (False, [])}


# -- a capture while browsing (triage/capture.py) is looked up too ------------------------------------------------


def test_a_capture_of_a_decided_accounts_post_carries_the_decision_as_identity_evidence(tmp_path, model):
    """The browser extension's capture names the author's handle: a decided account is known by its decision."""
    app = create_app(tmp_path / "capture.duckdb", secret=b"capture-test")
    app.state.capture_classifier = LazyClassifier(lambda: model)
    add_users(app.state.store, *USERS)
    with TestClient(app) as owner:  # the app owns the file, as when served
        store = app.state.store
        earlier = Post(platform="facebook", post_id="fb-1", text=FIRST[1][3],
                       author=Author(handle="sari.wulandari.guru", name="Sari Wulandari", bio="Guru SDN 3 Depok"))
        store.ingest([earlier])
        store.save_classifications(model.classify([earlier]))
        decided = store.record_decision("facebook", "fb-1", "violation", reviewer="rev")
        token = new_token(app, "mon")
        for handle, capture_id in (("@sari.wulandari.guru", "cap-decided1"), ("@someone.else", "cap-other001")):
            r = send(owner, token, capture_id=capture_id, text=SECOND[0][3], author_handle=handle,
                     page_url=f"https://www.facebook.com/{handle[1:]}/posts/pfbid0{capture_id}")
            assert r.status_code == 201, r.text
        rows = store.query("SELECT p.author_handle, c.signals FROM posts p JOIN latest_classification c "
                           "USING (platform, post_id) WHERE p.post_id <> 'fb-1' ORDER BY p.author_handle")
    found = {r["author_handle"]: [s["text"] for s in json.loads(r["signals"]) if s["name"] == "registry"]
             for r in rows}
    assert found == {"sari.wulandari.guru": [f"terdaftar sebagai ASN (Guru): keputusan #{decided}"],
                     "someone.else": []}
