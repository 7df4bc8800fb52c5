"""Pure parsers for YouTube Data API v3 responses (developers.google.com/youtube/v3/docs).

channels.list?part=contentDetails&id=   -> items[].contentDetails.relatedPlaylists.uploads   (1 unit)
playlistItems.list?part=snippet&playlistId= -> items[].snippet{publishedAt, title, description, channelId,
    channelTitle, resourceId{videoId}}, nextPageToken                                        (1 unit)
search.list?part=snippet&type=video&q=  -> items[]{id{videoId}, snippet{...}}, nextPageToken (100 units)
commentThreads.list?part=snippet&videoId= -> items[]{id, snippet{videoId, topLevelComment{id, snippet{
    textOriginal, textDisplay, authorDisplayName, authorChannelId{value}, authorChannelUrl, publishedAt}}}}   (1 unit)
comments.list?part=snippet&parentId=<thread id> -> items[]{id, snippet{parentId, textOriginal, ...}} (1 unit): the
    replies of a thread (commentThreads with part=replies gives at most 5 of them inline).
channels.list?part=snippet&id=a,b,... (at most 50) -> items[]{id, snippet{title, description, customUrl, country}}
    (1 unit): the channel descriptions (bios) of video owners and commenters.
Posts: one per video (title + description, id `video:<videoId>`, kind post), one per top-level comment
(`comment:<id>`, kind comment) and one per reply (`comment:<id>`, kind reply). Titles, descriptions and comment
texts are HTML-unescaped (the API sends `&amp;`, `&#39;` in titles). Bios come from `channels` {id: info}.

Errors (developers.google.com/youtube/v3/docs/errors): {"error": {"code", "message", "errors": [{"message", "domain",
"reason"}], "status", "details": [{"@type": ".../google.rpc.ErrorInfo", "reason"}]}}. HTTP 403 with reason
quotaExceeded (domain youtube.quota), dailyLimitExceeded, rateLimitExceeded or userRateLimitExceeded (domain
usageLimits) means the quota or rate limit is used up, not that the key is wrong; 403 forbidden, or 400 keyInvalid /
keyExpired / "API key not valid" (ErrorInfo reason API_KEY_INVALID) means the key is rejected.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from pantau.crawlers.common import PageError, ParseError, collect, load_json, post_payload, unescape

PLATFORM = "youtube"
COST = {"channels": 1, "playlistItems": 1, "search": 100, "commentThreads": 1, "comments": 1}
CHANNELS_MAX = 50  # ids per channels.list call
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
    return api_url(base_url, "channels", part="snippet,contentDetails", id=channel_id)


def channel_info_url(base_url: str, channel_ids: list[str]) -> str:
    if not 1 <= len(channel_ids) <= CHANNELS_MAX:
        raise ValueError(f"channels.list takes 1 to {CHANNELS_MAX} ids, got {len(channel_ids)}")
    return api_url(base_url, "channels", part="snippet", id=",".join(channel_ids), maxResults=CHANNELS_MAX)


def replies_url(base_url: str, parent_id: str, page_token: str | None = None) -> str:
    return api_url(base_url, "comments", part="snippet", parentId=parent_id, maxResults=100, textFormat="plainText",
                   pageToken=page_token)


def parse_channel_info(page: Any) -> dict[str, dict]:
    """{channel id: snippet} of a channels.list response."""
    doc = _doc(page)
    return {item["id"]: item.get("snippet") or {} for item in doc.get("items", [])
            if isinstance(item, dict) and isinstance(item.get("id"), str)}


def channel_ids(posts: list[dict]) -> list[str]:
    """Channel ids of the posts' authors whose bio is unknown, in order, once each."""
    ids: dict[str, None] = {}
    for p in posts:
        a = p.get("author") or {}
        if a.get("id") and a.get("bio") is None:
            ids.setdefault(a["id"], None)
    return list(ids)


