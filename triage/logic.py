"""Pure helpers of the triage app: signal highlighting, agreement statistics, queue cursors, CSV cells, item URLs,
safe links and time labels."""

from __future__ import annotations

import base64
import json
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Sequence
from urllib.parse import quote, urlsplit

from pantau.categories import CATEGORIES

from .post_ids import encode_post_id

from pantau.spreadsheet import csv_cell  # noqa: F401 - the triage exports' cells

WIB = timezone(timedelta(hours=7))


# What each classifier signal means, for reviewers (UI in Bahasa Indonesia), by group. Every signal the
# classifier can emit has a label (tests/test_triage_logic.py checks this against pantau.nlp.signals.SIGNAL_NAMES).
SIGNAL_GROUPS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("asn", "Identitas ASN / pejabat", {
        "asn_role": "Peran/jabatan ASN", "asn_agency": "Instansi pemerintah", "asn_nip": "NIP (18 digit)",
        "village_official": "Kepala/perangkat desa", "security_official": "Anggota TNI/Polri",
        "registry": "Terdaftar di registri akun",
    }),
    ("kampanye", "Keberpihakan / kampanye", {
        "vote_call": "Ajakan memilih", "paslon_number": "Nomor urut paslon", "number_emoji": "Emoji angka (nomor paslon)",
        "number_ref": "Sebutan nomor", "slogan": "Slogan kampanye", "candidate_ref": "Sebutan calon/paslon",
        "rally": "Kampanye/deklarasi", "campaign_team": "Tim pemenangan/relawan", "attack_rival": "Menyerang lawan",
        "all_in": "Dukungan total", "party": "Partai politik", "gesture_photo": "Pose/gestur simbol",
        "party_registration": "Mendaftar ke partai", "state_facility": "Fasilitas negara",
        "campaign_attribute": "Atribut kampanye", "campaign_interaction": "Interaksi dengan konten kampanye",
    }),
    ("penyangkal", "Penanda bukan pelanggaran", {
        "non_asn_role": "Peran bukan ASN", "relative_role": "Peran kerabat penulis", "other_role": "Peran orang lain (disebut/disapa)",
        "news_report": "Pemberitaan", "report_tip": "Laporan/aduan", "civic_neutral": "Ajakan netral (pemilu)",
        "neutrality_pledge": "Ikrar/pernyataan netral", "lookalike": "Mirip tapi bukan kampanye", "quotation": "Kutipan",
    }),
    ("lain", "Lainnya", {"manual_intake": "Laporan masuk manual"}),
)
SIGNAL_LABELS: dict[str, str] = {name: label for _, _, names in SIGNAL_GROUPS for name, label in names.items()}
_SIGNAL_GROUP: dict[str, str] = {name: key for key, _, names in SIGNAL_GROUPS for name in names}
SOURCE_LABELS = {"text": "teks", "bio": "bio"}


def signal_label(name: str) -> str:
    """The reviewer-facing label of a signal name (the name itself when unknown, e.g. from a newer model)."""
    return SIGNAL_LABELS.get(name, name)


def group_signals(signals: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Signals grouped for the item page: [{"key", "title", "items": [{"name", "label", "source", "text"}]}], in
    group order, unknown names under "Lainnya"; empty groups left out."""
    groups = {key: {"key": key, "title": title, "items": []} for key, title, _ in SIGNAL_GROUPS}
    for s in signals:
        name = str(s.get("name", ""))
        source = str(s.get("source", "text"))
        groups[_SIGNAL_GROUP.get(name, "lain")]["items"].append(
            {"name": name, "label": signal_label(name), "source": SOURCE_LABELS.get(source, source),
             "text": str(s.get("text", ""))})
    return [g for g in groups.values() if g["items"]]


def highlight_segments(text: str, signals: Iterable[dict[str, Any]], source: str = "text") -> list[dict[str, Any]]:
    """Split `text` into segments, marking the spans of the signals found in `source`.

    Spans that fall outside the text, do not match their recorded text, or overlap an earlier span are skipped,
    so a wrong offset can never cut the text apart. The template escapes every segment.
    """
    spans = []
    for s in signals:
        if s.get("source", "text") != source:
            continue
        try:
            start, end = int(s["start"]), int(s["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if not (0 <= start < end <= len(text)):
            continue
        if s.get("text") and text[start:end] != s["text"]:
            continue
        spans.append((start, end, str(s.get("name", ""))))
    spans.sort()
    segments: list[dict[str, Any]] = []
    pos = 0
    for start, end, name in spans:
        if start < pos:
            continue
        if start > pos:
            segments.append({"text": text[pos:start], "signal": None})
        segments.append({"text": text[start:end], "signal": name})
        pos = end
    if pos < len(text):
        segments.append({"text": text[pos:], "signal": None})
    return segments


def agreement(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Percent agreement and Cohen's kappa for (first rater, second rater) label pairs."""
    n = len(pairs)
    if n == 0:
        return {"n": 0, "percent": None, "kappa": None}
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    expected = sum(first[k] * second[k] for k in set(first) | set(second)) / (n * n)
    kappa = None if expected == 1 else (observed - expected) / (1 - expected)
    return {"n": n, "percent": 100.0 * observed, "kappa": kappa, "first_kinds": sorted(first)}


def kappa_note(result: dict[str, Any]) -> str | None:
    """Why a kappa is not meaningful, in words, or None. Kappa corrects agreement for chance over the kinds of decision
    the first rater made; when only one kind is ever checked twice (only violations, by the four-eyes rule, e.g. with
    PANTAU_DOUBLE_CHECK_RATE=0 or before any sampled decision was checked), the chance agreement equals the observed
    one and kappa is 0 or undefined whatever the reviewers do."""
    if not result["n"]:
        return "Belum ada pasangan keputusan."
    if len(result["first_kinds"]) < 2:
        return ("Kappa tidak bermakna di sini: semua keputusan yang diperiksa kedua kalinya berjenis sama, sehingga "
                "kesepakatan karena kebetulan sama dengan kesepakatan yang terlihat. Lihat persentase kesepakatan dan "
                "matriks; kappa bermakna setelah keputusan lain dari sampel periksa ulang juga diperiksa "
                "(PANTAU_DOUBLE_CHECK_RATE lebih dari 0, halaman Periksa ulang).")
    if result["n"] < 20:
        return f"Hanya {result['n']} pasangan: kappa masih sangat tidak pasti."
    return None


def encode_cursor(row: dict[str, Any]) -> str:
    """The keyset cursor after `row`. The deadline is kept as text that DuckDB casts back (`CAST(? AS TIMESTAMPTZ)`):
    DuckDB returns a time Python cannot hold (after year 9999) as a string, and such a row must still page."""
    deadline = row["deadline_at"]
    data = [deadline.isoformat() if isinstance(deadline, datetime) else str(deadline), row["score"], row["platform"],
            row["post_id"]]
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, float, str, str] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        deadline, score, platform, post_id = json.loads(raw)
        return str(deadline), float(score), str(platform), str(post_id)
    except (ValueError, TypeError):
        return None


