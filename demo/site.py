"""A small local social site serving the generated demo posts as HTML pages and a JSON API.

    with DemoSite() as site:          # binds 127.0.0.1 on a free port, serves in a background thread
        print(site.url)               # http://127.0.0.1:PORT

Pages (UI in Bahasa Indonesia, UTF-8 unless `encoding=` says otherwise):
    /                      timeline, newest first, 20 per page, ?page=N, <a rel="next">
    /search?q=...&page=N   case-insensitive substring search over post texts
    /u/<handle>?page=N     profile (name, bio, region) and that author's posts
    /p/<post_id>           one post
    /robots.txt            allows everything but /admin
JSON API:
    /api/v1/posts?limit=N&cursor=C          {"data": [...], "meta": {"next_cursor": ..., "result_count": n}}
    /api/v1/search?q=...&limit=N&cursor=C   same shape, only matching posts
Post markup: <article class="post" data-post-id=.. data-author-id=..> with a.author[rel=author][href=/u/handle],
span.handle, span.region, div.text[lang], a.permalink[href=/p/id] > time[datetime].

The hidden `truth` of generated posts is never served. Fault injection for tests is a constructor argument:
`faults={"/api/v1/posts": [503, (429, "2")]}` answers the first requests to that path with those statuses
(a Retry-After header, default "1", comes with 429 and 503; `(429, "")` sends none), then serves normally.

Authors can change their posts while the site runs (evidence re-check tests): `site.edit(post_id, text)` replaces
a post's text, `site.delete(post_id)` removes it everywhere (its page then answers 410 Gone).
"""

from __future__ import annotations

import base64
import binascii
import html
import json
import math
import threading
from collections import deque
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable
from urllib.parse import parse_qs, quote, unquote, urlsplit

from pantau.demo.generate import generate_posts

PAGE_SIZE = 20
API_DEFAULT_LIMIT = 20
API_MAX_LIMIT = 100
ROBOTS_TXT = "User-agent: *\nDisallow: /admin\n"
PUBLIC_AUTHOR_FIELDS = ("id", "handle", "name", "bio")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
WIB = timezone(timedelta(hours=7))

Fault = int | tuple[int, str | None]


