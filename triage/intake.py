"""Manual intake in the triage app: a team member enters a URL and/or a citizen's tip (`/masukan`).

The submission goes the same way as `pantau intake`: the intake crawler adapter runs in a subprocess
(`run_crawl("intake", ...)`, the page fetched unless asked not to; a failed fetch still records the submission),
the Post is stored through `Store.ingest`, classified with the shipped model, and stored with a classification
that puts it in the triage queue whatever the model's score: a human asked for this item to be reviewed.

That classification is the model's own result (score, category, signals) with two honest marks:
`model_version` is the model's version + `+intake`, and a `manual_intake` signal names who submitted it and whether
the model would have flagged it on its own. `flagged` is true because in pantau `flagged` means "a person must
review this" (it is what `queue_items` selects); the score is left as the model computed it.

Who submitted and when are stored in the raw payload (`raw.intake.submitted_by` / `submitted_at`; the post's
`captured_at` is the submission time, which starts the 7-day deadline) and in the audit entry `intake`.
The reporter's contact is personal data: it is kept only in the raw payload, never in the audit log, the post text
or a page; `intake_details()` hands it only to supervisors and admins.

One APIRouter: `create_app` puts the options (`intake_settings`: classifier, crawl timeout, private fetches) on
`app.state.intake`, and the routes reach them, the store and the user through `Depends`.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Mapping
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from pantau.crawlers.run import CrawlError, run_crawl
from pantau.post import Post, PostError, format_time, iter_jsonl_posts, parse_time, utcnow
from pantau.store.db import Store

from .deps import Who, allowed, get_store, render
from .logic import item_path

log = logging.getLogger(__name__)

CONTACT_ROLES = frozenset({"supervisor", "admin"})  # may see the reporter's contact
VERSION_SUFFIX = "+intake"
NO_MODEL_VERSION = "no-model"
SIGNAL_NAME = "manual_intake"
CRAWL_TIMEOUT = 120.0

MAX_URL, MAX_TIP, MAX_CONTACT = 2000, 4000, 300
NOTICES = {"baru", "ada", "tanpa-halaman"}  # ?masukan=... on the item page / the intake page (_intake_notice.html)

ERR_EMPTY = "Isi URL atau keterangan (tip); salah satu wajib diisi."
ERR_URL = "URL harus berupa alamat lengkap yang diawali http:// atau https://."
ERR_CRAWL = "Masukan tidak tersimpan: perayap masukan gagal berjalan. Coba lagi atau hubungi admin."
ERR_STORE = "Masukan tidak tersimpan: basis data sedang sibuk atau menolak penyimpanan. Coba lagi."


class LazyClassifier:
    """The shipped model, loaded on first use (once, thread safe). A model that cannot be loaded is reported
    on every call (so a fixed model file is picked up without a restart)."""

    def __init__(self, loader: Callable[[], Any] | None = None):
        self._loader = loader
        self._clf: Any = None
        self._lock = threading.Lock()

    def get(self) -> Any:
        if self._clf is None:
            with self._lock:
                if self._clf is None:
                    loader = self._loader
                    if loader is None:
                        from pantau.nlp.classifier import load as loader  # heavy (numpy): only this function needs it
                    self._clf = loader()
        return self._clf


def intake_classification(post: Post, submitted_by: str, model_result: dict[str, Any] | None) -> dict[str, Any]:
    """The classification stored for a manual submission: the model's result (or none) marked as an intake and
    flagged for review. `model_result` is one result of Classifier.classify, or None when no model could run."""
    r = model_result or {"score": 0.0, "flagged": False, "category": None, "signals": [], "model_version": NO_MODEL_VERSION}
    mark = {
        "name": SIGNAL_NAME,
        "source": "intake",
        "text": f"dimasukkan manual oleh {submitted_by}"
        + ("" if model_result is None else "; model " + ("juga menandai" if r["flagged"] else "tidak menandai")),
        "model_flagged": bool(r["flagged"]) if model_result is not None else None,
    }
    return {
        "platform": post.platform,
        "post_id": post.post_id,
        "model_version": str(r["model_version"]) + VERSION_SUFFIX,
        "score": float(r["score"]),
        "flagged": True,
        "category": r.get("category"),
        "signals": [mark, *r.get("signals", [])],
    }


def intake_details(store, platform: str, post_id: str, role: str,
                   raw_rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """The manual submissions recorded for a post (oldest first), for the item page: who, when, URL, tip, whether
    the page was fetched; `reporter_contact` only for CONTACT_ROLES (the key is absent for everyone else).
    `raw_rows`: the post's raw payloads when the caller has read them already (the item page does)."""
    # post_id first: an index scan (see docs/store.md, Indexes)
    rows = raw_rows if raw_rows is not None else store.query(
        "WITH r AS MATERIALIZED (SELECT * FROM raw_payloads WHERE post_id = ?) SELECT raw FROM r WHERE platform = ?",
        [post_id, platform],
    )
    found = []
    for row in rows:
        try:
            raw = json.loads(row["raw"])
        except (TypeError, ValueError):
            continue
        sub = raw.get("intake") if isinstance(raw, dict) else None
        if not isinstance(sub, dict):
            continue
        fetched = raw.get("fetched") or {}
        entry = {
            "submitted_by": sub.get("submitted_by"),
            "submitted_at": _time_or_none(sub.get("submitted_at")),
            "url": sub.get("url"),
            "tip": sub.get("tip"),
            "fetched": bool(fetched) and "error" not in fetched,
        }
        if role in CONTACT_ROLES:
            entry["reporter_contact"] = sub.get("reporter_contact")
        found.append(entry)
    return sorted(found, key=lambda e: (e["submitted_at"] is not None, e["submitted_at"] or 0))