def item_path(platform: str, post_id: str, action: str = "") -> str:
    """The item page's path (plus `/action`), each id percent-encoded whole: a `/` in a post id (every Telegram post,
    `channel/1008`) becomes `%2F`, so `../../ekspor.csv` stays one path segment and never climbs out of `/pos/`.
    The routes take the id as `{post_id:post_id}` (triage/post_ids.py, which also carries `.` and `..`)."""
    return f"/pos/{quote(str(platform), safe='')}/{encode_post_id(post_id)}" + (f"/{action}" if action else "")


def package_path(platform: str, post_id: str) -> str:
    """The path of an item's referral package download (its own prefix: no post id can turn an item URL into it)."""
    return f"/paket/{quote(str(platform), safe='')}/{encode_post_id(post_id)}"


def http_url(url: Any) -> str | None:
    """`url` when it is an absolute http(s) URL with a host, else None: a post's URL is untrusted input and is only
    ever rendered as a link through this (never `javascript:`, `data:` or a relative path)."""
    if not isinstance(url, str):
        return None
    text = url.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(c in text for c in "\x00\r\n\t"):
        return None
    return text


def time_left(deadline: Any, now: datetime | None = None) -> dict[str, Any]:
    """Label and severity for the time left to the 7-day reporting deadline. Any stored value is shown: DuckDB
    returns a time after year 9999 as text, which gets the label "di luar jangkauan"."""
    if deadline is None:
        return {"label": "-", "level": "unknown"}
    if not isinstance(deadline, datetime):
        return {"label": "di luar jangkauan", "level": "unknown"}
    now = now or datetime.now(timezone.utc)
    try:
        hours = (deadline - now).total_seconds() / 3600
    except (OverflowError, TypeError):
        return {"label": "di luar jangkauan", "level": "unknown"}
    if hours <= 0:
        return {"label": "Kedaluwarsa", "level": "expired"}
    label = f"{int(hours // 24)} hari {int(hours % 24)} jam" if hours >= 24 else f"{int(hours)} jam"
    return {"label": label, "level": "urgent" if hours < 48 else "ok"}


def to_wib(dt: Any) -> str:
    """A time in WIB (UTC+7); a value Python cannot shift (near year 9999, or text from DuckDB) is shown as stored."""
    if dt is None:
        return "-"
    if not isinstance(dt, datetime):
        return f"{dt} (UTC)"
    try:
        return dt.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
    except (OverflowError, ValueError):
        return f"{dt.isoformat()} (UTC)"


def suggested_reasons(signal_groups: list[dict[str, Any]], category: str | None) -> dict[str, str]:
    """A draft reason per decision, written from the item's evidence (the reviewer edits it): the identity and act
    spans the classifier found, or what is missing. Filled in when a decision is chosen and the reason is empty."""
    def spans(key: str) -> str:
        items = next((g["items"] for g in signal_groups if g["key"] == key), [])
        seen: dict[str, str] = {}
        for s in items:
            seen.setdefault(s["label"], s["text"])
        return "; ".join(f'{label} "{text[:60]}"' for label, text in list(seen.items())[:3])
    identity, act, lawful = spans("asn"), spans("kampanye"), spans("penyangkal")
    violation = []
    if identity:
        violation.append(f"Identitas: {identity}.")
    if act:
        violation.append(f"Tindakan: {act}.")
    if category:
        violation.append(f"Kategori: {CATEGORIES.get(category, category)}.")
    if not identity:
        not_violation = "Identitas ASN tidak terlihat pada akun ini."
    elif not act:
        not_violation = "Tidak ada tindakan keberpihakan."
    else:
        not_violation = "Bukan ajakan/dukungan dari ASN" + (f" ({lawful})." if lawful else ".")
    return {
        "violation": " ".join(violation) or "Unsur identitas ASN dan tindakan keberpihakan terpenuhi.",
        "not_violation": not_violation,
        "needs_info": ("Perlu memastikan identitas ASN akun ini (bio, instansi, NIP)." if not identity else
                       "Perlu memastikan waktu dan konteks unggahan."),
        "duplicate": "Pesan yang sama sudah ditinjau pada pos lain.",
    }
