-- pantau DuckDB schema, version 1. Applied by pantau.store.db on first use.
-- Every statement is idempotent (IF NOT EXISTS / OR REPLACE), so applying it twice is harmless.
-- Documented in docs/store.md; a test checks that every table and view here is documented there.

CREATE TABLE IF NOT EXISTS schema_info (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS posts (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    url           VARCHAR,
    text          VARCHAR NOT NULL,
    created_at    TIMESTAMPTZ,
    author_id     VARCHAR,
    author_handle VARCHAR,
    author_name   VARCHAR,
    author_bio    VARCHAR,
    lang          VARCHAR,
    region        VARCHAR,
    captured_at   TIMESTAMPTZ NOT NULL,   -- first seen: "known since", starts the 7-day deadline
    raw_sha256    VARCHAR,
    ingested_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, post_id)
);

-- Shares, identity and media (issue 16), added with ALTER so that databases made before still open (their rows are
-- kind 'post'). shared_from and media hold the Post's `shared_from` object and `media` list (docs/post-format.md).
ALTER TABLE posts ADD COLUMN IF NOT EXISTS kind VARCHAR DEFAULT 'post';
ALTER TABLE posts ADD COLUMN IF NOT EXISTS author_verified BOOLEAN;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS author_location VARCHAR;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS shared_from JSON;
ALTER TABLE posts ADD COLUMN IF NOT EXISTS media JSON;

-- Raw payloads live apart from posts so that scans of posts stay narrow. raw is compressed with ZSTD, forced: left
-- to itself DuckDB sometimes stores a segment of API payloads uncompressed and never compresses strings over ~4 KB
-- (article pages). ZSTD needs a file of storage version >= v1.2.0, which Store.init() gives every new file (forced
-- zstd in an older file means no compression at all). See docs/crawlers.md, "Raw payloads on disk".
CREATE TABLE IF NOT EXISTS raw_payloads (
    platform   VARCHAR NOT NULL,
    post_id    VARCHAR NOT NULL,
    raw_sha256 VARCHAR NOT NULL,
    raw        VARCHAR NOT NULL USING COMPRESSION zstd,
    PRIMARY KEY (platform, post_id, raw_sha256)
);

CREATE TABLE IF NOT EXISTS classifications (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    score         DOUBLE NOT NULL CHECK (score >= 0 AND score <= 1),
    flagged       BOOLEAN NOT NULL,
    category      VARCHAR,
    signals       JSON,
    classified_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, post_id, model_version)
);
-- Issue 20: a flag needs identity evidence and an act. identity_class is the author's class when identity evidence
-- was found (asn, desa, tni_polri), partisan_score the act score of every post (flagged or not: analysts query it,
-- reviewers never see unflagged posts), truncated_at the character cap when the text was longer.
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS identity_class VARCHAR;
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS partisan_score DOUBLE;
ALTER TABLE classifications ADD COLUMN IF NOT EXISTS truncated_at INTEGER;

CREATE SEQUENCE IF NOT EXISTS decision_seq START 1;

-- Append-only: a changed mind is a new row; the latest row per post counts.
CREATE TABLE IF NOT EXISTS decisions (
    decision_id  BIGINT PRIMARY KEY DEFAULT nextval('decision_seq'),
    platform     VARCHAR NOT NULL,
    post_id      VARCHAR NOT NULL,
    decision     VARCHAR NOT NULL CHECK (decision IN ('violation', 'not_violation', 'needs_info', 'duplicate')),
    reason       VARCHAR,
    duplicate_of VARCHAR,
    reviewer     VARCHAR NOT NULL,
    decided_at   TIMESTAMPTZ NOT NULL
);

-- The reporting deadline (7 days from first capture), the one place it is written in SQL; pantau.deadline holds the
-- same number for Python (a test compares them).
CREATE OR REPLACE MACRO reporting_deadline(captured_at) AS captured_at + INTERVAL 7 DAY;

CREATE OR REPLACE VIEW latest_classification AS
SELECT * FROM classifications
QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY classified_at DESC, model_version DESC) = 1;

-- A decision its reviewer withdrew ("Batalkan", within seconds, before anything else happened to the item: pantau.review,
-- Store.withdraw_decision): the decision row stays, this row says it no longer counts, so the latest decision that
-- does is the one before it (or none: the item is new again). Append-only, audited as decision_withdrawn.
CREATE TABLE IF NOT EXISTS decision_withdrawals (
    decision_id  BIGINT PRIMARY KEY,
    withdrawn_by VARCHAR NOT NULL,
    withdrawn_at TIMESTAMPTZ NOT NULL
);

-- Decisions drawn for a double-check by a second reviewer (pantau.review.needs_check: not_violation, needs_info and
-- duplicate decisions of the items whose hash falls below PANTAU_DOUBLE_CHECK_RATE), with the rate in force then.
-- The check is a `confirmations` row by another reviewer, so the agreement page's pairs hold every decision type.
CREATE TABLE IF NOT EXISTS double_checks (
    decision_id BIGINT PRIMARY KEY,
    rate        DOUBLE NOT NULL,
    sampled_at  TIMESTAMPTZ NOT NULL
);

