"""Fake public post page (what a Facebook/TikTok link may show without login) for intake tests."""

from __future__ import annotations

from pantau.crawlers.fakeserver import FakeRequest, Reply, html_reply
from pantau.post import sha256_hex

ENV: dict[str, str] = {}
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Postingan publik</title>
<meta property="og:title" content="Sari Wulandari - Guru SDN 3 Depok">
<meta property="og:description" content="Ayo coblos nomor 2! #PaslonDuaJuara"></head><body><p>Masuk untuk melihat lebih banyak</p></body></html>"""


def expected_ids(args: dict | None = None) -> set[str]:
    return {sha256_hex((args or {}).get("url", ""))[:24]}


def spider_args(base_url: str) -> dict[str, str]:
    return {"url": f"{base_url}/posts/12345", "tip": "Guru SDN ajak coblos paslon 2 di status", "reporter_contact": "pelapor@example.org",
            "submitted_by": "relawan_sleman"}


def app(req: FakeRequest) -> Reply:
    if req.path.startswith("/posts/"):
        return html_reply(PAGE)
    return html_reply("<h1>404</h1>", 404)
