"""Referral packages: a pre-filled Bawaslu report (HTML + PDF) with its evidence and a hashed manifest, zipped.

One package per item (a confirmed violation). `build_package` refuses the whole batch, naming every item and its
status, when any item is not a violation confirmed by a second person. The package holds:

    laporan.html / laporan.pdf        the report (HTML printed to PDF by headless Chromium)
    bukti/payload-<sha256>.json       each raw payload stored for the post, byte for byte as captured
    bukti/halaman-<sha>.html          page snapshots captured by `pantau evidence capture` / re-check (every version)
    bukti/tangkapan-layar-<sha>.png   screenshots rendered by headless Chromium (every version)
    bukti/pos.json                    the post record as stored (author, times, region, classifier result; for a
                                      share its kind and the original in shared_from, also cited in the report
                                      and recorded in the manifest: referral/share.py)
    bukti/penilaian.json              decisions, confirmations, checklist notes and the item's audit entries
    manifest.json                     every other file with SHA-256, size and capture time (UTC and WIB)

The zip is deterministic: fixed entry order, timestamps and attributes, and the PDF's dates and document ID are
set from the package's generation time and content, so the same data and `now` give the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Sequence

from pantau import timestamp
from pantau.browser import CHROMIUM, CHROMIUM_ARGS
from pantau.calendar import load_calendar, post_time
from pantau.categories import CATEGORIES, DECISION_LABELS
from pantau.deadline import reporting_deadline
from pantau.nlp.signals import find_nips
from pantau.post import as_aware
from pantau.store import tokens
from pantau.store.cluster_reads import post_wave
from pantau.times import utc_text, wib_iso, wib_text

from .evidence import evidence_dir, package_files
from .reporter import Reporter
from .routing import OfficeTable, Route, default_offices
from .share import manifest_entry, original_account, shared_original

log = logging.getLogger(__name__)
# Evidence a monitor captured in their own browser or phone (issue 19: pantau.store.tokens.monitor_files)
MONITOR_DESCRIPTIONS = {"png": "Tangkapan layar unggahan seperti dilihat pemantau",
                        "html": "Cuplikan halaman unggahan (MHTML) seperti dilihat pemantau"}

FORMAT = "pantau-referral-package/1"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MANIFEST = "manifest.json"
MANIFEST_TOKEN = "manifest.json.tsr"  # RFC 3161 token over manifest.json, when a TSA is configured
CHECKLIST_LABELS = {
    "asn_identity": "Terlapor adalah ASN",
    "partisan_act": "Perbuatan berpihak/kampanye",
    "election_period": "Dalam masa pemilihan",
}


class ReferralError(RuntimeError):
    pass


class NotConfirmed(ReferralError):
    """Some items are not violations confirmed by a second person; `refused` maps item -> status."""

    def __init__(self, refused: dict[str, str]):
        self.refused = refused
        parts = [f"{item} (status: {status})" for item, status in refused.items()]
        super().__init__(
            "only violations confirmed by a second person (status 'confirmed') can be referred; refused: "
            + ", ".join(parts)
        )


@dataclass
class ReferralConfig:
    reporter: Reporter = field(default_factory=Reporter)
    offices: OfficeTable | None = None  # default: the table shipped with pantau
    now: datetime | None = None  # the package's generation time (default: now)
    actor: str = "cli"  # who builds the package (audit entry)
    audit: bool = True  # append a `refer` entry to the audit log


@dataclass
class Package:
    item: str
    path: Path
    sha256: str  # of the zip
    manifest_sha256: str
    route: Route
    known_at: datetime
    deadline_at: datetime
    late: bool
    seconds_left: float
    files: list[dict[str, Any]]
    warnings: list[str]

    @property
    def days_left(self) -> int:
        """Whole days left before the deadline (negative once it has passed)."""
        return int(self.seconds_left // 86400)


# -- times -----------------------------------------------------------------------------------------


def span_text(seconds: float) -> str:
    """'3 hari 4 jam' (whole hours, rounded down)."""
    hours = int(abs(seconds) // 3600)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} hari {hours} jam"
    minutes = int(abs(seconds) // 60) % 60
    return f"{hours} jam {minutes} menit"


# -- reading a case from the store -------------------------------------------------------------------


def parse_item(item: str) -> tuple[str, str]:
    """'platform/post_id' -> (platform, post_id); the post id may itself contain slashes."""
    platform, sep, post_id = (item or "").strip().partition("/")
    if not sep or not platform or not post_id:
        raise ReferralError(f"item {item!r}: expected PLATFORM/POST_ID, e.g. demo/123")
    return platform, post_id


def item_status(store, platform: str, post_id: str) -> str:
    """The item's triage status computed from its latest decision and that decision's confirmation."""
    rows = store.query(
        """SELECT d.decision, f.agreed FROM latest_decision d LEFT JOIN confirmations f USING (decision_id)
        WHERE d.post_id = ? AND d.platform = ?""",
        [post_id, platform],
    )
    if not rows:
        queued = store.scalar("SELECT status FROM queue_items WHERE post_id = ? AND platform = ?", [post_id, platform])
        return queued or "new (no decision)"
    decision, agreed = rows[0]["decision"], rows[0]["agreed"]
    if decision == "violation":
        return "confirmed" if agreed else "awaiting_confirmation"
    return decision


def load_case(store, platform: str, post_id: str) -> dict[str, Any]:
    """Everything a report needs about one confirmed item (raises NotConfirmed / ReferralError)."""
    key = [post_id, platform]
    posts = store.query("SELECT * FROM posts WHERE post_id = ? AND platform = ?", key)
    if not posts:
        raise ReferralError(f"no post {platform}/{post_id} in {store.path}")
    status = item_status(store, platform, post_id)
    if status != "confirmed":
        raise NotConfirmed({f"{platform}/{post_id}": status})
    decision = store.query(
        "SELECT * FROM latest_decision WHERE post_id = ? AND platform = ?", key)[0]
    confirmation = store.query("SELECT * FROM confirmations WHERE decision_id = ?", [decision["decision_id"]])[0]
    history = store.query(
        """SELECT d.decision_id, d.decision, d.reason, d.duplicate_of, d.reviewer, d.decided_at,
                  f.supervisor, f.agreed, f.decision AS confirmed_decision, f.reason AS confirmation_reason,
                  f.confirmed_at, w.withdrawn_at, w.withdrawn_by
        FROM decisions d LEFT JOIN confirmations f USING (decision_id)
        LEFT JOIN decision_withdrawals w USING (decision_id)  -- withdrawn ("Batalkan"): in the trail, not counted
        WHERE d.post_id = ? AND d.platform = ? ORDER BY d.decision_id""", key)
    classification = store.query(
        """SELECT model_version, score, flagged, category, signals, classified_at FROM latest_classification
        WHERE post_id = ? AND platform = ?""", key)
    queue = store.query("SELECT category FROM queue_items WHERE post_id = ? AND platform = ?", key)
    payloads = store.query(
        "SELECT raw_sha256, raw FROM raw_payloads WHERE post_id = ? AND platform = ? ORDER BY raw_sha256", key)
    notes = store.query(
        "SELECT note_id, username, body, checklist, created_at FROM notes WHERE post_id = ? AND platform = ? "
        "ORDER BY note_id", key)
    audit = store.query(
        "SELECT seq, logged_at, actor, action, target, detail, prev_sha256, sha256 FROM audit_log WHERE target = ? "
        "ORDER BY seq", [f"{platform}/{post_id}"])
    captured = [f for f in package_files(store, platform, post_id, evidence_dir(store.path)) if f["kind"] != "raw"]
    monitor = tokens.monitor_files(store, platform, post_id)
    for f in captured:  # a monitor's screenshot / page snapshot sent from the browser or phone (issue 19)
        f["by_monitor"] = f["sha256"] in monitor
    return {
        "post": posts[0], "decision": decision, "confirmation": confirmation, "history": history,
        "classification": classification[0] if classification else None,
        "category": (queue[0]["category"] if queue else None)
        or (classification[0]["category"] if classification else None),
        "payloads": payloads, "notes": notes, "audit": audit, "captured": captured,
        "wave": post_wave(store, platform, post_id),  # "bagian dari pesan serentak: N akun, K wilayah, H jam"
    }


# -- terlapor ------------------------------------------------------------------------------------------

_SEGMENT_SPLIT = re.compile(r"\s*(?:\||•|·|\n|;)\s*")
_STATUS_WORDS = (("PPPK", r"\b(pppk|p3k)\b"), ("PNS", r"\bpns\b"), ("ASN", r"\basn\b"))


def terlapor(post: dict[str, Any], signals: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The reported person as far as public data shows: name, handle, role, agency, status, NIP (only if public)."""
    bio = post.get("author_bio") or ""
    text = post.get("text") or ""
    segments = [s for s in _SEGMENT_SPLIT.split(bio) if s.strip()]

    def segments_with(name: str, source: str) -> list[str]:
        words = [s["text"].lower() for s in signals if s.get("name") == name and s.get("source") == source and s.get("text")]
        return list(dict.fromkeys(seg for seg in segments if any(w in seg.lower() for w in words)))

    role_words = list(dict.fromkeys(
        s["text"].strip() for s in signals if s.get("name") == "asn_role" and s.get("source") == "bio" and s.get("text")))
    role_segments = segments_with("asn_role", "bio")
    agency_segments = segments_with("asn_agency", "bio")
    # The role as the bio says it ("Guru", "Bidan"); the agency is the bio segment naming an agency, or what
    # follows the role word in its segment ("Guru SDN 2 Sidomulyo" -> "SDN 2 Sidomulyo").
    role = ", ".join(w[:1].upper() + w[1:] for w in role_words)
    if not role:
        in_text = [s["text"] for s in signals if s.get("name") == "asn_role" and s.get("source") == "text"]
        if in_text:
            role = "disebut dalam unggahan: " + ", ".join(f"\u201c{t}\u201d" for t in dict.fromkeys(in_text))
    def without_role(seg: str) -> str:
        for w in role_words:
            if seg.lower().startswith(w.lower()) and seg[len(w):].strip():
                return seg[len(w):].strip(" ,-:")
        return seg

    agency = "; ".join(dict.fromkeys(without_role(s) for s in agency_segments))
    if not agency:
        agency = "; ".join(dict.fromkeys(without_role(s) for s in role_segments if without_role(s) != s))
    status = ", ".join(label for label, pattern in _STATUS_WORDS if re.search(pattern, bio, re.I))
    nip, nip_source = "", ""
    for source_name, value in (("bio profil", bio), ("isi unggahan", text)):
        spans = find_nips(value)
        if spans:
            nip, nip_source = value[spans[0][0]:spans[0][1]], source_name
            break
    links = [
        {"text": s["text"], "where": "bio profil" if s.get("source") == "bio" else "isi unggahan"}
        for s in signals if s.get("name") in ("asn_role", "asn_agency", "asn_nip") and s.get("text")
    ]
    return {
        "name": post.get("author_name") or "", "handle": post.get("author_handle") or "",
        "author_id": post.get("author_id") or "", "bio": bio, "role": role, "agency": agency, "status": status,
        "nip": nip, "nip_source": nip_source, "address": "",
        "links": list({(l["text"], l["where"]): l for l in links}.values()),
    }


