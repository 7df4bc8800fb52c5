"""What `pantau sql` needs while the triage app owns the database: the read through the owner and the result's
text formats, with the standard library only (no DuckDB: a fresh process answers in a fraction of a second).
store/analyst.py runs the same reads on a file nobody owns, and exports.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pantau.post import format_time

from .errors import StoreError
from .owner_client import OwnerReadError, OwnerUnavailable, ReadRefused, owner_info, read


class AnalystError(StoreError):
    """An analyst request that cannot be run; the message says why."""


@dataclass
class SqlResult:
    columns: list[str]
    rows: list[tuple]


def owner_read(db: str | Path, sql: str) -> SqlResult | None:
    """`sql` run by the process that owns the file `db` (the triage app), or None when no owner answers reads (no
    owner, an older pantau without the read API, or `db` is no file: the caller then opens it itself)."""
    if not sql.strip():
        raise AnalystError("no SQL given")
    info = owner_info(db) if Path(db).is_file() else None
    if info is None:
        return None
    try:
        return SqlResult(*read(info, sql))
    except ReadRefused as exc:
        raise AnalystError(f"refused: `pantau sql` only reads the database, no other files ({exc})") from None
    except OwnerReadError as exc:
        raise AnalystError(str(exc).split(": ", 1)[-1]) from None
    except OwnerUnavailable:
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return format_time(value) if value.tzinfo else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def format_result(result: SqlResult, fmt: str) -> str:
    """The result as an aligned text table, CSV (header row first) or a JSON array of objects."""
    if fmt == "json":
        return json.dumps([{c: _plain(v) for c, v in zip(result.columns, row)} for row in result.rows],
                          ensure_ascii=False, indent=1, default=str)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.columns)
        for row in result.rows:
            writer.writerow(["" if v is None else _plain(v) for v in row])
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise AnalystError(f"unknown format {fmt!r}; expected table, csv or json")
    cells = [["NULL" if v is None else str(_plain(v)) for v in row] for row in result.rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(result.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(result.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)
