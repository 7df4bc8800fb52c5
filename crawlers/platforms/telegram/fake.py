"""Fake t.me web preview (markup modelled on t.me/s/<channel> pages) over pantau.crawlers.samples."""

from __future__ import annotations

import html

from pantau.crawlers.fakeserver import FakeRequest, Reply, html_reply
from pantau.crawlers.samples import SAMPLES

ENV: dict[str, str] = {}
CHANNEL = "infopilkada_demo"
MSGS = [(1000 + (13 - s["n"]), s) for s in SAMPLES]  # message number, sample; newest sample = highest number


def expected_ids(args: dict | None = None) -> set[str]:
    return {f"{CHANNEL}/{n}" for n, _ in MSGS}


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "channels": CHANNEL}


def _message(n: int, s: dict) -> str:
    text = html.escape(s["text"]).replace(", ", ",<br/>", 1)
    return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{CHANNEL}/{n}" data-view="x">
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{CHANNEL}"><span dir="auto">Info Pilkada (contoh)</span></a></div>
<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">{n}</span><span class="copyonclick"><a class="tgme_widget_message_date" href="https://t.me/{CHANNEL}/{n}"><time datetime="{s['at'].replace('Z', '+00:00')}" class="time">00:00</time></a></span></div></div></div></div></div>"""


def app(req: FakeRequest) -> Reply:
    if req.path != f"/s/{CHANNEL}":
        return html_reply("<html><body>Not found</body></html>", 404)
    before = int(req.query.get("before") or 10**9)
    older = sorted([(n, s) for n, s in MSGS if n < before], key=lambda m: m[0])
    chunk = older[-5:]
    more = f'<a class="tme_messages_more js-messages_more" data-before="{chunk[0][0]}" href="/s/{CHANNEL}?before={chunk[0][0]}"></a>' if chunk and len(older) > 5 else ""
    body = "\n".join(_message(n, s) for n, s in chunk)
    return html_reply(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Info Pilkada – Telegram</title></head><body>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span dir="auto">Info Pilkada (contoh)</span></div>
<div class="tgme_channel_info_description">Kanal contoh untuk uji pantau</div></div>
<section class="tgme_channel_history js-message_history">{more}
{body}</section></body></html>""")
