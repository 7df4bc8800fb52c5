"""Evidence of flagged posts: raw payload, HTML snapshot and PNG screenshot, stored content-addressed.

Files live next to the database, named by their SHA-256:

    <db>.evidence/sha256/<first 2 hex>/<sha256>.<ext>      ext: html, png, json (raw payload) or txt

so a file can never be overwritten by different bytes, and the same bytes are stored once. Every capture attempt is
a row of the `evidence` table (through `Store.record_evidence`): kind (`raw`, `html`, `png`), status `ok` or
`failed` with the reason, SHA-256, path, URL fetched, HTTP status and capture time (UTC; shown in WIB).

* `capture(url, root)`: one page, HTML by a plain HTTP client (httpx) and a screenshot by headless Chromium
  (Playwright + Debian's /usr/bin/chromium, requests outside the page's origin refused).
* `capture_targets(...)` / `pending_targets(store)`: the batch the `capture_evidence` flow runs; failures are
  recorded and the post is tried again on the next run (up to `max_attempts` per kind), never raised.
* `recheck_page(...)`: the `recheck` flow's test of one post: unchanged, edited (new snapshot kept beside the old),
  deleted (404/410) or unavailable.
* `purge(store, root)`: retention. Evidence of posts that are not flagged is removed; evidence of a closed case is
  removed `PANTAU_EVIDENCE_RETENTION_DAYS` (default 365) days after closing. Every purged post gets an audit entry.
* `evidence_summary(store, platform, post_id)`: what the item page shows; `package_files(...)`: the files a
  referral package should carry, re-hashed.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterable, Sequence
from urllib.parse import urlsplit

from pantau.browser import CHROMIUM, CHROMIUM_ARGS
from pantau.post import as_aware, utcnow
from pantau.times import utc_text, wib_text

log = logging.getLogger(__name__)

KINDS = ("raw", "html", "png")
PAGE_KINDS = ("html", "png")
OUTCOMES = ("unchanged", "edited", "deleted", "unavailable")
RETENTION_ENV = "PANTAU_EVIDENCE_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 365
DEFAULT_MAX_ATTEMPTS = 5
USER_AGENT = "pantau-evidence/1 (election monitoring; evidence capture)"
TIMEOUT = 20.0
VIEWPORT = {"width": 1000, "height": 800}
MIN_PNG_BYTES = 1000


class EvidenceError(RuntimeError):
    pass


# -- files ---------------------------------------------------------------------------------------------


def evidence_dir(db: str | Path) -> Path:
    """`<db>.evidence/`: the folder of a database's evidence files."""
    db = Path(db)
    return db.with_name(db.name + ".evidence")


def put_file(root: Path, data: bytes, ext: str) -> tuple[str, str]:
    """Store `data` content-addressed under `root`; returns (sha256, path relative to root). Idempotent."""
    sha = hashlib.sha256(data).hexdigest()
    rel = f"sha256/{sha[:2]}/{sha}.{ext}"
    target = root / rel
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    return sha, rel


def file_sha256(path: Path) -> str | None:
    try:
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError:
        return None


# -- one page ----------------------------------------------------------------------------------------------


@dataclass
class Fetched:
    url: str
    status: int | None  # HTTP status, None when no answer
    body: bytes = b""
    error: str | None = None  # transport error, or None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def fetch_page(url: str, *, timeout: float = TIMEOUT, client: Any = None) -> Fetched:
    """GET `url` with a plain HTTP client (redirects followed); never raises for network or HTTP errors."""
    import httpx  # heavy (httpx): only this function needs it

    own = client is None
    client = client or httpx.Client(follow_redirects=True, timeout=timeout, headers={"User-Agent": USER_AGENT})
    try:
        resp = client.get(url)
        return Fetched(url=url, status=resp.status_code, body=resp.content)
    except httpx.HTTPError as exc:
        return Fetched(url=url, status=None, error=f"{type(exc).__name__}: {exc}".strip())
    finally:
        if own:
            client.close()


def _row(target: dict[str, Any], kind: str, url: str | None, **values: Any) -> dict[str, Any]:
    return {"platform": target.get("platform"), "post_id": target.get("post_id"), "kind": kind, "url": url,
            "captured_at": values.pop("captured_at", None) or utcnow(), **values}


def _failed(target: dict[str, Any], kind: str, url: str | None, status: int | None, error: str) -> dict[str, Any]:
    return _row(target, kind, url, status="failed", http_status=status, error=error)


