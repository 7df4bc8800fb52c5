"""Shift handover (page group "serah-terima", issue 18): what one shift hands to the next. For a window (default:
since the last handover, else the last shift length, PANTAU_SHIFT_HOURS) it shows open items, items whose 7-day
reporting deadline passes within 24/48 h, claims held, decisions made in the window, near-copy clusters that grew and time-to-first-review figures against the team's target (PANTAU_REVIEW_TARGET_HOURS).
"Serahkan shift" appends a `shift_handovers` row with the figures and its audit entry; the next shift's page opens
with it; each handover (or the live window) downloads as a Markdown report."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from pantau.categories import DECISION_LABELS, STATUS_LABELS
from pantau.referral.register import confirmed_unreferred
from pantau.settings import review_target_hours, shift_hours
from pantau.sla import HANDOVER_DUE_WITHIN_HOURS
from pantau.store.db import Store, StoreError
from pantau.times import WIB, utc_text, wib_text

from .deps import Who, allowed, get_store, one_connection, render

router = APIRouter()
DUE_LISTED = 100  # at most this many due items are listed (all are counted)
NOTE_MAX = 2000


def parse_wib(value: str, field: str) -> datetime | None:
    """A datetime-local value ('2026-12-06T14:00', WIB unless it names an offset) as an aware time; '' -> None."""
    value = value.strip()
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(status_code=400, detail=f"Waktu {field} tidak dikenali: tulis seperti 2026-12-06T14:00 "
                                                    "(WIB).") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=WIB)


def shift_window(store: Store, dari: str, sampai: str, now: datetime) -> tuple[datetime, datetime]:
    """The window asked for; by default from the end of the last handover (or one shift ago) until now."""
    end = parse_wib(sampai, "sampai") or now
    start = parse_wib(dari, "dari")
    if start is None:
        last = store.handover()
        start = last["window_end"] if last and last["window_end"] < end else end - timedelta(hours=shift_hours())
    if start >= end:
        raise HTTPException(status_code=400, detail="Awal shift harus sebelum akhirnya.")
    return start, end


def _within(deadline: datetime, now: datetime, hours: int) -> bool:
    return now < deadline <= now + timedelta(hours=hours)


def shift_figures(store: Store, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    """Everything the handover shows, JSON-ready (stored with a handover): post ids, statuses, regions, usernames
    and counts, no post text or author."""
    target = review_target_hours()
    sla = store.review_sla(start, end, target_hours=target, now=now)
    soon, later = HANDOVER_DUE_WITHIN_HOURS
    counts, pending = store.pending_due(now, DUE_LISTED)
    # confirmed violations without a case (few: each one is a package to build) come from the referral register
    confirmed = [{**u, "status": "confirmed"}
                 for u in confirmed_unreferred(store, due_by=now + timedelta(hours=later))]
    due = sorted(pending + [u for u in confirmed if u["deadline_at"] > now],
                 key=lambda r: (r["deadline_at"], r["platform"], r["post_id"]))[:DUE_LISTED]
    by_reviewer: dict[str, dict[str, int]] = {}
    for r in store.decisions_between(start, end):
        by_reviewer.setdefault(r["reviewer"], {})[r["decision"]] = r["n"]
    return {
        "window": {"start": utc_text(start), "end": utc_text(end)},
        "generated_at": utc_text(now),
        "review_target_hours": target,
        "open_items": sla.pop("open_items"),
        "first_review_overdue": sla.pop("overdue_now"),
        "sla": {k: v for k, v in sla.items() if k != "target_hours"},
        "due": {"deadline_passed": counts["passed"] + sum(u["deadline_at"] <= now for u in confirmed),
                "within_24h": counts["within_24h"] + sum(_within(u["deadline_at"], now, soon) for u in confirmed),
                "within_48h": counts["within_48h"] + sum(_within(u["deadline_at"], now, later) for u in confirmed),
                "items": [{"platform": r["platform"], "post_id": r["post_id"], "status": r["status"],
                           "region": r["region"], "deadline_at": utc_text(r["deadline_at"])} for r in due]},
        "claims": [{"username": c["username"], "platform": c["platform"], "post_id": c["post_id"],
                    "expires_at": utc_text(c["expires_at"])} for c in store.claims_held(now)],
        "decisions": {"total": sum(n for d in by_reviewer.values() for n in d.values()), "by_reviewer": by_reviewer},
        "clusters": growing_clusters(store, start, end),
    }


def growing_clusters(store: Store, start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Near-copy clusters (`post_clusters`, issue 18 part 1) of 2 posts or more that gained posts captured in the
    window: posts in all, posts new in the window; largest growth first, at most 20."""
    rows = store.query(
        """WITH grown AS (SELECT DISTINCT pc.cluster_id FROM posts p JOIN post_clusters pc USING (platform, post_id)
                          WHERE p.captured_at >= ? AND p.captured_at < ?)
           SELECT pc.cluster_id, count(*) AS members,
                  count(*) FILTER (WHERE p.captured_at >= ? AND p.captured_at < ?) AS new_members
           FROM post_clusters pc JOIN posts p USING (platform, post_id)
           WHERE pc.cluster_id IN (SELECT cluster_id FROM grown)
           GROUP BY pc.cluster_id HAVING count(*) >= 2
           ORDER BY new_members DESC, members DESC, pc.cluster_id LIMIT 20""", [start, end, start, end])
    return [{"cluster_id": str(r["cluster_id"]), "members": r["members"], "new_members": r["new_members"]}
            for r in rows]


