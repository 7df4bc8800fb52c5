"""Full-text search over the triage queue's posts: `search_docs` holds a document (text, handle, name, bio, region)
for every post that has been in the queue, added in the transaction that queues the post (`add_search_docs`);
DuckDB's fts extension indexes them when `pantau reindex` runs (`build_search_index`), and the documents added
since (`doc_id` above `schema_info.search_indexed_docs`) are matched by substring."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import duckdb

from pantau.post import format_time

from .extensions import load_extension

# A post's searchable text (posts alias p), as the index and the substring match read it.
SEARCH_BODY = "concat_ws(' ', p.text, p.author_handle, p.author_name, p.author_bio, p.region)"
_INDEXED_DOCS = "search_indexed_docs"  # schema_info: the highest doc_id the fts index holds
_INDEX_LAYOUT = "search_index_layout"  # schema_info: _TERMS_WITH_DOC_ID when the index's terms carry doc_id
_TERMS_WITH_DOC_ID = "terms-doc_id"
_DOCS_TAG = "queued-2"  # schema_info `search_docs`: every queue row has its document's number


def add_search_docs(con: duckdb.DuckDBPyConnection, posts: str, params: Any = None) -> None:
    """Give each queue row of `posts` (a condition on queue_items qi, whose doc_id is still NULL) its document's
    number: the post's document, or a new one numbered after the last. In the caller's transaction, after
    queue_items is written."""
    params = list(params or [])
    con.execute(
        f"""INSERT OR IGNORE INTO search_docs (doc_id, platform, post_id, body)
        SELECT (SELECT coalesce(max(doc_id), 0) FROM search_docs) + row_number() OVER (ORDER BY p.platform, p.post_id),
               p.platform, p.post_id, {SEARCH_BODY}
        FROM posts p JOIN queue_items qi USING (platform, post_id)
        WHERE qi.doc_id IS NULL AND {posts}""",
        params,
    )
    con.execute(
        f"""UPDATE queue_items qi SET doc_id = sd.doc_id FROM search_docs sd
        WHERE sd.platform = qi.platform AND sd.post_id = qi.post_id AND qi.doc_id IS NULL AND {posts}""",
        params,
    )


def stash_keyless_search_docs(con: duckdb.DuckDBPyConnection) -> None:
    """Databases made before documents were kept as posts are queued (search_docs keyed by doc_id, or with no key
    once `pantau reindex` had made it): the table is renamed before the schema script creates it with its key
    (platform, post_id); `fill_search_docs` moves its documents over."""
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND "
                   "table_name = 'search_docs'").fetchone()[0] and not con.execute(
            "SELECT count(*) FROM duckdb_constraints() WHERE database_name = current_database() AND "
            "table_name = 'search_docs' AND constraint_type = 'PRIMARY KEY' AND "
            "constraint_column_names = ['platform', 'post_id']").fetchone()[0]:
        con.execute("ALTER TABLE search_docs RENAME TO search_docs_keyless")


def fill_search_docs(con: duckdb.DuckDBPyConnection) -> None:
    """After the schema script, once per database (schema_info `search_docs`): the documents of a stashed keyless
    search_docs keep their numbers (the index holds them), and every queued post without a document gets one (posts
    queued since the last reindex, or before documents were kept as posts were queued). In the caller's
    transaction."""
    if con.execute("SELECT count(*) FROM schema_info WHERE key = 'search_docs' AND value = ?",
                   [_DOCS_TAG]).fetchone()[0]:
        return
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() AND "
                   "table_name = 'search_docs_keyless'").fetchone()[0]:
        con.execute("INSERT OR IGNORE INTO search_docs SELECT doc_id, platform, post_id, body FROM search_docs_keyless"
                    " ORDER BY doc_id")
        con.execute("DROP TABLE search_docs_keyless")
        con.execute(f"""INSERT OR REPLACE INTO schema_info
            SELECT '{_INDEXED_DOCS}', coalesce(max(doc_id), 0)::VARCHAR FROM search_docs
            WHERE EXISTS (SELECT 1 FROM schema_info WHERE key = 'search_indexed_at')""")
    con.execute("UPDATE queue_items SET doc_id = NULL WHERE doc_id IS NOT NULL")
    add_search_docs(con, "TRUE")
    con.execute("INSERT OR REPLACE INTO schema_info VALUES ('search_docs', ?)", [_DOCS_TAG])


class Search:
    """The search index and search conditions (a part of `Store`)."""

    def build_search_index(self) -> int:
        """(Re)build the DuckDB full-text index over the documents of the posts in the triage queue (the others'
        are dropped); returns the number of documents.

        Only queued posts have documents: the search serves the queue, and an index over every post is ten times
        larger and slower to query (at 1M posts, 17M term rows against 1.7M). While the triage app owns the file,
        the app rebuilds it (request kind `reindex`)."""
        if self.owned_elsewhere():
            return int(self.request_owner("reindex"))

        with self.connect() as con:
            load_extension(con, "fts")
            with self.transaction(con):  # the documents of posts no longer queued go
                con.execute("DELETE FROM search_docs WHERE doc_id NOT IN (SELECT doc_id FROM queue_items "
                            "WHERE doc_id IS NOT NULL)")
                n, last = con.execute("SELECT count(*), coalesce(max(doc_id), 0) FROM search_docs").fetchone()
                con.execute("DELETE FROM schema_info WHERE key IN (?, ?)",  # until the index is built
                            [_INDEXED_DOCS, _INDEX_LAYOUT])
            con.execute(
                "PRAGMA create_fts_index('search_docs', 'doc_id', 'body', stemmer='none', stopwords='none', "
                "strip_accents=1, lower=1, ignore='(\\.|[^a-z0-9])+', overwrite=1)"
            )
            # A word's postings one after another, each with its document's number: a search reads the row groups
            # of its words only (at 1M documents, 17M term rows: 30 ms a word -> 8) and not the index's docs table
            # (~7 ms); the words sorted too (the dict's row groups of the query's words only).
            con.execute("""CREATE OR REPLACE TABLE fts_main_search_docs.terms AS
                SELECT t.*, d.name AS doc_id FROM fts_main_search_docs.terms t
                JOIN fts_main_search_docs.docs d USING (docid) ORDER BY t.termid, t.docid""")
            con.execute("CREATE OR REPLACE TABLE fts_main_search_docs.dict AS "
                        "SELECT * FROM fts_main_search_docs.dict ORDER BY term")
            # documents added while the index was built have higher numbers: matched by substring too
            con.execute("INSERT OR REPLACE INTO schema_info VALUES (?, ?), (?, ?), ('search_indexed_at', ?)",
                        [_INDEXED_DOCS, str(last), _INDEX_LAYOUT, _TERMS_WITH_DOC_ID,
                         format_time(con.execute("SELECT max(ingested_at) FROM posts").fetchone()[0]) or ""])
        return int(n)

    def search_condition(self, text: str, alias: str = "qi") -> tuple[str, list[Any]]:
        """A SQL condition on queue_items `alias`: the queue item's post contains every word of `text`.

        Documents the index holds are matched through the FTS index tables (all query terms present, tokenised
        like the index: accents stripped, lower case, split at anything but a-z and 0-9); those added since the
        last build_search_index() (the posts queued since) by substring over their whole document.
        """
        words = search_terms(text)
        if not words:
            return "TRUE", []
        state = {r["key"]: r["value"] for r in self.query(
            "SELECT key, value FROM schema_info WHERE key IN (?, ?)", [_INDEXED_DOCS, _INDEX_LAYOUT])}
        parts: list[str] = []
        params: list[Any] = []
        matching = """FROM fts_main_search_docs.terms t JOIN fts_main_search_docs.dict d ON d.termid = t.termid
                      WHERE d.term IN (SELECT unnest(?::VARCHAR[]))"""
        if state.get(_INDEX_LAYOUT) == _TERMS_WITH_DOC_ID:
            parts.append(f"SELECT t.doc_id {matching} GROUP BY t.doc_id HAVING count(DISTINCT d.term) = ?")
        elif _INDEXED_DOCS in state:  # an index built before its terms carried the number
            parts.append(f"""SELECT fd.name FROM fts_main_search_docs.docs fd WHERE fd.docid IN (
                SELECT t.docid {matching} GROUP BY t.docid HAVING count(DISTINCT d.term) = ?)""")
        if parts:
            params += [words, len(words)]
        # the documents the index does not hold (a filter on the number: only their row groups are read)
        parts.append("SELECT doc_id FROM search_docs WHERE doc_id > ? AND "
                     + " AND ".join("body ILIKE ?" for _ in words))
        params += [int(state.get(_INDEXED_DOCS, 0)), *(f"%{w}%" for w in words)]
        return f"({alias}.doc_id IN ({' UNION ALL '.join(parts)}))", params

    def search_keys(self, text: str, limit: int = 5000) -> list[tuple[str, str]]:
        """(platform, post_id) of queue posts containing every word of `text` (see search_condition)."""
        cond, params = self.search_condition(text, alias="qi")
        rows = self.query(f"SELECT platform, post_id FROM queue_items qi WHERE {cond} ORDER BY platform, post_id "
                          f"LIMIT {int(limit)}", params)
        return [(r["platform"], r["post_id"]) for r in rows]


def search_terms(text: str) -> list[str]:
    """Query words tokenised like the FTS index (strip accents, lower case, split at non [a-z0-9])."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).lower()
    return list(dict.fromkeys(w for w in re.split(r"[^a-z0-9]+", folded) if w))
