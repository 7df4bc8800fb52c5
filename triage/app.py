"""Triage web app (FastAPI + Jinja2, UI in Bahasa Indonesia).

Accounts with roles, a role matrix checked on every route, CSRF on every state change, a login rate limit,
a keyset-paginated queue over `queue_items`, an item page with highlighted signals, claims, four-eyes
confirmation, agreement figures, CSV export, and a hash-chained audit trail (written by pantau.store).
Every write goes through pantau.store.db.Store.
"""

from __future__ import annotations

import hmac
import secrets

import csv
import functools
import io
import json
import logging
import threading
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Iterable
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from pantau import review
from pantau.categories import CATEGORIES, DECISION_LABELS
from pantau.deadline import REPORTING_DEADLINE_DAYS
from pantau.post import MEDIA_LABELS, sha256_hex
from pantau.referral.evidence import evidence_summary
from pantau.store.db import DECISIONS, STATUSES, Store, StoreError

from . import charts
from .decisions import CLAIM_JOIN, item_review
from .decisions import router as decisions_router
from .capture import CAPTURE_ROLES, TOKEN_ROUTES, router as capture_router
from .intake import add_intake_routes, intake_details
from .referrals import add_referral_routes, referral_panel
from .logic import (
    agreement,
    csv_cell,
    decode_cursor,
    encode_cursor,
    group_signals,
    highlight_segments,
    http_url,
    item_path,
    package_path,
    signal_label,
    time_left,
    to_wib,
)
from .security import (
    SECURITY_HEADERS,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    SESSION_MAX_AGE,
    LoginLimiter,
    Session,
    SessionSigner,
    csrf_ok,
    new_session_id,
    secret_from_env,
)

HERE = Path(__file__).parent
PAGE_SIZE = 50

ROLE_LABELS = {
    "monitor": "Pemantau",
    "reviewer": "Peninjau",
    "supervisor": "Supervisor",
    "analyst": "Analis",
    "admin": "Admin",
}
STATUS_LABELS = {
    "new": "Baru",
    "needs_info": "Perlu informasi",
    "awaiting_confirmation": "Menunggu konfirmasi",
    "confirmed": "Pelanggaran terkonfirmasi",
    "not_violation": "Bukan pelanggaran",
    "duplicate": "Duplikat",
}
CHECKLIST = {
    "asn_identity": "Identitas ASN terlihat (bio, instansi, seragam, NIP)?",
    "partisan_act": "Ada tindakan keberpihakan (ajakan, simbol, atribut, dukungan)?",
    "election_period": "Terjadi dalam masa pemilihan/kampanye?",
}
DECISION_KEYS = {code: str(i + 1) for i, code in enumerate(DECISIONS)}  # 1-4 on the keyboard

ALL_ROLES = frozenset(ROLE_LABELS)
# The role matrix: every route that is not public names the roles allowed on it (tests iterate over it).
ROUTE_ROLES: dict[str, frozenset[str]] = {
    "home": ALL_ROLES,
    "logout": ALL_ROLES,
    "queue": frozenset({"reviewer", "supervisor", "analyst"}),
    "intake_form": frozenset({"monitor", "reviewer", "supervisor", "admin"}),
    "intake": frozenset({"monitor", "reviewer", "supervisor", "admin"}),
    "item": frozenset({"reviewer", "supervisor", "analyst"}),
    "decide": frozenset({"reviewer", "supervisor"}),
    "release": frozenset({"reviewer", "supervisor"}),
    "note": frozenset({"reviewer", "supervisor"}),
    "confirmations": frozenset({"supervisor"}),
    "confirm": frozenset({"supervisor"}),
    "reopen": frozenset({"supervisor"}),  # the state machine (pantau.review) needs two supervisors for it
    "agreement": frozenset({"supervisor", "analyst"}),
    "stats": frozenset({"supervisor", "analyst"}),
    "analysis": frozenset({"supervisor", "analyst", "admin"}),
    "export": frozenset({"supervisor", "analyst"}),
    "monitoring": frozenset({"monitor", "admin"}),
    "users": frozenset({"admin"}),
    "sessions_end": frozenset({"admin"}),
    "audit": frozenset({"admin"}),
    # referrals (triage/referrals.py): the package holds the reporter's identity and contact
    "referral_build": frozenset({"supervisor"}),
    "referral_download": frozenset({"supervisor", "admin"}),
    "referrals": frozenset({"supervisor", "admin"}),
    "referral_status": frozenset({"supervisor", "admin"}),
    "referrals_export": frozenset({"supervisor", "admin"}),
    **CAPTURE_ROLES,  # capture while browsing (triage/capture.py): tokens, capture page
}
PUBLIC_ROUTES = frozenset({"login_form", "login", "static"}) | TOKEN_ROUTES  # TOKEN_ROUTES: API token, no session
LANDING = {"reviewer": "/antrean", "supervisor": "/antrean", "analyst": "/antrean", "monitor": "/pemantauan",
           "admin": "/pengguna"}
