"""Triage web app v0 (FastAPI + Jinja2, UI in Bahasa Indonesia).

One view per page: login, queue, item, decision. Reads use short-lived read-only
connections; the one write (a decision) goes through pantau.store.db.Store.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pantau.categories import CATEGORIES, DECISION_LABELS
from pantau.store.db import DECISIONS, Store, StoreError

from .security import SECURITY_HEADERS, SESSION_COOKIE, SESSION_MAX_AGE, Session, SessionSigner, csrf_ok, secret_from_env

HERE = Path(__file__).parent
PAGE_SIZE = 50
WIB_OFFSET_HOURS = 7


def create_app(db_path: str | Path, *, secret: bytes | None = None) -> FastAPI:
    store = Store(db_path)
    store.init()
    signer = SessionSigner(secret or secret_from_env())
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(categories=CATEGORIES, decision_labels=DECISION_LABELS)
    templates.env.filters.update(time_left=time_left, wib=to_wib)

    app = FastAPI(title="pantau triage", docs_url=None, redoc_url=None, openapi_url=None)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def session_of(request: Request) -> Session | None:
        return signer.loads(request.cookies.get(SESSION_COOKIE))

    def require_session(request: Request) -> Session:
        session = session_of(request)
        if session is None:
            raise HTTPException(status_code=303, headers={"Location": f"/masuk?next={quote(request.url.path)}"})
        return session

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        return templates.TemplateResponse(request, name, {"session": session_of(request), **ctx}, status_code=status)

    @app.get("/masuk", response_class=HTMLResponse)
    def login_form(request: Request, next: str = "/"):
        return render(request, "login.html", next=_safe_next(next))

    @app.post("/masuk")
    def login(request: Request, name: Annotated[str, Form(max_length=80)] = "", next: Annotated[str, Form()] = "/"):
        name = name.strip()
        if not name:
            return render(request, "login.html", status=400, next=_safe_next(next), error="Nama peninjau wajib diisi.")
        response = RedirectResponse(_safe_next(next), status_code=303)
        response.set_cookie(
            SESSION_COOKIE, signer.dumps(name), max_age=SESSION_MAX_AGE, httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    @app.post("/keluar")
    def logout(request: Request, csrf_token: Annotated[str, Form()] = ""):
        session = require_session(request)
        if not csrf_ok(session, csrf_token):
            raise HTTPException(status_code=403, detail="Token CSRF tidak valid.")
        response = RedirectResponse("/masuk", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", response_class=HTMLResponse)
    def queue(request: Request, page: int = 1):
        require_session(request)
        page = max(page, 1)
        rows = store.query(
            f"""SELECT platform, post_id, text, author_handle, author_name, region, score, category,
                       captured_at, deadline_at, last_decision
                FROM triage_queue ORDER BY deadline_at ASC, score DESC, platform, post_id
                LIMIT {PAGE_SIZE + 1} OFFSET {(page - 1) * PAGE_SIZE}"""
        )
        total = store.scalar("SELECT count(*) FROM triage_queue")
        return render(
            request, "queue.html", rows=rows[:PAGE_SIZE], page=page, has_next=len(rows) > PAGE_SIZE, total=total
        )

    @app.get("/pos/{platform}/{post_id}", response_class=HTMLResponse)
    def item(request: Request, platform: str, post_id: str):
        require_session(request)
        rows = store.query(
            """SELECT p.*, c.score, c.flagged, c.category, c.signals, c.model_version, c.classified_at,
                      p.captured_at + INTERVAL 7 DAY AS deadline_at
               FROM posts p LEFT JOIN latest_classification c USING (platform, post_id)
               WHERE p.platform = ? AND p.post_id = ?""",
            [platform, post_id],
        )
        if not rows:
            raise HTTPException(status_code=404, detail="Pos tidak ditemukan.")
        post = rows[0]
        post["signals"] = json.loads(post["signals"]) if post.get("signals") else []
        decisions = store.query(
            "SELECT * FROM decisions WHERE platform = ? AND post_id = ? ORDER BY decision_id DESC",
            [platform, post_id],
        )
        return render(request, "item.html", post=post, decisions=decisions, decision_codes=DECISIONS)

    @app.post("/pos/{platform}/{post_id}/keputusan")
    def decide(
        request: Request,
        platform: str,
        post_id: str,
        decision: Annotated[str, Form()] = "",
        reason: Annotated[str, Form(max_length=2000)] = "",
        duplicate_of: Annotated[str, Form(max_length=200)] = "",
        csrf_token: Annotated[str, Form()] = "",
    ):
        session = require_session(request)
        if not csrf_ok(session, csrf_token):
            raise HTTPException(status_code=403, detail="Token CSRF tidak valid.")
        try:
            store.record_decision(
                platform, post_id, decision, reviewer=session.user, reason=reason.strip() or None,
                duplicate_of=duplicate_of.strip() or None,
            )
        except StoreError as exc:
            raise HTTPException(status_code=400, detail=str(exc)) from None
        nxt = store.query(
            """SELECT platform, post_id FROM triage_queue
               WHERE NOT (platform = ? AND post_id = ?)
               ORDER BY deadline_at ASC, score DESC, platform, post_id LIMIT 1""",
            [platform, post_id],
        )
        target = f"/pos/{quote(nxt[0]['platform'])}/{quote(nxt[0]['post_id'])}" if nxt else "/"
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (301, 302, 303, 307):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        return render(request, "error.html", status=exc.status_code, message=exc.detail)

    return app


def _safe_next(target: str) -> str:
    """Only same-site relative paths are allowed as a post-login redirect."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def time_left(deadline: datetime | None, now: datetime | None = None) -> dict[str, Any]:
    """Label and severity for the time left to the 7-day reporting deadline."""
    if deadline is None:
        return {"label": "-", "level": "unknown"}
    now = now or datetime.now(timezone.utc)
    hours = (deadline - now).total_seconds() / 3600
    if hours <= 0:
        return {"label": "Kedaluwarsa", "level": "expired"}
    label = f"{int(hours // 24)} hari {int(hours % 24)} jam" if hours >= 24 else f"{int(hours)} jam"
    return {"label": label, "level": "urgent" if hours < 48 else "ok"}


def to_wib(dt: datetime | None) -> str:
    if dt is None:
        return "-"
    from datetime import timedelta

    return (dt.astimezone(timezone(timedelta(hours=WIB_OFFSET_HOURS)))).strftime("%d-%m-%Y %H:%M WIB")