-- The decisions that count: every decision but the withdrawn ones.
CREATE OR REPLACE VIEW live_decisions AS
SELECT * FROM decisions ANTI JOIN decision_withdrawals USING (decision_id);

CREATE OR REPLACE VIEW latest_decision AS
SELECT * FROM live_decisions
QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY decision_id DESC) = 1;

CREATE OR REPLACE VIEW triage_queue AS
SELECT
    p.platform, p.post_id, p.url, p.text, p.created_at,
    p.author_handle, p.author_name, p.author_bio, p.region,
    c.score, c.category, c.signals, c.model_version,
    p.captured_at,
    reporting_deadline(p.captured_at) AS deadline_at,
    date_diff('second', now(), reporting_deadline(p.captured_at)) / 3600.0 AS hours_left,
    d.decision AS last_decision
FROM posts p
JOIN latest_classification c USING (platform, post_id)
LEFT JOIN latest_decision d USING (platform, post_id)
WHERE c.flagged
  AND (d.decision IS NULL OR d.decision = 'needs_info')
ORDER BY deadline_at ASC, c.score DESC;

-- ---- schema version 2: triage app (accounts, audit trail, claims, four-eyes, fast queue) ----

CREATE TABLE IF NOT EXISTS users (
    username      VARCHAR PRIMARY KEY,
    password_hash VARCHAR NOT NULL,       -- argon2id, never the password
    role          VARCHAR NOT NULL CHECK (role IN ('monitor', 'reviewer', 'supervisor', 'analyst', 'admin')),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

-- Append-only and hash-chained: sha256 = SHA-256(prev_sha256 + canonical JSON of the entry).
CREATE TABLE IF NOT EXISTS audit_log (
    seq         BIGINT PRIMARY KEY,
    logged_at   TIMESTAMPTZ NOT NULL,
    actor       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL,
    target      VARCHAR,
    detail      VARCHAR,
    prev_sha256 VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL
);

-- Trusted timestamps of the chain's head (store/anchors.py): an RFC 3161 token over "pantau audit head", seq and
-- sha256. The token is also kept as a file in <db>.anchors/, so deleting rows here alone is detected.
CREATE TABLE IF NOT EXISTS audit_anchors (
    seq         BIGINT NOT NULL,
    sha256      VARCHAR NOT NULL,
    token       BLOB NOT NULL,          -- DER TimeStampResp as the TSA sent it
    tsa_url     VARCHAR NOT NULL,
    tsa_time    TIMESTAMPTZ NOT NULL,   -- the TSA's clock in the token
    anchored_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (seq, sha256)
);

-- One reviewer at a time per item; a claim expires by itself.
CREATE TABLE IF NOT EXISTS claims (
    platform   VARCHAR NOT NULL,
    post_id    VARCHAR NOT NULL,
    username   VARCHAR NOT NULL,
    claimed_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, post_id)
);

-- Second opinions (four-eyes): a supervisor agrees or not with a decision; `decision` is the supervisor's own label.
CREATE TABLE IF NOT EXISTS confirmations (
    decision_id  BIGINT PRIMARY KEY,
    supervisor   VARCHAR NOT NULL,
    agreed       BOOLEAN NOT NULL,
    decision     VARCHAR NOT NULL CHECK (decision IN ('violation', 'not_violation', 'needs_info', 'duplicate')),
    reason       VARCHAR,
    confirmed_at TIMESTAMPTZ NOT NULL
);

-- Reopening a confirmed violation needs two supervisors (pantau.review): the first one's request, approved by a
-- second one (approved_by), which appends a needs_info decision; both steps are in the audit log too.
CREATE SEQUENCE IF NOT EXISTS reopen_seq START 1;
CREATE TABLE IF NOT EXISTS reopen_requests (
    request_id      BIGINT PRIMARY KEY DEFAULT nextval('reopen_seq'),
    platform        VARCHAR NOT NULL,
    post_id         VARCHAR NOT NULL,
    decision_id     BIGINT NOT NULL,        -- the confirmed decision to reopen
    requested_by    VARCHAR NOT NULL,
    reason          VARCHAR NOT NULL,
    requested_at    TIMESTAMPTZ NOT NULL,
    approved_by     VARCHAR,                -- the second supervisor (never the requester)
    approved_at     TIMESTAMPTZ,
    approval_reason VARCHAR
);

-- Triage app sessions, revocable server-side: logout, a password change, removing the account or an admin's "end
-- all sessions" delete the rows, and a cookie whose row is gone no longer works. Only a hash of the session id.
CREATE TABLE IF NOT EXISTS sessions (
    session_hash VARCHAR PRIMARY KEY,       -- SHA-256 of the random session id in the signed cookie
    username     VARCHAR NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);

