"""Triage web app (FastAPI + Jinja2, UI in Bahasa Indonesia): `create_app` puts the store, the session checks and the
renderer on `app.state` and includes one APIRouter per page group:

* triage/login.py (masuk, keluar, landing pages), triage/queue.py (antrean), triage/item.py (pos, lepas, catatan),
  triage/decisions.py (keputusan, konfirmasi, buka kembali, batalkan), triage/checks.py (periksa ulang),
  triage/referrals.py (rujukan), triage/intake.py
  (masukan manual), triage/capture.py (tangkap, API token), triage/analysis.py (kesepakatan, statistik, analisis,
  ekspor), triage/admin.py (pemantauan, pengguna, audit), triage/shifts.py (serah terima shift).

Who may use which route is data (triage/roles.py, checked on every route); CSRF on every state change; a login rate
limit; server-side sessions. Every write goes through pantau.store.db.Store, which keeps the hash-chained audit trail.
"""

from __future__ import annotations

import logging
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pantau.categories import CATEGORIES, CHECKLIST, COUNT_LABELS, DECISION_LABELS, STATUS_LABELS
from pantau.proc import Foreground, background_thread
from pantau.settings import double_check_rate, review_target_hours
from pantau.store.db import Store

from .admin import router as admin_router
from .analysis import COMPLIANCE_STATES, router as analysis_router  # noqa: F401 (COMPLIANCE_STATES: tests)
from .capture import router as capture_router
from .checks import router as checks_router
from .clusters import router as clusters_router
from .decisions import router as decisions_router
from .intake import intake_settings, router as intake_router
from .item import CHECKLIST_KEYS, DECISION_KEYS, router as item_router
from .login import router as login_router
from .logic import http_url, item_path, package_path, signal_label, time_left, to_wib
from .queue import FacetCache, router as queue_router
from .referrals import referral_settings, router as referrals_router
from .roles import (  # noqa: F401 (re-exported: the role matrix tests import them from here)
    LANDING,
    NAV,
    PUBLIC_ROUTES,
    ROLE_LABELS,
    ROUTE_ROLES,
)
from .security import SECURITY_HEADERS, SESSION_COOKIE, LoginLimiter, Session, SessionSigner, csrf_ok, secret_from_env
from .shifts import router as shifts_router

HERE = Path(__file__).parent

log = logging.getLogger(__name__)
INBOX_POLL_SECONDS = 1.0
# The drainer gives way to pages (pantau.proc.Foreground): each of the three steps of storing a batch waits until no
# request has been served for GIVE_WAY_QUIET seconds, for at most GIVE_WAY_MAX seconds. While one client asked for
# pages back to back at 14M posts, the app stored 2,400 handed-over posts/s instead of 8,500, and the pages' p95
# during that hand-over fell (docs/triage.md); with pages a few seconds apart the drainer hardly waits.
GIVE_WAY_QUIET = 0.05
GIVE_WAY_MAX = 1.0


