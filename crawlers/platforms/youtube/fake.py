"""Fake YouTube Data API v3 (shapes from the v3 reference) : one channel, 4 videos, comments from the samples.

Titles carry HTML entities as the API sends them (`&amp;`, `&#39;`). One thread has 7 replies: 5 inline
(part=replies), all of them through comments.list?parentId=. channels.list answers part=snippet (title,
description, customUrl, country) for the watched channel and every commenter, at most 50 ids per call. search.list
honours publishedAfter on every page."""

from __future__ import annotations

import threading

from pantau.crawlers.fakeserver import FakeRequest, Reply, json_reply
from pantau.crawlers.samples import SAMPLES

KEY = "test-youtube-key"
ENV = {"PANTAU_YOUTUBE_API_KEY": KEY}
CHANNEL = "UCpantauDemoChannel0000a"
UPLOADS = "UU" + CHANNEL[2:]
VIDEOS = [{"id": f"vid{i:08d}", "title": f"Debat Pilkada sesi {i} &amp; tanya jawab", "description": "Siaran ulang debat publik paslon.",
           "at": f"2024-11-1{9 - i}T12:00:00Z"} for i in range(4)]
CHANNEL_SNIPPET = {"title": "Kanal Debat (contoh)", "description": "Kanal resmi debat Pilkada (contoh)", "customUrl": "@kanaldebat",
                   "country": "ID", "publishedAt": "2020-01-01T00:00:00Z"}
REPLY_THREAD = "Ugzvid0000000004"  # the thread (sample 4's comment on video 0) that has replies
REPLIES = [{"kind": "youtube#comment", "id": f"{REPLY_THREAD}.r{k}", "snippet": {
    "channelId": "UCpantauDemoChannel0000a", "videoId": "vid00000000", "parentId": REPLY_THREAD,
    "textDisplay": f"Setuju &amp; dukung no {k}", "textOriginal": f"Setuju & dukung no {k}",
    "authorDisplayName": "Ahmad Guru SMP", "authorChannelUrl": "http://www.youtube.com/@guru_ahmad",
    "authorChannelId": {"value": "UCguru_ahmad"}, "likeCount": 0,
    "publishedAt": f"2024-11-20T10:0{k}:00Z", "updatedAt": f"2024-11-20T10:0{k}:00Z"}} for k in range(7)]


def channel_snippet(channel_id: str) -> dict | None:
    if channel_id == CHANNEL:
        return CHANNEL_SNIPPET
    s = next((x for x in SAMPLES if f"UC{x['handle']}" == channel_id), None)
    return None if s is None else {"title": s["name"], "description": s["bio"] or "", "customUrl": f"@{s['handle']}",
                                   "publishedAt": "2020-01-01T00:00:00Z"}


def _comments(video_id: str) -> list[dict]:
    i = int(video_id[3:])
    picked = [s for s in SAMPLES if s["n"] % 4 == i]
    return [{"kind": "youtube#commentThread", "id": f"Ugz{video_id}{s['n']:02d}",
             **({"replies": {"comments": REPLIES[:5]}} if f"Ugz{video_id}{s['n']:02d}" == REPLY_THREAD else {}),
             "snippet": {"channelId": CHANNEL, "videoId": video_id, "canReply": True, "isPublic": True,
                         "totalReplyCount": len(REPLIES) if f"Ugz{video_id}{s['n']:02d}" == REPLY_THREAD else 0,
                         "topLevelComment": {"kind": "youtube#comment", "id": f"Ugz{video_id}{s['n']:02d}",
                                             "snippet": {"channelId": CHANNEL, "videoId": video_id, "textDisplay": s["text"],
                                                         "textOriginal": s["text"], "authorDisplayName": s["name"],
                                                         "authorChannelUrl": f"http://www.youtube.com/@{s['handle']}",
                                                         "authorChannelId": {"value": f"UC{s['handle']}"}, "likeCount": 0,
                                                         "publishedAt": s["at"], "updatedAt": s["at"]}}}} for s in picked]


def expected_ids(args: dict | None = None) -> set[str]:
    return ({f"video:{v['id']}" for v in VIDEOS} | {f"comment:{c['id']}" for v in VIDEOS for c in _comments(v["id"])}
            | {f"comment:{r['id']}" for r in REPLIES})


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "channel_ids": CHANNEL}


def _page(items: list, req: FakeRequest, size: int) -> dict:
    start = int(req.query.get("pageToken", "0").lstrip("T") or 0)
    doc = {"kind": "youtube#listResponse", "etag": "e", "items": items[start:start + size],
           "pageInfo": {"totalResults": len(items), "resultsPerPage": size}}
    if start + size < len(items):
        doc["nextPageToken"] = f"T{start + size}"
    return doc