def _time_or_none(value: Any):
    try:
        return parse_time(value, "submitted_at")
    except (PostError, TypeError, ValueError):
        return None


def private_target(url: str) -> bool:
    """Whether the URL's host is (or resolves to) a loopback, private, link-local or otherwise non-global address.
    A host that does not resolve is not private (the fetch will fail and be recorded as failed)."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except (OSError, UnicodeError):
        return False
    for info in infos:
        try:
            if not ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]).is_global:
                return True
        except ValueError:
            continue
    return False


@dataclass
class IntakeSettings:
    """The intake routes' options. classifier: the model, loaded on the first submission; fetch_private: also fetch
    URLs on loopback / private networks (tests; off in production so a team member cannot make the server read
    internal pages)."""

    classifier: LazyClassifier
    crawl_timeout: float = CRAWL_TIMEOUT
    fetch_private: bool = False


def intake_settings(*, classifier_loader: Callable[[], Any] | None = None, crawl_timeout: float = CRAWL_TIMEOUT,
                    fetch_private: bool = False) -> IntakeSettings:
    """create_app's `intake=` options. classifier_loader: returns a Classifier (default pantau.nlp.classifier.load),
    called once, on the first submission."""
    return IntakeSettings(LazyClassifier(classifier_loader), crawl_timeout, fetch_private)


def get_settings(request: Request) -> IntakeSettings:
    return request.app.state.intake


router = APIRouter()


def _item_link(request: Request, role: str, platform: str, post_id: str) -> str | None:
    if role not in request.app.state.route_roles["item"]:  # the role matrix (triage/roles.py imports this module)
        return None
    return item_path(platform, post_id)


def _form_page(request: Request, found: Who, status: int = 200, **ctx: Any) -> HTMLResponse:
    values = {"url": "", "tip": "", "reporter_contact": "", "no_fetch": False, **ctx.pop("values", {})}
    return render(request, "intake.html", status=status, _who=found, values=values,
                  limits={"url": MAX_URL, "tip": MAX_TIP, "contact": MAX_CONTACT}, **ctx)


@router.get("/masukan", response_class=HTMLResponse, name="intake_form")
def intake_form(request: Request, found: Annotated[Who, Depends(allowed("intake_form", post=False))],
                store: Annotated[Store, Depends(get_store)], tersimpan: str = "", masukan: str = ""):
    saved = None
    if tersimpan and "/" in tersimpan and masukan in NOTICES:
        platform, post_id = tersimpan.split("/", 1)
        if store.scalar("SELECT count(*) FROM posts WHERE platform = ? AND post_id = ?", [platform, post_id]):
            saved = {"platform": platform, "post_id": post_id,
                     "link": _item_link(request, found[1]["role"], platform, post_id)}
    return _form_page(request, found, saved=saved)


@router.post("/masukan", name="intake")
def intake(
    request: Request,
    found: Annotated[Who, Depends(allowed("intake"))],
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[IntakeSettings, Depends(get_settings)],
    url: Annotated[str, Form(max_length=MAX_URL)] = "",
    tip: Annotated[str, Form(max_length=MAX_TIP)] = "",
    reporter_contact: Annotated[str, Form(max_length=MAX_CONTACT)] = "",
    no_fetch: Annotated[str, Form()] = "",
):
    from pantau.crawlers.platforms.intake.parse import canonical_url  # heavy (parsel, lxml): only this route needs it
    from pantau.crawlers.common import ParseError  # heavy (parsel, lxml): only this route needs it

    user = found[1]
    url, tip, contact = url.strip(), tip.strip(), reporter_contact.strip()
    values = {"url": url, "tip": tip, "reporter_contact": contact, "no_fetch": bool(no_fetch)}
    if not url and not tip:
        return _form_page(request, found, 400, error=ERR_EMPTY, values=values)
    if url:
        try:
            url = canonical_url(url)
        except ParseError:
            return _form_page(request, found, 400, error=ERR_URL, values=values)
    wanted = bool(url) and not no_fetch
    fetch = wanted and (settings.fetch_private or not private_target(url))
    submitted_at = format_time(utcnow())
    args = {"url": url, "tip": tip, "reporter_contact": contact, "submitted_by": user["username"],
            "submitted_at": submitted_at}
    spider_args = {k: v for k, v in args.items() if v}
    spider_args["fetch"] = "1" if fetch else "0"

    # The crawl runs before any database connection is taken: the app's other requests go on meanwhile.
    # Its folder (items, Scrapy log, stats: they hold the reporter's contact) is deleted right after.
    with tempfile.TemporaryDirectory(prefix="pantau-intake-") as tmp:
        out = Path(tmp) / "intake.jsonl"
        try:
            result = run_crawl("intake", out, spider_args=spider_args, state_path=False,
                               timeout=settings.crawl_timeout)
            posts = list(iter_jsonl_posts(out))
        except (CrawlError, ValueError) as exc:
            log.error("intake by %s failed: %s", user["username"], str(exc).splitlines()[0])
            return _form_page(request, found, 502, error=ERR_CRAWL, values=values)
    if len(posts) != 1:
        log.error("intake by %s produced %d posts", user["username"], len(posts))
        return _form_page(request, found, 502, error=ERR_CRAWL, values=values)
    post = posts[0]
    fetched = fetch and result.request_failures == 0

    model_result = None
    try:
        model_result = settings.classifier.get().classify([post])[0]
    except Exception:  # noqa: BLE001 - the submission is kept for review even without a model
        log.exception("intake: the classifier could not run; stored as %s%s", NO_MODEL_VERSION, VERSION_SUFFIX)
    classification = intake_classification(post, user["username"], model_result)

    key = f"{post.platform}/{post.post_id}"
    try:
        with store.session():
            ingested = store.ingest([post])
            store.save_classifications([classification])
            store.audit(user["username"], "intake", key, {
                "url": url or None, "tip": bool(tip), "reporter_contact": bool(contact),
                "submitted_at": submitted_at, "fetch": fetch, "fetched": fetched, "new": ingested.new == 1,
                "model_version": classification["model_version"], "score": classification["score"],
            })
    except Exception:  # noqa: BLE001 - StoreError, StoreBusy, DuckDB errors: tell the user, keep the log
        log.exception("intake by %s could not be stored", user["username"])
        return _form_page(request, found, 503, error=ERR_STORE, values=values)

    notice = "ada" if ingested.new == 0 and ingested.queued == 0 else ("tanpa-halaman" if wanted and not fetched else "baru")
    link = _item_link(request, user["role"], post.platform, post.post_id)
    if link:
        return RedirectResponse(f"{link}?{urlencode({'masukan': notice})}", status_code=303)
    return RedirectResponse("/masukan?" + urlencode({"tersimpan": key, "masukan": notice}), status_code=303)