class DemoSite:
    """The demo platform. Use as a context manager or call start()/stop()."""

    def __init__(
        self,
        posts: list[dict] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        faults: dict[str, Iterable[Fault]] | None = None,
        encoding: str = "utf-8",
        page_size: int = PAGE_SIZE,
        quiet: bool = True,
    ):
        if posts is None:
            posts = generate_posts()
        self.posts = _check_posts(posts)  # newest first
        self.by_id = {p["id"]: p for p in self.posts}
        self.profiles = _profiles(self.posts)
        self.host, self.port = host, port
        self.encoding = encoding
        self.page_size = page_size
        self.quiet = quiet
        self._faults = {path: deque(codes) for path, codes in (faults or {}).items()}
        self._lock = threading.Lock()
        self.deleted: set[str] = set()  # ids removed by delete(): their page answers 410
        # (path with query, status) of the requests served, oldest first (the last 100,000 are kept).
        self.requests: deque[tuple[str, int]] = deque(maxlen=100_000)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------
    def bind(self) -> "DemoSite":
        if self._server is None:
            self._server = ThreadingHTTPServer((self.host, self.port), _Handler)
            self._server.daemon_threads = True
            self._server.site = self  # type: ignore[attr-defined]
            self.port = self._server.server_address[1]
        return self

    def start(self) -> "DemoSite":
        self.bind()
        if self._thread is None:
            assert self._server is not None
            self._thread = threading.Thread(target=self._server.serve_forever, name="demo-site", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
                self._thread.join()
            self._server.server_close()
        self._server = self._thread = None

    def __enter__(self) -> "DemoSite":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("DemoSite is not started")
        return f"http://{self.host}:{self.port}"

    # -- request bookkeeping -------------------------------------------------------
    def take_fault(self, path: str) -> tuple[int, str | None] | None:
        with self._lock:
            queue = self._faults.get(path)
            if not queue:
                return None
            fault = queue.popleft()
        status, retry_after = fault if isinstance(fault, tuple) else (fault, None)
        if retry_after is None and status in (429, 503):
            retry_after = "1"
        return status, retry_after

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.requests.append((path, status))

    # -- authors changing their posts -----------------------------------------------
    def edit(self, post_id: str, text: str) -> dict:
        """Replace the text of a post (as its author editing it); returns the new post."""
        with self._lock:
            old = self.by_id.get(post_id)
            if old is None:
                raise KeyError(post_id)
            new = {**old, "text": text}
            self.posts = [new if p["id"] == post_id else p for p in self.posts]
            self.by_id = {**self.by_id, post_id: new}
        return new

    def delete(self, post_id: str) -> None:
        """Remove a post (as its author deleting it): gone from every listing, search and the API; its page is 410."""
        with self._lock:
            if post_id not in self.by_id:
                raise KeyError(post_id)
            self.posts = [p for p in self.posts if p["id"] != post_id]
            self.by_id = {k: v for k, v in self.by_id.items() if k != post_id}
            self.deleted.add(post_id)

    # -- data views ----------------------------------------------------------------
    def search(self, q: str) -> list[dict]:
        needle = q.casefold()
        return [p for p in self.posts if needle in p["text"].casefold()]

    def public_post(self, post: dict, base: str) -> dict[str, Any]:
        author = post.get("author") or {}
        return {
            "id": post["id"],
            "text": post["text"],
            "created_at": post["created_at"],
            "lang": post.get("lang"),
            "region": post.get("region"),
            "url": f"{base}/p/{quote(post['id'])}",
            "author": {k: author.get(k) for k in PUBLIC_AUTHOR_FIELDS},
        }


def serve_forever(host: str = "127.0.0.1", port: int = 8800, *, posts: list[dict] | None = None) -> None:
    """Serve the demo platform in the foreground until Ctrl-C (for `pantau demo-site`)."""
    site = DemoSite(posts, host, port, quiet=False).bind()
    assert site._server is not None
    try:
        site._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site.stop()


# --- request handling -----------------------------------------------------------


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _Handler(BaseHTTPRequestHandler):
    server_version = "DemoSosmed/1.0"
    sys_version = ""

    @property
    def site(self) -> DemoSite:
        return self.server.site  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        if not self.site.quiet:
            super().log_message(format, *args)

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def _dispatch(self, head: bool) -> None:
        parts = urlsplit(self.path)
        path = parts.path
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        is_api = path.startswith("/api/")
        fault = self.site.take_fault(path)
        if fault is not None:
            status, retry_after = fault
            headers = {"Retry-After": retry_after} if retry_after else {}
            if is_api:
                body = _json_bytes({"error": {"code": status, "message": "coba lagi nanti"}})
                return self._send(status, body, "application/json; charset=utf-8", head, headers)
            return self._send_html(status, _error_page(status, "Layanan sedang sibuk, coba lagi nanti."), head, headers)
        try:
            if is_api:
                status, payload = self._api(path, query)
                return self._send(status, _json_bytes(payload), "application/json; charset=utf-8", head)
            if path == "/robots.txt":
                return self._send(200, ROBOTS_TXT.encode(), "text/plain; charset=utf-8", head)
            return self._send_html(200, self._page(path, query), head)
        except HttpError as exc:
            if is_api:
                body = _json_bytes({"error": {"code": exc.status, "message": exc.message}})
                return self._send(exc.status, body, "application/json; charset=utf-8", head)
            return self._send_html(exc.status, _error_page(exc.status, exc.message), head)

    def _send_html(self, status: int, page: str, head: bool, headers: dict[str, str] | None = None) -> None:
        enc = self.site.encoding
        if enc.lower().replace("_", "-") not in ("utf-8", "utf8"):
            page = page.replace('<meta charset="utf-8">', f'<meta charset="{enc}">')
        body = page.encode(enc, errors="xmlcharrefreplace")
        self._send(status, body, f"text/html; charset={enc}", head, headers)

    def _send(self, status: int, body: bytes, ctype: str, head: bool, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        self.site.record(self.path, status)

    @property
    def base(self) -> str:
        host = self.headers.get("Host") or f"{self.site.host}:{self.site.port}"
        return f"http://{host}"

    # -- HTML pages ------------------------------------------------------------------
    def _page(self, path: str, query: dict[str, str]) -> str:
        site = self.site
        if path == "/":
            page = _page_number(query)
            return _listing("Beranda", "Beranda", site.posts, page, site.page_size, "/", {})
        if path == "/search":
            q = query.get("q", "").strip()
            page = _page_number(query)
            if not q:
                return _layout("Cari", "<h1>Cari</h1><p>Ketik kata kunci untuk mencari pos.</p>")
            posts = site.search(q)
            title = f"Hasil pencarian “{q}”"
            return _listing(title, title, posts, page, site.page_size, "/search", {"q": q}, q=q)
        if path.startswith("/u/"):
            handle = unquote(path[3:])
            profile = site.profiles.get(handle)
            if profile is None:
                raise HttpError(404, "Akun tidak ditemukan.")
            page = _page_number(query)
            posts = [p for p in site.posts if p["author"]["handle"] == handle]
            return _listing(f"{profile['name']} (@{handle})", None, posts, page, site.page_size,
                            f"/u/{quote(handle)}", {}, before=_profile_html(profile))
        if path.startswith("/p/"):
            post_id = unquote(path[3:])
            post = site.by_id.get(post_id)
            if post is None and post_id in site.deleted:
                raise HttpError(410, "Pos ini sudah dihapus oleh pemiliknya.")
            if post is None:
                raise HttpError(404, "Pos tidak ditemukan.")
            return _layout(f"Pos {post['id']}", _article(post) + '<p><a href="/">← Kembali ke Beranda</a></p>')
        if path == "/admin" or path.startswith("/admin/"):
            raise HttpError(403, "Terlarang.")
        raise HttpError(404, "Halaman tidak ditemukan.")

    # -- JSON API ----------------------------------------------------------------------
    def _api(self, path: str, query: dict[str, str]) -> tuple[int, dict]:
        site = self.site
        if path == "/api/v1/posts":
            posts = site.posts
        elif path == "/api/v1/search":
            q = query.get("q", "").strip()
            if not q:
                raise HttpError(400, "parameter q wajib diisi")
            posts = site.search(q)
        else:
            raise HttpError(404, "endpoint tidak ditemukan")
        limit = _int_param(query, "limit", API_DEFAULT_LIMIT, 1, API_MAX_LIMIT)
        start = 0
        if query.get("cursor"):
            key = _decode_cursor(query["cursor"])
            start = next((i for i, p in enumerate(posts) if _sort_key(p) < key), len(posts))
        chunk = posts[start : start + limit]
        more = start + limit < len(posts)
        next_cursor = _encode_cursor(chunk[-1]) if chunk and more else None
        base = self.base
        return 200, {
            "data": [site.public_post(p, base) for p in chunk],
            "meta": {"next_cursor": next_cursor, "result_count": len(chunk)},
        }


# --- helpers ----------------------------------------------------------------------


def _check_posts(posts: list[dict]) -> list[dict]:
    seen: set[str] = set()
    for i, p in enumerate(posts):
        for key in ("id", "text", "created_at"):
            if not isinstance(p.get(key), str) or not p[key]:
                raise ValueError(f"post #{i}: {key} must be a non-empty string")
        if not isinstance(p.get("author"), dict) or not p["author"].get("handle"):
            raise ValueError(f"post #{i}: author.handle is required")
        if p["id"] in seen:
            raise ValueError(f"post #{i}: duplicate id {p['id']!r}")
        seen.add(p["id"])
    return sorted(posts, key=_sort_key, reverse=True)


def _sort_key(post: dict) -> tuple[str, str]:
    return (post["created_at"], post["id"].rjust(20, "0"))


def _profiles(posts: list[dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for p in posts:
        a = p["author"]
        out.setdefault(a["handle"], {**{k: a.get(k) for k in PUBLIC_AUTHOR_FIELDS}, "region": p.get("region")})
    return out


def _encode_cursor(post: dict) -> str:
    raw = json.dumps([post["created_at"], post["id"]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, post_id = json.loads(raw)
        if not isinstance(created_at, str) or not isinstance(post_id, str):
            raise ValueError
    except (binascii.Error, ValueError, TypeError):
        raise HttpError(400, "cursor tidak valid") from None
    return _sort_key({"created_at": created_at, "id": post_id})


def _int_param(query: dict[str, str], name: str, default: int, lo: int, hi: int) -> int:
    if name not in query:
        return default
    try:
        value = int(query[name])
    except ValueError:
        raise HttpError(400, f"parameter {name} harus bilangan bulat") from None
    if not lo <= value <= hi:
        raise HttpError(400, f"parameter {name} harus antara {lo} dan {hi}")
    return value


def _page_number(query: dict[str, str]) -> int:
    return _int_param(query, "page", 1, 1, 10**6)


def _json_bytes(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _display_time(iso: str) -> str:
    try:
        dt = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(WIB)
    except ValueError:
        return iso
    return f"{dt.day} {MONTHS[dt.month - 1]} {dt.year} {dt:%H.%M} WIB"


def _article(post: dict) -> str:
    a = post["author"]
    handle = a["handle"]
    region = f' · <span class="region">{_e(post["region"])}</span>' if post.get("region") else ""
    lang = f' lang="{_e(post["lang"])}"' if post.get("lang") else ""
    return (
        f'<article class="post" data-post-id="{_e(post["id"])}" data-author-id="{_e(a.get("id"))}">\n'
        f'<header><a class="author" rel="author" href="/u/{_e(quote(handle))}">{_e(a.get("name") or handle)}</a> '
        f'<span class="handle">@{_e(handle)}</span>{region}</header>\n'
        f'<div class="text"{lang}>{_e(post["text"])}</div>\n'
        f'<footer><a class="permalink" href="/p/{_e(quote(post["id"]))}">'
        f'<time datetime="{_e(post["created_at"])}">{_e(_display_time(post["created_at"]))}</time></a></footer>\n'
        "</article>"
    )


def _profile_html(profile: dict) -> str:
    region = f'<p>📍 <span class="region">{_e(profile["region"])}</span></p>' if profile.get("region") else ""
    return (
        f'<section class="profile" data-author-id="{_e(profile.get("id"))}" data-handle="{_e(profile["handle"])}">\n'
        f'<h1 class="name">{_e(profile.get("name"))}</h1>\n<p class="handle">@{_e(profile["handle"])}</p>\n'
        f'<p class="bio">{_e(profile.get("bio"))}</p>\n{region}\n</section>\n<h2>Pos</h2>'
    )


def _listing(title: str, heading: str | None, posts: list[dict], page: int, size: int, path: str,
             params: dict[str, str], *, q: str = "", before: str = "") -> str:
    pages = max(1, math.ceil(len(posts) / size))
    if page > pages:
        raise HttpError(404, "Halaman tidak ditemukan.")
    chunk = posts[(page - 1) * size : page * size]
    parts = [before] if before else []
    if heading:
        parts.append(f"<h1>{_e(heading)}</h1>")
    if q:
        parts.append(f'<p class="count">{len(posts)} pos ditemukan.</p>')
    parts.append('<div class="timeline">')
    parts.extend(_article(p) for p in chunk)
    if not chunk:
        parts.append('<p class="empty">Belum ada pos.</p>')
    parts.append("</div>")
    nav = []
    if page > 1:
        nav.append(f'<a rel="prev" href="{_e(_href(path, params, page - 1))}">← Sebelumnya</a>')
    nav.append(f'<span class="page">Halaman {page} dari {pages}</span>')
    if page < pages:
        nav.append(f'<a rel="next" href="{_e(_href(path, params, page + 1))}">Berikutnya →</a>')
    parts.append('<nav class="pagination">' + " ".join(nav) + "</nav>")
    return _layout(title, "\n".join(parts), q=q)


def _href(path: str, params: dict[str, str], page: int) -> str:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in {**params, "page": str(page)}.items())
    return f"{path}?{query}"


def _error_page(status: int, message: str) -> str:
    return _layout(f"Galat {status}", f'<h1>Galat {status}</h1><p class="error">{_e(message)}</p>')


STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:42rem;margin:0 auto;padding:0 1rem;color:#222}"
    "body>header{display:flex;gap:1rem;align-items:center;padding:.75rem 0;border-bottom:1px solid #ddd}"
    ".notice{font-size:.8rem;color:#666}.post{border-bottom:1px solid #eee;padding:.75rem 0}"
    ".post .text{white-space:pre-wrap;margin:.4rem 0}.handle,.region,time{color:#666;font-size:.9rem}"
    ".author{font-weight:600}.pagination{display:flex;gap:1rem;padding:1rem 0}"
)


def _layout(title: str, body: str, *, q: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="id">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)} · Sosmed Demo</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<header><a href="/"><b>Sosmed Demo</b></a> <a href="/">Beranda</a>\n'
        f'<form action="/search" method="get"><input type="search" name="q" value="{_e(q)}" '
        'placeholder="Cari pos"> <button type="submit">Cari</button></form></header>\n'
        '<p class="notice">Situs demo pantau: semua akun, calon, partai dan pos di sini fiktif.</p>\n'
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
