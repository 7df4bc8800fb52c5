"""A local HTTP server on 127.0.0.1 replaying platform-shaped responses, with fault injection. For tests,
the benchmark and trying an adapter offline:

    python -m pantau.crawlers.fakeserver x      # serves the x adapter's fake API until Ctrl-C

Every platform folder has `fake.py` with `app(request) -> Reply` answering like the real API (shapes written
from the official documentation, data made up here) and `spider_args(base_url)` for a crawl of it.

Faults: `FakeServer(app, faults=[("/2/tweets", "429"), ("page=2", "truncated")])`: the first request whose
`path?query` contains the text gets that fault once. Kinds: "429" / "503" (with Retry-After: 1), "500",
"truncated" (body cut in half), "ctype" (an HTML page with text/html), "oversize" (OVERSIZE_BYTES of JSON),
"bad_utf8" (a 0xFF byte inside the body), "redirect_loop" (302s forever), "slow" (answers after SLOW_SECONDS),
"empty" (200 with no body).
"""

from __future__ import annotations

import importlib
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

OVERSIZE_BYTES = 3 * 1024 * 1024
SLOW_SECONDS = 2.0
FAULT_KINDS = ("429", "503", "500", "truncated", "ctype", "oversize", "bad_utf8", "redirect_loop", "slow", "empty")


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    base: str
    multi: dict[str, list[str]] = field(default_factory=dict)  # every value of a repeated parameter

    def query_list(self, name: str) -> list[str]:
        """All values of `name` (`?actors=a&actors=b`), or the single one of `query`."""
        return self.multi.get(name) or ([self.query[name]] if name in self.query else [])

    @property
    def target(self) -> str:
        return self.path + ("?" + "&".join(f"{k}={v}" for k, v in self.query.items()) if self.query else "")


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def data(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode("utf-8")
        return json.dumps(self.body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_reply(obj: Any, status: int = 200, **headers: str) -> Reply:
    return Reply(status, obj, headers=dict(headers))


def html_reply(text: str, status: int = 200) -> Reply:
    return Reply(status, text, content_type="text/html; charset=utf-8")


App = Callable[[FakeRequest], Reply]


class FakeServer:
    def __init__(self, app: App, faults: list[tuple[str, str]] | None = None, host: str = "127.0.0.1", port: int = 0):
        for _, kind in faults or []:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        self.app = app
        self.faults = list(faults or [])
        self.requests: list[tuple[str, str, int]] = []  # (method, path?query, status)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "FakeServer":
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-server", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        if self._thread:
            self._thread.join()
        self._server.server_close()

    def take_fault(self, target: str) -> str | None:
        with self._lock:
            for i, (needle, kind) in enumerate(self.faults):
                if needle in target:
                    del self.faults[i]
                    return kind
        return None

    def record(self, method: str, target: str, status: int) -> None:
        with self._lock:
            self.requests.append((method, target, status))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        fake: FakeServer = self.server.fake  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        multi = parse_qs(parts.query, keep_blank_values=True)
        query = {k: v[0] for k, v in multi.items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host, port = self.server.server_address[:2]
        req = FakeRequest(method, parts.path, query, {k.lower(): v for k, v in self.headers.items()}, body, f"http://{host}:{port}",
                          multi)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith("/__loop/"):
            n = int(parts.path.rsplit("/", 1)[1] or 0)
            return self._send(fake, target, Reply(302, b"", "text/plain", {"Location": f"/__loop/{n + 1}"}))
        if parts.path == "/robots.txt" and method == "GET":
            try:
                reply = fake.app(req)
            except Exception:  # noqa: BLE001 - an app without robots.txt
                reply = Reply(404, b"not found", "text/plain")
            if reply.status == 404:
                reply = Reply(200, "User-agent: *\nDisallow: /private\n", "text/plain")
            return self._send(fake, target, reply)
        kind = fake.take_fault(target)
        if kind in ("429", "503"):
            return self._send(fake, target, Reply(int(kind), {"title": "Too Many Requests"}, headers={"Retry-After": "1"}))
        if kind == "500":
            return self._send(fake, target, Reply(500, {"error": "internal"}))
        if kind == "redirect_loop":
            return self._send(fake, target, Reply(302, b"", "text/plain", {"Location": "/__loop/1"}))
        if kind == "empty":
            return self._send(fake, target, Reply(200, b""))
        if kind == "ctype":
            return self._send(fake, target, html_reply("<html><body><h1>Maintenance</h1></body></html>"))
        if kind == "oversize":
            return self._send(fake, target, Reply(200, b'{"data":["' + b"x" * OVERSIZE_BYTES + b'"]}'))
        if kind == "slow":
            time.sleep(SLOW_SECONDS)
        try:
            reply = fake.app(req)
        except Exception as exc:  # noqa: BLE001 - the fake itself failing shows up as a 500
            reply = Reply(500, {"error": f"fake server: {exc}"})
        if kind == "truncated":
            data = reply.data()
            reply = Reply(reply.status, data[: len(data) // 2], reply.content_type, reply.headers)
        elif kind == "bad_utf8":
            data = reply.data()
            at = data.find(b" ")
            reply = Reply(reply.status, data[:at] + b"\xff" + data[at:] if at >= 0 else data + b"\xff", reply.content_type, reply.headers)
        self._send(fake, target, reply)

    def _send(self, fake: FakeServer, target: str, reply: Reply) -> None:
        data = reply.data()
        fake.record(self.command, target, reply.status)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(data)))
            for k, v in reply.headers.items():
                self.send_header(k, v)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def platform_fake(name: str) -> Any:
    """The fake module of a platform: pantau.crawlers.platforms.<name>.fake."""
    return importlib.import_module(f"pantau.crawlers.platforms.{name}.fake")


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        raise SystemExit("usage: python -m pantau.crawlers.fakeserver <platform>")
    fake = platform_fake(argv[0])
    with FakeServer(fake.app) as server:
        print(f"fake {argv[0]} at {server.url}; crawl it with -a " + " -a ".join(f"{k}={v}" for k, v in fake.spider_args(server.url).items()))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main(sys.argv[1:])
