"""Pure parsers for YouTube Data API v3 responses (developers.google.com/youtube/v3/docs).

channels.list?part=contentDetails&id=   -> items[].contentDetails.relatedPlaylists.uploads   (1 unit)
playlistItems.list?part=snippet&playlistId= -> items[].snippet{publishedAt, title, description, channelId,
    channelTitle, resourceId{videoId}}, nextPageToken                                        (1 unit)
search.list?part=snippet&type=video&q=  -> items[]{id{videoId}, snippet{...}}, nextPageToken (100 units)
commentThreads.list?part=snippet&videoId= -> items[]{id, snippet{videoId, topLevelComment{id, snippet{
    textOriginal, textDisplay, authorDisplayName, authorChannelId{value}, authorChannelUrl, publishedAt}}}}   (1 unit)
Posts: one per video (title + description, id `video:<videoId>`) and one per top-level comment (`comment:<id>`).

Errors (developers.google.com/youtube/v3/docs/errors): {"error": {"code", "message", "errors": [{"message", "domain",
"reason"}], "status", "details": [{"@type": ".../google.rpc.ErrorInfo", "reason"}]}}. HTTP 403 with reason
quotaExceeded (domain youtube.quota), dailyLimitExceeded, rateLimitExceeded or userRateLimitExceeded (domain
usageLimits) means the quota or rate limit is used up, not that the key is wrong; 403 forbidden, or 400 keyInvalid /
keyExpired / "API key not valid" (ErrorInfo reason API_KEY_INVALID) means the key is rejected.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pantau.crawlers.common import PageError, ParseError, collect, load_json, post_payload

PLATFORM = "youtube"
COST = {"channels": 1, "playlistItems": 1, "search": 100, "commentThreads": 1}
# Quota or rate limit used up (403): the daily ones stop every further call until midnight Pacific Time.
QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded", "rateLimitExceeded", "userRateLimitExceeded"})
DAILY_QUOTA_REASONS = frozenset({"quotaExceeded", "dailyLimitExceeded"})
# The key (or its project) rejected: errors[].reason, or the ErrorInfo reason in error.details[].
KEY_REASONS = frozenset({"keyInvalid", "keyExpired", "forbidden", "accessNotConfigured", "ipRefererBlocked",
                         "API_KEY_INVALID", "API_KEY_EXPIRED", "API_KEY_SERVICE_BLOCKED", "SERVICE_DISABLED"})


def error_reasons(page: Any) -> list[str]:
    """The reasons of a Google API error body (error.errors[].reason, then error.details[].reason); [] when the body
    is not one (not JSON, no "error" object)."""
    try:
        doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    except PageError:
        return []
    err = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(err, dict):
        return []
    reasons = []
    for key in ("errors", "details"):
        items = err.get(key)
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict) and isinstance(item.get("reason"), str) and item["reason"]:
                reasons.append(item["reason"])
    return reasons


def api_url(base_url: str, method: str, **params: Any) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return f"{base_url.rstrip('/')}/youtube/v3/{method}?{urlencode(clean)}"


def channels_url(base_url: str, channel_id: str) -> str:
    return api_url(base_url, "channels", part="contentDetails", id=channel_id)


def playlist_url(base_url: str, playlist_id: str, page_token: str | None = None) -> str:
    return api_url(base_url, "playlistItems", part="snippet", playlistId=playlist_id, maxResults=50, pageToken=page_token)


def search_url(base_url: str, q: str, page_token: str | None = None, published_after: str | None = None, region: str = "ID") -> str:
    return api_url(base_url, "search", part="snippet", type="video", q=q, maxResults=50, order="date",
                   regionCode=region, publishedAfter=published_after, pageToken=page_token)


def comments_url(base_url: str, video_id: str, page_token: str | None = None) -> str:
    return api_url(base_url, "commentThreads", part="snippet", videoId=video_id, maxResults=100, order="time",
                   textFormat="plainText", pageToken=page_token)


def _doc(page: Any) -> dict:
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict):
        raise PageError("expected a JSON object")
    if isinstance(doc.get("error"), dict):
        err = doc["error"]
        reasons = ",".join(e.get("reason", "") for e in err.get("errors", []) if isinstance(e, dict))
        raise PageError(f"API error {err.get('code')}: {reasons or err.get('message')}")
    if not isinstance(doc.get("items", []), list):
        raise PageError('"items" must be a list')
    return doc


def _next(doc: dict) -> str | None:
    token = doc.get("nextPageToken")
    return token if isinstance(token, str) and token and doc.get("items") else None


def parse_channels(page: Any) -> list[str]:
    """Uploads playlist ids of a channels.list response."""
    doc = _doc(page)
    out = []
    for item in doc.get("items", []):
        uploads = ((item.get("contentDetails") or {}).get("relatedPlaylists") or {}).get("uploads")
        if uploads:
            out.append(uploads)
    return out


def parse_videos(page: Any, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Video posts of a playlistItems.list or search.list page and the nextPageToken."""
    doc = _doc(page)
    return collect(doc.get("items", []), _video, errors), _next(doc)


def parse_comments(page: Any, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Comment posts of a commentThreads.list page and the nextPageToken."""
    doc = _doc(page)
    return collect(doc.get("items", []), _comment, errors), _next(doc)


def _video(item: dict, index: int) -> dict:
    sn = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    ident = item.get("id")
    video_id = ident.get("videoId") if isinstance(ident, dict) else (sn.get("resourceId") or {}).get("videoId")
    text = "\n\n".join(t for t in (sn.get("title"), sn.get("description")) if isinstance(t, str) and t.strip())
    return post_payload(
        PLATFORM, f"video:{video_id}" if video_id else None, text, item, index=index,
        url=f"https://www.youtube.com/watch?v={video_id}", created_at=sn.get("publishedAt"),
        author={"id": sn.get("videoOwnerChannelId") or sn.get("channelId"), "handle": None,
                "name": sn.get("videoOwnerChannelTitle") or sn.get("channelTitle"), "bio": None},
        lang=sn.get("defaultLanguage"),
    )


def _comment(item: dict, index: int) -> dict:
    sn = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    top = sn.get("topLevelComment") if isinstance(sn.get("topLevelComment"), dict) else {}
    csn = top.get("snippet") if isinstance(top.get("snippet"), dict) else {}
    video_id = sn.get("videoId") or csn.get("videoId")
    cid = top.get("id") or item.get("id")
    handle = (csn.get("authorChannelUrl") or "").rsplit("/", 1)[-1] or None
    return post_payload(
        PLATFORM, f"comment:{cid}" if cid else None, csn.get("textOriginal") or csn.get("textDisplay"), item, index=index,
        url=f"https://www.youtube.com/watch?v={video_id}&lc={cid}", created_at=csn.get("publishedAt"),
        author={"id": (csn.get("authorChannelId") or {}).get("value"), "handle": handle,
                "name": csn.get("authorDisplayName"), "bio": None},
    )


def parse_page(page: Any, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Either list page: commentThreads items (kind youtube#commentThread) or video items."""
    doc = _doc(page)
    items = doc.get("items", [])
    if items and all(isinstance(i, dict) and i.get("kind") == "youtube#commentThread" for i in items):
        return parse_comments(doc, errors=errors)
    return parse_videos(doc, errors=errors)