def reply_counts(page: Any) -> dict[str, int]:
    """{thread id: totalReplyCount} of a commentThreads page (the crawl state keeps them to see a thread grow)."""
    counts = {}
    for item in _doc(page).get("items", []):
        sn = item.get("snippet") if isinstance(item, dict) and isinstance(item.get("snippet"), dict) else {}
        total = sn.get("totalReplyCount")
        if isinstance(total, int) and not isinstance(total, bool) and isinstance(item.get("id"), str):
            counts[item["id"]] = total
    return counts


def reply_threads(page: Any) -> list[str]:
    """Ids of a commentThreads page's threads with more replies than the page holds inline."""
    threads = []
    for item in _doc(page).get("items", []):
        sn = item.get("snippet") if isinstance(item, dict) and isinstance(item.get("snippet"), dict) else {}
        inline = ((item.get("replies") or {}).get("comments") or []) if isinstance(item, dict) else []
        total = sn.get("totalReplyCount")
        if isinstance(total, int) and total > len(inline) and item.get("id"):
            threads.append(item["id"])
    return threads


def playlist_url(base_url: str, playlist_id: str, page_token: str | None = None) -> str:
    return api_url(base_url, "playlistItems", part="snippet", playlistId=playlist_id, maxResults=50, pageToken=page_token)


def search_url(base_url: str, q: str, page_token: str | None = None, published_after: str | None = None, region: str = "ID") -> str:
    """search.list; every page of a search repeats every parameter of the first (publishedAfter included)."""
    return api_url(base_url, "search", part="snippet", type="video", q=q, maxResults=50, order="date",
                   regionCode=region, publishedAfter=published_after, pageToken=page_token)


