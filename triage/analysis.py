"""Figures for supervisors and analysts (page group "analisis"): reviewer agreement, queue statistics, the analysis
charts (weekly flags per region, the map of flags per province, categories, deadline compliance) and the CSV export
of confirmed violations."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from pantau.categories import CATEGORIES
from pantau.deadline import REPORTING_DEADLINE_DAYS
from pantau.review import DECISIONS
from pantau.store.db import Store

from . import charts, choropleth
from .deps import Who, allowed, get_store, one_connection, render
from .logic import agreement, csv_cell, kappa_note

router = APIRouter()


@router.get("/kesepakatan", response_class=HTMLResponse, name="agreement")
@one_connection
def agreement_page(
    request: Request,
    who: Annotated[Who, Depends(allowed("agreement", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    rows = store.query(
        """SELECT d.decision AS first, f.decision AS second, d.reviewer, f.supervisor
           FROM confirmations f JOIN decisions d USING (decision_id)"""
    )
    overall = agreement([(r["first"], r["second"]) for r in rows])
    by_reviewer = []
    for reviewer in sorted({r["reviewer"] for r in rows}):
        pairs = [(r["first"], r["second"]) for r in rows if r["reviewer"] == reviewer]
        by_reviewer.append({"reviewer": reviewer, **agreement(pairs)})
    matrix: dict[tuple[str, str], int] = {}
    for r in rows:
        matrix[(r["first"], r["second"])] = matrix.get((r["first"], r["second"]), 0) + 1
    return render(request, "agreement.html", _who=who, overall=overall, by_reviewer=by_reviewer, matrix=matrix,
                  codes=DECISIONS, kappa_note=kappa_note(overall))


@router.get("/statistik", response_class=HTMLResponse, name="stats")
@one_connection
def stats(
    request: Request,
    who: Annotated[Who, Depends(allowed("stats", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    by_status = store.query("SELECT status, count(*) AS n FROM queue_items GROUP BY ALL ORDER BY n DESC")
    by_region = store.query(
        "SELECT region, count(*) AS n FROM queue_items GROUP BY ALL ORDER BY n DESC, region LIMIT 30")
    by_category = store.query("SELECT category, count(*) AS n FROM queue_items GROUP BY ALL ORDER BY n DESC")
    return render(request, "stats.html", _who=who, counts=store.counts(), by_status=by_status,
                  by_region=by_region, by_category=by_category)


def _analysis_filters(dari: str, sampai: str, wilayah: str, platform: str, kategori: str):
    """The /analisis filters as SQL over v_flags_weekly (`flags`) and over the cases of the compliance chart (`cases`,
    by the post's region and platform and the item's category; the dates apply to flags only)."""
    flags, cases, params, case_params = [], [], [], []
    for name, value in (("dari", dari), ("sampai", sampai)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise HTTPException(status_code=400, detail=f"Tanggal {name} tidak valid: tulis TTTT-BB-HH.") from None
    if dari:
        flags.append("week_start >= date_trunc('week', CAST(? AS DATE))")
        params.append(dari)
    if sampai:
        flags.append("week_start <= CAST(? AS DATE)")
        params.append(sampai)
    for column, value in (("region", wilayah), ("platform", platform), ("category", kategori)):
        if value:
            flags.append(f"{column} = ?")
            params.append(value)
            cases.append(f"{'qi.category' if column == 'category' else 'p.' + column} = ?")
            case_params.append(value)
    return (" AND ".join(flags) or "TRUE", params, " AND ".join(cases) or "TRUE", case_params)


def _analysis_data(store: Store, filters: tuple) -> dict[str, Any]:
    where, params, case_where, case_params = filters
    flags = store.query(
        f"""SELECT week_start, region, category, sum(flagged) AS flagged FROM v_flags_weekly WHERE {where}
            GROUP BY ALL""", params)
    weekly = charts.weekly_by_region(flags, top=ANALYSIS_TOP_REGIONS, weeks=ANALYSIS_WEEKS)
    by_category: dict[str | None, int] = {}
    for r in flags:
        by_category[r["category"]] = by_category.get(r["category"], 0) + int(r["flagged"])
    category_rows = [
        (CATEGORIES.get(code, code) if code else "(tanpa kategori)", n)
        for code, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0] or ""))
    ]
    found = {r["state"]: int(r["n"]) for r in store.query(_COMPLIANCE_SQL.format(where=case_where), case_params)}
    compliance_rows = [(label, found.get(state, 0)) for state, label, _ in COMPLIANCE_STATES]
    return {"weekly": weekly, "category_rows": category_rows, "compliance_rows": compliance_rows,
            "by_province": choropleth.count_by_province(flags)}


@router.get("/analisis", response_class=HTMLResponse, name="analysis")
@one_connection
def analysis(
    request: Request,
    who: Annotated[Who, Depends(allowed("analysis", post=False))],
    store: Annotated[Store, Depends(get_store)],
    dari: str = "", sampai: str = "", wilayah: str = "", platform: str = "", kategori: str = "",
):
    data = _analysis_data(store, _analysis_filters(dari, sampai, wilayah, platform, kategori))
    weekly, category_rows, compliance_rows = data["weekly"], data["category_rows"], data["compliance_rows"]
    by_province = data["by_province"]
    province_rows = choropleth.province_rows(by_province)
    chosen = {"dari": dari, "sampai": sampai, "wilayah": wilayah, "platform": platform, "kategori": kategori}
    facets = request.app.state.facets.get(store)
    return render(
        request, "analysis.html", _who=who, weekly=weekly, chosen=chosen, facets=facets,
        query_string=urlencode({k: v for k, v in chosen.items() if v}),
        weekly_svg=charts.stacked_bar_chart(
            "grafik-mingguan", "Tanda per minggu per wilayah", weekly["weeks"], weekly["series"],
            colours=weekly["colours"]),
        map_svg=choropleth.choropleth("peta-provinsi", "Tanda per provinsi", by_province["areas"],
                                      not_placed=sum(by_province["not_placed"].values())),
        province_rows=[(p if area == p or not area else f"{p} (di peta: {area})", n) for p, area, n in province_rows],
        province_total=by_province["total"], not_placed_note=choropleth.not_placed_note(by_province),
        category_rows=category_rows, category_total=sum(n for _, n in category_rows),
        category_svg=charts.horizontal_bar_chart("grafik-kategori", "Komposisi kategori", category_rows),
        compliance_rows=compliance_rows, compliance_total=sum(n for _, n in compliance_rows),
        compliance_svg=charts.horizontal_bar_chart(
            "grafik-tenggat", "Kepatuhan tenggat", compliance_rows,
            colours=[c for _, _, c in COMPLIANCE_STATES], unit="kasus"),
        weeks_shown=ANALYSIS_WEEKS, top_regions=ANALYSIS_TOP_REGIONS, deadline_days=REPORTING_DEADLINE_DAYS,
    )


CHART_TABLES = {"mingguan", "provinsi", "kategori", "tenggat"}


@router.get("/analisis/{grafik}.csv", name="analysis_csv")
@one_connection
def analysis_csv(
    request: Request,
    grafik: str,
    who: Annotated[Who, Depends(allowed("analysis_csv", post=False))],
    store: Annotated[Store, Depends(get_store)],
    dari: str = "", sampai: str = "", wilayah: str = "", platform: str = "", kategori: str = "",
):
    """The numbers of one chart of /analisis, with the same filters, as CSV."""
    if grafik not in CHART_TABLES:
        raise HTTPException(status_code=404, detail="Grafik tidak dikenal: mingguan, provinsi, kategori atau tenggat.")
    data = _analysis_data(store, _analysis_filters(dari, sampai, wilayah, platform, kategori))
    out = io.StringIO()
    writer = csv.writer(out)
    if grafik == "mingguan":
        weekly = data["weekly"]
        writer.writerow(["minggu", *[label for label, _ in weekly["series"]], "jumlah"])
        for i, week in enumerate(weekly["weeks"]):
            writer.writerow([week, *[values[i] for _, values in weekly["series"]], weekly["totals"][i]])
    elif grafik == "provinsi":  # every province of the office table, with flags or not, and the flags not placed
        writer.writerow(["provinsi", "wilayah_peta", "jumlah"])
        writer.writerows([csv_cell(p), csv_cell(area), n]
                         for p, area, n in choropleth.province_rows(data["by_province"], all_provinces=True))
    else:
        rows = data["category_rows"] if grafik == "kategori" else data["compliance_rows"]
        writer.writerow(["kategori" if grafik == "kategori" else "keadaan", "jumlah"])
        writer.writerows([csv_cell(label), n] for label, n in rows)
    _, user = who
    store.audit(user["username"], "export", f"analisis/{grafik}", {"filters": {
        k: v for k, v in (("dari", dari), ("sampai", sampai), ("wilayah", wilayah), ("platform", platform),
                          ("kategori", kategori)) if v}})
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="analisis-{grafik}.csv"'})


@router.get("/ekspor.csv", name="export")
@one_connection
def export(
    request: Request,
    who: Annotated[Who, Depends(allowed("export", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    _, user = who
    rows = store.query(
        """SELECT qi.platform, qi.post_id, p.url, p.author_handle, p.author_name, p.region, p.created_at,
                  p.captured_at, qi.deadline_at, p.raw_sha256, qi.category, qi.score, d.reviewer, d.reason,
                  f.supervisor, f.confirmed_at
           FROM queue_items qi JOIN posts p USING (platform, post_id)
           JOIN decisions d ON d.decision_id = qi.last_decision_id
           JOIN confirmations f ON f.decision_id = d.decision_id
           WHERE qi.status = 'confirmed' ORDER BY qi.deadline_at"""
    )
    store.audit(user["username"], "export", "confirmed_violations", {"rows": len(rows)})
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["platform", "post_id", "url", "author_handle", "author_name", "region", "created_at", "captured_at",
              "deadline_at", "raw_sha256", "category", "score", "reviewer", "reason", "supervisor", "confirmed_at"]
    writer.writerow(header)
    for r in rows:
        writer.writerow([csv_cell(r[h]) for h in header])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="pelanggaran-terkonfirmasi.csv"'})


ANALYSIS_WEEKS = 12  # the weekly chart shows this many ISO weeks, ending with the latest week with flags
ANALYSIS_TOP_REGIONS = 6  # regions shown by name; the rest are summed as "Lainnya"
# Deadline compliance of cases (confirmed violations and referral cases), in chart order: (state, label, colour).
COMPLIANCE_STATES = (
    ("sent_on_time", "Dikirim ke Bawaslu dalam tenggat", "#009E73"),
    ("sent_late", "Dikirim ke Bawaslu terlambat", "#E69F00"),
    ("open_on_time", "Belum dikirim, masih dalam tenggat", "#0072B2"),
    ("open_overdue", "Belum dikirim, lewat tenggat", "#D55E00"),
    ("closed_unsent", "Ditutup tanpa dikirim", "#9E9E9E"),
)
# A case is a confirmed violation or a post with a referral case. Its deadline is queue_items.deadline_at, or the
# reporting_deadline() macro over the post's first capture when it is not in queue_items; "sent" is the case's
# sent_at (set when a case leaves draft); a case without a known deadline counts as late/overdue.
_COMPLIANCE_SQL = """
WITH cases AS (
    SELECT platform, post_id FROM queue_items WHERE status = 'confirmed'
    UNION
    SELECT platform, post_id FROM referrals
), refs AS (
    SELECT platform, post_id, min(sent_at) AS sent_at, bool_and(status = 'closed') AS closed
    FROM referrals GROUP BY platform, post_id
), timed AS (
    SELECT c.platform, c.post_id, r.sent_at, coalesce(r.closed, false) AS closed,
           coalesce(qi.deadline_at, reporting_deadline(p.captured_at)) AS deadline_at
    FROM cases c
    LEFT JOIN refs r ON r.platform = c.platform AND r.post_id = c.post_id
    LEFT JOIN queue_items qi ON qi.platform = c.platform AND qi.post_id = c.post_id
    LEFT JOIN posts p ON p.platform = c.platform AND p.post_id = c.post_id
    WHERE {where}
)
SELECT CASE WHEN sent_at IS NOT NULL AND sent_at <= deadline_at THEN 'sent_on_time'
            WHEN sent_at IS NOT NULL THEN 'sent_late'
            WHEN closed THEN 'closed_unsent'
            WHEN now() < deadline_at THEN 'open_on_time'
            ELSE 'open_overdue' END AS state,
       count(*) AS n
FROM timed GROUP BY ALL
"""
