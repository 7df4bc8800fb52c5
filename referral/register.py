"""The referral register: which confirmed violations were referred, where each case stands, what is overdue.

The cases and their history are stored by `pantau.store.db.Store` (tables `referrals` and `referral_events`; see
docs/store.md). This module adds what is computed from them: the 7-day deadline state of each case, the overdue list
for supervisors, and the CSV export.

Deadline (UU 7/2017 art. 454(6)): a report must reach Bawaslu within 7 days of the violation becoming known; pantau
counts from the post's first capture (`posts.captured_at`). A case is

* `overdue` when it is not yet sent and the deadline has passed;
* `due_soon` when it is not yet sent and the deadline passes within DUE_SOON_HOURS (48 h);
* `ok` when it is not yet sent and more time is left; `sent` once it has been sent (any later status);
  `closed` when it was closed without being sent.

The register stores no reporter identity or contact: the reporter is only in the package. The CSV export can add
the reporter's name and organisation, read back from each package's `laporan.html` (`reporter=True`), or leave
every reporter column out (`reporter=False`).
"""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable

from pantau.deadline import reporting_deadline
from pantau.post import as_aware
from pantau.spreadsheet import csv_cell
from pantau.store.db import REFERRAL_STATUSES, referral_next_statuses, register_request_handler

from .package import ReferralConfig, build_package, parse_item
from .reporter import Reporter

DUE_SOON_HOURS = 48
STATUS_LABELS = {
    "draft": "Draf",
    "sent": "Dikirim ke Bawaslu",
    "registered": "Diregistrasi Bawaslu",
    "forwarded_bkn": "Diteruskan ke BKN",
    "decided": "Diputus",
    "sanctioned": "Sanksi dijatuhkan",
    "closed": "Ditutup",
}
REFERENCE_LABELS = {
    "sent": "Nomor tanda terima",
    "registered": "Nomor registrasi Bawaslu",
    "forwarded_bkn": "Nomor surat/rekomendasi BKN",
    "decided": "Nomor putusan",
    "sanctioned": "Nomor keputusan sanksi",
    "closed": "Referensi",
}
CSV_COLUMNS = ["referral_id", "platform", "post_id", "url", "author_handle", "region", "office", "status",
               "status_at", "status_by", "captured_at", "deadline_at", "deadline_state", "sent_at", "sent_ref",
               "bawaslu_reg_no", "bkn_ref_no", "decision_ref", "sanction_ref", "package", "package_sha256",
               "manifest_sha256", "built_at", "built_by"]
REPORTER_COLUMNS = ["reporter_name", "reporter_organisation"]
# Labels of the report's "I. Identitas Pelapor" rows that the CSV may carry (never address, phone or e-mail).
_REPORTER_LABELS = {"Nama": "reporter_name", "Organisasi/tim pemantau": "reporter_organisation"}
_REPORTER_TABLE = re.compile(r"<h2>I\. Identitas Pelapor</h2>\s*<table[^>]*>(.*?)</table>", re.S)
_ROW = re.compile(r'<tr><td class="k">(.*?)</td><td class="c">:</td><td>(.*?)</td></tr>', re.S)


