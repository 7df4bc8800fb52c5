"""Pure parser for the Telegram channel web preview https://t.me/s/<channel>.

Each message is `<div class="tgme_widget_message ..." data-post="<channel>/<id>">` with
`.tgme_widget_message_owner_name` (channel title), `.tgme_widget_message_text` (HTML text) and
`a.tgme_widget_message_date > time[datetime]`. Older messages: `a.tme_messages_more[data-before]`
(`/s/<channel>?before=<id>`). Post ids are `<channel>/<id>`; `raw` is the message's outer HTML.
"""

from __future__ import annotations

from urllib.parse import quote, urljoin

from parsel import Selector

from pantau.crawlers.common import ParseError, decode_html, html_to_text, post_payload

PLATFORM = "telegram"


def channel_url(base_url: str, channel: str, *, before: str | None = None) -> str:
    url = f"{base_url.rstrip('/')}/s/{quote(channel.lstrip('@'))}"
    return f"{url}?before={quote(before)}" if before else url


def parse_page(page: str | bytes, *, base_url: str = "https://t.me", content_type: str | None = None,
               errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Messages of one preview page (oldest first, as shown) and the absolute URL of the older page, or None."""
    sel = Selector(text=decode_html(page, content_type))
    info = sel.css(".tgme_channel_info_description")
    channel_bio = html_to_text(info.get()) if info else None
    posts: list[dict] = []
    for index, msg in enumerate(sel.css("div.tgme_widget_message[data-post]")):
        raw = msg.get()
        try:
            data_post = msg.attrib.get("data-post", "")
            if "/" not in data_post:
                raise ParseError("data-post is not <channel>/<id>", index=index, snippet=raw)
            channel = data_post.split("/", 1)[0]
            text = html_to_text(msg.css(".tgme_widget_message_text").get())
            posts.append(post_payload(
                PLATFORM, data_post, text, raw, index=index,
                url=msg.css("a.tgme_widget_message_date::attr(href)").get() or f"https://t.me/{data_post}",
                created_at=msg.css("a.tgme_widget_message_date time::attr(datetime)").get(),
                author={"id": channel, "handle": channel,
                        "name": " ".join("".join(msg.css(".tgme_widget_message_owner_name ::text").getall()).split()) or None,
                        "bio": channel_bio},
            ))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    more = sel.css("a.tme_messages_more[data-before]::attr(href)").get()
    return posts, (urljoin(base_url.rstrip("/") + "/", more) if more else None)


def message_number(post_id: str) -> int:
    tail = post_id.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else -1
