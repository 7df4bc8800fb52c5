"""Search documents kept as posts are queued (store/search.py): a queued post is found without a reindex, the
index holds what it held, and a database made before (search_docs made by `pantau reindex`, no key) is upgraded
once, keeping the numbers its index knows."""

from __future__ import annotations

from conftest import make_post, result
from pantau.store.db import Store
from pantau.store.extensions import load_extension


def _store(tmp_path, n=6):
    store = Store(tmp_path / "s.duckdb")
    posts = [make_post(i, f"guru honorer ajak pilih paslon{i}x") for i in range(1, n + 1)]
    store.ingest(posts)
    store.save_classifications([result(p, 0.9, True, "kampanye_medsos") for p in posts])
    return store


def _docs(store):
    """Each queued post's document number; the queue row and search_docs agree on it."""
    docs = {r["post_id"]: r["doc_id"] for r in store.query("SELECT post_id, doc_id FROM search_docs")}
    queued = {r["post_id"]: r["doc_id"] for r in store.query("SELECT post_id, doc_id FROM queue_items")}
    assert queued == {k: v for k, v in docs.items() if k in queued}
    return docs


def test_a_queued_post_has_its_document_and_is_found_without_a_reindex(tmp_path):
    store = _store(tmp_path)
    assert set(_docs(store)) == {str(i) for i in range(1, 7)}
    assert store.search_keys("paslon4x") == [("demo", "4")]
    store.ingest([make_post(50, "camat hadir deklarasi relawan")])  # stored, not queued: no document
    assert "50" not in _docs(store) and store.search_keys("deklarasi") == []
    # a reviewer's decision queues a post the model did not flag (the "Bantu model" lane): it gets its document
    store.save_classifications([result(make_post(50), 0.1, False)])
    store.record_decision("demo", "50", "needs_info", reviewer="rina", reason="cek akun")
    assert store.search_keys("deklarasi relawan") == [("demo", "50")]
    assert _docs(store)["50"] > max(v for k, v in _docs(store).items() if k != "50")
    # a decision or a new classification writes a queued post's row again: it keeps its document's number
    before = _docs(store)
    store.record_decision("demo", "2", "not_violation", reviewer="rina", reason="bukan ASN")
    store.save_classifications([{**result(make_post(3), 0.97, True, "kampanye_medsos"), "model_version": "m-2"}])
    assert _docs(store) == before


def test_reindex_then_documents_added_after_it_are_matched_by_substring(tmp_path):
    store = _store(tmp_path)
    assert store.build_search_index() == 6
    indexed = store.scalar("SELECT value FROM schema_info WHERE key = 'search_indexed_docs'")
    assert indexed == "6" and store.search_keys("paslon3x ajak") == [("demo", "3")]
    late = make_post(7, "kepala dinas ajak coblos")
    store.ingest([late])
    store.save_classifications([result(late, 0.95, True, "kampanye_medsos")])
    assert _docs(store)["7"] == 7
    assert store.search_keys("coblos") == [("demo", "7")]
    assert store.search_keys("ajak") == [("demo", str(i)) for i in range(1, 8)]  # index and tail together
    # the index's part alone: the tail's documents are those numbered above it
    cond, params = store.search_condition("ajak", alias="p")
    assert params[-2:] == [6, "%ajak%"]


def test_a_database_made_before_is_upgraded_once(tmp_path):
    store = _store(tmp_path)
    with store.connect() as con:  # the layout pantau reindex made before: no key, only the posts queued then
        con.execute("DROP TABLE search_docs")
        con.execute("""CREATE TABLE search_docs AS
            SELECT 10 + row_number() OVER (ORDER BY platform, post_id) AS doc_id, platform, post_id,
                   concat_ws(' ', text, author_handle, author_name, author_bio, region) AS body
            FROM posts SEMI JOIN queue_items USING (platform, post_id) WHERE post_id <> '6'""")
        load_extension(con, "fts")
        con.execute("PRAGMA create_fts_index('search_docs', 'doc_id', 'body', stemmer='none', stopwords='none', "
                    "strip_accents=1, lower=1, ignore='(\\.|[^a-z0-9])+', overwrite=1)")
        con.execute("DELETE FROM schema_info WHERE key IN ('search_docs', 'search_indexed_docs')")
        con.execute("INSERT OR REPLACE INTO schema_info VALUES ('search_indexed_at', '2026-01-01T00:00:00Z')")
    reopened = Store(store.path)
    reopened.init()
    docs = _docs(reopened)
    assert {k: docs[k] for k in "12345"} == {str(i): 10 + i for i in range(1, 6)}  # the numbers the index knows
    assert docs["6"] > 15  # queued after that reindex: numbered after them, matched by substring
    assert reopened.scalar("SELECT value FROM schema_info WHERE key = 'search_indexed_docs'") == "15"
    assert reopened.search_keys("paslon2x") == [("demo", "2")] and reopened.search_keys("paslon6x") == [("demo", "6")]
    assert reopened.scalar("SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'search_docs' AND "
                           "constraint_type = 'PRIMARY KEY'") == 1
    reopened.init()  # once: nothing changes on the next open
    assert _docs(reopened) == docs