def comments_url(base_url: str, video_id: str, page_token: str | None = None) -> str:
    return api_url(base_url, "commentThreads", part="snippet,replies", videoId=video_id, maxResults=100, order="time",
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
    """Uploads playlist ids of a channels.list response (its snippets: parse_channel_info)."""
    doc = _doc(page)
    out = []
    items = doc.get("items") or []
    if not isinstance(items, list):
        raise PageError('"items" must be a list')
    for item in items:
        details = item.get("contentDetails") if isinstance(item, dict) else None
        playlists = details.get("relatedPlaylists") if isinstance(details, dict) else None
        uploads = playlists.get("uploads") if isinstance(playlists, dict) else None
        if isinstance(uploads, str) and uploads:
            out.append(uploads)
    return out


def parse_videos(page: Any, *, errors: list[ParseError] | None = None,
                 channels: dict[str, dict] | None = None) -> tuple[list[dict], str | None]:
    """Video posts of a playlistItems.list or search.list page and the nextPageToken."""
    doc = _doc(page)
    return collect(doc.get("items", []), lambda i, n: _video(i, n, channels or {}), errors), _next(doc)


def parse_comments(page: Any, *, errors: list[ParseError] | None = None,
                   channels: dict[str, dict] | None = None) -> tuple[list[dict], str | None]:
    """Comment posts of a commentThreads.list page (top-level comments, then their inline replies) and the
    nextPageToken."""
    doc = _doc(page)
    posts = collect(doc.get("items", []), lambda i, n: _comment(i, n, channels or {}), errors)
    inline = [(r, n) for n, item in enumerate(doc.get("items", [])) if isinstance(item, dict)
              for r in _inline_replies(item)]
    for reply, n in inline:
        try:
            posts.append(_reply(reply, n, channels or {}))
        except ParseError as exc:
            if errors is not None:
                errors.append(exc)
    return posts, _next(doc)


def _inline_replies(thread: dict) -> list:
    """A comment thread's `replies.comments`; a `replies` or `comments` of the wrong type counts as none (bench.fuzz:
    `"replies": "x"` and `"comments": 1` raised AttributeError and TypeError for the whole page)."""
    replies = thread.get("replies")
    comments = replies.get("comments") if isinstance(replies, dict) else None
    return comments if isinstance(comments, list) else []


def parse_replies(page: Any, *, errors: list[ParseError] | None = None,
                  channels: dict[str, dict] | None = None) -> tuple[list[dict], str | None]:
    """Reply posts of a comments.list?parentId= page and the nextPageToken."""
    doc = _doc(page)
    return collect(doc.get("items", []), lambda i, n: _reply(i, n, channels or {}), errors), _next(doc)


def _author(channel_id: Any, name: Any, handle: Any, channels: dict[str, dict]) -> dict:
    info = channels.get(channel_id) or {} if isinstance(channel_id, str) else {}
    return {"id": channel_id, "handle": handle or info.get("customUrl") or None, "name": unescape(name or info.get("title")),
            "bio": unescape(info.get("description")) or None, "location": info.get("country") or None}


def _video(item: dict, index: int, channels: dict[str, dict]) -> dict:
    sn = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    ident = item.get("id")
    resource = sn.get("resourceId") if isinstance(sn.get("resourceId"), dict) else {}
    video_id = ident.get("videoId") if isinstance(ident, dict) else resource.get("videoId")
    text = "\n\n".join(unescape(t).strip() for t in (sn.get("title"), sn.get("description")) if isinstance(t, str) and t.strip())
    return post_payload(
        PLATFORM, f"video:{video_id}" if video_id else None, text, item, index=index,
        url=f"https://www.youtube.com/watch?v={video_id}", created_at=sn.get("publishedAt"),
        author=_author(sn.get("videoOwnerChannelId") or sn.get("channelId"),
                       sn.get("videoOwnerChannelTitle") or sn.get("channelTitle"), None, channels),
        lang=sn.get("defaultLanguage"),
    )


def _comment_post(comment: dict, raw: dict, index: int, channels: dict[str, dict], kind: str, video_id: Any = None) -> dict:
    csn = comment.get("snippet") if isinstance(comment.get("snippet"), dict) else {}
    video_id = video_id or csn.get("videoId")
    cid = comment.get("id")
    channel_url = csn.get("authorChannelUrl") if isinstance(csn.get("authorChannelUrl"), str) else ""
    handle = channel_url.rsplit("/", 1)[-1] or None
    text = csn.get("textOriginal") or csn.get("textDisplay")
    channel = csn.get("authorChannelId") if isinstance(csn.get("authorChannelId"), dict) else {}
    return post_payload(
        PLATFORM, f"comment:{cid}" if cid else None, unescape(text), raw, index=index,
        url=f"https://www.youtube.com/watch?v={video_id}&lc={cid}" if video_id else None, created_at=csn.get("publishedAt"),
        author=_author(channel.get("value"), csn.get("authorDisplayName"), handle, channels),
        kind=kind,
    )


def _comment(item: dict, index: int, channels: dict[str, dict]) -> dict:
    sn = item.get("snippet") if isinstance(item.get("snippet"), dict) else {}
    top = sn.get("topLevelComment") if isinstance(sn.get("topLevelComment"), dict) else {}
    top = {**top, "id": top.get("id") or item.get("id")}
    raw = {k: v for k, v in item.items() if k != "replies"}  # each inline reply is its own post
    return _comment_post(top, raw, index, channels, "comment", sn.get("videoId"))


def _reply(comment: dict, index: int, channels: dict[str, dict]) -> dict:
    if not isinstance(comment, dict):
        raise ParseError("a reply must be an object", index=index)
    return _comment_post(comment, comment, index, channels, "reply")


def parse_page(page: Any, *, errors: list[ParseError] | None = None) -> tuple[list[dict], str | None]:
    """Either list page: commentThreads items (kind youtube#commentThread) or video items."""
    doc = _doc(page)
    items = doc.get("items", [])
    if items and all(isinstance(i, dict) and i.get("kind") == "youtube#commentThread" for i in items):
        return parse_comments(doc, errors=errors)
    if items and all(isinstance(i, dict) and i.get("kind") == "youtube#comment" for i in items):
        return parse_replies(doc, errors=errors)
    return parse_videos(doc, errors=errors)
