"""Capture while browsing (issue 19): the intake API of the browser extension and the phone app, its per-user tokens,
the capture page and the installable web app (manifest, service worker, Web Share Target). One APIRouter, included
by pantau.triage.app; dependencies come through Depends (`get_store`, `allowed(route)` of triage/deps.py, and
`token_auth` here).

Routes (session routes are in the role matrix through CAPTURE_ROLES; TOKEN_ROUTES are checked by token, not session):

* `GET /token`, `POST /token`, `POST /token/cabut`: a user's API tokens: create (shown once, only its SHA-256 kept,
  pantau.store.tokens) and revoke;
* `POST /api/tangkap`: one capture (multipart, `Authorization: Bearer <token>`): page URL, the post's canonical URL,
  text, author, kind, media, capture time, a screenshot (PNG/JPEG/WebP) and a page snapshot (MHTML) with the
  SHA-256 the client computed. Answers JSON;
* `POST /bagikan`: the Web Share Target (url, text, title, image). The app's service worker adds the device's token;
  without a valid token it is refused;
* `GET /tangkap`, `POST /tangkap`: the capture page of a logged-in user (a pasted link, text, an optional image)
  and the device token of the phone app; `GET /manifest.webmanifest`, `GET /sw.js`: the installable app.

A capture becomes a Post (platform from the URL: pantau.crawlers.platforms.intake.parse.platform_of; post id as for a
manual intake, so the same URL is one post), classified at once and queued whatever the score (as /masukan:
triage/intake.py), "known since" = the capture time. The screenshot and snapshot are evidence files
(pantau.referral.evidence, kinds `png` and `html`; a snapshot is stored as `.mhtml`), named in `captures`.
The monitor's name is kept in `captures` and in the audit log (actor of `capture`, whose target is the capture,
not the post, so it stays out of a referral package), never in the post, its classification or its raw payload.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from pantau.crawlers.platforms.intake.parse import platform_of
from pantau.post import Post, PostError, canonical_json, format_time, sha256_hex, utcnow
from pantau.referral.evidence import evidence_dir, put_file
from pantau.store import tokens
from pantau.store.db import Store
from pantau.store.registry import decided_accounts

from .capture_input import (MAX_IMAGE, MAX_REQUEST, MAX_SNAPSHOT, MAX_TEXT, MAX_URL, Refused, file_bytes,
                            parse_capture, read_form)
from .deps import Who, allowed, get_store
from .intake import LazyClassifier, intake_classification
from .logic import item_path
from .security import CSP

log = logging.getLogger(__name__)
HERE = Path(__file__).parent

CAPTURE_USERS = frozenset({"monitor", "reviewer", "supervisor", "admin"})  # as manual intake (/masukan)
CAPTURE_ROLES: dict[str, frozenset[str]] = {
    "capture_tokens": CAPTURE_USERS, "capture_token_create": CAPTURE_USERS, "capture_token_revoke": CAPTURE_USERS,
    "capture_page": CAPTURE_USERS, "capture_submit": CAPTURE_USERS,
}
TOKEN_ROUTES = frozenset({"capture_api", "share_target", "webmanifest", "service_worker"})
SOURCES = ("extension", "share", "page")
RATE = (30, 60.0)  # captures per token per window (seconds)

# The capture page and the web app: the manifest must be readable (the app's CSP has default-src 'none').
APP_CSP = CSP + "; manifest-src 'self'; worker-src 'self'"


class RateLimiter:
    """At most `limit` uses per key in `window` seconds (in memory: a restart forgets it)."""

    def __init__(self, limit: int = RATE[0], window: float = RATE[1]):
        self.limit, self.window = limit, window
        self._uses: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._uses.get(key, []) if now - t < self.window]
            if len(recent) >= self.limit:
                self._uses[key] = recent
                return False
            self._uses[key] = recent + [now]
            return True


def _state(request: Request, name: str, factory):
    """A per-app object on app.state (tests may set their own before the first request)."""
    value = getattr(request.app.state, name, None)
    if value is None:
        value = factory()
        setattr(request.app.state, name, value)
    return value


# -- token authentication ---------------------------------------------------------------------------------------


@dataclass
class TokenAuth:
    user: dict[str, Any] | None  # {token_id, username, role}
    refusal: Refused | None


def token_auth(request: Request, store: Annotated[Store, Depends(get_store)]) -> TokenAuth:
    """The user of the request's `Authorization: Bearer` token, or why it is refused (401, 403, 429)."""
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not token:
        return TokenAuth(None, Refused(401, "Token tidak ada: setel token API di pengaturan ekstensi atau aplikasi."))
    user = tokens.token_user(store, token)
    if user is None:
        return TokenAuth(None, Refused(401, "Token tidak valid atau sudah dicabut: buat token baru di menu Token."))
    if user["role"] not in CAPTURE_USERS:
        return TokenAuth(None, Refused(403, "Peran pemilik token tidak diizinkan mengirim tangkapan."))
    if not _state(request, "capture_limiter", RateLimiter).allow(user["token_id"]):
        return TokenAuth(None, Refused(429, "Terlalu banyak tangkapan dalam satu menit: tunggu sebentar, "
                                            "tangkapan disimpan dan dikirim ulang."))
    return TokenAuth(user, None)