def snapshot(target: dict[str, Any], root: Path, *, client: Any = None) -> dict[str, Any]:
    """The HTML snapshot of `target["url"]` as an `evidence` row (ok with the stored file, or failed with why)."""
    url = target["url"]
    when = utcnow()
    got = fetch_page(url, client=client)
    if not got.ok:
        return _failed(target, "html", url, got.status, got.error or f"HTTP {got.status}")
    sha, rel = put_file(root, got.body, "html")
    return _row(target, "html", url, status="ok", sha256=sha, path=rel, size=len(got.body), http_status=got.status,
                captured_at=when)


def screenshots(targets: Sequence[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    """PNG screenshots of each target's page, one browser for the batch; one `evidence` row per target.

    A page answering other than 2xx, a timeout or a crashed page is a failed row; only a browser that cannot start
    raises (EvidenceError), so a flow can retry the batch."""
    targets = [t for t in targets if "png" in t.get("kinds", PAGE_KINDS)]
    if not targets:
        return []
    # Playwright's sync API refuses to run in a thread with a running event loop (Prefect may run tasks in one).
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="pantau-screenshot") as pool:
        return pool.submit(_screenshots, list(targets), root).result()


def _screenshots(targets: list[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    from playwright.sync_api import Error as PlaywrightError  # heavy (Playwright): only this function needs it
    from playwright.sync_api import sync_playwright  # heavy (Playwright): only this function needs it


    if not Path(CHROMIUM).exists():
        raise EvidenceError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)")
    rows = []
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except PlaywrightError as exc:
            raise EvidenceError(f"chromium did not start: {exc}") from exc
        try:
            for target in targets:
                rows.append(_screenshot_one(browser, target, root, PlaywrightError))
        finally:
            browser.close()
    return rows


def _screenshot_one(browser: Any, target: dict[str, Any], root: Path, error_type: type[Exception]) -> dict[str, Any]:
    url = target["url"]
    parts = urlsplit(url)
    origin = (parts.scheme, parts.netloc)
    when = utcnow()
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, user_agent=USER_AGENT,
                                  service_workers="block", reduced_motion="reduce")
    try:
        # Only the page's own origin is reachable: no trackers, ads or third-party embeds in the evidence.
        context.route("**/*", lambda route: route.continue_()
                      if urlsplit(route.request.url)[:2] == origin else route.abort())
        page = context.new_page()
        page.set_default_timeout(TIMEOUT * 1000)
        response = page.goto(url, wait_until="load")
        status = response.status if response is not None else None
        if status is None or not 200 <= status < 300:
            return _failed(target, "png", url, status, f"HTTP {status}" if status else "no response")
        png = page.screenshot(full_page=True, animations="disabled", caret="hide")
    except error_type as exc:
        return _failed(target, "png", url, None, f"browser: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}")
    finally:
        context.close()
    sha, rel = put_file(root, png, "png")
    return _row(target, "png", url, status="ok", sha256=sha, path=rel, size=len(png), http_status=status,
                captured_at=when)


def capture(url: str, root: str | Path) -> dict[str, dict[str, Any]]:
    """Capture one post page: {"html": row, "png": row}, each an `evidence` row (ok with sha256/path, or failed)."""
    root = Path(root)
    target = {"url": url, "kinds": list(PAGE_KINDS)}
    return {"html": snapshot(target, root), "png": screenshots([target], root)[0]}


# -- batches for the flows ------------------------------------------------------------------------------------


def pending_targets(store, *, max_attempts: int = DEFAULT_MAX_ATTEMPTS, limit: int | None = None) -> list[dict[str, Any]]:
    """Flagged posts missing an `ok` file of some kind, with the kinds to capture (a kind failed `max_attempts`
    times is given up). Raw payloads are listed by the hash to store."""
    rows = store.query(
        """WITH e AS (SELECT platform, post_id, kind, bool_or(status = 'ok') AS done, count(*) AS tries
                    FROM evidence GROUP BY ALL)
        SELECT p.platform, p.post_id, p.url,
               (SELECT list(e.kind) FROM e WHERE e.platform = p.platform AND e.post_id = p.post_id
                  AND (e.done OR e.tries >= ?)) AS finished
        FROM posts p JOIN latest_classification c USING (platform, post_id) WHERE c.flagged
        ORDER BY p.captured_at, p.platform, p.post_id""",
        [max_attempts],
    )
    out = []
    for r in rows:
        finished = set(r["finished"] or ())
        kinds = [k for k in KINDS if k not in finished and (k == "raw" or r["url"])]
        if kinds:
            out.append({"platform": r["platform"], "post_id": r["post_id"], "url": r["url"], "kinds": kinds})
        if limit and len(out) >= limit:
            break
    return out


def raw_evidence(store, targets: Sequence[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    """The stored raw payloads of the targets as files (kind `raw`); captured_at is the post's capture time."""
    out = []
    for t in targets:
        if "raw" not in t["kinds"]:
            continue
        payloads = store.query(
            """SELECT r.raw_sha256, r.raw, p.captured_at, p.url FROM raw_payloads r JOIN posts p USING (platform, post_id)
            WHERE r.post_id = ? AND r.platform = ? ORDER BY r.raw_sha256""", [t["post_id"], t["platform"]])
        if not payloads:
            out.append(_failed(t, "raw", t.get("url"), None, "no raw payload stored for this post"))
        for p in payloads:
            data = (p["raw"] or "").encode("utf-8")
            sha, rel = put_file(root, data, _raw_ext(p["raw"] or ""))
            if sha != p["raw_sha256"]:
                log.warning("%s/%s: raw payload %s hashes to %s", t["platform"], t["post_id"], p["raw_sha256"], sha)
            out.append(_row(t, "raw", p["url"], status="ok", sha256=sha, path=rel, size=len(data),
                            captured_at=p["captured_at"]))
    return out


def targets_from_posts(posts: Iterable[Any]) -> list[dict[str, Any]]:
    """Capture targets for freshly crawled, flagged posts (pantau.post.Post objects): no database read, so the
    monitor flow can capture at ingestion even while the triage app owns the database."""
    return [{"platform": p.platform, "post_id": p.post_id, "url": p.url, "raw": p.raw, "captured_at": p.captured_at,
             "kinds": [k for k in KINDS if k == "raw" or p.url]} for p in posts]


def raw_from_targets(targets: Sequence[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    """Raw payloads carried by the targets (see targets_from_posts) as content-addressed files (kind `raw`)."""
    out = []
    for t in targets:
        if "raw" not in t["kinds"]:
            continue
        if not t.get("raw"):
            out.append(_failed(t, "raw", t.get("url"), None, "no raw payload in the crawl output"))
            continue
        data = t["raw"].encode("utf-8")
        sha, rel = put_file(root, data, _raw_ext(t["raw"]))
        out.append(_row(t, "raw", t.get("url"), status="ok", sha256=sha, path=rel, size=len(data),
                        captured_at=t.get("captured_at")))
    return out


def _raw_ext(raw: str) -> str:
    try:
        json.loads(raw)
        return "json"
    except ValueError:
        return "html" if raw.lstrip().startswith("<") else "txt"


def snapshots(targets: Sequence[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    """HTML snapshots of the targets that need one (one HTTP client for the batch)."""
    import httpx  # heavy (httpx): only this function needs it

    todo = [t for t in targets if "html" in t["kinds"]]
    with httpx.Client(follow_redirects=True, timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}) as client:
        return [snapshot(t, root, client=client) for t in todo]


# -- re-check -------------------------------------------------------------------------------------------


def recheck_targets(store, *, limit: int | None = None) -> list[dict[str, Any]]:
    """Posts with an `ok` HTML snapshot: the URL and the hash of the newest snapshot. A monitor's MHTML snapshot
    (triage/capture.py: no HTTP status) is not a page pantau fetched, so it is never compared with one."""
    rows = store.query(
        f"""SELECT platform, post_id, url, sha256 AS old_sha256 FROM evidence WHERE kind = 'html' AND status = 'ok'
        AND http_status IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY attempt DESC) = 1
        ORDER BY platform, post_id {f'LIMIT {int(limit)}' if limit else ''}""")
    return [dict(r) for r in rows]


def recheck_page(target: dict[str, Any], root: Path, *, client: Any = None) -> dict[str, Any]:
    """Fetch a captured post again. Returns {"check": evidence_checks row, "evidence": [new html row if edited]}.

    unchanged: same bytes as the newest snapshot; edited: other bytes (stored as a new snapshot, the old one kept);
    deleted: 404 or 410; unavailable: any other status or no answer."""
    when = utcnow()
    got = fetch_page(target["url"], client=client)
    check = {"platform": target["platform"], "post_id": target["post_id"], "checked_at": when, "url": target["url"],
             "http_status": got.status, "old_sha256": target["old_sha256"], "new_sha256": None, "error": None}
    if got.status in (404, 410):
        return {"check": {**check, "outcome": "deleted", "error": f"HTTP {got.status}"}, "evidence": []}
    if not got.ok:
        return {"check": {**check, "outcome": "unavailable", "error": got.error or f"HTTP {got.status}"},
                "evidence": []}
    sha = hashlib.sha256(got.body).hexdigest()
    if sha == target["old_sha256"]:
        return {"check": {**check, "outcome": "unchanged", "new_sha256": sha}, "evidence": []}
    sha, rel = put_file(root, got.body, "html")
    row = _row(target, "html", target["url"], status="ok", sha256=sha, path=rel, size=len(got.body),
               http_status=got.status, captured_at=when)
    return {"check": {**check, "outcome": "edited", "new_sha256": sha}, "evidence": [row]}


def recheck_pages(targets: Sequence[dict[str, Any]], root: Path) -> list[dict[str, Any]]:
    import httpx  # heavy (httpx): only this function needs it

    with httpx.Client(follow_redirects=True, timeout=TIMEOUT, headers={"User-Agent": USER_AGENT}) as client:
        return [recheck_page(t, root, client=client) for t in targets]


# -- retention -----------------------------------------------------------------------------------------


def retention_days(value: int | str | None = None) -> int:
    """The retention period after a case closes: `value`, else PANTAU_EVIDENCE_RETENTION_DAYS, else 365."""
    raw = value if value is not None else os.environ.get(RETENTION_ENV, DEFAULT_RETENTION_DAYS)
    try:
        days = int(raw)
    except (TypeError, ValueError):
        raise EvidenceError(f"{RETENTION_ENV} must be a whole number of days, not {raw!r}") from None
    if days < 0:
        raise EvidenceError(f"{RETENTION_ENV} must not be negative")
    return days


def purge_plan(store, *, now: datetime | None = None, days: int | None = None) -> dict[tuple[str, str], str]:
    """(platform, post_id) -> reason, for every post whose evidence is not to be kept any more:

    * not flagged: its latest classification is not flagged (or it has none, or the post is gone);
    * case closed: the referral was closed (`referrals.status = 'closed'`, at `status_at`) or, without a
      referral, the latest decision is `not_violation` or `duplicate` (at `decided_at`), more than `days` ago.
    """
    now = now or utcnow()
    days = retention_days(days)
    rows = store.query(
        """WITH ev AS (SELECT DISTINCT platform, post_id FROM evidence),
           ref AS (SELECT platform, post_id, status, status_at FROM referrals
                   QUALIFY row_number() OVER (PARTITION BY platform, post_id ORDER BY referral_id DESC) = 1)
        SELECT ev.platform, ev.post_id, coalesce(c.flagged, false) AS flagged,
               CASE WHEN ref.status = 'closed' THEN ref.status_at
                    WHEN ref.status IS NULL AND d.decision IN ('not_violation', 'duplicate') THEN d.decided_at
               END AS closed_at,
               CASE WHEN ref.status = 'closed' THEN 'referral closed' ELSE 'decision ' || d.decision END AS closed_by
        FROM ev LEFT JOIN latest_classification c USING (platform, post_id)
        LEFT JOIN latest_decision d USING (platform, post_id)
        LEFT JOIN ref USING (platform, post_id)
        ORDER BY ev.platform, ev.post_id""")
    plan = {}
    for r in rows:
        key = (r["platform"], r["post_id"])
        if not r["flagged"]:
            plan[key] = "not flagged"
        elif r["closed_at"] is not None and r["closed_at"] + timedelta(days=days) <= now:
            plan[key] = f"case closed ({r['closed_by']}) {utc_text(r['closed_at'])}, kept {days} days"
    return plan


@dataclass
class PurgeResult:
    items: dict[tuple[str, str], str]  # purged (or, in a dry run, to purge) -> reason
    files_removed: list[str] = field(default_factory=list)
    dry_run: bool = False


def purge(store, root: str | Path, *, now: datetime | None = None, days: int | None = None, dry_run: bool = False,
          actor: str = "cli") -> PurgeResult:
    """Apply retention: delete the rows (audit entry per post) and then the files no remaining row refers to."""
    plan = purge_plan(store, now=now, days=days)
    if dry_run or not plan:
        return PurgeResult(items=plan, dry_run=dry_run)
    deleted = store.purge_evidence(plan, actor=actor, now=now)
    paths = sorted({r["path"] for r in deleted if r["path"]})
    still = {r["path"] for r in store.query(
        "SELECT DISTINCT path FROM evidence WHERE list_contains(?, path)", [paths])} if paths else set()
    removed = []
    for rel in paths:
        if rel in still:
            continue  # the same bytes are evidence of a post that is kept
        try:
            (Path(root) / rel).unlink()
            removed.append(rel)
        except FileNotFoundError:
            pass
    return PurgeResult(items=plan, files_removed=removed)


# -- reading ------------------------------------------------------------------------------------------------


def evidence_summary(store, platform: str, post_id: str) -> dict[str, Any]:
    """Evidence status of one item for the item page (triage/templates/_evidence.html):

    {"status": "captured" | "partial" | "failed" | "none", "files": [ok rows, newest first per kind, each with
    captured_utc/captured_wib], "failures": {kind: {"attempts", "error", "last_utc", "last_wib"}} for kinds with no
    ok file, "checks": [evidence_checks rows, newest first], "last_check": the newest or None, "versions": number of
    HTML versions}."""
    rows = store.query(
        """WITH e AS MATERIALIZED (SELECT * FROM evidence WHERE post_id = ?)
        SELECT kind, attempt, status, sha256, path, size, url, http_status, captured_at, error FROM e
        WHERE platform = ? ORDER BY kind, attempt DESC""", [post_id, platform])
    checks = store.query(
        """SELECT checked_at, outcome, url, http_status, old_sha256, new_sha256, error FROM evidence_checks
        WHERE post_id = ? AND platform = ? ORDER BY checked_at DESC LIMIT 50""", [post_id, platform])
    for r in rows + checks:
        t = as_aware(r.get("captured_at") or r.get("checked_at"))
        r["utc"], r["wib"] = utc_text(t), wib_text(t)
    files = [r for r in rows if r["status"] == "ok"]
    done = {r["kind"] for r in files}
    failures = {}
    for kind in KINDS:
        failed = [r for r in rows if r["kind"] == kind and r["status"] == "failed"]
        if failed and kind not in done:
            failures[kind] = {"attempts": len(failed), "error": failed[0]["error"], "last_utc": failed[0]["utc"],
                              "last_wib": failed[0]["wib"]}
    if not rows:
        status = "none"
    elif set(PAGE_KINDS) <= done:
        status = "captured"
    elif done:
        status = "partial"
    else:
        status = "failed"
    return {"status": status, "files": files, "failures": failures, "checks": checks,
            "last_check": checks[0] if checks else None,
            "versions": sum(1 for r in files if r["kind"] == "html")}


PACKAGE_NAMES = {"raw": "bukti/rekaman-mentah-{sha}.{ext}", "html": "bukti/halaman-{sha}.{ext}",  # .mhtml: a monitor's
                 "png": "bukti/tangkapan-layar-{sha}.{ext}"}  # snapshot; .jpg/.webp: a shared phone screenshot


def package_files(store, platform: str, post_id: str, root: str | Path) -> list[dict[str, Any]]:
    """Every `ok` evidence file of a post, for a referral package, oldest first per kind:

    [{"name": suggested path in the zip, "file": absolute Path, "kind", "sha256" (recorded), "intact" (the file
    exists and still hashes to sha256), "url", "http_status", "captured_at" (aware UTC datetime)}]. All versions
    of an edited page are listed. The caller should refuse or warn on any entry that is not intact."""
    root = Path(root)
    rows = store.query(
        """SELECT kind, attempt, sha256, path, url, http_status, captured_at FROM evidence
        WHERE post_id = ? AND platform = ? AND status = 'ok' ORDER BY kind, attempt""", [post_id, platform])
    out = []
    for r in rows:
        path = root / r["path"]
        ext = path.suffix.lstrip(".")
        out.append({"name": PACKAGE_NAMES[r["kind"]].format(sha=r["sha256"][:16], ext=ext), "file": path,
                    "kind": r["kind"], "sha256": r["sha256"], "intact": file_sha256(path) == r["sha256"],
                    "url": r["url"], "http_status": r["http_status"], "captured_at": as_aware(r["captured_at"])})
    return out


def record(store, rows: Iterable[dict[str, Any]]) -> int:
    """Store `evidence` rows (thin wrapper for the flows)."""
    return store.record_evidence(rows)
