"""Accounts confirmed by reviewers' decisions, for the account registry (issue 20).

`decided_accounts(store)` reads the view `v_registry_decisions` (store/schema.sql, docs/store.md): one row per
account with a post whose latest decision that counts is a violation. The flows that classify posts into the store
(flows/monitor.py, flows/bulk.py) hand these rows to `pantau.nlp.registry.with_decided`, which
adds them to the classifier's registry beside the team's TOML files; the store itself knows nothing of the classifier.
"""

from __future__ import annotations

from typing import Any

import duckdb

from .connection import Reads

REGISTRY_VIEW = "v_registry_decisions"
_COLUMNS = "platform, author_id, author_handle, identity_class, region, source, decision_id, post_id, signals"


def decided_accounts(store: Reads) -> list[dict[str, Any]]:
    """The rows of `v_registry_decisions` (a Store, a LakeStore, or a Store whose file the triage app owns: then
    the app answers). A database made by an older pantau that has no such view yet (its schema is brought up to
    date on its next write) has no decided accounts: []."""
    try:
        return store.query(f"SELECT {_COLUMNS} FROM {REGISTRY_VIEW} ORDER BY platform, decision_id")
    except duckdb.CatalogException:
        return []