def refused_json(r: Refused) -> JSONResponse:
    return JSONResponse({"ok": False, "error": r.message}, status_code=r.status,
                        headers={"Retry-After": "60"} if r.status == 429 else None)


# -- storing a capture ------------------------------------------------------------------------------------------


def capture_post(c: dict[str, Any]) -> Post:
    """The Post of a capture: the monitor's view of the post, without the monitor's name."""
    url = c["post_url"]
    text = c["text"] or c["title"] or url
    raw = {"capture": {"source": c["source"], "page_url": c["page_url"], "url": url, "title": c["title"] or None,
                       "captured_at": format_time(c["captured_at"]), "capture_id": c["capture_id"],
                       "screenshot_sha256": (c["screenshot"] or {}).get("sha256"),
                       "snapshot_sha256": (c["snapshot"] or {}).get("sha256")}}
    raw_text = canonical_json(raw)
    try:
        return Post.from_payload({
            "platform": platform_of(url), "post_id": sha256_hex(url)[:24], "text": text, "url": url,
            "author": {"name": c["author_name"] or None, "handle": c["author_handle"]},
            "captured_at": format_time(c["captured_at"]), "kind": c["kind"],
            "media": [{"type": m.type, "url": m.url, "alt": m.alt} for m in c["media"]],
            "raw": raw_text, "raw_sha256": sha256_hex(raw_text),
        })
    except PostError as exc:
        raise Refused(400, f"Tangkapan tidak sah: {exc}") from None


def store_capture(store: Store, classifier: LazyClassifier, user: dict[str, Any], c: dict[str, Any],
                  token_id: str | None) -> dict[str, Any]:
    """Store a checked capture (idempotent by capture id); the answer the client shows."""
    with store.session():
        earlier = tokens.find_capture(store, c["capture_id"])
        if earlier is not None:
            return answer(store, earlier["platform"], earlier["post_id"], again=True)
        post = capture_post(c)
        model_result = None
        try:
            from pantau.nlp.registry import with_decided  # heavy (numpy, as the model): only when classifying

            # accounts confirmed by decisions are registry entries too (issue 20): identity evidence with its source
            model_result = with_decided(classifier.get(), decided_accounts(store)).classify([post])[0]
        except Exception:  # noqa: BLE001 - the capture is kept for review even without a model
            log.exception("capture: the classifier could not run")
        classification = intake_classification(post, "pemantau (tangkapan)", model_result)
        root = evidence_dir(store.path)
        evidence = []
        for name, kind in (("screenshot", "png"), ("snapshot", "html")):
            f = c[name]
            if f is None:
                continue
            sha, rel = put_file(root, f["data"], f["ext"])  # content-addressed: written once, never overwritten
            evidence.append({"platform": post.platform, "post_id": post.post_id, "kind": kind, "status": "ok",
                             "sha256": sha, "path": rel, "size": len(f["data"]), "url": c["page_url"],
                             "http_status": None, "captured_at": c["captured_at"], "error": None})
        hashes = {n: (c[n] or {}).get("sha256") for n in ("screenshot", "snapshot")}
        store.ingest([post])
        store.save_classifications([classification])
        store.record_evidence(evidence)
        tokens.record_capture(store, {
            "capture_id": c["capture_id"], "token_id": token_id, "username": user["username"], "source": c["source"],
            "platform": post.platform, "post_id": post.post_id, "page_url": c["page_url"],
            "captured_at": c["captured_at"], "received_at": utcnow(),
            "screenshot_sha256": hashes["screenshot"], "snapshot_sha256": hashes["snapshot"]})
        store.audit(user["username"], "capture", f"capture/{c['capture_id']}", {
            "platform": post.platform, "post_id": post.post_id, "source": c["source"], "token_id": token_id,
            "captured_at": format_time(c["captured_at"]), "raw_sha256": post.raw_sha256,
            "screenshot_sha256": hashes["screenshot"], "snapshot_sha256": hashes["snapshot"],
            "model_version": classification["model_version"], "score": classification["score"]})
        return answer(store, post.platform, post.post_id)


