"""The `audit_log` table: appending an entry in the caller's transaction (hash-chained, store/audit.py), checking
the chain against its recorded head and trusted timestamps, and anchoring its head at a TSA (store/anchors.py)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pantau import timestamp
from pantau.post import format_time, utcnow

from . import anchors
from . import audit as audit_chain
from .connection import StoreError


def _append_audit(con, actor: str, action: str, target: str | None, detail: Any, now: datetime) -> int:
    # The head is kept in schema_info (written in the same transaction as each entry), so appending stays O(1) as
    # the log grows; databases without it fall back to the log itself.
    head = dict(con.execute(
        "SELECT key, value FROM schema_info WHERE key IN ('audit_head_seq', 'audit_head_sha256')"
    ).fetchall())
    if len(head) == 2:
        last = (head["audit_head_seq"], head["audit_head_sha256"])
    else:
        last = con.execute("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (int(last[0]) + 1, last[1]) if last else (1, audit_chain.GENESIS)
    entry = {
        "seq": seq,
        "logged_at": now,
        "actor": actor,
        "action": action,
        "target": target,
        "detail": None if detail is None else json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str),
    }
    # The stored timestamp is what verify() reads back: hash the value DuckDB will return (microseconds, UTC).
    digest = audit_chain.entry_hash(prev, entry)
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [seq, now, actor, action, target, entry["detail"], prev, digest],
    )
    con.execute("INSERT OR REPLACE INTO schema_info VALUES ('audit_head_seq', ?), ('audit_head_sha256', ?)",
                [str(seq), digest])
    return seq


class AuditTrail:
    """The audit trail (a part of `Store`)."""

    # -- audit trail -------------------------------------------------------------------

    def audit(self, actor: str, action: str, target: str | None = None, detail: Any = None) -> int:
        """Append an entry to the hash-chained audit log; returns its seq."""
        with self.transaction() as con:
            seq = _append_audit(con, actor, action, target, detail, utcnow())
        return seq

    def verify_audit(self) -> tuple[int, list[str]]:
        """(entries checked, problems); no problems means the chain is intact and matches every trusted timestamp
        anchoring it (a chain edited and re-hashed after an anchor fails here, see store/anchors.py)."""
        checked, problems, _ = self.audit_report()
        return checked, problems

    def audit_report(self) -> tuple[int, list[str], list[str]]:
        """(entries checked, problems, notes on the anchors: how many, how many entries after the last)."""
        entries = self.query("SELECT * FROM audit_log ORDER BY seq")
        head_rows = self.query("SELECT key, value FROM schema_info WHERE key IN ('audit_head_seq', 'audit_head_sha256')")
        head_map = {r["key"]: r["value"] for r in head_rows}
        head = (int(head_map.get("audit_head_seq", 0)), head_map.get("audit_head_sha256", audit_chain.GENESIS))
        rows = self.query("SELECT seq, sha256, token FROM audit_anchors ORDER BY seq")
        n_anchors, anchor_problems, notes = anchors.verify(self.path, entries, rows)
        if n_anchors:
            notes.insert(0, f"{n_anchors} trusted timestamp anchor(s) checked")
        return len(entries), audit_chain.verify_chain(entries, head) + anchor_problems, notes

    def anchor_audit(self, url: str | None = None) -> dict[str, Any]:
        """Timestamp the audit chain's head at the TSA (`PANTAU_TSA_URL` or `url`) and keep the token twice (row and
        file). Nothing new since the last anchor: that anchor is returned. While the app owns the file, it does it."""
        if self.owned_elsewhere():
            return self.request_owner("audit_anchor", {"url": url})
        last = self.query("SELECT seq, sha256 FROM audit_log ORDER BY seq DESC LIMIT 1")
        if not last:
            raise StoreError("the audit log is empty: nothing to anchor")
        seq, sha = int(last[0]["seq"]), str(last[0]["sha256"])
        done = self.query("SELECT seq, sha256, tsa_url, tsa_time FROM audit_anchors WHERE seq = ? AND sha256 = ?",
                          [seq, sha])
        if done:
            return {**done[0], "tsa_time": format_time(done[0]["tsa_time"]), "new": False}
        try:
            stamp = timestamp.stamp(anchors.message(seq, sha), url)
        except timestamp.TimestampError as exc:
            raise StoreError(str(exc)) from exc
        anchors.save_file(self.path, seq, sha, stamp.token)  # first the file: a row never lacks its copy
        with self.connect() as con:
            con.execute("INSERT OR IGNORE INTO audit_anchors VALUES (?, ?, ?, ?, ?, ?)",
                        [seq, sha, stamp.token, stamp.tsa_url, stamp.gen_time, utcnow()])
        return {"seq": seq, "sha256": sha, "tsa_url": stamp.tsa_url, "tsa_time": format_time(stamp.gen_time),
                "new": True}
