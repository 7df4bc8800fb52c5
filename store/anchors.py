"""Trusted-timestamp anchors of the audit chain (issue 21).

The hash chain (`audit.py`) shows an edited entry, but whoever can write the database can also re-hash every entry
after the edit and the chain is intact again. An anchor fixes the chain's head at a moment in time outside pantau's
reach: an RFC 3161 token from a Time-Stamping Authority (`pantau.timestamp`) over the message

    pantau audit head\\n<seq>\\n<sha256 of entry seq>\\n

Each anchor is kept twice: a row of `audit_anchors` and the token as a file `<db>.anchors/<seq>-<sha256>.tsr` beside
the database (copy that folder with the backups). `verify` checks every anchor from both places: the entry it names
must still have the anchored hash, and the token must prove that message (signed by a TSA chaining to
`PANTAU_TSA_CA` when it is set). A re-hashed chain therefore fails at the first anchor after the edit; deleting the
rows or the files alone is named too. Entries after the last anchor are only as safe as the chain: anchor at
least daily (`pantau audit anchor`, the `audit-anchor` deployment).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pantau import timestamp
from pantau.post import format_time

_FILE = re.compile(r"^(\d{12})-([0-9a-f]{64})\.tsr$")


def anchors_dir(db: str | Path) -> Path:
    db = Path(db)
    return db.with_name(db.name + ".anchors")


def message(seq: int, sha256: str) -> bytes:
    return f"pantau audit head\n{seq}\n{sha256}\n".encode("ascii")


@dataclass(frozen=True)
class Anchor:
    seq: int
    sha256: str
    token: bytes
    source: str  # "audit_anchors" (a database row) or the token file's path


def save_file(db: str | Path, seq: int, sha256: str, token: bytes) -> Path:
    """Write the token beside the database (0600, atomic); the name carries what the token proves."""
    folder = anchors_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{seq:012d}-{sha256}.tsr"
    tmp = folder / f".{target.name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(token)
    os.replace(tmp, target)
    return target


def stored_anchors(db: str | Path, rows: list[dict[str, Any]]) -> list[Anchor]:
    """Every anchor of the database: its `audit_anchors` rows, then the token files beside it."""
    found = [Anchor(int(r["seq"]), str(r["sha256"]), bytes(r["token"]), "audit_anchors") for r in rows]
    folder = anchors_dir(db)
    if folder.is_dir():
        for f in sorted(folder.iterdir()):
            m = _FILE.match(f.name)
            if m:
                found.append(Anchor(int(m.group(1)), m.group(2), f.read_bytes(), str(f)))
    return found


def verify(db: str | Path, entries: list[dict[str, Any]], rows: list[dict[str, Any]],
           roots: list | None = None) -> tuple[int, list[str], list[str]]:
    """(anchors checked, problems, notes). A problem means the log or its anchors were tampered with."""
    roots = timestamp.roots_from_env() if roots is None else roots
    by_seq = {int(e["seq"]): e for e in entries}
    anchors = stored_anchors(db, rows)
    problems: list[str] = []
    notes: list[str] = []
    chain_verified = True
    for a in anchors:
        label = f"anchor of entry {a.seq} in {a.source}"
        try:
            checked = timestamp.check(a.token, message(a.seq, a.sha256), roots)
        except timestamp.TimestampError as exc:
            problems.append(f"{label}: {exc}")
            continue
        chain_verified = chain_verified and checked.chain_verified
        entry = by_seq.get(a.seq)
        when = format_time(checked.gen_time)
        if entry is None:
            problems.append(f"entry {a.seq}: missing, but a TSA saw it at {when} ({label})")
        elif entry["sha256"] != a.sha256:
            problems.append(f"entry {a.seq}: its sha256 is not the one a TSA saw at {when}: the chain was edited and "
                            f"re-hashed after that ({label})")
    in_rows = {(a.seq, a.sha256) for a in anchors if a.source == "audit_anchors"}
    in_files = {(a.seq, a.sha256) for a in anchors if a.source != "audit_anchors"}
    for seq, _ in sorted(in_rows - in_files):
        problems.append(f"anchor of entry {seq}: its token file is missing from {anchors_dir(db)}")
    for seq, _ in sorted(in_files - in_rows):
        problems.append(f"anchor of entry {seq}: its row is missing from audit_anchors (deleted?)")
    if anchors and not chain_verified:
        notes.append(f"TSA signatures not verified: set {timestamp.CA_ENV} to the TSA's root certificate")
    last = max((a.seq for a in anchors), default=0)
    after = sum(1 for s in by_seq if s > last)
    if not anchors:
        notes.append("no trusted timestamp anchors the chain yet (pantau audit anchor)")
    elif after:
        notes.append(f"{after} entr{'y' if after == 1 else 'ies'} after the last anchor (entry {last})")
    return len(in_rows | in_files), problems, notes


def latest_anchor_time(rows: list[dict[str, Any]]) -> datetime | None:
    return max((r["anchored_at"] for r in rows), default=None)