def report_markdown(figures: dict[str, Any], handover: dict[str, Any] | None = None) -> str:
    """The handover as a Markdown report (Bahasa Indonesia), from the figures alone."""
    def wib(text: str) -> str:
        return wib_text(datetime.fromisoformat(text.replace("Z", "+00:00"))) if text else "-"

    sla, due, dec = figures["sla"], figures["due"], figures["decisions"]
    lines = ["# Serah terima shift", ""]
    if handover:
        lines += [f"Diserahkan oleh **{md(handover['handed_by'])}** pada {wib_text(handover['handed_at'])} "
                  f"(serah terima #{handover['handover_id']}).", ""]
        if handover.get("note"):
            lines += ["Catatan:", "", *[f"> {md(line)}" for line in handover["note"].splitlines()], ""]
    target = figures["review_target_hours"]
    lines += [f"Shift: {wib(figures['window']['start'])} sampai {wib(figures['window']['end'])}; "
              f"dihitung {wib(figures['generated_at'])}.", "",
              "## Ringkasan", "", "| | jumlah |", "|---|---:|",
              f"| Pos terbuka (baru + perlu informasi) | {figures['open_items']} |",
              f"| Belum ditinjau melewati target {target} jam | {figures['first_review_overdue']} |",
              f"| Batas lapor 7 hari sudah lewat | {due['deadline_passed']} |",
              f"| Batas lapor dalam 24 jam | {due['within_24h']} |",
              f"| Batas lapor dalam 48 jam | {due['within_48h']} |",
              f"| Klaim yang dipegang | {len(figures['claims'])} |",
              f"| Keputusan dalam shift | {dec['total']} |", "",
              f"## Waktu sampai tinjauan pertama (target {target} jam)", "", "| | |", "|---|---:|",
              f"| Pos ditangkap dalam shift | {sla['captured']} |",
              f"| Tinjauan pertama dalam shift | {sla['first_reviews']} |",
              f"| ... dalam target | {sla['within_target']} |",
              f"| Median jam | {hours(sla['median_hours'])} |",
              f"| Persentil 90 jam | {hours(sla['p90_hours'])} |", "",
              "## Batas lapor jatuh tempo dalam 48 jam", ""]
    if due["items"]:
        lines += ["| pos | status | wilayah | batas lapor |", "|---|---|---|---|"]
        lines += [f"| {md(i['platform'])}/{md(i['post_id'])} | {STATUS_LABELS.get(i['status'], i['status'])} | "
                  f"{md(i['region'] or '-')} | {wib(i['deadline_at'])} |" for i in due["items"]]
    else:
        lines.append("Tidak ada.")
    lines += ["", "## Klaim yang dipegang", ""]
    if figures["claims"]:
        lines += ["| pengguna | pos | berakhir |", "|---|---|---|"]
        lines += [f"| {md(c['username'])} | {md(c['platform'])}/{md(c['post_id'])} | {wib(c['expires_at'])} |"
                  for c in figures["claims"]]
    else:
        lines.append("Tidak ada.")
    lines += ["", "## Keputusan dalam shift", ""]
    if dec["by_reviewer"]:
        lines += ["| peninjau | " + " | ".join(DECISION_LABELS.values()) + " |",
                  "|---|" + "---:|" * len(DECISION_LABELS)]
        lines += [f"| {md(r)} | " + " | ".join(str(d.get(k, 0)) for k in DECISION_LABELS) + " |"
                  for r, d in dec["by_reviewer"].items()]
    else:
        lines.append("Tidak ada.")
    lines += ["", "## Klaster pesan serentak yang bertambah", ""]
    if figures["clusters"]:
        lines += [f"- klaster {md(str(c['cluster_id']))}: +{c['new_members']} anggota (jumlah {c['members']})"
                  for c in figures["clusters"]]
    else:
        lines.append("Tidak ada.")
    return "\n".join(lines) + "\n"