def deadline_state(case: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """`state` (overdue, due_soon, ok, sent, closed), `deadline_at` and `hours_left` (negative once passed)."""
    now = as_aware(now) or datetime.now(timezone.utc)
    captured = as_aware(case.get("captured_at"))
    deadline = reporting_deadline(captured) if captured else None
    hours_left = (deadline - now).total_seconds() / 3600 if deadline else None
    status = case.get("status", "draft")
    if case.get("sent_at") is not None or status not in ("draft", "closed"):
        state = "sent"
    elif status == "closed":
        state = "closed"
    elif hours_left is None or hours_left <= 0:
        state = "overdue"
    elif hours_left <= DUE_SOON_HOURS:
        state = "due_soon"
    else:
        state = "ok"
    return {"state": state, "deadline_at": deadline, "hours_left": hours_left}


def deadline_label(state: str, hours_left: float | None) -> str:
    """Badge text (Bahasa Indonesia) for a deadline state."""
    if state == "sent":
        return "Terkirim"
    if state == "closed":
        return "Ditutup (tidak dikirim)"
    if hours_left is None:
        return "Batas tidak diketahui"
    hours = int(abs(hours_left))
    span = f"{hours // 24} hari {hours % 24} jam" if hours >= 24 else f"{hours} jam"
    return f"Terlambat {span}" if state == "overdue" else f"Sisa {span}"


def annotate(cases: Iterable[dict[str, Any]], now: datetime | None = None) -> list[dict[str, Any]]:
    """The cases with `deadline_state`, `hours_left` and `next_statuses` added."""
    out = []
    for case in cases:
        d = deadline_state(case, now)
        out.append({**case, "deadline_at": d["deadline_at"], "deadline_state": d["state"],
                    "hours_left": d["hours_left"], "deadline_label": deadline_label(d["state"], d["hours_left"]),
                    "next_statuses": referral_next_statuses(case["status"])})
    return out


def overdue(store, now: datetime | None = None) -> dict[str, list[dict[str, Any]]]:
    """What a supervisor must act on: `cases` not yet sent whose deadline has passed or passes within 48 h
    (`deadline_state` says which), and `unreferred`: confirmed violations with no case yet, in the same window."""
    now = as_aware(now) or datetime.now(timezone.utc)
    cases = [c for c in annotate(store.referrals(), now) if c["deadline_state"] in ("overdue", "due_soon")]
    unreferred = confirmed_unreferred(store, due_by=now + timedelta(hours=DUE_SOON_HOURS))
    for u in unreferred:
        d = deadline_state({**u, "status": "draft"}, now)
        u.update(deadline_state=d["state"], hours_left=d["hours_left"],
                 deadline_label=deadline_label(d["state"], d["hours_left"]))
    return {"cases": cases, "unreferred": unreferred}


def confirmed_unreferred(store, due_by: datetime | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Confirmed violations with no referral case yet, by deadline (only those due by `due_by`, if given): what a
    supervisor packages next ("Siap dirujuk" in the app; within the 48-hour window, part of `overdue`)."""
    limit_sql = f"LIMIT {int(limit)}" if limit else ""
    return store.query(
        f"""SELECT qi.platform, qi.post_id, qi.snippet, qi.author_handle, qi.region, qi.category, qi.captured_at,
                   qi.deadline_at
            FROM queue_items qi
            WHERE qi.status = 'confirmed' AND (CAST(? AS TIMESTAMPTZ) IS NULL OR qi.deadline_at <= ?)
              AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.platform = qi.platform AND r.post_id = qi.post_id)
            ORDER BY qi.deadline_at, qi.platform, qi.post_id {limit_sql}""",
        [due_by, due_by],
    )


def package_reporter(path: str | Path) -> dict[str, str]:
    """The reporter's name and organisation as written in a package's laporan.html ("" when missing/unreadable)."""
    found = dict.fromkeys(REPORTER_COLUMNS, "")
    try:
        with zipfile.ZipFile(path) as zf:
            text = zf.read("laporan.html").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        return found
    table = _REPORTER_TABLE.search(text)
    for label, value in _ROW.findall(table.group(1) if table else ""):
        key = _REPORTER_LABELS.get(html.unescape(label).strip())
        if key and 'class="empty"' not in value:
            found[key] = html.unescape(re.sub(r"<[^>]+>", "", value)).strip()
    return found


def to_csv(cases: Iterable[dict[str, Any]], *, reporter: bool, now: datetime | None = None) -> str:
    """The register as CSV (one row per case). `reporter=True` adds REPORTER_COLUMNS read from each package file;
    `reporter=False` leaves every reporter column out. Cells starting with = + - @ are neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = CSV_COLUMNS + (REPORTER_COLUMNS if reporter else [])
    writer.writerow(header)
    for case in annotate(cases, now):
        row = dict(case)
        if reporter:
            row.update(package_reporter(Path(case["package_dir"]) / case["package"]))
        writer.writerow([csv_cell(row.get(h)) for h in header])
    return out.getvalue()


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


class AlreadySent(RuntimeError):
    """The item's case has left `draft`: the package that was sent is kept, never rebuilt."""

    def __init__(self, item: str, case: dict[str, Any]):
        super().__init__(f"{item} is referral {case['referral_id']} with status {case['status']!r}: already sent, "
                         "not rebuilt")
        self.item = item
        self.case = case


def package_summary(pkg, referral_id: int) -> dict[str, Any]:
    """What `pantau refer` reports of one built package (JSON-safe: it may come back from the triage app)."""
    return {"item": pkg.item, "path": str(pkg.path), "office": pkg.route.name, "sha256": pkg.sha256,
            "manifest_sha256": pkg.manifest_sha256, "late": pkg.late, "seconds_left": pkg.seconds_left,
            "days_left": pkg.days_left, "warnings": list(pkg.warnings), "referral_id": referral_id}


def refer(store, items: Iterable[str], out_dir: str | Path, config) -> list[dict[str, Any]]:
    """build_and_register, as summaries; while the triage app owns the database the app builds and registers the
    packages (request `refer`: items, the absolute output folder, the reporter's fields and the actor; the packages
    are written by the app's process, so the folder must be writable by it)."""
    items = list(items)
    if store.owned_elsewhere():
        return store.request_owner("refer", {"items": items, "out_dir": str(Path(out_dir).resolve()),
                                             "reporter": asdict(config.reporter), "actor": config.actor})
    return [package_summary(pkg, case_id) for pkg, case_id in build_and_register(store, items, out_dir, config)]


def answer_refer_request(store, args: dict[str, Any]) -> list[dict[str, Any]]:
    """Owner side of `refer`: build and register with the caller's reporter and actor."""
    reporter = dict(args.get("reporter") or {})
    reporter["witnesses"] = tuple(reporter.get("witnesses") or ())
    config = ReferralConfig(reporter=Reporter(**reporter), actor=str(args.get("actor") or "cli"))
    return refer(store, args["items"], Path(args["out_dir"]), config)  # the owner itself: built here


register_request_handler("refer", answer_refer_request)


def build_and_register(store, items: Iterable[str], out_dir: str | Path, config) -> list[tuple[Any, int]]:
    """Build the packages of `items` (pantau.referral.package.build_package) and record each as a `draft` case.

    Refuses before building anything (AlreadySent) when an item's case has already been sent. Returns
    (Package, referral_id) pairs. Used by `pantau refer` and the app's build button."""
    items = list(items)
    for item in items:
        case = store.referral_for(*parse_item(item))
        if case is not None and case["status"] != "draft":
            raise AlreadySent(item, case)
    packages = build_package(store, items, out_dir, config)
    return [(pkg, store.register_referral(
        *parse_item(pkg.item), package=pkg.path.name, package_dir=str(pkg.path.parent.resolve()),
        package_sha256=pkg.sha256, manifest_sha256=pkg.manifest_sha256, office=pkg.route.name,
        built_by=config.actor, built_at=config.now,
    )) for pkg in packages]