-- Flagged posts (and decided unflagged ones) with their triage status, kept up to date by Store so the queue is one
-- narrow table scan.
CREATE TABLE IF NOT EXISTS queue_items (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    author_id     VARCHAR,
    author_handle VARCHAR,
    author_name   VARCHAR,
    region        VARCHAR,
    snippet       VARCHAR,
    captured_at   TIMESTAMPTZ NOT NULL,
    deadline_at   TIMESTAMPTZ NOT NULL,
    score         DOUBLE NOT NULL,
    category      VARCHAR,
    status        VARCHAR NOT NULL CHECK (status IN ('new', 'needs_info', 'awaiting_confirmation', 'confirmed', 'not_violation', 'duplicate')),
    last_decision_id BIGINT,
    PRIMARY KEY (platform, post_id)
);
-- The election stage of the post's time (created_at, else captured_at) in its region: 'pilkada2024/kampanye', NULL
-- outside every stage (issue 18; pantau/calendar.py, docs/calendar.md).
ALTER TABLE queue_items ADD COLUMN IF NOT EXISTS stage VARCHAR;
-- The post's search document (search_docs.doc_id): a search joins the queue on this number, not on the two texts of
-- the key (at 1M queue rows, 16 ms against 70-90).
ALTER TABLE queue_items ADD COLUMN IF NOT EXISTS doc_id BIGINT;

-- The election calendar (pantau/calendar.py) as it applies to each region posts name ('' for posts without one):
-- one row per stage with its UTC bounds [starts_at, ends_at) from local midnights. Filled by the store for every
-- new region as posts are queued, and rebuilt whole when the calendar files change (schema_info 'calendar').
CREATE TABLE IF NOT EXISTS election_stages (
    region    VARCHAR NOT NULL,
    stage     VARCHAR NOT NULL,       -- election/stage code, e.g. 'pilkada2024/kampanye'
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (region, stage)
);
-- The regions election_stages has been filled for (a region may have no stage at all).
CREATE TABLE IF NOT EXISTS election_stage_regions (
    region VARCHAR PRIMARY KEY
);

-- Full-text search documents (store/search.py): one per post that has been in the triage queue, added in the
-- transaction that queues it, numbered in that order; the FTS index over them is built by `pantau reindex`.
CREATE TABLE IF NOT EXISTS search_docs (
    doc_id   BIGINT NOT NULL,
    platform VARCHAR NOT NULL,
    post_id  VARCHAR NOT NULL,
    body     VARCHAR NOT NULL,         -- text, handle, name, bio and region (search.SEARCH_BODY)
    PRIMARY KEY (platform, post_id)
);

CREATE SEQUENCE IF NOT EXISTS note_seq START 1;

-- Reviewers' notes and legal-element checklists on an item (append-only).
CREATE TABLE IF NOT EXISTS notes (
    note_id    BIGINT PRIMARY KEY DEFAULT nextval('note_seq'),
    platform   VARCHAR NOT NULL,
    post_id    VARCHAR NOT NULL,
    username   VARCHAR NOT NULL,
    body       VARCHAR,
    checklist  VARCHAR,   -- JSON object, e.g. {"asn_identity": true, "partisan_act": true, "election_period": false}
    created_at TIMESTAMPTZ NOT NULL
);

-- Which watchlist's crawls found a post (a post found by two watchlists has two rows); the queue filters on it.
CREATE TABLE IF NOT EXISTS post_watchlists (
    platform   VARCHAR NOT NULL,
    post_id    VARCHAR NOT NULL,
    watchlist  VARCHAR NOT NULL,
    first_seen TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (platform, post_id, watchlist)
);

-- Point lookups by post (item page, evidence): DuckDB scans instead of using a composite primary key, but uses a
-- single-column ART index for an equality filter, so the app filters on post_id first, then platform.
CREATE INDEX IF NOT EXISTS posts_post_id ON posts (post_id);
CREATE INDEX IF NOT EXISTS classifications_post_id ON classifications (post_id);
CREATE INDEX IF NOT EXISTS raw_payloads_post_id ON raw_payloads (post_id);
CREATE INDEX IF NOT EXISTS queue_items_post_id ON queue_items (post_id);
CREATE INDEX IF NOT EXISTS queue_items_author_id ON queue_items (author_id);

