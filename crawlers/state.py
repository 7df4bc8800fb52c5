"""Incremental crawl state: a small JSON file per source, one entry per query/channel/account.

    {"version": 1, "source": "x", "entries": {"search:#ASNNetral": {"since_id": "1860...", "updated_at": "..."}}}

A spider reads its entries at start and writes the new ones only when the crawl finished cleanly, so a failed
or killed crawl never advances the state (the next run fetches those items again; the store is idempotent).
Writes are atomic (temporary file + os.replace).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pantau.post import format_time, utcnow

VERSION = 1


class StateError(ValueError):
    pass


class CrawlState:
    def __init__(self, path: str | Path | None, source: str):
        self.path = Path(path) if path else None
        self.source = source
        self.entries: dict[str, dict[str, Any]] = {}
        if self.path is not None and self.path.exists():
            try:
                doc = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StateError(f"{self.path}: unreadable crawl state ({exc}); move it away to start afresh") from None
            if not isinstance(doc, dict) or not isinstance(doc.get("entries"), dict):
                raise StateError(f"{self.path}: not a pantau crawl state file (no 'entries' object)")
            self.entries = doc["entries"]
        self.updates: dict[str, dict[str, Any]] = {}

    def get(self, key: str) -> dict[str, Any]:
        """The saved entry for `key` (empty dict when new)."""
        return dict(self.entries.get(key) or {})

    def update(self, key: str, **values: Any) -> None:
        """Stage new values for `key`; they are written by save()."""
        self.updates.setdefault(key, {}).update({k: v for k, v in values.items() if v is not None})

    def save(self) -> bool:
        if self.path is None or not self.updates:
            return False
        for key, values in self.updates.items():
            self.entries[key] = {**self.entries.get(key, {}), **values, "updated_at": format_time(utcnow())}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        doc = {"version": VERSION, "source": self.source, "entries": self.entries}
        tmp.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)
        self.updates = {}
        return True


class Checkpoint:
    """Resume points for page chains: {chain: url of the page to fetch again}. Written when a page's callback
    starts (by then every item of the previous page has been written), removed when the chain ends."""

    def __init__(self, path: str | Path | None):
        self.path = Path(path) if path else None
        self.chains: dict[str, str] = {}
        if self.path is not None and self.path.exists():
            try:
                self.chains = dict(json.loads(self.path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                self.chains = {}

    def resume_url(self, chain: str) -> str | None:
        return self.chains.get(chain)

    def mark(self, chain: str, url: str | None) -> None:
        if self.path is None:
            return
        if url is None:
            if self.chains.pop(chain, None) is None:
                return
        else:
            if self.chains.get(chain) == url:
                return
            self.chains[chain] = url
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.chains), encoding="utf-8")
        os.replace(tmp, self.path)
