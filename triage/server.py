"""Run the triage app with uvicorn in a background thread (browser tests, screenshots, benchmarks)."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn


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
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on")
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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