def md(text: Any) -> str:
    """Text safe inside a Markdown table cell or line: no pipes, no line breaks, no markup characters."""
    out = str(text).replace("\r", " ").replace("\n", " ")
    for ch in "\\|*_`[]<>#":
        out = out.replace(ch, "\\" + ch)
    return out


def hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}".replace(".", ",")


@router.get("/serah-terima", response_class=HTMLResponse, name="handover")
@one_connection
def handover_page(
    request: Request,
    who: Annotated[Who, Depends(allowed("handover", post=False))],
    store: Annotated[Store, Depends(get_store)],
    dari: str = "", sampai: str = "", tersimpan: str = "",
):
    now = datetime.now(timezone.utc)
    start, end = shift_window(store, dari, sampai, now)
    figures = shift_figures(store, start, end, now)
    details = {(r["platform"], r["post_id"]): r for r in store.pending_due(now, DUE_LISTED)[1]}
    return render(
        request, "handover.html", _who=who, figures=figures, last=store.handover(), details=details,
        start=start, end=end, start_value=f"{start.astimezone(WIB):%Y-%m-%dT%H:%M}",
        end_value=f"{end.astimezone(WIB):%Y-%m-%dT%H:%M}" if sampai else "", hours=hours,
        start_exact=start.astimezone(WIB).isoformat(), end_exact=end.astimezone(WIB).isoformat() if sampai else "",
        saved=tersimpan.isdigit(), iso=lambda t: datetime.fromisoformat(t.replace("Z", "+00:00")),
        default_hours=shift_hours(),
    )


@router.post("/serah-terima", name="handover_record")
@one_connection
def handover_record(
    request: Request,
    who: Annotated[Who, Depends(allowed("handover_record"))],
    store: Annotated[Store, Depends(get_store)],
    dari: Annotated[str, Form()] = "", sampai: Annotated[str, Form()] = "", catatan: Annotated[str, Form()] = "",
):
    if len(catatan) > NOTE_MAX:
        raise HTTPException(status_code=400, detail=f"Catatan terlalu panjang (paling banyak {NOTE_MAX} karakter).")
    now = datetime.now(timezone.utc)
    start, end = shift_window(store, dari, sampai, now)
    _, user = who
    try:
        handover_id = store.record_handover(user["username"], start, end, catatan,
                                            shift_figures(store, start, end, now), now=now)
    except StoreError as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return RedirectResponse(f"/serah-terima?tersimpan={handover_id}", status_code=303)


@router.get("/serah-terima/laporan.md", name="handover_report")
@one_connection
def handover_report(
    request: Request,
    who: Annotated[Who, Depends(allowed("handover_report", post=False))],
    store: Annotated[Store, Depends(get_store)],
    id: str = "", dari: str = "", sampai: str = "",
):
    """A recorded handover (`id`) with its figures as they were, or the live window, as Markdown."""
    _, user = who
    if id:
        handover = store.handover(int(id)) if id.isdigit() else None
        if handover is None:
            raise HTTPException(status_code=404, detail="Serah terima tidak ditemukan.")
        text, name = report_markdown(handover["figures"], handover), f"serah-terima-{handover['handover_id']}.md"
    else:
        now = datetime.now(timezone.utc)
        start, end = shift_window(store, dari, sampai, now)
        text, name = report_markdown(shift_figures(store, start, end, now)), "serah-terima.md"
    store.audit(user["username"], "export", "serah-terima/laporan", {"id": id or None, "dari": dari or None,
                                                                     "sampai": sampai or None})
    return Response(text, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