# -- building ---------------------------------------------------------------------------------------------


def _json_bytes(obj: Any) -> bytes:
    return (json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default) + "\n").encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return utc_text(as_aware(value))
    return str(value)


def _payload_name(sha: str, raw: str) -> str:
    try:
        json.loads(raw)
        ext = "json"
    except ValueError:
        ext = "html" if raw.lstrip().startswith("<") else "txt"
    return f"bukti/payload-{sha[:16]}.{ext}"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "item"


def build_package(store, items: Iterable[str], out_dir: str | Path, config: ReferralConfig | None = None) -> list[Package]:
    """Build one zip per item in `out_dir`; refuses all (NotConfirmed) if any item is not a confirmed violation."""
    config = config or ReferralConfig()
    keys = [parse_item(i) for i in items]
    if not keys:
        raise ReferralError("no items given")
    cases, refused = [], {}
    for platform, post_id in keys:
        try:
            cases.append(load_case(store, platform, post_id))
        except NotConfirmed as exc:
            refused.update(exc.refused)
    if refused:
        raise NotConfirmed(refused)
    now = as_aware(config.now) or datetime.now(timezone.utc)
    offices = config.offices or default_offices()
    drafts = [_draft(case, config.reporter, offices, now) for case in cases]
    pdfs = render_pdfs([d["html"] for d in drafts])
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    packages = []
    for draft, pdf in zip(drafts, pdfs):
        pkg = _write(draft, normalise_pdf(pdf, now, draft["html"]), out, now)
        if config.audit:
            store.audit(config.actor, "refer", pkg.item, {
                "package": pkg.path.name, "sha256": pkg.sha256, "manifest_sha256": pkg.manifest_sha256,
                "office": pkg.route.name, "late": pkg.late, "deadline_at": utc_text(pkg.deadline_at),
            })
        for w in pkg.warnings:
            log.info("%s: %s", pkg.item, w)
        packages.append(pkg)
    return packages