def answer(store: Store, platform: str, post_id: str, again: bool = False) -> dict[str, Any]:
    rows = store.query(
        """SELECT p.captured_at, q.status, q.score FROM posts p LEFT JOIN queue_items q USING (platform, post_id)
           WHERE p.post_id = ? AND p.platform = ?""", [post_id, platform])
    row = rows[0] if rows else {}
    score = row.get("score")
    queued = row.get("status") in ("new", "needs_info", "awaiting_confirmation")
    message = ("sudah tersimpan sebelumnya" if again else "tersimpan") + (
        f", skor {score:.2f}" if score is not None else "") + (", masuk antrean" if queued else "")
    files = store.query("SELECT kind, sha256 FROM evidence WHERE post_id = ? AND platform = ? AND status = 'ok' "
                        "ORDER BY kind, attempt", [post_id, platform])
    return {"ok": True, "again": again, "platform": platform, "post_id": post_id, "score": score, "queued": queued,
            "status": row.get("status"), "known_since": format_time(row.get("captured_at")),
            "item_url": item_path(platform, post_id), "evidence": files, "message": message}


async def take_capture(request: Request, store: Store, user: dict[str, Any], token_id: str | None,
                       source: str) -> dict[str, Any]:
    """Read, check and store the capture of this request (raises Refused)."""
    form = await read_form(request)
    try:
        files = {"snapshot": await file_bytes(form, "snapshot", MAX_SNAPSHOT)}
        shot = await file_bytes(form, "screenshot", MAX_IMAGE)
        files["screenshot"] = shot if shot is not None else await file_bytes(form, "image", MAX_IMAGE)
        c = parse_capture(form, files, source)
    finally:
        await form.close()
    classifier = _state(request, "capture_classifier", LazyClassifier)
    try:
        return await run_in_threadpool(store_capture, store, classifier, user, c, token_id)
    except Refused:
        raise
    except Exception:  # noqa: BLE001 - StoreBusy, DuckDB errors: the client keeps the capture and retries
        log.exception("capture by %s could not be stored", user["username"])
        raise Refused(503, "Tangkapan belum tersimpan: basis data sibuk. Tangkapan disimpan di perangkat dan "
                           "dikirim ulang.") from None


# -- routes -------------------------------------------------------------------------------------------------------

router = APIRouter()


@router.post("/api/tangkap", name="capture_api")
async def capture_api(request: Request, auth: Annotated[TokenAuth, Depends(token_auth)],
                      store: Annotated[Store, Depends(get_store)]):
    if auth.refusal is not None:
        return refused_json(auth.refusal)
    source = request.headers.get("x-pantau-source", "extension")
    try:
        result = await take_capture(request, store, auth.user, auth.user["token_id"],
                                    source if source in SOURCES else "extension")
    except Refused as r:
        return refused_json(r)
    return JSONResponse(result, status_code=200 if result["again"] else 201)


@router.post("/bagikan", name="share_target")
async def share_target(request: Request, auth: Annotated[TokenAuth, Depends(token_auth)],
                       store: Annotated[Store, Depends(get_store)]):
    render = request.app.state.render
    try:
        if auth.refusal is not None:
            raise auth.refusal
        result = await take_capture(request, store, auth.user, auth.user["token_id"], "share")
    except Refused as r:
        return app_page(render(request, "capture_result.html", status=r.status, error=r.message, result=None))
    return app_page(render(request, "capture_result.html", status=201, result=result, error=None))