-- ---- referral register (issue 7): one row per referred case, its status history append-only ----
-- Status order: draft, sent, registered, forwarded_bkn, decided, sanctioned, closed (closed from any status).
-- No reporter identity or contact here: the reporter is only in the package (laporan.html/pdf).
CREATE SEQUENCE IF NOT EXISTS referral_seq START 1;
CREATE TABLE IF NOT EXISTS referrals (
    referral_id     BIGINT PRIMARY KEY DEFAULT nextval('referral_seq'),
    platform        VARCHAR NOT NULL,
    post_id         VARCHAR NOT NULL,
    package         VARCHAR NOT NULL,   -- zip file name, e.g. laporan-demo-123.zip
    package_dir     VARCHAR NOT NULL,   -- folder it was written to
    package_sha256  VARCHAR NOT NULL,
    manifest_sha256 VARCHAR NOT NULL,
    office          VARCHAR,
    built_at        TIMESTAMPTZ NOT NULL,
    built_by        VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('draft', 'sent', 'registered', 'forwarded_bkn', 'decided', 'sanctioned', 'closed')),
    status_at       TIMESTAMPTZ NOT NULL,
    status_by       VARCHAR NOT NULL,
    sent_at         TIMESTAMPTZ,
    sent_ref        VARCHAR,            -- receipt (tanda terima) of the submission
    bawaslu_reg_no  VARCHAR,            -- Bawaslu registration number
    bkn_ref_no      VARCHAR,            -- BKN letter/recommendation number
    decision_ref    VARCHAR,
    sanction_ref    VARCHAR
);
CREATE SEQUENCE IF NOT EXISTS referral_event_seq START 1;
-- The team's reporter (pelapor) details for Bawaslu report packages, kept by an admin in the triage app
-- (/pengaturan/pelapor; pantau.referral.reporter: these win field by field over PANTAU_REPORTER_FILE and
-- PANTAU_REPORTER_*). One row per filled field; personal data: only admins see it, only packages carry it.
CREATE TABLE IF NOT EXISTS reporter_details (
    field      VARCHAR PRIMARY KEY,
    value      VARCHAR NOT NULL,
    updated_by VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS referral_events (
    event_id    BIGINT PRIMARY KEY DEFAULT nextval('referral_event_seq'),
    referral_id BIGINT NOT NULL,
    status      VARCHAR NOT NULL,
    event_at    TIMESTAMPTZ NOT NULL,
    actor       VARCHAR NOT NULL,
    reference   VARCHAR,
    note        VARCHAR
);

-- ---- evidence (issue 7): captured files of flagged posts and re-check results ----
-- One row per capture attempt of one kind of evidence; the files themselves live content-addressed under
-- <db>.evidence/sha256/<first 2 hex>/<sha256>.<ext> (see docs/referral.md, "Evidence").
CREATE TABLE IF NOT EXISTS evidence (
    platform    VARCHAR NOT NULL,
    post_id     VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('raw', 'html', 'png')),
    attempt     INTEGER NOT NULL,     -- 1, 2, 3... per (platform, post_id, kind): retries and new versions
    status      VARCHAR NOT NULL CHECK (status IN ('ok', 'failed')),
    sha256      VARCHAR,              -- of the file's bytes (NULL when failed)
    path        VARCHAR,              -- relative to the evidence folder (NULL when failed)
    size        BIGINT,
    url         VARCHAR,              -- the URL fetched
    http_status INTEGER,
    captured_at TIMESTAMPTZ NOT NULL, -- UTC
    error       VARCHAR,              -- why it failed
    PRIMARY KEY (platform, post_id, kind, attempt)
);
CREATE INDEX IF NOT EXISTS evidence_post_id ON evidence (post_id);

CREATE TABLE IF NOT EXISTS evidence_checks (
    platform    VARCHAR NOT NULL,
    post_id     VARCHAR NOT NULL,
    checked_at  TIMESTAMPTZ NOT NULL,
    outcome     VARCHAR NOT NULL CHECK (outcome IN ('unchanged', 'edited', 'deleted', 'unavailable')),
    url         VARCHAR,
    http_status INTEGER,
    old_sha256  VARCHAR,              -- the latest HTML snapshot before this check
    new_sha256  VARCHAR,              -- the page fetched now (NULL when deleted/unavailable)
    error       VARCHAR,
    PRIMARY KEY (platform, post_id, checked_at)
);

-- ---- analyst views (issue 8): read-only summaries for `pantau sql`, `pantau export` and docs/sql.md ----
-- Weeks are ISO weeks (Monday to Sunday) in WIB (Asia/Jakarta, UTC+7). "Flagged" means flagged by the post's latest
-- classification; a post's decision is its latest decision (a supervisor's disagreement appends a decision).
-- "Reviewed" means decided `violation` or `not_violation`; `needs_info` and undecided items are pending.

-- Flagged posts per ISO week (of created_at, capture time when unknown), region, category and platform.
CREATE OR REPLACE VIEW v_flags_weekly AS
WITH f AS (
    SELECT p.platform, p.region, c.category, d.decision,
           timezone('Asia/Jakarta', coalesce(p.created_at, p.captured_at)) AS local_at
    FROM posts p
    JOIN latest_classification c USING (platform, post_id)
    LEFT JOIN latest_decision d USING (platform, post_id)
    WHERE c.flagged
)
SELECT
    CAST(date_trunc('week', local_at) AS DATE) AS week_start,
    printf('%04d-W%02d', isoyear(local_at), week(local_at)) AS iso_week,
    region, category, platform,
    count(*) AS flagged,
    count(*) FILTER (WHERE decision IN ('violation', 'not_violation')) AS reviewed,
    count(*) FILTER (WHERE decision = 'violation') AS violations,
    count(*) FILTER (WHERE decision IS NULL OR decision = 'needs_info') AS pending
FROM f
GROUP BY ALL
ORDER BY week_start, platform, region, category;

