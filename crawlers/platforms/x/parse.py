"""Pure parsers for X API v2 responses (GET /2/tweets/search/recent, GET /2/users/:id/tweets).

Response shape (docs.x.com, API v2): {"data": [Tweet], "includes": {"users": [User], "tweets": [Tweet],
"media": [Media]}, "meta": {"newest_id", "oldest_id", "result_count", "next_token"}}; a Tweet has id, text,
author_id, created_at, lang, referenced_tweets [{type: retweeted|quoted|replied_to, id}], entities {urls [{url,
expanded_url, display_url, media_key}], mentions, hashtags}, attachments {media_keys}, note_tweet {text} (long
posts); a User (expansions author_id, referenced_tweets.id.author_id) has id, username, name, description,
location, verified; a Media (expansion attachments.media_keys) has media_key, type (photo, video, animated_gif),
url or preview_image_url, alt_text. Referenced Tweets (expansion referenced_tweets.id) are in includes.tweets.
Pagination: `next_token` for search, `pagination_token` for timelines; `since_id` asks only for newer Tweets.

A retweet is the retweeter's post (kind repost, its own id and time) whose text is the full text of the original
from includes.tweets (the retweet's own text is cut: "RT @x: ..."), the original in shared_from; a quote has the
quoter's words then the quoted text. Text is unescaped (&amp;), t.co links expanded, media links removed.

Handles to ids: GET /2/users/by?usernames=a,b (at most 100 per call) -> {"data": [User], "errors": [{"value",
"detail", "title", "resource_type": "user", "parameter": "usernames", "resource_id", "type"}]}: a handle that does
not exist or is suspended is left out of `data` and described in `errors` (HTTP 200; no `data` when none is found).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote, urlencode

from pantau.crawlers.common import (PageError, ParseError, collect, load_json, media_text, post_payload, unescape,
                                    with_shared)

PLATFORM = "x"
FIELDS = {
    "tweet.fields": "created_at,author_id,lang,conversation_id,referenced_tweets,entities,attachments,note_tweet",
    "expansions": "author_id,referenced_tweets.id,referenced_tweets.id.author_id,attachments.media_keys",
    "user.fields": "username,name,description,location,verified",
    "media.fields": "type,url,preview_image_url,alt_text",
}
MEDIA_TYPES = {"photo": "image", "video": "video", "animated_gif": "gif"}


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
    includes = doc.get("includes") if isinstance(doc.get("includes"), dict) else {}
    # an `includes` list of the wrong type counts as empty (bench.fuzz: `"users": 7` raised TypeError for the page)
    listed = {kind: objs if isinstance(objs := includes.get(kind), list) else [] for kind in ("users", "tweets", "media")}
    inc = {kind: {obj.get(key): obj for obj in listed[kind]
                  if isinstance(obj, dict) and isinstance(obj.get(key), (str, int))}
           for kind, key in (("users", "id"), ("tweets", "id"), ("media", "media_key"))}
    posts = collect(doc["data"], lambda t, i: _tweet(t, inc, i), errors)
    token = meta.get("next_token")
    return posts, token if isinstance(token, str) and token else None


def newest_id(page: Any) -> str | None:
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    meta = doc.get("meta") if isinstance(doc, dict) and isinstance(doc.get("meta"), dict) else {}
    value = meta.get("newest_id")
    return str(value) if value else None


def _refs(tweet: dict) -> dict[str, str]:
    """{type: id} of a Tweet's referenced_tweets (retweeted, quoted, replied_to)."""
    refs = tweet.get("referenced_tweets")
    return {r["type"]: str(r["id"]) for r in refs if isinstance(r, dict) and r.get("type") and r.get("id")} \
        if isinstance(refs, list) else {}


def _clean(tweet: dict, drop_status: str | None = None) -> str:
    """The Tweet's full text (note_tweet for long posts): t.co links expanded; links to media, to a quoted Tweet
    (`drop_status`) and to the Tweet itself removed; HTML entities unescaped."""
    note = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else {}
    text = note.get("text") if isinstance(note.get("text"), str) and note.get("text") else tweet.get("text")
    if not isinstance(text, str):
        return ""
    entities = note.get("entities") if note.get("text") else tweet.get("entities")
    urls = entities.get("urls") if isinstance(entities, dict) and isinstance(entities.get("urls"), list) else []
    for u in urls:
        if not isinstance(u, dict) or not isinstance(u.get("url"), str) or not u["url"]:
            continue
        expanded = u.get("unwound_url") or u.get("expanded_url") or ""
        display = str(u.get("display_url") or "")
        media = u.get("media_key") or display.startswith(("pic.twitter.com/", "pic.x.com/"))
        # a link to the quoted Tweet, or to the Tweet itself (the "show more" link of a cut text)
        own = [re.escape(str(i)) for i in (drop_status, tweet.get("id")) if i]
        status = own and re.search(rf"/status(?:es)?/(?:{'|'.join(own)})(?:\D|$)", str(expanded))
        text = text.replace(u["url"], "" if media or status else str(expanded or u["url"]))
    return "\n".join(" ".join(line.split()) for line in unescape(text).strip().splitlines()).strip()