NAV = [  # (route, path, label)
    ("queue", "/antrean", "Antrean"),
    ("intake_form", "/masukan", "Masukan manual"),
    ("capture_page", "/tangkap", "Tangkap"),
    ("confirmations", "/konfirmasi", "Konfirmasi"),
    ("referrals", "/rujukan", "Rujukan"),
    ("agreement", "/kesepakatan", "Kesepakatan"),
    ("stats", "/statistik", "Statistik"),
    ("analysis", "/analisis", "Analisis"),
    ("monitoring", "/pemantauan", "Pemantauan"),
    ("users", "/pengguna", "Pengguna"),
    ("audit", "/audit", "Audit"),
]


class Forbidden(Exception):
    pass


log = logging.getLogger(__name__)
INBOX_POLL_SECONDS = 1.0


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
        self._stop.set()
        self._thread.join(timeout=30)
        self.store.drain_inbox()
        self.store.disown()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                done = self.store.drain_inbox()
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
    signer = SessionSigner(secret or secret_from_env())
    limiter = limiter or LoginLimiter()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(
        categories=CATEGORIES, decision_labels=DECISION_LABELS, status_labels=STATUS_LABELS, role_labels=ROLE_LABELS,
        decision_keys=DECISION_KEYS, checklist=CHECKLIST, item_url=item_path, package_url=package_path,
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

    def one_connection(handler):
        """Run a (sync) route handler with one database connection for all its queries."""

        @functools.wraps(handler)
        def wrapper(*args, **kwargs):
            with store.session():
                return handler(*args, **kwargs)

        return wrapper

    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.state.store = store
    facet_cache = _FacetCache()
    app.state.route_roles = ROUTE_ROLES

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

    app.state.need, app.state.need_post = need, need_post  # for the routers' dependencies (triage/decisions.py)

    def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        found = ctx.pop("_who", None) or current_user(request)
        session, user = found if found else (None, None)
        nav = [(path, label) for route, path, label in NAV if user and user["role"] in ROUTE_ROLES[route]]
        return templates.TemplateResponse(
            request, name, {"session": session, "user": user, "nav": nav, **ctx}, status_code=status
        )

    # -- login -------------------------------------------------------------------------

    @app.get("/masuk", response_class=HTMLResponse, name="login_form")
    @one_connection
    def login_form(request: Request, next: str = "/"):
        return login_page(request, next)

    def login_page(request: Request, next: str, status: int = 200, error: str | None = None) -> HTMLResponse:
        # Login CSRF: a random nonce in a SameSite=Strict cookie, and its HMAC in the form.
        nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        response = render(request, "login.html", status=status, next=_safe_next(next), error=error,
                          login_csrf=signer.login_token(nonce))
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    @app.post("/masuk", name="login")
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=80)] = "",
        password: Annotated[str, Form(max_length=1000)] = "",
        next: Annotated[str, Form()] = "/",
        csrf_token: Annotated[str, Form()] = "",
    ):
        username = username.strip().lower()
        address = request.client.host if request.client else "?"
        nonce = request.cookies.get(LOGIN_COOKIE)
        if not nonce or not hmac.compare_digest(signer.login_token(nonce), csrf_token):
            return login_page(request, next, 403,
                              "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
        if not username or not password:
            return login_page(request, next, 400,
                              "Nama pengguna dan kata sandi wajib diisi.")
        if limiter.blocked(username, address):
            store.audit(username, "login_blocked", address)
            return login_page(request, next, 429,
                              "Terlalu banyak percobaan gagal. Coba lagi dalam 15 menit.")
        user = store.authenticate(username, password)
        if user is None:
            limiter.failed(username, address)
            store.audit(username, "login_failed", address)
            return login_page(request, next, 401,
                              "Nama pengguna atau kata sandi salah.")
        limiter.succeeded(username, address)
        store.audit(user["username"], "login", address, {"role": user["role"]})
        target = _safe_next(next)
        response = RedirectResponse(target if target != "/" else LANDING[user["role"]], status_code=303)
        sid = new_session_id()
        store.start_session(user["username"], sid, max_age=SESSION_MAX_AGE)
        response.set_cookie(
            SESSION_COOKIE, signer.dumps(user["username"], sid), max_age=SESSION_MAX_AGE, httponly=True,
            samesite="strict", secure=request.url.scheme == "https",
        )
        return response

    @app.post("/keluar", name="logout")
    @one_connection
    def logout(request: Request, csrf_token: Annotated[str, Form()] = ""):
        session, user = need_post(request, "logout", csrf_token)
        store.end_session(session.sid)  # the cookie is dead server-side, wherever a copy of it is kept
        store.audit(user["username"], "logout")
        response = RedirectResponse("/masuk", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", name="home")
    @one_connection
    def home(request: Request):
        _, user = need(request, "home")
        return RedirectResponse(LANDING[user["role"]], status_code=303)

    # -- queue -------------------------------------------------------------------------

    @app.get("/antrean", response_class=HTMLResponse, name="queue")
    @one_connection
    def queue(
        request: Request,
        status: str = "open",
        region: str = "",
        platform: str = "",
        category: str = "",
        assignee: str = "",
        q: str = "",
        watchlist: str = "",
        after: str = "",
    ):
        who = need(request, "queue")
        where, params = _queue_filters(store, status, region, platform, category, assignee, q, watchlist)
        # The claims join is only needed to filter by assignee; without it DuckDB runs a plain top-N scan.
        join = CLAIM_JOIN if assignee else ""
        cursor = decode_cursor(after) if after else None
        cursor_cond, cursor_params = "TRUE", []
        if cursor:
            cursor_cond = ("(qi.deadline_at > CAST(? AS TIMESTAMPTZ) OR (qi.deadline_at = CAST(? AS TIMESTAMPTZ) AND "
                           "(qi.score < ? OR (qi.score = ? AND (qi.platform > ? OR (qi.platform = ? AND qi.post_id > ?))))))")
            d, s, p, i = cursor
            cursor_params = [d, d, s, s, p, p, i]
        cond = " AND ".join(where) or "TRUE"  # status=all and no filter: no condition at all
        order = "qi.deadline_at ASC, qi.score DESC, qi.platform, qi.post_id"
        claimed = ("SELECT page.*, cl.username AS claimed_by FROM page LEFT JOIN claims cl ON cl.platform = page.platform"
                   " AND cl.post_id = page.post_id AND cl.expires_at > now() ORDER BY page.deadline_at ASC,"
                   " page.score DESC, page.platform, page.post_id")
        if q.strip():
            # A text search: match once (the full-text lookup is the expensive part), then count and page the matches.
            rows = store.query(
                f"""WITH hits AS MATERIALIZED (SELECT qi.* FROM queue_items qi {join} WHERE {cond}),
                    page AS (SELECT qi.*, (SELECT count(*) FROM hits) AS hits_total FROM hits qi
                             WHERE {cursor_cond} ORDER BY {order} LIMIT {PAGE_SIZE + 1})
                    {claimed}""",
                params + cursor_params,
            )
            total = rows[0]["hits_total"] if rows else store.scalar(
                f"SELECT count(*) FROM queue_items qi {join} WHERE {cond}", params)
        else:
            total = store.scalar(f"SELECT count(*) FROM queue_items qi {join} WHERE {cond}", params)
            # Two steps make the top-N cheap: the (PAGE_SIZE+1)-th deadline first (a one-column top-N), then the full
            # ordering only over items due by then; ties on that deadline are all kept, so the page is exact.
            page_cond = f"{cond} AND {cursor_cond}"
            rows = store.query(
                f"""WITH page AS (
                      SELECT qi.* FROM queue_items qi {join} WHERE {page_cond}
                        AND qi.deadline_at <= (SELECT max(deadline_at) FROM (
                          SELECT qi.deadline_at FROM queue_items qi {join} WHERE {page_cond}
                          ORDER BY qi.deadline_at LIMIT {PAGE_SIZE + 1}))
                      ORDER BY {order} LIMIT {PAGE_SIZE + 1})
                    {claimed}""",
                params + cursor_params + params + cursor_params,
            )
        facets = facet_cache.get(store)
        filters = {"status": status, "region": region, "platform": platform, "category": category,
                   "assignee": assignee, "q": q, "watchlist": watchlist}
        next_url = None
        if len(rows) > PAGE_SIZE:
            next_url = "/antrean?" + urlencode({**{k: v for k, v in filters.items() if v}, "after": encode_cursor(rows[PAGE_SIZE - 1])})
        query_string = urlencode({k: v for k, v in filters.items() if v})
        return render(
            request, "queue.html", _who=who, rows=rows[:PAGE_SIZE], total=total, filters=filters, facets=facets,
            next_url=next_url, first_url="/antrean?" + query_string if after else None, query_string=query_string,
        )

    # -- item --------------------------------------------------------------------------

    @app.get("/pos/{platform}/{post_id:post_id}", response_class=HTMLResponse, name="item")
    @one_connection
    def item(request: Request, platform: str, post_id: str, back: str = "", buka_kembali: str = ""):
        who = need(request, "item")
        session, user = who
        # Point lookups: filter on post_id alone first (an ART index scan), then on platform.
        rows = store.query(
            """WITH p AS MATERIALIZED (SELECT * FROM posts WHERE post_id = ?)
               SELECT p.*, reporting_deadline(p.captured_at) AS deadline_at,
                      epoch_us(reporting_deadline(p.captured_at)) AS deadline_us FROM p WHERE p.platform = ?""",
            [post_id, platform],
        )
        if not rows:
            raise HTTPException(status_code=404, detail="Pos tidak ditemukan.")
        post = rows[0]
        # issue 16: a share's original (shown as "dibagikan oleh ... dari ...") and the attachments, JSON columns
        for key in ("shared_from", "media"):
            post[key] = json.loads(post[key]) if post.get(key) else None
        shared = post["shared_from"]
        if shared and isinstance(shared.get("created_at"), str):
            try:
                shared["created_at"] = datetime.fromisoformat(shared["created_at"].replace("Z", "+00:00"))
            except ValueError:
                pass  # shown as stored
        latest = store.query(
            """WITH c AS MATERIALIZED (SELECT * FROM classifications WHERE post_id = ?)
               SELECT score, flagged, category, signals, model_version, classified_at FROM c WHERE platform = ?
               ORDER BY classified_at DESC, model_version DESC LIMIT 1""",
            [post_id, platform],
        )
        post.update(latest[0] if latest else
                    dict.fromkeys(("score", "flagged", "category", "signals", "model_version", "classified_at")))
        # every payload of the post, read once: the one the post was parsed from (its hash is checked below) and
        # the manual submissions (intake_details)
        raw_rows = store.query(
            """WITH r AS MATERIALIZED (SELECT * FROM raw_payloads WHERE post_id = ?)
               SELECT raw_sha256, raw FROM r WHERE platform = ?""",
            [post_id, platform],
        )
        raw = next((r["raw"] for r in raw_rows if r["raw_sha256"] == post["raw_sha256"]), None)
        # claim the item only when the state machine would take this user's decision on it
        review_state = store.review_state(platform, post_id)
        may_decide = review.allowed(review_state, "decide", user["role"], user["username"], "needs_info")
        holder = store.open_item(platform, post_id, user["username"], claim=may_decide)
        signals = json.loads(post["signals"]) if post.get("signals") else []
        evidence = {
            "stored": raw is not None,
            "hash_ok": raw is not None and sha256_hex(raw) == post["raw_sha256"],
        }
        decisions = store.query(
            """SELECT d.*, f.supervisor, f.agreed, f.decision AS second_decision, f.reason AS second_reason,
                      f.confirmed_at
               FROM decisions d LEFT JOIN confirmations f USING (decision_id)
               WHERE d.platform = ? AND d.post_id = ? ORDER BY d.decision_id DESC""",
            [platform, post_id],
        )
        # This item's queue state and the author's other flagged posts (index scans on post_id and author_id).
        cols = "platform, post_id, snippet, score, category, status, deadline_at, last_decision_id, captured_at"
        related = store.query(
            f"WITH q AS MATERIALIZED (SELECT * FROM queue_items WHERE post_id = ?) SELECT {cols} FROM q WHERE platform = ?",
            [post_id, platform],
        )
        if post.get("author_id"):
            related += store.query(
                f"""WITH q AS MATERIALIZED (SELECT * FROM queue_items WHERE author_id = ?)
                    SELECT {cols} FROM q WHERE platform = ? AND post_id <> ? ORDER BY captured_at DESC""",
                [post["author_id"], platform, post_id],
            )
        state = [r for r in related if r["post_id"] == post_id]
        other_posts = [r for r in related if r["post_id"] != post_id][:20]
        author_decisions = []
        if other_posts:
            author_decisions = store.query(
                """SELECT d.post_id, d.decision, d.reviewer, d.decided_at, d.reason FROM decisions d
                   WHERE d.platform = ? AND list_contains(?, d.post_id) ORDER BY d.decision_id DESC LIMIT 20""",
                [platform, [r["post_id"] for r in related if r["post_id"] != post_id]],
            )
        notes = store.query(
            "SELECT * FROM notes WHERE platform = ? AND post_id = ? ORDER BY note_id DESC", [platform, post_id]
        )
        for n in notes:
            n["checklist"] = json.loads(n["checklist"]) if n["checklist"] else None
        neighbours = _neighbours(store, platform, post_id, post["deadline_us"], post.get("score"))
        return render(
            request, "item.html", _who=who, post=post, decisions=decisions, decision_codes=DECISIONS,
            text_segments=highlight_segments(post["text"], signals, "text"),
            bio_segments=highlight_segments(post.get("author_bio") or "", signals, "bio"),
            signal_groups=group_signals(signals), evidence=evidence, other_posts=other_posts, author_decisions=author_decisions,
            media_labels=MEDIA_LABELS,
            intake=intake_details(store, platform, post_id, user["role"], raw_rows=raw_rows),
            evidence_capture=evidence_summary(store, platform, post_id),
            referral=referral_panel(store, platform, post_id, user["role"], state[0]["status"] if state else None,
                                    ROUTE_ROLES),
            notes=notes, holder=holder, item_status=state[0]["status"] if state else None,
            review=item_review(review_state, user, holder), reopen_notice=buka_kembali,
            can_note=user["role"] in ROUTE_ROLES["note"],
            next_item=neighbours["next"], prev_item=neighbours["prev"],
        )

    @app.post("/pos/{platform}/{post_id:post_id}/lepas", name="release")
    @one_connection
    def release(request: Request, platform: str, post_id: str, csrf_token: Annotated[str, Form()] = ""):
        _, user = need_post(request, "release", csrf_token)
        store.release(platform, post_id, user["username"])
        return RedirectResponse("/antrean", status_code=303)

    @app.post("/pos/{platform}/{post_id:post_id}/catatan", name="note")
    @one_connection
    def note(
        request: Request,
        platform: str,
        post_id: str,
        body: Annotated[str, Form(max_length=4000)] = "",
        csrf_token: Annotated[str, Form()] = "",
    ):
        _, user = need_post(request, "note", csrf_token)
        try:
            store.add_note(platform, post_id, user["username"], body)
        except StoreError as exc:
            raise HTTPException(status_code=400, detail=f"Catatan tidak tersimpan: {exc}") from None
        return RedirectResponse(item_path(platform, post_id) + "#catatan", status_code=303)

    # -- four-eyes ---------------------------------------------------------------------

    @app.get("/kesepakatan", response_class=HTMLResponse, name="agreement")
    @one_connection
    def agreement_page(request: Request):
        who = need(request, "agreement")
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
                      codes=DECISIONS)

    # -- analyst, monitor, admin -------------------------------------------------------

    @app.get("/statistik", response_class=HTMLResponse, name="stats")
    @one_connection
    def stats(request: Request):
        who = need(request, "stats")
        by_status = store.query("SELECT status, count(*) AS n FROM queue_items GROUP BY ALL ORDER BY n DESC")
        by_region = store.query(
            "SELECT region, count(*) AS n FROM queue_items GROUP BY ALL ORDER BY n DESC, region LIMIT 30")
        by_category = store.query("SELECT category, count(*) AS n FROM queue_items GROUP BY ALL ORDER BY n DESC")
        return render(request, "stats.html", _who=who, counts=store.counts(), by_status=by_status,
                      by_region=by_region, by_category=by_category)

    @app.get("/analisis", response_class=HTMLResponse, name="analysis")
    @one_connection
    def analysis(request: Request):
        who = need(request, "analysis")
        flags = store.query(
            """SELECT week_start, region, category, sum(flagged) AS flagged FROM v_flags_weekly GROUP BY ALL""")
        weekly = charts.weekly_by_region(flags, top=ANALYSIS_TOP_REGIONS, weeks=ANALYSIS_WEEKS)
        by_category: dict[str | None, int] = {}
        for r in flags:
            by_category[r["category"]] = by_category.get(r["category"], 0) + int(r["flagged"])
        category_rows = [
            (CATEGORIES.get(code, code) if code else "(tanpa kategori)", n)
            for code, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0] or ""))
        ]
        found = {r["state"]: int(r["n"]) for r in store.query(_COMPLIANCE_SQL)}
        compliance_rows = [(label, found.get(state, 0)) for state, label, _ in COMPLIANCE_STATES]
        return render(
            request, "analysis.html", _who=who, weekly=weekly,
            weekly_svg=charts.stacked_bar_chart(
                "grafik-mingguan", "Tanda per minggu per wilayah", weekly["weeks"], weekly["series"],
                colours=weekly["colours"]),
            category_rows=category_rows, category_total=sum(n for _, n in category_rows),
            category_svg=charts.horizontal_bar_chart("grafik-kategori", "Komposisi kategori", category_rows),
            compliance_rows=compliance_rows, compliance_total=sum(n for _, n in compliance_rows),
            compliance_svg=charts.horizontal_bar_chart(
                "grafik-tenggat", "Kepatuhan tenggat", compliance_rows,
                colours=[c for _, _, c in COMPLIANCE_STATES], unit="kasus"),
            weeks_shown=ANALYSIS_WEEKS, top_regions=ANALYSIS_TOP_REGIONS, deadline_days=REPORTING_DEADLINE_DAYS,
        )

    @app.get("/ekspor.csv", name="export")
    @one_connection
    def export(request: Request):
        _, user = need(request, "export")
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

    @app.get("/pemantauan", response_class=HTMLResponse, name="monitoring")
    @one_connection
    def monitoring(request: Request):
        who = need(request, "monitoring")
        latest = store.query(
            "SELECT platform, count(*) AS posts, max(captured_at) AS last_capture FROM posts GROUP BY ALL ORDER BY 1")
        return render(request, "monitoring.html", _who=who, counts=store.counts(), latest=latest)

    @app.get("/pengguna", response_class=HTMLResponse, name="users")
    @one_connection
    def users(request: Request, diakhiri: str = "", n: int = 0):
        who = need(request, "users")
        ended = {"username": diakhiri, "n": n} if diakhiri else None
        rows = store.query(
            """SELECT u.username, u.role, u.created_at, u.updated_at, count(s.session_hash) AS sessions
               FROM users u LEFT JOIN sessions s ON s.username = u.username AND s.expires_at > now()
               GROUP BY ALL ORDER BY u.username""")
        return render(request, "users.html", _who=who, rows=rows, ended=ended)

    @app.post("/pengguna/{username}/akhiri-sesi", name="sessions_end")
    @one_connection
    def sessions_end(request: Request, username: str, csrf_token: Annotated[str, Form()] = ""):
        _, user = need_post(request, "sessions_end", csrf_token)
        try:
            n = store.end_sessions(username, actor=user["username"])
        except StoreError as exc:
            raise HTTPException(status_code=404, detail=f"Sesi tidak diakhiri: {exc}") from None
        return RedirectResponse(f"/pengguna?{urlencode({'diakhiri': username, 'n': n})}", status_code=303)

    @app.get("/audit", response_class=HTMLResponse, name="audit")
    @one_connection
    def audit_page(request: Request):
        who = need(request, "audit")
        checked, problems = store.verify_audit()
        rows = store.query("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 100")
        return render(request, "audit.html", _who=who, checked=checked, problems=problems, rows=rows)

    add_intake_routes(app, store, need=need, need_post=need_post, render=render, **(intake or {}))
    add_referral_routes(app, store, need=need, need_post=need_post, render=render, **(referrals or {}))

    app.state.render = render
    app.include_router(decisions_router)
    app.include_router(capture_router)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (301, 302, 303, 307):
            return RedirectResponse(exc.headers["Location"], status_code=exc.status_code)
        return render(request, "error.html", status=exc.status_code, message=exc.detail)

    return app


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
)
SELECT CASE WHEN sent_at IS NOT NULL AND sent_at <= deadline_at THEN 'sent_on_time'
            WHEN sent_at IS NOT NULL THEN 'sent_late'
            WHEN closed THEN 'closed_unsent'
            WHEN now() < deadline_at THEN 'open_on_time'
            ELSE 'open_overdue' END AS state,
       count(*) AS n