-- Decisions per reviewer and ISO week (of the decision), with the time from first capture and from the first
-- (flagging) classification to an item's first decision, counted for the reviewer who made that first decision.
CREATE OR REPLACE VIEW v_reviewer_throughput AS
WITH classified AS (
    SELECT platform, post_id, coalesce(min(classified_at) FILTER (WHERE flagged), min(classified_at)) AS classified_at
    FROM classifications GROUP BY platform, post_id
), first_decision AS (
    SELECT d.decision_id,
           date_diff('second', p.captured_at, d.decided_at) / 3600.0 AS hours_from_capture,
           date_diff('second', c.classified_at, d.decided_at) / 3600.0 AS hours_from_classification,
           d.decided_at <= reporting_deadline(p.captured_at) AS within_deadline
    FROM live_decisions d
    JOIN posts p ON p.platform = d.platform AND p.post_id = d.post_id
    LEFT JOIN classified c ON c.platform = d.platform AND c.post_id = d.post_id
    QUALIFY row_number() OVER (PARTITION BY d.platform, d.post_id ORDER BY d.decision_id) = 1
), dd AS (
    SELECT d.reviewer, d.platform, d.post_id, d.decision, timezone('Asia/Jakarta', d.decided_at) AS local_at,
           f.decision_id IS NOT NULL AS is_first, f.hours_from_capture, f.hours_from_classification,
           f.within_deadline
    FROM live_decisions d LEFT JOIN first_decision f USING (decision_id)
)
SELECT
    CAST(date_trunc('week', local_at) AS DATE) AS week_start,
    printf('%04d-W%02d', isoyear(local_at), week(local_at)) AS iso_week,
    reviewer,
    count(*) AS decisions,
    count(DISTINCT (platform, post_id)) AS items,
    count(*) FILTER (WHERE decision = 'violation') AS violations,
    count(*) FILTER (WHERE decision = 'not_violation') AS not_violations,
    count(*) FILTER (WHERE decision = 'needs_info') AS needs_info,
    count(*) FILTER (WHERE decision = 'duplicate') AS duplicates,
    count(*) FILTER (WHERE is_first) AS first_decisions,
    count(*) FILTER (WHERE is_first AND within_deadline) AS first_within_7_days,
    median(hours_from_capture) AS median_hours_from_capture,
    avg(hours_from_capture) AS avg_hours_from_capture,
    max(hours_from_capture) AS max_hours_from_capture,
    median(hours_from_classification) AS median_hours_from_classification,
    avg(hours_from_classification) AS avg_hours_from_classification
FROM dd
GROUP BY ALL
ORDER BY week_start, reviewer;

-- Classifier precision as judged by reviewers: of the flagged items of each model version and category that were
-- reviewed, the share decided `violation`.
CREATE OR REPLACE VIEW v_classifier_precision AS
SELECT
    c.model_version, c.category,
    count(*) AS flagged,
    count(*) FILTER (WHERE d.decision IN ('violation', 'not_violation')) AS reviewed,
    count(*) FILTER (WHERE d.decision = 'violation') AS violations,
    count(*) FILTER (WHERE d.decision = 'not_violation') AS not_violations,
    count(*) FILTER (WHERE d.decision = 'duplicate') AS duplicates,
    count(*) FILTER (WHERE d.decision IS NULL OR d.decision = 'needs_info') AS pending,
    count(*) FILTER (WHERE d.decision = 'violation' AND cf.agreed) AS confirmed_violations,
    count(*) FILTER (WHERE d.decision = 'violation')
        / nullif(count(*) FILTER (WHERE d.decision IN ('violation', 'not_violation')), 0) AS precision
FROM classifications c
LEFT JOIN latest_decision d USING (platform, post_id)
LEFT JOIN confirmations cf ON cf.decision_id = d.decision_id
WHERE c.flagged
GROUP BY ALL
ORDER BY c.model_version, c.category;

-- Referral cases per status (every status listed, zero when none), with how many were sent within 7 days of capture.
CREATE OR REPLACE VIEW v_referrals_by_status AS
WITH statuses(status_order, status) AS (
    VALUES (1, 'draft'), (2, 'sent'), (3, 'registered'), (4, 'forwarded_bkn'), (5, 'decided'), (6, 'sanctioned'),
           (7, 'closed')
), cases AS (
    SELECT r.status, r.sent_at, r.built_at, r.status_at, p.captured_at
    FROM referrals r LEFT JOIN posts p ON p.platform = r.platform AND p.post_id = r.post_id
)
SELECT
    s.status_order, s.status,
    count(c.status) AS cases,
    count(c.sent_at) AS sent,
    count(*) FILTER (WHERE c.sent_at <= reporting_deadline(c.captured_at)) AS sent_within_7_days,
    median(date_diff('second', c.captured_at, c.sent_at) / 86400.0) AS median_days_to_send,
    min(c.built_at) AS first_built_at,
    max(c.status_at) AS last_status_at
FROM statuses s LEFT JOIN cases c USING (status)
GROUP BY s.status_order, s.status
ORDER BY s.status_order;

-- Accounts with two or more flagged posts (by author_id, by handle when the platform gives no id).
CREATE OR REPLACE VIEW v_repeat_accounts AS
SELECT
    p.platform,
    any_value(p.author_id) AS author_id,
    arg_max(p.author_handle, p.captured_at) AS author_handle,
    count(*) AS flagged,
    count(*) FILTER (WHERE d.decision = 'violation') AS violations,
    min(p.captured_at) AS first_seen,
    max(p.captured_at) AS last_seen