def _draft(case: dict[str, Any], reporter: Reporter, offices: OfficeTable, now: datetime) -> dict[str, Any]:
    post = case["post"]
    platform, post_id = post["platform"], post["post_id"]
    item = f"{platform}/{post_id}"
    known = as_aware(post["captured_at"])
    if known is None:
        raise ReferralError(f"{item}: no capture time stored; the reporting deadline cannot be computed")
    happened = as_aware(post["created_at"])
    deadline = reporting_deadline(known)
    stage = load_calendar().stage_at(post_time(happened, known), post.get("region"))  # the timing element
    seconds_left = (deadline - now).total_seconds()
    late = seconds_left < 0
    warnings: list[str] = []
    if late:
        warnings.append(
            f"PAST THE DEADLINE: known since {utc_text(known)}, deadline {utc_text(deadline)} "
            f"({span_text(seconds_left)} ago): the report will not be registered by Bawaslu (UU 7/2017 art. 454(6))")
    missing = reporter.missing()
    if missing:
        warnings.append("reporter fields not filled in: " + ", ".join(missing)
                        + " (set them in the --reporter file or PANTAU_REPORTER_* variables)")
    route = offices.route(post.get("region"))
    if route.fallback:
        warnings.append(f"routing fallback to {route.name}: region {post.get('region')!r} not found in the office table")

    classification = case["classification"] or {}
    signals = json.loads(classification.get("signals") or "[]") if classification else []
    person = terlapor(post, signals)
    category = case["category"]
    category_label = CATEGORIES.get(category or "", "Dugaan pelanggaran netralitas ASN (kategori belum ditentukan)")

    # Evidence files: raw payloads exactly as stored, the post record, the review trail.
    files: dict[str, bytes] = {}
    meta: dict[str, dict[str, Any]] = {}
    for p in case["payloads"]:
        data = (p["raw"] or "").encode("utf-8")
        path = _payload_name(p["raw_sha256"], p["raw"] or "")
        actual = hashlib.sha256(data).hexdigest()
        if actual != p["raw_sha256"]:
            warnings.append(f"stored payload {p['raw_sha256']} hashes to {actual}: the stored copy does not match "
                            "the hash recorded at capture")
        files[path] = data
        current = p["raw_sha256"] == post.get("raw_sha256")
        meta[path] = {"kind": "raw_payload", "url": post.get("url"), "recorded_sha256": p["raw_sha256"],
                      "description": "Payload mentah dari platform" + (" (versi yang dinilai)" if current else " (versi lain)")}
    if not case["payloads"]:
        warnings.append("no raw payload stored for this post; the package has only the parsed record")
    # Captured page snapshots and screenshots (pantau evidence capture), every version, as long as they are intact.
    descriptions = {"html": "Cuplikan HTML halaman unggahan", "png": "Tangkapan layar halaman unggahan (Chromium)"}
    for ev in case.get("captured", []):
        if not ev["intact"]:
            warnings.append(f"evidence file {ev['file']} is missing or no longer hashes to {ev['sha256']}: left out")
            continue
        files[ev["name"]] = ev["file"].read_bytes()
        meta[ev["name"]] = {"kind": f"capture_{ev['kind']}", "url": ev["url"], "recorded_sha256": ev["sha256"],
                            "captured": ev["captured_at"], "description": descriptions.get(ev["kind"], ev["kind"])}
        if ev.get("by_monitor"):  # the monitor is not named: their identity stays with the team, as a reporter's
            day, hour = wib_text(ev["captured_at"]).split(", ")
            meta[ev["name"]]["description"] = (MONITOR_DESCRIPTIONS.get(ev["kind"], ev["kind"])
                                               + f", ditangkap oleh pemantau {day} pukul {hour}")
    if not any(ev["kind"] == "png" and ev["intact"] for ev in case.get("captured", [])):
        warnings.append("no screenshot captured for this post (run `pantau evidence capture`)")
    post_record = {k: post[k] for k in ("platform", "post_id", "url", "text", "created_at", "author_id",
                                       "author_handle", "author_name", "author_bio", "lang", "region", "captured_at",
                                       "raw_sha256", "ingested_at")}
    # issue 16: what kind of post (a share names the sharer as author), the original it shares, its media
    post_record["kind"] = post.get("kind") or "post"
    for key in ("shared_from", "media"):
        value = post.get(key)
        post_record[key] = json.loads(value) if isinstance(value, str) else value
    post_record["classification"] = ({**classification, "signals": signals} if classification else None)
    files["bukti/pos.json"] = _json_bytes(post_record)
    meta["bukti/pos.json"] = {"kind": "post_record", "url": post.get("url"),
                              "description": "Data unggahan dan akun seperti tersimpan (teks, bio, waktu, wilayah)"}
    review = {"decisions": case["history"], "notes": [
        {**n, "checklist": json.loads(n["checklist"]) if n["checklist"] else None} for n in case["notes"]],
        "audit_log": case["audit"]}
    files["bukti/penilaian.json"] = _json_bytes(review)
    meta["bukti/penilaian.json"] = {"kind": "review_trail", "captured": now, "description":
                                    "Keputusan, konfirmasi, daftar periksa dan jejak audit (berantai hash), "
                                    "diambil saat paket disusun"}
    evidence = [{"path": path, "sha256": hashlib.sha256(data).hexdigest(), "description": meta[path]["description"],
                 "captured_wib": wib_text(meta[path].get("captured", known)),
                 "captured_utc": utc_text(meta[path].get("captured", known))} for path, data in sorted(files.items())]

    decision, confirmation = case["decision"], case["confirmation"]
    checklist_note = next((n for n in reversed(case["notes"]) if n["checklist"]), None)
    checklist = []
    if checklist_note:
        values = json.loads(checklist_note["checklist"])
        checklist = [{"label": CHECKLIST_LABELS.get(k, k), "value": bool(v)} for k, v in sorted(values.items())]
    who = f"@{person['handle']}" + (f" ({person['name']})" if person["name"] else "")
    role_part = f", yang menurut profil publiknya {person['role']}" if person["role"] else ""
    what = (f"Akun {who}{role_part}, mengunggah konten di {platform} yang diduga merupakan "
            f"{category_label.lower()}.")
    snippet = (post.get("text") or "").strip()
    if len(snippet) > 280:
        snippet = snippet[:277].rstrip() + "\u2026"
    act = f"mengunggah di {platform}"
    original = shared_original(post)  # a share: the sharer is reported, the original cited (referral/share.py)
    if original:
        source = original_account(original) + (f", diunggah {original['when_wib']}" if original["when_wib"] else "")
        what = (f"Akun {who}{role_part}, {original['act']} di {platform} konten milik akun "
                f"{original_account(original)} yang diduga merupakan {category_label.lower()}.")
        act = f"{original['act']} di {platform} konten dari akun {source}"
    description = (f"Pada {wib_text(happened) or '(waktu tidak diketahui)'}, akun {who} {act}: "
                   f"\u201c{snippet}\u201d. Unggahan ini direkam tim pemantau pada {wib_text(known)}, ditinjau "
                   f"{decision['reviewer']} dan dikonfirmasi {confirmation['supervisor']} sebagai "
                   f"{category_label.lower()}, yang bertentangan dengan asas netralitas ASN (UU 20/2023 tentang ASN; "
                   f"PP 94/2021 tentang Disiplin PNS).")
    region = post.get("region")
    where = (f"Media sosial {platform}" + (f" ({post['url']})" if post.get("url") else "")
             + (f"; wilayah {region}" if region else "; wilayah tidak diketahui"))
    context = {
        "item": item, "platform": platform, "late": late, "route": route,
        "generated_wib": wib_text(now), "generated_utc": utc_text(now),
        "known_wib": wib_text(known), "known_utc": utc_text(known),
        "happened_wib": wib_text(happened) or "(tidak diketahui)", "happened_utc": utc_text(happened) or "-",
        "stage": stage, "stage_from_capture": happened is None,
        "wave": case.get("wave"),
        "deadline_wib": wib_text(deadline), "deadline_utc": utc_text(deadline),
        "left_text": span_text(seconds_left), "overdue_text": span_text(seconds_left),
        "reporter_rows": reporter.rows(), "reporter_name": reporter.name, "terlapor": person,
        "what": what, "where": where, "category": category, "category_label": category_label,
        "witnesses": reporter.witnesses, "description": description, "text": post.get("text") or "",
        "url": post.get("url"), "evidence": evidence, "shared": original,
        "decision": {"label": DECISION_LABELS.get(decision["decision"], decision["decision"]),
                     "reviewer": decision["reviewer"], "when": wib_text(as_aware(decision["decided_at"])),
                     "reason": decision["reason"]},
        "confirmation": {"label": "Setuju" if confirmation["agreed"] else "Tidak setuju",
                         "supervisor": confirmation["supervisor"],
                         "when": wib_text(as_aware(confirmation["confirmed_at"])), "reason": confirmation["reason"]},
        "checklist": checklist, "score": classification.get("score") if classification else None,
        "model_version": classification.get("model_version") if classification else None,
        "sign_place_date": f"{(reporter.address.split(',')[-1].strip() if reporter.address else '')}"
                           f"{', ' if reporter.address else ''}{wib_text(now).split(',')[0]}",
    }
    return {"item": item, "platform": platform, "post_id": post_id, "html": render_html(context), "files": files,
            "meta": meta, "route": route, "known": known, "deadline": deadline, "late": late,
            "seconds_left": seconds_left, "warnings": warnings, "shared": original, "stage": stage}


