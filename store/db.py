"""The single write path to pantau's DuckDB file: `Store`, composed of one part per concern.

Every INSERT/UPDATE in the project goes through `Store`. Its parts, each in a module named for what it holds:

* connection.py: the file, its connections (with backoff while another process holds the lock), the schema, and
  the one `transaction()` every write runs in;
* ownership.py: one long-lived owner process (the triage app) and the inbox through which others hand it batches
  and requests;
* ingest.py (with staging.py): posts in; results.py: classifier results in; queue_items.py: the triage queue rows;
* review.py: decisions, second opinions, reopening, notes, claims; accounts.py: users and sessions;
* audit_log.py: the hash-chained audit trail (audit.py: the chain itself; anchors.py: trusted timestamps);
* search.py, referrals.py, evidence.py, retention.py; shifts.py: shift handovers and the first-review SLA.

The names callers use are importable from here, as they always were.
"""

from __future__ import annotations

# The review vocabulary and the four-eyes state machine live in the domain layer; re-exported here for callers.
from pantau.review import DECISIONS, FINAL_DECISIONS, OPEN_STATUSES, STATUSES, ItemState, ReviewRefused  # noqa: F401

from .accounts import Accounts
from .audit_log import AuditTrail
from .connection import (SCHEMA_VERSION, STORAGE_VERSION, Connection, Rollback, inbox_dir,  # noqa: F401
                         schema_sql, snapshot_file)
from .errors import StoreBusy, StoreError  # noqa: F401
from .evidence import Evidence
from .ingest import BATCH_SIZE, Ingest, IngestResult, IngestStopped, ingest_file_as_posts  # noqa: F401
from .owner_client import live_owner, owner_file, owner_info  # noqa: F401
from .ownership import (REQUEST_KINDS, REQUEST_TIMEOUT, SNAPSHOT_MAX_AGE, Ownership,  # noqa: F401
                        register_request_handler)
from .referrals import (REFERRAL_REFERENCE_COLUMNS, REFERRAL_STATUSES, Referrals,  # noqa: F401
                        referral_next_statuses, referral_transition_error)
from .results import Results, result_rows  # noqa: F401
from .retention import Retention
from .claims import CLAIM_MINUTES, ClaimConflict, Claims  # noqa: F401
from .review import Review, TransitionRefused  # noqa: F401
from .search import Search, search_terms  # noqa: F401
from .shifts import Shifts
from .staging import TEMP_GRACE, remove_dead_temp_files  # noqa: F401


class Store(Ingest, Results, Review, Claims, Accounts, AuditTrail, Search, Referrals, Evidence, Retention, Shifts, Ownership,
            Connection):
    """pantau's DuckDB database: schema, ingest, classifier results, review, accounts, audit, referrals."""