FROM posts p
JOIN latest_classification c USING (platform, post_id)
LEFT JOIN latest_decision d USING (platform, post_id)
WHERE c.flagged AND coalesce(p.author_id, p.author_handle) IS NOT NULL
GROUP BY p.platform, coalesce(p.author_id, 'handle:' || p.author_handle)
HAVING count(*) >= 2
ORDER BY flagged DESC, violations DESC, platform, author_id;

-- ---- capture API (issue 19): per-user tokens of the browser extension / phone app, and what they captured ----
-- Only the SHA-256 of a token is kept (the token is shown once); a revoked token stays listed (revoked_at).
CREATE TABLE IF NOT EXISTS capture_tokens (
    token_id     VARCHAR PRIMARY KEY,     -- random public id (lists, revocation, captures.token_id)
    username     VARCHAR NOT NULL,        -- the owner; the token works only while the account exists
    label        VARCHAR,                 -- the owner's name for it ("laptop kantor")
    token_sha256 VARCHAR NOT NULL UNIQUE, -- SHA-256 (hex) of the token
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);
-- One row per capture the intake API stored (a retry of the same capture_id is answered from here, not stored again).
CREATE TABLE IF NOT EXISTS captures (
    capture_id        VARCHAR PRIMARY KEY, -- the client's id of the capture (extension: a random UUID)
    token_id          VARCHAR,             -- NULL when sent from the app's own capture page (a logged-in session)
    username          VARCHAR NOT NULL,    -- the monitor (confidential: never in a referral package)
    source            VARCHAR NOT NULL,    -- extension, share (phone share target) or page (capture page)
    platform          VARCHAR NOT NULL,
    post_id           VARCHAR NOT NULL,
    page_url          VARCHAR,             -- the address of the page the monitor was on
    captured_at       TIMESTAMPTZ NOT NULL, -- when the monitor captured it ("known since")
    received_at       TIMESTAMPTZ NOT NULL,
    screenshot_sha256 VARCHAR,             -- the evidence files (evidence rows with the same sha256)
    snapshot_sha256   VARCHAR
);
CREATE INDEX IF NOT EXISTS captures_post_id ON captures (post_id);

