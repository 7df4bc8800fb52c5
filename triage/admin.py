"""Monitoring and administration pages: crawl overview for monitors, accounts and their sessions, the audit trail, and
the team's reporter (pelapor) details for report packages (`/pengaturan/pelapor`, admins only, audited)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau.referral.reporter import FIELDS as REPORTER_FIELDS, LABELS as REPORTER_LABELS, OPTIONAL_LABELS, Reporter
from pantau.referral.reporter import ReporterError, load_reporter
from pantau.store.db import Store, StoreError

from .deps import Who, allowed, get_store, one_connection, render
from .referrals import default_reporter, reporter_missing, server_reporter

router = APIRouter()


@router.get("/pemantauan", response_class=HTMLResponse, name="monitoring")
@one_connection
def monitoring(
    request: Request,
    who: Annotated[Who, Depends(allowed("monitoring", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    latest = store.query(
        "SELECT platform, count(*) AS posts, max(captured_at) AS last_capture FROM posts GROUP BY ALL ORDER BY 1")
    return render(request, "monitoring.html", _who=who, counts=store.counts(), latest=latest)


@router.get("/pengguna", response_class=HTMLResponse, name="users")
@one_connection
def users(
    request: Request,
    who: Annotated[Who, Depends(allowed("users", post=False))],
    store: Annotated[Store, Depends(get_store)],
    diakhiri: str = "", n: int = 0):
    ended = {"username": diakhiri, "n": n} if diakhiri else None
    rows = store.query(
        """SELECT u.username, u.role, u.created_at, u.updated_at, count(s.session_hash) AS sessions
           FROM users u LEFT JOIN sessions s ON s.username = u.username AND s.expires_at > now()
           GROUP BY ALL ORDER BY u.username""")
    return render(request, "users.html", _who=who, rows=rows, ended=ended)


@router.post("/pengguna/{username}/akhiri-sesi", name="sessions_end")
@one_connection
def sessions_end(
    request: Request,
    who: Annotated[Who, Depends(allowed("sessions_end"))],
    store: Annotated[Store, Depends(get_store)],
    username: str):
    _, user = who
    try:
        n = store.end_sessions(username, actor=user["username"])
    except StoreError as exc:
        raise HTTPException(status_code=404, detail=f"Sesi tidak diakhiri: {exc}") from None
    return RedirectResponse(f"/pengguna?{urlencode({'diakhiri': username, 'n': n})}", status_code=303)


@router.get("/audit", response_class=HTMLResponse, name="audit")
@one_connection
def audit_page(
    request: Request,
    who: Annotated[Who, Depends(allowed("audit", post=False))],
    store: Annotated[Store, Depends(get_store)],
):
    checked, problems = store.verify_audit()
    rows = store.query("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 100")
    return render(request, "audit.html", _who=who, checked=checked, problems=problems, rows=rows)


# -- the team's reporter (pelapor) details for report packages (pantau.referral.reporter says which source wins) ----

REPORTER_MAX = 300
WITNESSES_MAX = REPORTER_MAX * 4  # the witnesses box holds a list: the form and the page's maxlength use this
Field = Annotated[str, Form(max_length=REPORTER_MAX)]


def _reporter_fields(stored: dict[str, str], server: Reporter | None) -> list[dict[str, Any]]:
    labels = {**REPORTER_LABELS, **OPTIONAL_LABELS}
    out = []
    for key in REPORTER_FIELDS:
        fallback = getattr(server, key) if server is not None else ""
        fallback = "; ".join(fallback) if isinstance(fallback, tuple) else fallback
        out.append({"key": key, "label": labels[key], "required": key in REPORTER_LABELS,
                    "value": stored.get(key, ""), "server": fallback,
                    "max_len": WITNESSES_MAX if key == "witnesses" else REPORTER_MAX})
    return out


@router.get("/pengaturan/pelapor", response_class=HTMLResponse, name="reporter_settings")
@one_connection
def reporter_settings(
    request: Request,
    who: Annotated[Who, Depends(allowed("reporter_settings", post=False))],
    store: Annotated[Store, Depends(get_store)],
    tersimpan: str = "",
):
    stored = store.reporter_details()
    try:
        server, server_error = server_reporter(), None
    except ReporterError as exc:  # a broken server file: said on the page; the app's own values still count
        server, server_error = None, str(exc)
    effective = default_reporter(store) if server is not None else load_reporter(stored=stored)
    return render(request, "reporter_settings.html", _who=who, fields=_reporter_fields(stored, server),
                  missing=reporter_missing(effective), server_error=server_error,
                  saved=tersimpan if tersimpan.isdigit() else "")


@router.post("/pengaturan/pelapor", name="reporter_settings_save")
@one_connection
def reporter_settings_save(
    who: Annotated[Who, Depends(allowed("reporter_settings_save"))],
    store: Annotated[Store, Depends(get_store)],
    name: Field = "", birth_place: Field = "", birth_date: Field = "", sex: Field = "", occupation: Field = "",
    citizenship: Field = "", address: Field = "", phone: Field = "", email: Field = "", organisation: Field = "",
    witnesses: Annotated[str, Form(max_length=WITNESSES_MAX)] = "",
):
    _, user = who
    values = dict(name=name, birth_place=birth_place, birth_date=birth_date, sex=sex, occupation=occupation,
                  citizenship=citizenship, address=address, phone=phone, email=email, organisation=organisation,
                  witnesses=witnesses)
    assert set(values) == set(REPORTER_FIELDS)  # the form and the Reporter name the same fields
    changed = store.set_reporter_details(values, actor=user["username"])
    return RedirectResponse(f"/pengaturan/pelapor?tersimpan={len(changed)}", status_code=303)
