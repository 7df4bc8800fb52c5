"""Pure parser for the Telegram channel web preview https://t.me/s/<channel>.

Each message is `<div class="tgme_widget_message ..." data-post="<channel>/<id>">` with
`.tgme_widget_message_owner_name` (channel title), `.tgme_widget_message_text` (HTML text) and
`a.tgme_widget_message_date > time[datetime]`. Older messages: `a.tme_messages_more[data-before]`
(`/s/<channel>?before=<id>`). Post ids are `<channel>/<id>`; `raw` is the message's outer HTML.

Kept beyond text: media (`.tgme_widget_message_photo_wrap` with its background-image URL, video / round video
players, voice and audio, documents with their title, polls with question and options, locations and venues,
stickers, "media not supported" placeholders), link previews (site, title and description added to the text),
and forwards (`.tgme_widget_message_forwarded_from_name`, a link `https://t.me/<channel>/<id>` or a plain name):
a forward is the forwarding channel's post (kind repost, its own id and time) with the source in shared_from.
A message without text is kept with its media as text (`[foto]`, a poll's question...). Service messages
(`.service_message`: pinned, channel photo or name changed, channel created) are no posts and are skipped.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from parsel import Selector

from pantau.crawlers.common import ParseError, decode_html, html_to_text, media_text, post_payload, with_shared

PLATFORM = "telegram"


def channel_url(base_url: str, channel: str, *, before: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}/s/{quote(channel.lstrip('@'))}"
    return f"{url}?before={quote(before)}" if before else url


def parse_page(page: str | bytes, *, base_url: str = "https://t.me", content_type: str | None = None,
               errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Messages of one preview page (oldest first, as shown) and the absolute URL of the older page, or None."""
    try:
        sel = Selector(text=decode_html(page, content_type), type="html")  # never sniffed as JSON
    except ValueError as exc:  # NUL bytes, control characters: lxml refuses the text
        raise ParseError(f"not an HTML page: {exc}") from None
    info = sel.css(".tgme_channel_info_description")
    channel_bio = html_to_text(info.get()) if info else None
    posts: list[dict] = []
    for index, msg in enumerate(sel.css("div.tgme_widget_message[data-post]")):
        try:
            attrib = msg.attrib
        except ValueError as exc:  # lxml: an attribute name it kept but cannot return (control character, "{")
            if errors is not None:
                errors.append(ParseError(f"unreadable message: {exc}", index=index, snippet=msg.get()))
            continue
        if "service_message" in attrib.get("class", "").split():
            continue  # "pinned a message", "channel photo updated"...: not a post
        raw = msg.get()
        try:
            data_post = attrib.get("data-post", "")
            if "/" not in data_post:
                raise ParseError("data-post is not <channel>/<id>", index=index, snippet=raw)
            channel = data_post.split("/", 1)[0]
            media = _media(msg)
            # the message's own text: not the text of a message it replies to (.tgme_widget_message_reply)
            own = msg.xpath(".//div[contains(concat(' ', normalize-space(@class), ' '), ' tgme_widget_message_text ')]"
                            "[not(ancestor::*[contains(@class, 'tgme_widget_message_reply')])]")
            text = with_shared(html_to_text(own[0].get()) if own else "", _link_preview(msg)) or media_text(media)
            posts.append(post_payload(
                PLATFORM, data_post, text, raw, index=index,
                url=msg.css("a.tgme_widget_message_date::attr(href)").get() or f"https://t.me/{data_post}",
                created_at=msg.css("a.tgme_widget_message_date time::attr(datetime)").get(),
                author={"id": channel, "handle": channel,
                        "name": " ".join("".join(msg.css(".tgme_widget_message_owner_name ::text").getall()).split()) or None,
                        "bio": channel_bio},
                media=media, **_forward(msg, text),
            ))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    more = sel.css("a.tme_messages_more[data-before]::attr(href)").get()
    return posts, (urljoin(base_url.rstrip("/") + "/", more) if more else None)


def _text(node: Selector, css: str = "") -> str:
    """The whitespace-tidied text of `css` inside node (of node itself when css is empty)."""
    return " ".join("".join(node.css(f"{css} ::text" if css else "::text").getall()).split())