-- ---- shifts and first-review SLA (issue 18, part 4) ----
-- An item's first review is due `hours` after its first capture (pantau.sla holds the same rule for Python; a test
-- compares them). review_target_hours() is the team's target: the triage app records PANTAU_REVIEW_TARGET_HOURS in
-- schema_info when it starts (Store.set_review_target); 24 when never recorded (pantau.sla's default, tested).
CREATE OR REPLACE MACRO first_review_due(captured_at, hours) AS captured_at + to_hours(CAST(hours AS BIGINT));
CREATE OR REPLACE MACRO review_target_hours() AS coalesce(
    (SELECT TRY_CAST(value AS INTEGER) FROM schema_info WHERE key = 'review_target_hours'), 24);

-- Append-only: one row per "Serahkan shift" (triage/shifts.py), with the figures shown then (JSON) and the audit
-- entry recorded with it; the next shift's handover page opens the last one.
CREATE SEQUENCE IF NOT EXISTS shift_handover_seq START 1;
CREATE TABLE IF NOT EXISTS shift_handovers (
    handover_id  BIGINT PRIMARY KEY DEFAULT nextval('shift_handover_seq'),
    handed_by    VARCHAR NOT NULL,
    handed_at    TIMESTAMPTZ NOT NULL,
    window_start TIMESTAMPTZ NOT NULL,      -- the shift handed over: [window_start, window_end)
    window_end   TIMESTAMPTZ NOT NULL,
    note         VARCHAR,
    figures      JSON NOT NULL,             -- open items, due within 24/48 h, claims, decisions, SLA (as shown)
    audit_seq    BIGINT NOT NULL
);

-- Time to first review per day and per ISO week (grain) of first capture in WIB, over the triage queue's items:
-- items captured, first reviewed (any first decision, needs_info included), reviewed within the team's target,
-- median and 90th percentile hours from capture to first decision, and items still undecided past the target now.
CREATE OR REPLACE VIEW v_review_sla AS
WITH fd AS (
    SELECT platform, post_id, arg_min(decided_at, decision_id) AS first_decided_at FROM live_decisions GROUP BY ALL
), i AS (
    SELECT timezone('Asia/Jakarta', qi.captured_at) AS local_at, t.target_hours,
           date_diff('second', qi.captured_at, fd.first_decided_at) / 3600.0 AS hours_to_first_review,
           fd.first_decided_at <= first_review_due(qi.captured_at, t.target_hours) AS within_target,
           qi.status = 'new' AND now() > first_review_due(qi.captured_at, t.target_hours) AS overdue_now
    FROM queue_items qi
    CROSS JOIN (SELECT review_target_hours() AS target_hours) t
    LEFT JOIN fd ON fd.platform = qi.platform AND fd.post_id = qi.post_id
), g AS (
    SELECT 'day' AS grain, CAST(local_at AS DATE) AS period_start, * FROM i
    UNION ALL
    SELECT 'week' AS grain, CAST(date_trunc('week', local_at) AS DATE) AS period_start, * FROM i
)
SELECT
    grain, period_start,
    any_value(target_hours) AS target_hours,
    count(*) AS captured,
    count(hours_to_first_review) AS reviewed,
    count(*) FILTER (WHERE within_target) AS reviewed_within_target,
    median(hours_to_first_review) AS median_hours_to_first_review,
    quantile_cont(hours_to_first_review, 0.9) AS p90_hours_to_first_review,
    count(*) FILTER (WHERE overdue_now) AS overdue_now
FROM g
GROUP BY grain, period_start
ORDER BY grain, period_start;

-- ---- near-copy clusters, "pesan serentak" (issue 18): store/clusters.py, pantau/nearcopy.py ----
-- One row per post, written in the transaction that stores the post. A cluster's id is the post_no of its first
-- post; a post alone is its own cluster of size 1 (the views list clusters of 2 posts or more).
CREATE TABLE IF NOT EXISTS post_clusters (
    post_no    BIGINT NOT NULL,       -- 1, 2, ... in the order posts were clustered
    platform   VARCHAR NOT NULL,
    post_id    VARCHAR NOT NULL,
    cluster_id BIGINT NOT NULL,
    signature  UINTEGER[]             -- MinHash of the normalised text (pantau.nearcopy; 4294967295: empty bin);
                                      -- kept only for a post that cluster_bands points at (no other is read)
);
-- The cluster of a post by its id (a queue page's posts, an item page): 7 ms for 50 ids at 10M rows, where a
-- scan of 15.9M rows took 414.
CREATE INDEX IF NOT EXISTS post_clusters_post_id ON post_clusters (post_id);
-- LSH band keys: one row per band key ever seen, pointing at the first post that had it.
CREATE TABLE IF NOT EXISTS cluster_bands (
    band_key BIGINT NOT NULL,
    post_no  BIGINT NOT NULL
);

-- The account key of a cluster's post: author_id, the handle when the platform gives no id, else the post itself.
CREATE OR REPLACE MACRO cluster_account(platform, author_id, author_handle, post_id) AS
    platform || ':' || coalesce(author_id, 'handle:' || author_handle, 'post:' || post_id);

-- The summary of each cluster of 2 posts or more, kept as posts are clustered (store/cluster_stats.py), and its
-- distinct accounts (so that merged clusters count them exactly).
CREATE TABLE IF NOT EXISTS cluster_stats (
    cluster_id     BIGINT NOT NULL,
    size           BIGINT NOT NULL,
    accounts       BIGINT NOT NULL,
    regions        BIGINT NOT NULL,
    region_names   VARCHAR[] NOT NULL,
    first_at       TIMESTAMPTZ,
    last_at        TIMESTAMPTZ,
    first_platform VARCHAR,
    first_post_id  VARCHAR
);
-- A queue page's summaries by cluster id (50 ids): 5.6 ms at 85k clusters, 14.7 ms scanning them (non-unique: a fold
-- deletes and writes a cluster's row again in one transaction).
CREATE INDEX IF NOT EXISTS cluster_stats_cluster_id ON cluster_stats (cluster_id);
CREATE TABLE IF NOT EXISTS cluster_accounts (
    cluster_id BIGINT NOT NULL,
    account    VARCHAR NOT NULL
);

-- The posts of clusters of 2 posts or more, with the account key (author_id, handle when the platform gives no id)
-- and the post's time (created_at, capture time when unknown).
CREATE OR REPLACE VIEW v_cluster_members AS
SELECT pc.cluster_id, p.platform, p.post_id, p.author_id, p.author_handle, p.author_name, p.region,
       cluster_account(p.platform, p.author_id, p.author_handle, p.post_id) AS account,
       coalesce(p.created_at, p.captured_at) AS posted_at, p.text
FROM post_clusters pc
JOIN posts p USING (platform, post_id)
WHERE pc.cluster_id IN (SELECT cluster_id FROM post_clusters GROUP BY cluster_id HAVING count(*) >= 2);

-- Clusters of near-copies: how many posts, accounts and regions, and over how long (cluster_stats, one row each:
-- what the app reads), and the same with the first post's text (v_clusters, for analysts: a join to posts).
CREATE OR REPLACE VIEW v_cluster_summaries AS
SELECT cluster_id, size, accounts, regions, region_names, first_at, last_at,
       date_diff('second', first_at, last_at) / 3600.0 AS span_hours, first_platform, first_post_id
FROM cluster_stats;

CREATE OR REPLACE VIEW v_clusters AS
SELECT s.cluster_id, s.size, s.accounts, s.regions, s.region_names, s.first_at, s.last_at, s.span_hours,
       p.text AS first_text
FROM v_cluster_summaries s
LEFT JOIN posts p ON p.platform = s.first_platform AND p.post_id = s.first_post_id
ORDER BY s.size DESC, s.cluster_id;

-- Accounts that posted in 2 or more clusters shared with other accounts.
CREATE OR REPLACE VIEW v_coordinated_accounts AS
WITH shared AS (
    SELECT cluster_id FROM v_cluster_members GROUP BY cluster_id HAVING count(DISTINCT account) >= 2
)
SELECT platform, any_value(author_id) AS author_id, arg_max(author_handle, posted_at) AS author_handle,
       count(DISTINCT cluster_id) AS clusters, count(*) AS posts,
       list(DISTINCT cluster_id ORDER BY cluster_id) AS cluster_ids,
       min(posted_at) AS first_at, max(posted_at) AS last_at
FROM v_cluster_members
WHERE cluster_id IN (SELECT cluster_id FROM shared)
GROUP BY platform, account
HAVING count(DISTINCT cluster_id) >= 2
ORDER BY clusters DESC, posts DESC, platform, author_handle;

-- ---- issue 18, part 3: the learning loop (store/learning.py, flows/retrain.py) ----

-- The "Bantu model" lane: a sample of undecided posts the model is least sure of or that disagree with the account
-- registry or with the decisions on their near-copy cluster, round-robin across categories. Recomputed by
-- store/learning.py when the classifications or the threshold change (schema_info 'learning_lane') or when half of it
-- has been decided; the queue reads it with ?lane=bantu.
CREATE TABLE IF NOT EXISTS learning_lane (
    platform      VARCHAR NOT NULL,
    post_id       VARCHAR NOT NULL,
    lane_rank     INTEGER NOT NULL,   -- 1, 2, ...: the round-robin order across categories
    reason        VARCHAR NOT NULL CHECK (reason IN ('registry', 'cluster', 'uncertain')),
    category      VARCHAR,            -- the model's category (NULL: the model did not flag the post)
    score         DOUBLE NOT NULL,
    flagged       BOOLEAN NOT NULL,
    threshold     DOUBLE NOT NULL,    -- the active model's flag threshold when the lane was computed
    model_version VARCHAR NOT NULL,
    author_handle VARCHAR,
    author_name   VARCHAR,
    region        VARCHAR,
    snippet       VARCHAR,
    captured_at   TIMESTAMPTZ,
    PRIMARY KEY (platform, post_id)
);

-- Reviewers' final decisions as training rows: a violation confirmed by a second reviewer is label 1, a
-- not_violation label 0 (other decisions teach nothing). model_version and score are those of the classification
-- the post had when it was decided (the latest one at or before decided_at), so a retrain knows which model's
-- mistakes it learns from; category is that classification's (else the post's latest).
CREATE OR REPLACE VIEW v_training_rows AS
SELECT d.platform, d.post_id,
       CASE WHEN d.decision = 'violation' THEN 1 ELSE 0 END AS label,
       CASE WHEN d.decision = 'violation' THEN coalesce(s.category, lc.category) END AS category,
       d.decision_id, d.reviewer, d.decided_at,
       s.model_version, s.score, s.flagged AS model_flagged
FROM latest_decision d
LEFT JOIN confirmations f ON f.decision_id = d.decision_id
ASOF LEFT JOIN classifications s
    ON s.platform = d.platform AND s.post_id = d.post_id AND d.decided_at >= s.classified_at
LEFT JOIN latest_classification lc ON lc.platform = d.platform AND lc.post_id = d.post_id
WHERE (d.decision = 'violation' AND f.agreed) OR d.decision = 'not_violation';

-- The account registry's rows from reviewers' decisions (issue 20; nlp/registry.py merges them with the team's TOML
-- registry when posts are classified into the store, docs/classifier.md): one row per account (platform + author id,
-- else platform + handle) whose post's latest decision that counts is a violation (live_decisions: withdrawn ones
-- never count; a post later decided otherwise no longer counts), the account's latest such decision. A not_violation
-- on another post does not remove the account: it says that post broke no rule, not that its author is no official.
-- identity_class is the decided post's latest classification's, else 'asn' when the reviewer's latest checklist on
-- the post ticked the ASN identity element; a decided post with neither gives no row (its class is unknown).
-- source names the decision ('keputusan #<decision_id>'); signals are the decided post's (its role span).
CREATE OR REPLACE VIEW v_registry_decisions AS
WITH checked AS (
    SELECT platform, post_id, arg_max(checklist, note_id) AS checklist
    FROM notes WHERE checklist IS NOT NULL GROUP BY ALL
), confirmed AS (
    SELECT d.platform, nullif(trim(p.author_id), '') AS author_id,
           nullif(lower(ltrim(trim(p.author_handle), '@')), '') AS author_handle,
           coalesce(c.identity_class,
                    CASE WHEN (k.checklist::JSON ->> 'asn_identity') = 'true' THEN 'asn' END) AS identity_class,
           p.region, d.decision_id, d.post_id, d.decided_at, c.signals
    FROM latest_decision d
    JOIN posts p USING (platform, post_id)
    LEFT JOIN latest_classification c USING (platform, post_id)
    LEFT JOIN checked k USING (platform, post_id)
    WHERE d.decision = 'violation'
)
SELECT platform, author_id, author_handle, identity_class, region, 'keputusan #' || decision_id AS source,
       decision_id, post_id, decided_at, signals
FROM confirmed
WHERE identity_class IS NOT NULL AND (author_id IS NOT NULL OR author_handle IS NOT NULL)
QUALIFY row_number() OVER (PARTITION BY platform, coalesce('id:' || author_id, '@' || author_handle)
                           ORDER BY decision_id DESC) = 1;
