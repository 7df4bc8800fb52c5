"""Fake local forum (made-up markup) over the samples, 5 posts per page, plus its site config."""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

from pantau.crawlers.fakeserver import FakeRequest, Reply, html_reply
from pantau.crawlers.samples import SAMPLES, page_of

ENV: dict[str, str] = {}
SITE_TOML = """name = "forum-warga"
start_url = "/forum/pilkada"
item = "div.thread-post"
next = "a.next::attr(href)"

[fields]
id = "::attr(data-id)"
text = ".body"
url = "xpath:.//a[@class='permalink']/@href"
author = ".user::text"
created_at = "time::attr(datetime)"
"""


def expected_ids(args: dict | None = None) -> set[str]:
    return {f"forum-warga/{s['n']}" for s in SAMPLES}


def spider_args(base_url: str) -> dict[str, str]:
    path = Path(tempfile.mkdtemp(prefix="pantau-site-")) / "forum-warga.toml"
    path.write_text(SITE_TOML, encoding="utf-8")
    return {"base_url": base_url, "site_config": str(path)}


def app(req: FakeRequest) -> Reply:
    if req.path != "/forum/pilkada":
        return html_reply("<h1>Tidak ditemukan</h1>", 404)
    page = int(req.query.get("hal") or 1)
    chunk, nxt = page_of(SAMPLES, (page - 1) * 5)
    posts = "".join(f"""<div class="thread-post" data-id="{s['n']}"><span class="user">{html.escape(s['handle'])}</span>
<time datetime="{s['at']}">{s['at'][:10]}</time><div class="body"><p>{html.escape(s['text'])}</p></div>
<a class="permalink" href="/forum/pilkada/t/{s['n']}">tautan</a></div>""" for s in chunk)
    more = f'<a class="next" href="/forum/pilkada?hal={page + 1}">Berikutnya</a>' if nxt is not None else ""
    return html_reply(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Forum Warga</title></head><body>{posts}{more}</body></html>")
