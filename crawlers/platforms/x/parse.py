"""Pure parsers for X API v2 responses (GET /2/tweets/search/recent, GET /2/users/:id/tweets).

Response shape (docs.x.com, API v2): {"data": [Tweet], "includes": {"users": [User]}, "meta": {"newest_id",
"oldest_id", "result_count", "next_token"}}; a Tweet has id, text, author_id, created_at, lang; a User
(expansion author_id) has id, username, name, description, location. Pagination: `next_token` for search,
`pagination_token` for timelines; `since_id` asks only for newer Tweets.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from pantau.crawlers.common import PageError, ParseError, collect, load_json, post_payload

PLATFORM = "x"
FIELDS = {
    "tweet.fields": "created_at,author_id,lang,conversation_id",
    "expansions": "author_id",
    "user.fields": "username,name,description,location",
}


def search_url(base_url: str, query: str, *, since_id: str | None = None, next_token: str | None = None, max_results: int = 100) -> str:
    params: dict[str, Any] = {"query": query, "max_results": max_results, **FIELDS}
    if since_id:
        params["since_id"] = since_id
    if next_token:
        params["next_token"] = next_token
    return f"{base_url.rstrip('/')}/2/tweets/search/recent?{urlencode(params)}"


def timeline_url(base_url: str, user_id: str, *, since_id: str | None = None, pagination_token: str | None = None, max_results: int = 100) -> str:
    params: dict[str, Any] = {"max_results": max_results, **FIELDS}
    if since_id:
        params["since_id"] = since_id
    if pagination_token:
        params["pagination_token"] = pagination_token
    return f"{base_url.rstrip('/')}/2/users/{quote(user_id)}/tweets?{urlencode(params)}"


def parse_page(page: Any, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Posts of one search/timeline page and its next_token (None on the last page)."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict):
        raise PageError("expected a JSON object")
    meta = doc.get("meta") if isinstance(doc.get("meta"), dict) else {}
    if "data" not in doc:
        if doc.get("errors") and not meta:
            errs = doc["errors"]
            err = errs[0] if isinstance(errs, list) and isinstance(errs[0], dict) else {}
            # v2 problem objects carry detail/title; the 429 "Rate limit exceeded" body uses {code, message}.
            raise PageError(f"API error: {err.get('detail') or err.get('title') or err.get('message')}")
        return [], None
    if not isinstance(doc["data"], list):
        raise PageError('"data" must be a list')
    users = {u.get("id"): u for u in (doc.get("includes") or {}).get("users", []) if isinstance(u, dict)}
    posts = collect(doc["data"], lambda t, i: _tweet(t, users.get(t.get("author_id")), i), errors)
    token = meta.get("next_token")
    return posts, token if isinstance(token, str) and token else None


def newest_id(page: Any) -> str | None:
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    meta = doc.get("meta") if isinstance(doc, dict) and isinstance(doc.get("meta"), dict) else {}
    value = meta.get("newest_id")
    return str(value) if value else None


def _tweet(tweet: dict, user: dict | None, index: int) -> dict:
    raw = {"data": tweet, "includes": {"users": [user] if user else []}}
    username = (user or {}).get("username")
    return post_payload(
        PLATFORM, tweet.get("id"), tweet.get("text"), raw, index=index,
        url=f"https://x.com/{username or 'i/web'}/status/{tweet.get('id')}",
        created_at=tweet.get("created_at"),
        author={"id": tweet.get("author_id"), "handle": username, "name": (user or {}).get("name"), "bio": (user or {}).get("description")},
        lang=tweet.get("lang"),
        region=(user or {}).get("location"),
    )