class InboxDrainer:
    """While the app runs it owns the DuckDB file; this thread stores the batches flows leave in its inbox."""

    def __init__(self, store: Store, interval: float = INBOX_POLL_SECONDS):
        self.store = store
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pantau-inbox", daemon=True)

    def start(self) -> None:
        self.store.own()
        self.store.drain_inbox()
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread (it ends between two batch files), store what is left in the inbox, let the file go.

        The thread must be gone before the connection closes: closing it under a running statement aborted the
        process ("terminate called without an active exception", seen when a backlog of 67 batches kept the
        thread busy past a 30 s join)."""
        self._stop.set()
        self._thread.join()
        self.store.drain_inbox()
        self.store.disown()

    def _run(self) -> None:
        # Below the request threads: storing a batch is never waited for, a page is (bench.triage_latency at 10M
        # posts while 10,000 posts/s are handed over: see docs/store.md)
        background_thread()
        while not self._stop.wait(self.interval):
            try:
                done = self.store.drain_inbox(stop=self._stop.is_set)
                if done["files"] or done["failed"]:
                    log.info("inbox: %s", done)
            except Exception:  # keep draining on the next tick; the batch files stay in the inbox
                log.exception("inbox drain failed")


def create_app(
    db_path: str | Path,
    *,
    secret: bytes | None = None,
    limiter: LoginLimiter | None = None,
    inbox_interval: float = INBOX_POLL_SECONDS,
    intake: dict[str, Any] | None = None,
    referrals: dict[str, Any] | None = None,
) -> FastAPI:
    """The triage app. Run with lifespan (uvicorn, `with TestClient(app)`), it owns the database file for its
    whole life and stores what flows hand over through the inbox; without lifespan every request opens the file."""
    store = Store(db_path)
    store.init()
    store.set_review_target(review_target_hours())  # the team's first-review target, for SQL (v_review_sla)
    signer = SessionSigner(secret or secret_from_env())
    limiter = limiter or LoginLimiter()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        categories=CATEGORIES, decision_labels=DECISION_LABELS, status_labels=STATUS_LABELS, role_labels=ROLE_LABELS,
        decision_keys=DECISION_KEYS, checklist=CHECKLIST, checklist_keys=CHECKLIST_KEYS, item_url=item_path,
        package_url=package_path, count_labels=COUNT_LABELS,
        double_check_rate=double_check_rate(),  # the sample a second reviewer checks (agreement, periksa ulang)
    )
    templates.env.filters.update(time_left=time_left, wib=to_wib, signal_label=signal_label, http_url=http_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        drainer = InboxDrainer(store, inbox_interval)
        drainer.start()
        try:
            yield
        finally:
            drainer.stop()

    app = FastAPI(title="pantau triage", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.store = store
    app.state.facets = FacetCache()
    app.state.signer, app.state.limiter = signer, limiter
    app.state.route_roles = ROUTE_ROLES

    foreground = Foreground(GIVE_WAY_QUIET, GIVE_WAY_MAX)
    store.give_way_to(foreground)

    @app.middleware("http")
    async def pages_first(request: Request, call_next):
        with foreground.serving():
            return await call_next(request)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for k, v in SECURITY_HEADERS.items():
            response.headers.setdefault(k, v)
        return response

    def current_user(request: Request) -> tuple[Session, dict[str, Any]] | None:
        session = signer.loads(request.cookies.get(SESSION_COOKIE))
        if session is None:
            return None
        user = store.session_user(session.sid, session.user)  # ended (logout, password, removal) or expired: None
        return (session, user) if user is not None else None

    def need(request: Request, route: str) -> tuple[Session, dict[str, Any]]:
        found = current_user(request)
        if found is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise HTTPException(status_code=303, headers={"Location": f"/masuk?next={quote(target)}"})
        if found[1]["role"] not in ROUTE_ROLES[route]:
            raise HTTPException(status_code=403, detail="Peran Anda tidak diizinkan membuka halaman ini.")
        return found

    def need_post(request: Request, route: str, token: str) -> tuple[Session, dict[str, Any]]:
        session, user = need(request, route)
        if not csrf_ok(session, token):
            raise HTTPException(status_code=403, detail="Token CSRF tidak valid.")
        return session, user

    app.state.need, app.state.need_post = need, need_post  # for the routers' dependencies (triage/deps.py)

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        found = ctx.pop("_who", None) or current_user(request)
        session, user = found if found else (None, None)
        nav = [(path, label) for route, path, label in NAV if user and user["role"] in ROUTE_ROLES[route]]
        return templates.TemplateResponse(
            request, name, {"session": session, "user": user, "nav": nav, **ctx}, status_code=status
        )

    app.state.render = render
    for router in (login_router, queue_router, item_router, analysis_router, admin_router):
        app.include_router(router)
    app.state.intake = intake_settings(**(intake or {}))
    app.state.referral = referral_settings(store, **(referrals or {}))
    app.state.referral_dir = app.state.referral.folder
    for router in (intake_router, referrals_router):
        app.include_router(router)

    app.include_router(decisions_router)
    app.include_router(checks_router)
    app.include_router(capture_router)
    app.include_router(shifts_router)
    app.include_router(clusters_router)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (301, 302, 303, 307):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        return render(request, "error.html", status=exc.status_code, message=exc.detail)

    return app


def api_routes(routes: Iterable[Any]) -> list[APIRoute]:
    """Every APIRoute of an app's `routes`, those of included routers too (FastAPI keeps an included router as one
    entry there): the role matrix tests walk these."""
    found: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            found.append(r)
        elif getattr(r, "original_router", None) is not None:
            found += api_routes(r.original_router.routes)
    return found