def render_html(context: dict[str, Any]) -> str:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape  # heavy (Jinja2)

    env = Environment(loader=PackageLoader("pantau.referral", "templates"), autoescape=select_autoescape(["html"]),
                      undefined=StrictUndefined)
    return env.get_template("laporan.html").render(**context)


def render_pdfs(htmls: Sequence[str]) -> list[bytes]:
    """Print each HTML document to an A4 PDF with headless Chromium (Playwright + Debian's /usr/bin/chromium).

    The documents are self-contained; every network request is refused, so printing never leaves the machine."""
    from playwright.sync_api import sync_playwright  # heavy (Playwright): only this function needs it


    if not htmls:
        return []
    if not Path(CHROMIUM).exists():
        raise ReferralError(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to print PDFs")
    out = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(java_script_enabled=False, offline=True)
            context.route("**/*", lambda route: route.abort())
            page = context.new_page()
            for html in htmls:
                page.set_content(html, wait_until="load")
                out.append(page.pdf(format="A4", print_background=True, prefer_css_page_size=True))
        finally:
            browser.close()
    return out


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[^)]*\)")
_PDF_ID = re.compile(rb"/ID \[<([0-9A-Fa-f]+)> <([0-9A-Fa-f]+)>\]")


def normalise_pdf(pdf: bytes, when: datetime, html: str) -> bytes:
    """Make Chromium's PDF reproducible: its dates become `when` and its document ID a hash of the HTML.

    Replacements keep every byte length, so the cross-reference offsets stay valid."""
    stamp = when.astimezone(timezone.utc).strftime("%Y%m%d%H%M%S").encode()

    def date(m: re.Match[bytes]) -> bytes:
        old = m.group(0)
        new = b"/" + m.group(1) + b" (D:" + stamp + b"+00'00')"
        return new if len(new) == len(old) else old[:old.index(b"(D:") + 3] + stamp + old[old.index(b"(D:") + 17:]

    pdf = _PDF_DATE.sub(date, pdf)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest().upper().encode()

    def doc_id(m: re.Match[bytes]) -> bytes:
        a, b = m.group(1), m.group(2)
        return b"/ID [<" + digest[:len(a)].ljust(len(a), b"0") + b"> <" + digest[:len(b)].ljust(len(b), b"0") + b">]"

    return _PDF_ID.sub(doc_id, pdf)


