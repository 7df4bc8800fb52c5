"""Pure parsers for the Bluesky AppView XRPC API (docs.bsky.app).

GET /xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor= -> {"feed": [{"post": PostView, "reason"?}], "cursor"?}
GET /xrpc/app.bsky.feed.searchPosts?q=&limit=&cursor=       -> {"posts": [PostView], "cursor"?, "hitsTotal"?}
PostView: {uri (at://did/app.bsky.feed.post/rkey), cid, author {did, handle, displayName, description?},
record {"$type": "app.bsky.feed.post", text, createdAt, langs?}, indexedAt}.
POST /xrpc/com.atproto.server.createSession {"identifier", "password"} -> {accessJwt, refreshJwt, handle, did}.
POST /xrpc/com.atproto.server.refreshSession with `Authorization: Bearer <refreshJwt>` (no body) -> the same shape,
with a new accessJwt and a new refreshJwt (the old refresh token is used up).
XRPC errors: HTTP 4xx/5xx with {"error": "<Name>", "message": "..."}; an expired access token is
400 {"error": "ExpiredToken"}.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from pantau.crawlers.common import PageError, ParseError, collect, load_json, post_payload

PLATFORM = "bluesky"


def author_feed_url(base_url: str, actor: str, *, cursor: str | None = None, limit: int = 100) -> str:
    params: dict[str, Any] = {"actor": actor, "limit": limit, "filter": "posts_with_replies"}
    if cursor:
        params["cursor"] = cursor
    return f"{base_url.rstrip('/')}/xrpc/app.bsky.feed.getAuthorFeed?{urlencode(params)}"


def search_url(base_url: str, q: str, *, cursor: str | None = None, since: str | None = None, limit: int = 100) -> str:
    params: dict[str, Any] = {"q": q, "limit": limit, "sort": "latest"}
    if since:
        params["since"] = since
    if cursor:
        params["cursor"] = cursor
    return f"{base_url.rstrip('/')}/xrpc/app.bsky.feed.searchPosts?{urlencode(params)}"


def session_request(base_url: str, identifier: str, password: str) -> tuple[str, bytes]:
    body = json.dumps({"identifier": identifier, "password": password}).encode("utf-8")
    return f"{base_url.rstrip('/')}/xrpc/com.atproto.server.createSession", body


def refresh_url(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/xrpc/com.atproto.server.refreshSession"


def parse_tokens(page: Any) -> tuple[str, str | None]:
    """(accessJwt, refreshJwt) of a createSession or refreshSession response."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict) or not isinstance(doc.get("accessJwt"), str) or not doc["accessJwt"]:
        raise PageError("the session answer has no accessJwt")
    refresh = doc.get("refreshJwt")
    return doc["accessJwt"], refresh if isinstance(refresh, str) and refresh else None


def parse_session(page: Any) -> str:
    return parse_tokens(page)[0]


def xrpc_error(page: Any) -> str | None:
    """The `error` name of an XRPC error body ({"error": "ExpiredToken", "message": ...}), None if it is not one."""
    try:
        doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    except PageError:
        return None
    name = doc.get("error") if isinstance(doc, dict) else None
    return name if isinstance(name, str) and name else None


def parse_page(page: Any, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Posts of a getAuthorFeed or searchPosts page, and the cursor of the next page."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict):
        raise PageError("expected a JSON object")
    if "feed" in doc:
        items = doc["feed"]
        if not isinstance(items, list):
            raise PageError('"feed" must be a list')
        views = [i.get("post") if isinstance(i, dict) else i for i in items]
    elif "posts" in doc:
        views = doc["posts"]
        if not isinstance(views, list):
            raise PageError('"posts" must be a list')
    elif doc.get("error"):
        raise PageError(f"XRPC error {doc['error']}: {doc.get('message')}")
    else:
        raise PageError('expected "feed" or "posts"')
    cursor = doc.get("cursor")
    return collect(views, _post, errors), cursor if isinstance(cursor, str) and cursor and views else None


def _post(view: dict, index: int) -> dict:
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    author = view.get("author") if isinstance(view.get("author"), dict) else {}
    uri = view.get("uri") or ""
    rkey = uri.rsplit("/", 1)[-1] if uri else ""
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    return post_payload(
        PLATFORM, uri, record.get("text"), view, index=index,
        url=f"https://bsky.app/profile/{author.get('handle') or author.get('did')}/post/{rkey}" if rkey else None,
        created_at=record.get("createdAt") or view.get("indexedAt"),
        author={"id": author.get("did"), "handle": author.get("handle"), "name": author.get("displayName") or None,
                "bio": author.get("description") or None},
        lang=langs[0] if langs else None,
    )
