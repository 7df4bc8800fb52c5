"""Pure parsers for the Mastodon REST API (docs.joinmastodon.org).

GET /api/v1/timelines/tag/:hashtag and GET /api/v1/accounts/:id/statuses return a JSON array of Status
objects {id, created_at, content (HTML), url, uri, language, spoiler_text, reblog, account {id, username, acct,
display_name, note (HTML), url}}, newest first. The next (older) page is the `Link: <...max_id=...>; rel="next"`
header; `since_id` asks only for newer statuses. GET /api/v1/accounts/lookup?acct= resolves a handle to an id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from pantau.crawlers.common import PageError, ParseError, collect, html_to_text, load_json, parse_link_header, post_payload

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
    """Statuses of one page (a reblog counts as its original status) and the rel="next" URL from `link`."""
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


def _status(status: dict, index: int) -> dict:
    shown = status.get("reblog") if isinstance(status.get("reblog"), dict) else status
    account = shown.get("account") if isinstance(shown.get("account"), dict) else {}
    text = html_to_text(shown.get("content"))
    if shown.get("spoiler_text"):
        text = f"{shown['spoiler_text']}\n{text}"
    return post_payload(
        PLATFORM, shown.get("uri") or shown.get("url") or shown.get("id"), text, status, index=index,
        url=shown.get("url") or shown.get("uri"),
        created_at=shown.get("created_at"),
        author={"id": account.get("url") or account.get("id"), "handle": account.get("acct"),
                "name": account.get("display_name") or None, "bio": html_to_text(account.get("note")) or None},
        lang=shown.get("language"),
    )
