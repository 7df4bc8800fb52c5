"""An analyst's script over a `pantau export` folder: DuckDB reads the Parquet (or CSV) files, prints the figures
the docs' queries give (flags per week and region, the four-eyes rate, deadline compliance) and writes a chart.

    pantau export --db var/pantau.duckdb -o export --pseudonymise      # PANTAU_PSEUDONYM_SALT set
    .venv/bin/python docs/examples/analyse_export.py export            # prints tables, writes export/flags.svg

Only DuckDB and pantau's own SVG charts are used (no plotting library to install); in a notebook the same queries
work with `duckdb.sql(...).df()` and any plotting library.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from pantau.triage import charts


FOUR_EYES = """SELECT count(*) AS violations, count(f.decision_id) AS second_look,
                      count(*) FILTER (WHERE f.agreed) AS confirmed
               FROM decisions d LEFT JOIN confirmations f USING (decision_id)
               WHERE d.decision = 'violation'"""
COMPLIANCE = """SELECT CASE WHEN r.sent_at IS NULL THEN 'not sent'
                           WHEN r.sent_at <= q.deadline_at THEN 'on time' ELSE 'late' END AS state, count(*) AS n
               FROM queue_items q LEFT JOIN referrals r USING (platform, post_id)
               WHERE q.status = 'confirmed' GROUP BY ALL ORDER BY state"""


def open_export(folder: Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per exported file."""
    fmt = "parquet" if (folder / "posts.parquet").exists() else "csv"
    reader = "read_parquet" if fmt == "parquet" else "read_csv_auto"
    con = duckdb.connect()
    for name in ("posts", "decisions", "confirmations", "referrals", "queue_items", "v_flags_weekly"):
        path = str(folder / f"{name}.{fmt}").replace("'", "''")
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {reader}('{path}')")
    return con


def main(folder: str) -> int:
    out = Path(folder)
    con = open_export(out)

    print("Flagged posts per ISO week and region")
    con.sql("""SELECT iso_week, region, sum(flagged) AS flagged, sum(violations) AS violations
               FROM v_flags_weekly GROUP BY ALL ORDER BY iso_week, flagged DESC""").show(max_rows=30)

    print("Four eyes: violations decided, and how many a second supervisor confirmed")
    con.sql(FOUR_EYES).show()

    print("Deadline compliance of confirmed violations (sent to Bawaslu within the 7 days?)")
    con.sql(COMPLIANCE).show()

    rows = con.sql("SELECT week_start, region, sum(flagged) AS flagged FROM v_flags_weekly GROUP BY ALL").fetchall()
    weekly = charts.weekly_by_region([{"week_start": w, "region": r, "flagged": n} for w, r, n in rows])
    svg = charts.stacked_bar_chart("flags", "Flagged posts per week and region", weekly["weeks"], weekly["series"],
                                   colours=weekly["colours"])
    (out / "flags.svg").write_text(str(svg), encoding="utf-8")
    print(f"chart: {out / 'flags.svg'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "export"))
