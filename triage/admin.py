"""Monitoring and administration pages: crawl overview for monitors, accounts and their sessions, the audit trail."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau.store.db import Store, StoreError

from .deps import Who, allowed, get_store, one_connection, render

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
