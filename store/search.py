"""Full-text search over the triage queue's posts (DuckDB's fts extension, plus substring matching for what the
index does not hold yet)."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from pantau.post import format_time

from .extensions import load_extension


class Search:
    """The search index and search conditions (a part of `Store`)."""

    def build_search_index(self) -> int:
        """(Re)build the DuckDB full-text index over the triage queue's posts; returns the number of documents.

        Only flagged posts (queue_items) are indexed: the search serves the queue, and an index over every post is
        ten times larger and slower to query (at 1M posts, 17M term rows against 1.7M). While the triage app owns
        the file, the app rebuilds it (request kind `reindex`)."""
        if self.owned_elsewhere():
            return int(self.request_owner("reindex"))

        with self.connect() as con:
            load_extension(con, "fts")
            con.execute(
                """CREATE OR REPLACE TABLE search_docs AS
                SELECT row_number() OVER (ORDER BY platform, post_id) AS doc_id, platform, post_id,
                       concat_ws(' ', text, author_handle, author_name, author_bio, region) AS body
                FROM posts SEMI JOIN queue_items USING (platform, post_id)"""
            )
            con.execute(
                "PRAGMA create_fts_index('search_docs', 'doc_id', 'body', stemmer='none', stopwords='none', "
                "strip_accents=1, lower=1, ignore='(\\.|[^a-z0-9])+', overwrite=1)"
            )
            n = con.execute("SELECT count(*) FROM search_docs").fetchone()[0]
            con.execute(
                "INSERT OR REPLACE INTO schema_info VALUES ('search_indexed_at', ?), ('search_indexed_classified_at', ?)",
                [format_time(con.execute("SELECT max(ingested_at) FROM posts").fetchone()[0]) or "",
                 format_time(con.execute("SELECT max(classified_at) FROM classifications").fetchone()[0]) or ""],
            )
        return int(n)

    def search_condition(self, text: str, alias: str = "qi") -> tuple[str, list[Any]]:
        """A SQL condition on `alias`.platform/post_id: the queue item's post contains every word of `text`.

        Indexed posts are matched through the FTS index tables (all query terms present, tokenised like the
        index: accents stripped, lower case, split at anything but a-z and 0-9). Queue items the index does not
        hold yet are matched by substring: posts stored after the last build_search_index() over their full
        text, bio and names; posts stored before it but flagged since (e.g. by a new model) over the queue row's
        240-character snippet, handle, name and region.
        """
        words = search_terms(text)
        if not words:
            return "TRUE", []
        # one read for the index state: when it was built, and whether posts were flagged since (a cheap check on
        # classified_at; usually nothing until a re-run of the classifier)
        [state] = self.query(
            """WITH s AS (SELECT max(value) FILTER (WHERE key = 'search_indexed_at') AS indexed_at,
                                 max(value) FILTER (WHERE key = 'search_indexed_classified_at') AS classified_at
                          FROM schema_info)
               SELECT indexed_at, EXISTS (SELECT 1 FROM classifications c WHERE c.flagged
                        AND c.classified_at > coalesce(nullif(s.classified_at, ''), '-infinity')::TIMESTAMPTZ) AS flagged_since
               FROM s""")
        indexed_at = state["indexed_at"]
        parts: list[str] = []
        params: list[Any] = []
        likes = lambda expr: " AND ".join(f"{expr} ILIKE ?" for _ in words)  # noqa: E731
        patterns = [f"%{w}%" for w in words]
        full = "concat_ws(' ', text, author_handle, author_name, author_bio, region)"
        if indexed_at is not None:
            parts.append(
                """SELECT (sd.platform, sd.post_id) FROM search_docs sd
                   JOIN fts_main_search_docs.docs fd ON fd.name = sd.doc_id
                   WHERE fd.docid IN (
                     SELECT t.docid FROM fts_main_search_docs.terms t
                     JOIN fts_main_search_docs.dict d ON d.termid = t.termid
                     WHERE d.term IN (SELECT unnest(?::VARCHAR[]))
                     GROUP BY t.docid HAVING count(DISTINCT d.term) = ?)"""
            )
            params += [words, len(words)]
            parts.append(f"SELECT (platform, post_id) FROM posts WHERE ingested_at > ?::TIMESTAMPTZ AND {likes(full)}")
            params += [indexed_at or "-infinity", *patterns]
            # flagged since the index was built: only then scan the queue rows by substring
            if state["flagged_since"]:
                parts.append(
                    f"""SELECT (q.platform, q.post_id) FROM queue_items q
                        WHERE {likes("concat_ws(' ', q.snippet, q.author_handle, q.author_name, q.region)")}
                          AND NOT EXISTS (SELECT 1 FROM search_docs sd
                                          WHERE sd.platform = q.platform AND sd.post_id = q.post_id)"""
                )
                params += patterns
        else:
            parts.append(f"SELECT (platform, post_id) FROM posts WHERE {likes(full)}")
            params += patterns
        return f"(({alias}.platform, {alias}.post_id) IN ({' UNION ALL '.join(parts)}))", params

    def search_keys(self, text: str, limit: int = 5000) -> list[tuple[str, str]]:
        """(platform, post_id) of queue posts containing every word of `text` (see search_condition)."""
        cond, params = self.search_condition(text, alias="p")
        rows = self.query(
            f"SELECT platform, post_id FROM posts p WHERE {cond} ORDER BY platform, post_id LIMIT {int(limit)}", params
        )
        return [(r["platform"], r["post_id"]) for r in rows]


def search_terms(text: str) -> list[str]:
    """Query words tokenised like the FTS index (strip accents, lower case, split at non [a-z0-9])."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text or "") if not unicodedata.combining(c)).lower()
    return list(dict.fromkeys(w for w in re.split(r"[^a-z0-9]+", folded) if w))
