"""The socket the app is served on: responses on kept-alive connections must not wait for delayed ACKs."""

from __future__ import annotations

import asyncio
import socket

from pantau.triage.server import listening_socket


def _nodelay_of_accepted_connection(listener: socket.socket) -> int:
    """Serve `listener` with asyncio (as uvicorn does), connect once, return TCP_NODELAY of the accepted socket."""
    seen: list[int] = []

    class Probe(asyncio.Protocol):
        def connection_made(self, transport):
            sock = transport.get_extra_info("socket")
            seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def run() -> None:
        server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()
        await server.wait_closed()

    asyncio.run(run())
    return seen[0]


def test_accepted_connections_have_nagle_disabled():
    assert listening_socket("127.0.0.1", 0).proto == socket.IPPROTO_TCP
    assert _nodelay_of_accepted_connection(listening_socket("127.0.0.1", 0)) != 0


def test_a_plain_socket_would_not_get_it():
    """Why listening_socket() exists: with proto 0 asyncio leaves Nagle on (each keep-alive response then waited
    ~40 ms for the client's delayed ACK)."""
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    plain.bind(("127.0.0.1", 0))
    assert _nodelay_of_accepted_connection(plain) == 0
