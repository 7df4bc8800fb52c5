"""Fake t.me web preview (markup modelled on t.me/s/<channel> pages) over pantau.crawlers.samples.

Besides the samples' text messages, the newest page holds only service messages (pinned, channel photo updated)
and messages without text (a photo, a sticker, a video), and the one before it a forward from another channel
(link to its message), a forward from a hidden account (a plain name), a photo with a caption and a poll, as the
real preview shows them (tgme_widget_message_photo_wrap, _forwarded_from_name, _poll, service_message...)."""

from __future__ import annotations

import html

from pantau.crawlers.fakeserver import FakeRequest, Reply, html_reply
from pantau.crawlers.samples import SAMPLES

ENV: dict[str, str] = {}
CHANNEL = "infopilkada_demo"
MSGS = [(1000 + (13 - s["n"]), s) for s in SAMPLES]  # message number, sample; newest sample = highest number
AT = "2024-11-20T{}:00Z"
PHOTO = ('<a class="tgme_widget_message_photo_wrap blured js-message_photo" href="https://t.me/{c}/{n}" '
         'style="width:800px;background-image:url(\'https://cdn4.telesco.pe/file/foto{n}.jpg\')"><div class="tgme_widget_message_photo"></div></a>')
# Messages besides the samples: number -> (time, extra markup inside the bubble, text HTML or None, service?)
EXTRA = {
    1013: (AT.format("09:10"), '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <a class="tgme_widget_message_forwarded_from_name" '
           'href="https://t.me/relawan_tiga_ch/77"><span dir="auto">Relawan Tiga</span></a></div>', "Dukung terus paslon nomor urut 3!", False),
    1014: (AT.format("09:20"), '<div class="tgme_widget_message_forwarded_from accent_color">Forwarded from <span class="tgme_widget_message_forwarded_from_name">'
           'Akun Tersembunyi</span></div>', "Coblos 02 &amp; menangkan!", False),
    1015: (AT.format("09:25"), PHOTO, "Foto deklarasi kemarin", False),
    1016: (AT.format("09:30"), '<div class="tgme_widget_message_poll js-poll"><div class="tgme_widget_message_poll_question">Pilih siapa?</div>'
           '<div class="tgme_widget_message_poll_type">Anonymous poll</div><div class="tgme_widget_message_poll_option"><div class="tgme_widget_message_poll_option_text">Paslon 01</div></div>'
           '<div class="tgme_widget_message_poll_option"><div class="tgme_widget_message_poll_option_text">Paslon 02</div></div></div>', None, False),
    1017: (AT.format("09:40"), "", "Info Pilkada (contoh) pinned a photo", True),
    1018: (AT.format("09:45"), PHOTO, None, False),
    1019: (AT.format("09:50"), '<a class="tgme_widget_message_sticker_wrap" href="https://t.me/{c}/{n}"><i class="tgme_widget_message_sticker js-sticker_thumb" '
           'style="background-image:url(\'https://cdn4.telesco.pe/file/stiker.webp\')"></i></a>', None, False),
    1020: (AT.format("09:55"), "", "Channel photo updated", True),
    1021: (AT.format("10:00"), '<a class="tgme_widget_message_video_player js-message_video_player" href="https://t.me/{c}/{n}"><i class="tgme_widget_message_video_thumb" '
           'style="background-image:url(\'https://cdn4.telesco.pe/file/thumb.jpg\')"></i><div class="tgme_widget_message_video_wrap"><video src="https://cdn4.telesco.pe/file/video.mp4" '
           'class="tgme_widget_message_video js-message_video" width="100%"></video></div></a>', None, False),
}
SERVICE = {f"{CHANNEL}/{n}" for n, (_, _, _, service) in EXTRA.items() if service}


def expected_ids(args: dict | None = None) -> set[str]:
    return {f"{CHANNEL}/{n}" for n, _ in MSGS} | {f"{CHANNEL}/{n}" for n in EXTRA} - SERVICE


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "channels": CHANNEL}


def _message(n: int, s: dict) -> str:
    text = html.escape(s["text"]).replace(", ", ",<br/>", 1)
    return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{CHANNEL}/{n}" data-view="x">
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{CHANNEL}"><span dir="auto">Info Pilkada (contoh)</span></a></div>
<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">{n}</span><span class="copyonclick"><a class="tgme_widget_message_date" href="https://t.me/{CHANNEL}/{n}"><time datetime="{s['at'].replace('Z', '+00:00')}" class="time">00:00</time></a></span></div></div></div></div></div>"""


def _extra(n: int) -> str:
    at, markup, text, service = EXTRA[n]
    markup = markup.format(c=CHANNEL, n=n)
    text_div = f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>' if text else ""
    if service:
        return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message service_message js-widget_message" data-post="{CHANNEL}/{n}" data-view="x">
<div class="tgme_widget_message_bubble">{text_div}<div class="tgme_widget_message_footer js-message_footer"><a class="tgme_widget_message_date" href="https://t.me/{CHANNEL}/{n}"><time datetime="{at.replace('Z', '+00:00')}" class="time">00:00</time></a></div></div></div></div>"""
    return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap"><div class="tgme_widget_message text_not_supported_wrap js-widget_message" data-post="{CHANNEL}/{n}" data-view="x">
<div class="tgme_widget_message_bubble"><div class="tgme_widget_message_author accent_color"><a class="tgme_widget_message_owner_name" href="https://t.me/{CHANNEL}"><span dir="auto">Info Pilkada (contoh)</span></a></div>
{markup}{text_div}
<div class="tgme_widget_message_footer compact js-message_footer"><div class="tgme_widget_message_info short js-message_info"><span class="tgme_widget_message_views">{n}</span><span class="copyonclick"><a class="tgme_widget_message_date" href="https://t.me/{CHANNEL}/{n}"><time datetime="{at.replace('Z', '+00:00')}" class="time">00:00</time></a></span></div></div></div></div></div>"""


def app(req: FakeRequest) -> Reply:
    if req.path != f"/s/{CHANNEL}":
        return html_reply("<html><body>Not found</body></html>", 404)
    before = int(req.query.get("before") or 10**9)
    older = sorted([(n, s) for n, s in MSGS if n < before] + [(n, None) for n in EXTRA if n < before], key=lambda m: m[0])
    chunk = older[-5:]
    more = f'<a class="tme_messages_more js-messages_more" data-before="{chunk[0][0]}" href="/s/{CHANNEL}?before={chunk[0][0]}"></a>' if chunk and len(older) > 5 else ""
    body = "\n".join(_message(n, s) if s else _extra(n) for n, s in chunk)
    return html_reply(f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Info Pilkada – Telegram</title></head><body>
<div class="tgme_channel_info"><div class="tgme_channel_info_header_title"><span dir="auto">Info Pilkada (contoh)</span></div>
<div class="tgme_channel_info_description">Kanal contoh untuk uji pantau</div></div>
<section class="tgme_channel_history js-message_history">{more}
{body}</section></body></html>""")