FROM timed GROUP BY ALL
"""


class _FacetCache:
    """Regions, platforms and watchlists for the filter menus, recomputed at most once a minute."""

    def __init__(self, ttl: float = 60.0):
        self.ttl = ttl
        self._value: dict[str, list[str]] | None = None
        self._at = 0.0

    def get(self, store: Store) -> dict[str, list[str]]:
        import time

        if self._value is None or time.monotonic() - self._at > self.ttl:
            self._value = {
                "regions": [r["region"] for r in store.query(
                    "SELECT DISTINCT region FROM queue_items WHERE region IS NOT NULL ORDER BY region")],
                "platforms": [r["platform"] for r in store.query(
                    "SELECT DISTINCT platform FROM queue_items ORDER BY 1")],
                "watchlists": [r["watchlist"] for r in store.query(
                    "SELECT DISTINCT watchlist FROM post_watchlists ORDER BY 1")],
            }
            self._at = time.monotonic()
        return self._value


def _queue_filters(store: Store, status: str, region: str, platform: str, category: str, assignee: str, q: str,
                   watchlist: str = ""):
    where: list[str] = []
    params: list[Any] = []
    if status == "open" or status not in STATUSES + ("all",):
        where.append("qi.status IN ('new', 'needs_info')")
    elif status != "all":
        where.append("qi.status = ?")
        params.append(status)
    for column, value in (("region", region), ("platform", platform), ("category", category)):
        if value:
            where.append(f"qi.{column} = ?")
            params.append(value)
    if assignee == "-":
        where.append("cl.username IS NULL")
    elif assignee:
        where.append("cl.username = ?")
        params.append(assignee)
    if watchlist:
        where.append("(qi.platform, qi.post_id) IN (SELECT (platform, post_id) FROM post_watchlists WHERE watchlist = ?)")
        params.append(watchlist)
    if q.strip():
        cond, cond_params = store.search_condition(q, alias="qi")
        where.append(cond)
        params += cond_params
    return where, params


def _neighbours(store: Store, platform: str, post_id: str, deadline_us: int, score: float | None) -> dict:
    """The open items just before and after this one in queue order (for j/k on the item page).

    Queue order is (deadline_at, -score, platform, post_id). The neighbours have this item's deadline (ties) or the
    nearest earlier/later one, so one scan finds those two deadlines and the few items due exactly then; the order
    among them is settled here. Deadlines are compared as epoch microseconds: DuckDB returns a deadline after year
    9999 as text, which Python cannot order against datetimes."""
    if score is None or deadline_us is None:
        return {"next": None, "prev": None}
    rows = store.query(
        """WITH open AS (SELECT platform, post_id, epoch_us(deadline_at) AS d, score FROM queue_items
                         WHERE status IN ('new', 'needs_info')),
                near AS (SELECT min(d) FILTER (WHERE d > $d) AS later, max(d) FILTER (WHERE d < $d) AS earlier
                         FROM open)
           SELECT open.* FROM open, near WHERE open.d = $d OR open.d = near.later OR open.d = near.earlier""",
        {"d": deadline_us},
    )
    key = lambda r: (r["d"], -r["score"], r["platform"], r["post_id"])  # noqa: E731
    me = (deadline_us, -score, platform, post_id)
    after = min((r for r in rows if key(r) > me), key=key, default=None)
    before = max((r for r in rows if key(r) < me), key=key, default=None)
    link = lambda r: item_path(r["platform"], r["post_id"]) if r else None  # noqa: E731
    return {"next": link(after), "prev": link(before)}


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


def _safe_next(target: str) -> str:
    """Only same-site relative paths are allowed as a post-login redirect."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"