def google_error(code: int, reason: str, message: str, domain: str = "global", status: str = "") -> Reply:
    """A Google API error body: error {code, message, errors[] {message, domain, reason}, status}."""
    return json_reply({"error": {"code": code, "message": message, "errors": [{"message": message, "domain": domain, "reason": reason}],
                                 "status": status}}, code)


QUOTA_MSG = 'The request cannot be completed because you have exceeded your <a href="/youtube/v3/getting-started#quota">quota</a>.'
# Keys that get an error from every call (errors as in developers.google.com/youtube/v3/docs/errors), for tests.
ERROR_KEYS = {
    "key-quota-exceeded": lambda: google_error(403, "quotaExceeded", QUOTA_MSG, "youtube.quota", "PERMISSION_DENIED"),
    "key-daily-limit": lambda: google_error(403, "dailyLimitExceeded", "Daily Limit Exceeded. The quota will be reset at midnight "
                                            "Pacific Time (PT).", "usageLimits"),
    "key-rate-limit": lambda: google_error(403, "rateLimitExceeded", "Rate Limit Exceeded", "usageLimits"),
    "key-forbidden": lambda: google_error(403, "forbidden", "Access forbidden. The request may not be properly authorized.",
                                          "global", "PERMISSION_DENIED"),
    "key-invalid": lambda: google_error(400, "keyInvalid", "Bad Request", "usageLimits"),
}
# Keys that work for this many calls (per fake server), then get quotaExceeded.
QUOTA_AFTER = {"key-quota-after-3": 3}
_calls: dict[tuple[str, str], int] = {}
_calls_lock = threading.Lock()


def app(req: FakeRequest) -> Reply:
    key = req.headers.get("x-goog-api-key") or ""
    if key in ERROR_KEYS:
        return ERROR_KEYS[key]()
    if key in QUOTA_AFTER:
        with _calls_lock:
            n = _calls[req.base, key] = _calls.get((req.base, key), 0) + 1
        if n > QUOTA_AFTER[key]:
            return ERROR_KEYS["key-quota-exceeded"]()
    elif key != KEY:
        msg = "API key not valid. Please pass a valid API key."
        reply = google_error(400, "badRequest", msg, "global", "INVALID_ARGUMENT")
        reply.body["error"]["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                                           "domain": "googleapis.com", "metadata": {"service": "youtube.googleapis.com"}}]
        return reply
    if req.path == "/youtube/v3/channels":
        ids = [i for i in req.query.get("id", "").split(",") if i]
        if len(ids) > 50:
            return google_error(400, "invalidParameter", "Too many ids", "youtube.parameter", "INVALID_ARGUMENT")
        parts = set(req.query.get("part", "").split(","))
        items = []
        for cid in ids:
            snippet = channel_snippet(cid)
            if snippet is None:
                continue
            item: dict = {"kind": "youtube#channel", "id": cid}
            if "snippet" in parts:
                item["snippet"] = snippet
            if "contentDetails" in parts and cid == CHANNEL:
                item["contentDetails"] = {"relatedPlaylists": {"likes": "", "uploads": UPLOADS}}
            items.append(item)
        return json_reply({"kind": "youtube#channelListResponse", "items": items})
    if req.path == "/youtube/v3/comments":
        replies = REPLIES if req.query.get("parentId") == REPLY_THREAD else []
        return json_reply(_page(replies, req, 3))
    if req.path == "/youtube/v3/playlistItems":
        items = [{"kind": "youtube#playlistItem", "id": f"pl{v['id']}",
                  "snippet": {"publishedAt": v["at"], "channelId": CHANNEL, "title": v["title"], "description": v["description"],
                              "channelTitle": "Kanal Debat (contoh)", "playlistId": UPLOADS, "position": i,
                              "resourceId": {"kind": "youtube#video", "videoId": v["id"]},
                              "videoOwnerChannelTitle": "Kanal Debat (contoh)", "videoOwnerChannelId": CHANNEL}}
                 for i, v in enumerate(VIDEOS)]
        return json_reply(_page(items, req, 2))
    if req.path == "/youtube/v3/commentThreads":
        return json_reply(_page(_comments(req.query.get("videoId", "")), req, 2))
    if req.path == "/youtube/v3/search":
        items = [{"kind": "youtube#searchResult", "id": {"kind": "youtube#video", "videoId": v["id"]},
                  "snippet": {"publishedAt": v["at"], "channelId": CHANNEL, "title": v["title"], "description": v["description"],
                              "channelTitle": "Kanal Debat (contoh)"}} for v in VIDEOS
                 if not req.query.get("publishedAfter") or v["at"] > req.query["publishedAfter"]]
        return json_reply(_page(items, req, 2))
    return json_reply({"error": {"code": 404, "message": "Not Found", "errors": [{"message": "Not Found", "domain": "global", "reason": "notFound"}],
                                 "status": "NOT_FOUND"}}, 404)