def _write(draft: dict[str, Any], pdf: bytes, out: Path, now: datetime) -> Package:
    files = dict(draft["files"])
    meta = dict(draft["meta"])
    files["laporan.html"] = draft["html"].encode("utf-8")
    meta["laporan.html"] = {"kind": "report_html", "description": "Laporan (HTML)"}
    files["laporan.pdf"] = pdf
    meta["laporan.pdf"] = {"kind": "report_pdf", "description": "Laporan (PDF, dicetak dari laporan.html)"}
    known = draft["known"]
    entries = []
    for path in sorted(files):
        data = files[path]
        generated = meta[path]["kind"].startswith("report")
        entries.append({
            "path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "kind": meta[path]["kind"],
            "captured_at_utc": utc_text(meta[path].get("captured", known)),
            "captured_at_wib": wib_iso(meta[path].get("captured", known)),
            **({"generated_at_utc": utc_text(now), "generated_at_wib": wib_iso(now)} if generated else {}),
            **({"url": meta[path]["url"]} if meta[path].get("url") else {}),
            **({"recorded_sha256": meta[path]["recorded_sha256"]} if "recorded_sha256" in meta[path] else {}),
        })
    route: Route = draft["route"]
    manifest = {
        "format": FORMAT, "item": draft["item"],
        "generated_at_utc": utc_text(now), "generated_at_wib": wib_iso(now),
        "known_since_utc": utc_text(known), "known_since_wib": wib_iso(known),
        "deadline_utc": utc_text(draft["deadline"]), "deadline_wib": wib_iso(draft["deadline"]),
        "late": draft["late"],
        "office": {"name": route.name, "level": route.level, "province": route.office.province,
                   "regency_city": route.office.regency_city, "fallback": route.fallback, "note": route.note},
        "files": entries,
    }
    if draft.get("shared"):  # the original a share cites: its link, beside the share's own evidence
        manifest["shared_from"] = manifest_entry(draft["shared"])
    manifest_bytes = _json_bytes(manifest)
    extra = [(MANIFEST, manifest_bytes)]
    if timestamp.tsa_url():  # the TSA's word that this manifest, and so every file it hashes, existed by now
        try:
            extra.append((MANIFEST_TOKEN, timestamp.stamp(manifest_bytes).token))
        except timestamp.TimestampError as exc:  # the report still goes out; the missing proof is said
            draft["warnings"].append(f"no trusted timestamp for manifest.json: {exc}")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path, data in extra + sorted(files.items()):
            info = zipfile.ZipInfo(path, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data, compresslevel=9)
    blob = buf.getvalue()
    name = f"laporan-{_safe(draft['platform'])}-{_safe(draft['post_id'])}.zip"
    target = out / name
    tmp = out / f".{name}.tmp"
    tmp.write_bytes(blob)
    os.replace(tmp, target)
    return Package(
        item=draft["item"], path=target, sha256=hashlib.sha256(blob).hexdigest(),
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(), route=route, known_at=known,
        deadline_at=draft["deadline"], late=draft["late"], seconds_left=draft["seconds_left"], files=entries,
        warnings=draft["warnings"],
    )
