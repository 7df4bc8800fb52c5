"""Pure parsers for the Mastodon REST API (docs.joinmastodon.org).

GET /api/v1/timelines/tag/:hashtag and GET /api/v1/accounts/:id/statuses return a JSON array of Status
objects {id, created_at, content (HTML), url, uri, language, spoiler_text, reblog, account {id, username, acct,
display_name, note (HTML), url}}, newest first. The next (older) page is the `Link: <...max_id=...>; rel="next"`
header; `since_id` asks only for newer statuses. GET /api/v1/accounts/lookup?acct= resolves a handle to an id.

A reblog (`reblog` holds the original Status) is the reblogger's post: its own uri, time and account, the
original's text, the original in shared_from. A quote (`quote.quoted_status`, Mastodon 4.4) has both texts.
`media_attachments` [{type image|gifv|video|audio|unknown, url, preview_url, description}] become media (the
description is the alt text); a preview `card` adds its title and description to the text; a status with
media but no text is kept. The account's profile `fields` [{name, value (HTML)}] are added to its bio.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from pantau.crawlers.common import (PageError, ParseError, collect, html_to_text, load_json, media_text, parse_link_header,
                                    post_payload, unescape, with_shared)

PLATFORM = "mastodon"


def tag_url(base_url: str, tag: str, *, since_id: str | None = None, limit: int = 40) -> str:
    params: dict[str, Any] = {"limit": limit}
    if since_id:
        params["since_id"] = since_id
    return f"{base_url.rstrip('/')}/api/v1/timelines/tag/{quote(tag.lstrip('#'))}?{urlencode(params)}"


def lookup_url(base_url: str, acct: str) -> str:
    return f"{base_url.rstrip('/')}/api/v1/accounts/lookup?{urlencode({'acct': acct.lstrip('@')})}"


def statuses_url(base_url: str, account_id: str, *, since_id: str | None = None, limit: int = 40) -> str:
    params: dict[str, Any] = {"limit": limit, "exclude_reblogs": "false"}
    if since_id:
        params["since_id"] = since_id
    return f"{base_url.rstrip('/')}/api/v1/accounts/{quote(account_id)}/statuses?{urlencode(params)}"


def parse_page(page: Any, *, link: str | bytes | None = None, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Statuses of one page (a reblog is the reblogger's post) and the rel="next" URL from `link`."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, list):
        if isinstance(doc, dict) and doc.get("error"):
            raise PageError(f"API error: {doc['error']}")
        raise PageError("expected a JSON array of statuses")
    posts = collect(doc, _status, errors)
    return posts, (parse_link_header(link).get("next") if doc else None)


def parse_account(page: Any) -> str:
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict) or not doc.get("id"):
        raise PageError("account lookup gave no id")
    return str(doc["id"])


MEDIA_TYPES = {"image": "image", "gifv": "gif", "video": "video", "audio": "audio"}


def _account(account: Any) -> dict:
    a = account if isinstance(account, dict) else {}
    bio = html_to_text(a.get("note"))
    listed = a.get("fields") if isinstance(a.get("fields"), list) else []
    fields = [f"{unescape(f.get('name'))}: {html_to_text(f.get('value'))}" for f in listed
              if isinstance(f, dict) and f.get("name")]
    bio = "\n".join(t for t in [bio, *fields] if t)
    return {"id": a.get("url") or a.get("id"), "handle": a.get("acct"), "name": unescape(a.get("display_name")) or None,
            "bio": bio or None}


def _content(status: dict) -> tuple[str, list[dict]]:
    """Text (content warning, content, preview card) and media of one Status."""
    text = html_to_text(status.get("content"))
    if status.get("spoiler_text"):
        text = f"{unescape(status['spoiler_text'])}\n{text}"
    card = status.get("card") if isinstance(status.get("card"), dict) else {}
    card_text = "\n".join(t for t in (unescape(card.get("title")), unescape(card.get("description")))
                          if isinstance(t, str) and t.strip())
    attached = status.get("media_attachments") if isinstance(status.get("media_attachments"), list) else []
    media = [{"type": MEDIA_TYPES.get(m.get("type") if isinstance(m.get("type"), str) else None, "other"),
              "url": m.get("url") or m.get("preview_url") or m.get("remote_url"),
              "alt": m.get("description") or None} for m in attached if isinstance(m, dict)]
    return with_shared(text, card_text), media


def _original(status: dict) -> dict:
    text, _ = _content(status)
    return {"platform": PLATFORM, "post_id": status.get("uri") or status.get("url") or status.get("id"),
            "url": status.get("url") or status.get("uri"), "created_at": status.get("created_at"),
            "author": _account(status.get("account")), "text": text or None}


def _status(status: dict, index: int) -> dict:
    reblog = status.get("reblog") if isinstance(status.get("reblog"), dict) else None
    quote = status.get("quote") if isinstance(status.get("quote"), dict) else None
    quoted = quote.get("quoted_status") if quote and isinstance(quote.get("quoted_status"), dict) else None
    text, media = _content(reblog or status)
    shared = None
    if reblog:
        kind, shared = "repost", _original(reblog)
    elif quoted:
        kind, shared = "quote", _original(quoted)
        q_text, q_media = _content(quoted)
        text, media = with_shared(text, q_text), media + q_media
    else:
        kind = "reply" if status.get("in_reply_to_id") else "post"
    return post_payload(
        PLATFORM, status.get("uri") or status.get("url") or status.get("id"), text or media_text(media), status,
        index=index, url=status.get("url") or (reblog or {}).get("url") or status.get("uri"),
        created_at=status.get("created_at"), author=_account(status.get("account")),
        lang=(reblog or status).get("language"), kind=kind, shared_from=shared, media=media,
    )