def _user(user: dict | None, user_id: Any = None) -> dict:
    user = user or {}
    verified = user.get("verified")
    return {"id": str(user.get("id") or user_id) if (user.get("id") or user_id) else None,
            "handle": user.get("username"), "name": unescape(user.get("name")),
            "bio": unescape(user.get("description")) or None, "location": unescape(user.get("location")) or None,
            "verified": verified if isinstance(verified, bool) else None}


def _included(table: dict, key: Any) -> Any:
    """The included object (user, media) of `key`; None for a key of the wrong type (bench.fuzz, x.parse_page input
    1,139: an `author_id` that was a list raised TypeError, unhashable, for the whole page)."""
    return table.get(key) if isinstance(key, (str, int)) else None


def _media(tweet: dict, media: dict) -> list[dict]:
    keys = (tweet.get("attachments") or {}).get("media_keys") if isinstance(tweet.get("attachments"), dict) else None
    out = []
    for key in keys if isinstance(keys, list) else []:
        m = _included(media, key)
        if isinstance(m, dict):
            out.append({"type": MEDIA_TYPES.get(m.get("type"), "other"), "url": m.get("url") or m.get("preview_image_url"),
                        "alt": unescape(m.get("alt_text")) or None})
        else:  # the expansion was not asked for or the media is gone: still a media post
            out.append({"type": "other", "url": None, "alt": None})
    return out


def _tweet(tweet: dict, inc: dict[str, dict], index: int) -> dict:
    refs = _refs(tweet)
    shared_id = refs.get("retweeted") or refs.get("quoted")
    kind = "repost" if "retweeted" in refs else "quote" if "quoted" in refs else "reply" if "replied_to" in refs else "post"
    user = _included(inc["users"], tweet.get("author_id"))
    original = inc["tweets"].get(shared_id) if shared_id else None
    orig_user = _included(inc["users"], original.get("author_id")) if original else None
    media = _media(tweet, inc["media"])
    shared_from = text = None
    if shared_id:
        orig_text = _clean(original) if original else None
        handle = (orig_user or {}).get("username")
        if not handle and kind == "repost":  # the original is not in includes: its author from "RT @handle:"
            m = re.match(r"RT @(\w{1,15}):", tweet.get("text") or "")
            handle = m.group(1) if m else None
        shared_from = {"platform": PLATFORM, "post_id": shared_id,
                       "url": f"https://x.com/{handle or 'i/web'}/status/{shared_id}",
                       "created_at": (original or {}).get("created_at"),
                       "author": {**_user(orig_user, (original or {}).get("author_id")), **({"handle": handle} if handle else {})},
                       "text": orig_text}
        if original:
            media += _media(original, inc["media"])
        if kind == "repost":
            text = orig_text or _clean(tweet)
        else:
            text = with_shared(_clean(tweet, shared_id), orig_text)
    else:
        text = _clean(tweet)
    if not text and media:
        text = media_text(media)
    elif not text:
        text = unescape(tweet.get("text"))
    used_users = [u for u in (user, orig_user) if u]
    raw = {"data": tweet, "includes": {"users": used_users,
                                       **({"tweets": [original]} if original else {}),
                                       **({"media": [inc["media"][k] for k in _media_keys(tweet, original) if k in inc["media"]]}
                                          if media else {})}}
    username = (user or {}).get("username")
    return post_payload(
        PLATFORM, tweet.get("id"), text, raw, index=index,
        url=f"https://x.com/{username or 'i/web'}/status/{tweet.get('id')}",
        created_at=tweet.get("created_at"),
        author=_user(user, tweet.get("author_id")),
        lang=tweet.get("lang"),
        kind=kind, shared_from=shared_from, media=media,
    )


def _media_keys(*tweets: dict | None) -> list[str]:
    keys: list[str] = []
    for t in tweets:
        att = (t or {}).get("attachments")
        if isinstance(att, dict) and isinstance(att.get("media_keys"), list):
            keys += [k for k in att["media_keys"] if isinstance(k, str)]
    return keys