@router.get("/tangkap", response_class=HTMLResponse, name="capture_page")
def capture_page(request: Request, who: Annotated[Who, Depends(allowed("capture_page", post=False))]):
    return app_page(request.app.state.render(request, "capture.html", _who=who, error=None, result=None,
                                             limits={"url": MAX_URL, "text": MAX_TEXT}))


@router.post("/tangkap", name="capture_submit")
async def capture_submit(request: Request, store: Annotated[Store, Depends(get_store)]):
    render = request.app.state.render
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_REQUEST):
        raise HTTPException(status_code=413, detail=f"Kiriman terlalu besar (maksimal {MAX_REQUEST // 2**20} MB).")
    token = (await request.form(max_files=3, max_fields=30)).get("csrf_token")  # kept: take_capture reads it again
    who = request.app.state.need_post(request, "capture_submit", token if isinstance(token, str) else "")
    try:
        result = await take_capture(request, store, who[1], None, "page")
        status, error = 201, None
    except Refused as r:
        result, status, error = None, r.status, r.message
    return app_page(render(request, "capture.html", status=status, _who=who, error=error, result=result,
                           limits={"url": MAX_URL, "text": MAX_TEXT}))


@router.get("/token", response_class=HTMLResponse, name="capture_tokens")
def capture_tokens(request: Request, who: Annotated[Who, Depends(allowed("capture_tokens", post=False))],
                   store: Annotated[Store, Depends(get_store)]):
    return tokens_page(request, store, who)


@router.post("/token", response_class=HTMLResponse, name="capture_token_create")
def capture_token_create(request: Request, who: Annotated[Who, Depends(allowed("capture_token_create"))],
                         store: Annotated[Store, Depends(get_store)],
                         label: Annotated[str, Form(max_length=tokens.MAX_LABEL)] = ""):
    user = who[1]
    token_id, token = tokens.create_token(store, user["username"], label)
    store.audit(user["username"], "capture_token_create", f"token/{token_id}", {"label": label.strip() or None})
    return tokens_page(request, store, who, new_token=token, new_id=token_id)


@router.post("/token/cabut", response_class=HTMLResponse, name="capture_token_revoke")
def capture_token_revoke(request: Request, who: Annotated[Who, Depends(allowed("capture_token_revoke"))],
                         store: Annotated[Store, Depends(get_store)],
                         token_id: Annotated[str, Form(max_length=40)] = ""):
    user = who[1]
    try:
        tokens.revoke_token(store, token_id, user["username"])
    except tokens.TokenError as exc:
        return tokens_page(request, store, who, status=404, error=f"Token tidak dicabut: {exc}.")
    store.audit(user["username"], "capture_token_revoke", f"token/{token_id}")
    return tokens_page(request, store, who, revoked=token_id)


def tokens_page(request: Request, store: Store, who: Who, status: int = 200, **ctx: Any) -> HTMLResponse:
    ctx = {"new_token": None, "new_id": None, "error": None, "revoked": None, **ctx}
    return app_page(request.app.state.render(request, "capture_tokens.html", status=status, _who=who,
                                             tokens=tokens.user_tokens(store, who[1]["username"]), **ctx))


def app_page(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = APP_CSP
    return response


MANIFEST = {
    "name": "pantau: tangkap unggahan", "short_name": "pantau", "lang": "id", "start_url": "/tangkap",
    "scope": "/", "display": "standalone", "background_color": "#ffffff", "theme_color": "#1f4e79",
    "description": "Kirim unggahan Facebook, Instagram, TikTok ke antrean tinjauan pantau.",
    "icons": [{"src": "/static/pantau-192.png", "sizes": "192x192", "type": "image/png"},
              {"src": "/static/pantau-512.png", "sizes": "512x512", "type": "image/png"}],
    "share_target": {"action": "/bagikan", "method": "POST", "enctype": "multipart/form-data",
                     "params": {"title": "title", "text": "text", "url": "url",
                                "files": [{"name": "image", "accept": ["image/png", "image/jpeg", "image/webp"]}]}},
}


@router.get("/manifest.webmanifest", name="webmanifest")
def webmanifest():
    return Response(json.dumps(MANIFEST, ensure_ascii=False), media_type="application/manifest+json")


@router.get("/sw.js", name="service_worker")
def service_worker():
    return FileResponse(HERE / "static" / "sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"})
