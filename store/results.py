"""Classifier results in: `Store.save_classifications` (one row per post and model version; the queue follows)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable, Sequence

from pantau.post import utcnow

from .queue_items import _refresh_queue_items
from .staging import _staged_lines

_RESULT_COLUMNS = ", ".join(f"'{k}': '{v}'" for k, v in {
    "n": "BIGINT", "platform": "VARCHAR", "post_id": "VARCHAR", "model_version": "VARCHAR", "score": "DOUBLE",
    "flagged": "BOOLEAN", "category": "VARCHAR", "signals": "VARCHAR", "identity_class": "VARCHAR",
    "partisan_score": "DOUBLE", "truncated_at": "INTEGER"}.items())
# Classifier results staged by `_staged_results`, in the column order of `classifications` (parameters:
# classified_at, the file); the last result of a (post, model version) in a batch wins, as row-by-row replaces did.
_STAGED_RESULTS_SQL = f"""SELECT platform, post_id, model_version, score, flagged, category, signals::JSON AS signals,
       ?::TIMESTAMPTZ AS classified_at, identity_class, partisan_score, truncated_at
FROM read_json(?, format='newline_delimited', columns={{{_RESULT_COLUMNS}}})
QUALIFY row_number() OVER (PARTITION BY platform, post_id, model_version ORDER BY n DESC) = 1"""


def result_rows(results: Iterable[dict[str, Any]], now: datetime) -> list[tuple]:
    """Classifier results (pantau.nlp's dicts) as rows in the column order of `classifications`."""
    return [(r["platform"], r["post_id"], r["model_version"], float(r["score"]), bool(r["flagged"]), r.get("category"),
             json.dumps(r.get("signals", []), ensure_ascii=False), now, r.get("identity_class"),
             None if r.get("partisan_score") is None else float(r["partisan_score"]), r.get("truncated_at"))
            for r in results]


def _staged_results(rows: Sequence[tuple]):  # noqa: ANN202 - a context manager yielding the file's path
    """Classifier result rows (platform, post_id, model_version, score, flagged, category, signals JSON text, ...)
    as JSON Lines for one read_json INSERT (executemany stored about 400 rows/s)."""
    return _staged_lines((json.dumps({"n": n, "platform": r[0], "post_id": r[1], "model_version": r[2],
                                      "score": r[3], "flagged": r[4], "category": r[5], "signals": r[6],
                                      "identity_class": r[8], "partisan_score": r[9], "truncated_at": r[10]},
                                     ensure_ascii=False) for n, r in enumerate(rows)), "results")


class Results:
    """Classifier results (a part of `Store`)."""

    def save_classifications(self, results: Iterable[dict[str, Any]], *, now: datetime | None = None) -> int:
        """Store classifier results; re-classifying with the same model version replaces the row."""
        now = now or utcnow()
        rows = result_rows(results, now)
        if not rows:
            return 0
        inbox = self._inbox_target()
        if inbox is not None:
            self._hand_over(inbox, "classifications", (
                json.dumps({"platform": r[0], "post_id": r[1], "model_version": r[2], "score": r[3], "flagged": r[4],
                            "category": r[5], "signals": json.loads(r[6]), "identity_class": r[8],
                            "partisan_score": r[9], "truncated_at": r[10]}, ensure_ascii=False)
                for r in rows
            ))
            return len(rows)
        self._drain_leftovers()
        with _staged_results(rows) as staged, self.transaction() as con:
            con.execute(f"CREATE TEMP TABLE staged_results AS {_STAGED_RESULTS_SQL}", [now, str(staged)])
            con.execute("INSERT OR REPLACE INTO classifications BY NAME SELECT * FROM staged_results")
            con.execute("CREATE TEMP TABLE touched AS SELECT DISTINCT platform, post_id FROM staged_results")
            _refresh_queue_items(con, "touched")
            con.execute("DROP TABLE staged_results")
            con.execute("DROP TABLE touched")
        return len(rows)
