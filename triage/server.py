"""Run the triage app with uvicorn in a background thread (browser tests, screenshots, benchmarks)."""

from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any, Mapping

import uvicorn

from pantau.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - re-exported for tests and docs scripts

TRUSTED_PROXIES_ENV = "PANTAU_TRUSTED_PROXIES"


def trusted_proxies(environ: Mapping[str, str] | None = None) -> list[str]:
    """The addresses (IPs or CIDR networks, comma-separated in $PANTAU_TRUSTED_PROXIES) whose X-Forwarded-For and
    X-Forwarded-Proto headers are believed; none by default."""
    value = (os.environ if environ is None else environ).get(TRUSTED_PROXIES_ENV, "")
    return [a.strip() for a in value.split(",") if a.strip()]


def uvicorn_config(app, environ: Mapping[str, str] | None = None, **kwargs: Any) -> uvicorn.Config:
    """uvicorn's Config for the triage app. uvicorn itself believes X-Forwarded-For from 127.0.0.1 by default (or from
    $FORWARDED_ALLOW_IPS), which let any local client pick its address and so reset the login rate limit; here
    proxy headers are read only from $PANTAU_TRUSTED_PROXIES (e.g. the reverse proxy's address), else never."""
    proxies = trusted_proxies(environ)
    kwargs.setdefault("log_level", "warning")
    return uvicorn.Config(app, proxy_headers=bool(proxies), forwarded_allow_ips=proxies or "", **kwargs)


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound TCP socket for uvicorn's `sockets=`.

    proto=IPPROTO_TCP matters: accepted connections inherit the listening socket's proto, and asyncio disables Nagle
    (TCP_NODELAY) only on sockets whose proto says TCP. With proto 0 every response on a kept-alive connection (what
    browsers use) waited for the client's delayed ACK: ~40 ms per request, measured here (44-48 ms -> 2.6 ms)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


class ThreadServer:
    """`with ThreadServer(app) as url:` serves `app` on 127.0.0.1 at a free port until the block ends."""

    def __init__(self, app, host: str = "127.0.0.1"):
        self.app = app
        self.host = host
        self.url = ""
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> str:
        sock = listening_socket(self.host, 0)
        port = sock.getsockname()[1]
        config = uvicorn_config(self.app, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("triage app did not start")
            time.sleep(0.02)
        self.url = f"http://{self.host}:{port}"
        return self.url

    def __exit__(self, *exc) -> None:
        assert self._server is not None and self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)
