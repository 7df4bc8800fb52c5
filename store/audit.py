"""Hash chain of the audit log: pure functions, no database.

Each entry's sha256 is SHA-256 over the previous entry's sha256 and the canonical JSON of the entry's own
fields, so editing any field, deleting or reordering entries breaks the chain from that point on.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Iterable

GENESIS = "0" * 64
FIELDS = ("seq", "logged_at", "actor", "action", "target", "detail")


def _time(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return str(value)


def entry_hash(prev_sha256: str, entry: dict[str, Any]) -> str:
    body = {k: (_time(entry[k]) if k == "logged_at" else entry.get(k)) for k in FIELDS}
    data = prev_sha256 + json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def verify_chain(entries: Iterable[dict[str, Any]], head: tuple[int, str] | None = None) -> list[str]:
    """Problems found in entries ordered by seq (empty list = intact).

    `head` is the (count, last sha256) recorded beside the log; it catches a deleted tail.
    """
    problems: list[str] = []
    prev = GENESIS
    expected_seq = 1
    last_seq = 0
    for e in entries:
        seq = int(e["seq"])
        if seq != expected_seq:
            problems.append(f"entry {expected_seq}: missing (next entry is {seq})")
        if e["prev_sha256"] != prev:
            problems.append(f"entry {seq}: prev_sha256 does not match the entry before it")
        if entry_hash(e["prev_sha256"], e) != e["sha256"]:
            problems.append(f"entry {seq}: content does not match its sha256 (edited)")
        prev = e["sha256"]
        expected_seq = seq + 1
        last_seq = seq
    if head is not None:
        count, head_sha = head
        if count != last_seq or head_sha != (prev if last_seq else GENESIS):
            problems.append(f"log ends at entry {last_seq} ({prev[:12]}) but the recorded head is entry {count} ({head_sha[:12]})")
    return problems