_BG_URL = re.compile(r"background-image:\s*url\(['\"]?([^'\")]+)")


def _bg(node: Selector) -> str | None:
    m = _BG_URL.search(node.attrib.get("style", ""))
    return m.group(1) if m else None


def _media(msg: Selector) -> list[dict]:
    """The message's attachments in page order, as {type, url, alt}."""
    media: list[dict] = []
    for photo in msg.css("a.tgme_widget_message_photo_wrap"):
        media.append({"type": "image", "url": _bg(photo) or photo.attrib.get("href"), "alt": None})
    for video in msg.css(".tgme_widget_message_video_player, .tgme_widget_message_roundvideo_player"):
        src = video.css("video::attr(src)").get()
        thumb = video.css(".tgme_widget_message_video_thumb, .tgme_widget_message_roundvideo_thumb")
        media.append({"type": "video", "url": src or (_bg(thumb[0]) if thumb else None) or video.attrib.get("href"), "alt": None})
    for voice in msg.css(".tgme_widget_message_voice_player, .tgme_widget_message_audio_player"):
        media.append({"type": "audio", "url": voice.css("audio::attr(src)").get(),
                      "alt": _text(voice, ".tgme_widget_message_audio_title") or None})
    for doc in msg.css(".tgme_widget_message_document_wrap"):
        media.append({"type": "document", "url": doc.attrib.get("href"),
                      "alt": _text(doc, ".tgme_widget_message_document_title") or None})
    for poll in msg.css(".tgme_widget_message_poll"):
        options = [" ".join("".join(o.css("::text").getall()).split()) for o in poll.css(".tgme_widget_message_poll_option_text")]
        alt = " / ".join(t for t in [_text(poll, ".tgme_widget_message_poll_question"), *options] if t)
        media.append({"type": "poll", "url": None, "alt": alt or None})
    for loc in msg.css("a.tgme_widget_message_location_wrap"):
        venue = " ".join(t for t in (_text(msg, ".tgme_widget_message_venue_title"),
                                     _text(msg, ".tgme_widget_message_venue_address")) if t)
        media.append({"type": "location", "url": loc.attrib.get("href"), "alt": venue or None})
    for sticker in msg.css(".tgme_widget_message_sticker_wrap"):
        img = sticker.css(".tgme_widget_message_sticker")
        media.append({"type": "sticker", "url": (_bg(img[0]) if img else None) or sticker.attrib.get("href"), "alt": None})
    if not media and msg.css(".message_media_not_supported"):
        media.append({"type": "other", "url": None, "alt": None})
    return media


def _link_preview(msg: Selector) -> str:
    """Site name, title and description of a link preview card, one per line."""
    card = msg.css(".tgme_widget_message_link_preview")
    if not card:
        return ""
    parts = [_text(card[0], f".link_preview_{k}") for k in ("site_name", "title", "description")]
    return "\n".join(t for t in parts if t)


def _forward(msg: Selector, text: str) -> dict:
    """kind and shared_from of a forwarded message ({} when it is not one)."""
    name = msg.css(".tgme_widget_message_forwarded_from_name")
    if not name:
        return {}
    href = name[0].attrib.get("href")
    parts = urlsplit(href).path.strip("/").split("/") if href else []
    if parts[:1] == ["s"]:
        parts = parts[1:]
    handle = parts[0] if parts and parts[0] else None
    post_id = f"{parts[0]}/{parts[1]}" if len(parts) >= 2 and parts[1].isdigit() else None
    display = _text(name[0]) or None
    signed = _text(msg, ".tgme_widget_message_forwarded_from_author") or None
    return {"kind": "repost", "shared_from": {
        "platform": PLATFORM, "post_id": post_id, "url": href,
        "created_at": None, "text": text,
        "author": {"id": handle, "handle": handle, "name": " · ".join(n for n in (display, signed) if n) or None, "bio": None}}}


def before_number(url: str | None) -> int | None:
    """The `before` message number of an older-page URL (`/s/<channel>?before=<id>`)."""
    if not url:
        return None
    value = parse_qs(urlsplit(url).query).get("before", [""])[0]
    return int(value) if value.isdigit() else None


def message_number(post_id: str) -> int:
    tail = post_id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1
