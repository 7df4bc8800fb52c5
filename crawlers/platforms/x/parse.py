"""Pure parsers for X API v2 responses (GET /2/tweets/search/recent, GET /2/users/:id/tweets).

Response shape (docs.x.com, API v2): {"data": [Tweet], "includes": {"users": [User]}, "meta": {"newest_id",
"oldest_id", "result_count", "next_token"}}; a Tweet has id, text, author_id, created_at, lang; a User
(expansion author_id) has id, username, name, description, location. Pagination: `next_token` for search,
`pagination_token` for timelines; `since_id` asks only for newer Tweets.

Handles to ids: GET /2/users/by?usernames=a,b (at most 100 per call) -> {"data": [User], "errors": [{"value",
"detail", "title", "resource_type": "user", "parameter": "usernames", "resource_id", "type"}]}: a handle that does
not exist or is suspended is left out of `data` and described in `errors` (HTTP 200; no `data` when none is found).
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


LOOKUP_MAX = 100  # usernames per GET /2/users/by


def handle(value: str) -> str:
    """`@Guru_Sari ` -> `Guru_Sari` (X usernames are 1-15 letters, digits or underscores)."""
    return value.strip().lstrip("@")


def users_by_url(base_url: str, usernames: list[str]) -> str:
    if not 1 <= len(usernames) <= LOOKUP_MAX:
        raise ValueError(f"GET /2/users/by takes 1 to {LOOKUP_MAX} usernames, got {len(usernames)}")
    params = {"usernames": ",".join(usernames), "user.fields": "username,name,protected"}
    return f"{base_url.rstrip('/')}/2/users/by?{urlencode(params)}"


def parse_users(page: Any, asked: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """({asked handle: user id}, {asked handle: why it was not found}) from a GET /2/users/by response.

    Handles compare case-insensitively (X usernames do); every asked handle ends up in exactly one of the two."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict):
        raise PageError("expected a JSON object")
    data = doc.get("data", [])
    problems = doc.get("errors", [])
    if not isinstance(data, list) or not isinstance(problems, list):
        raise PageError('"data" and "errors" must be lists')
    if not data and problems and not any(isinstance(e, dict) and e.get("parameter") == "usernames" for e in problems):
        err = problems[0] if isinstance(problems[0], dict) else {}
        raise PageError(f"API error: {err.get('detail') or err.get('title') or err.get('message')}")
    wanted = {h.lower(): h for h in asked}
    found: dict[str, str] = {}
    for user in data:
        if isinstance(user, dict) and isinstance(user.get("username"), str) and user.get("id"):
            h = wanted.get(user["username"].lower())
            if h is not None:
                found[h] = str(user["id"])
    missing: dict[str, str] = {}
    for err in problems:
        if isinstance(err, dict):
            h = wanted.get(str(err.get("value") or err.get("resource_id") or "").lower())
            if h is not None and h not in found:
                missing[h] = str(err.get("detail") or err.get("title") or "not found")
    for h in asked:
        if h not in found and h not in missing:
            missing[h] = "not in the response"
    return found, missing


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
