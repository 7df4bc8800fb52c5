"""Pure parsers for the Bluesky AppView XRPC API (docs.bsky.app).

GET /xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor= -> {"feed": [{"post": PostView, "reason"?}], "cursor"?}
GET /xrpc/app.bsky.feed.searchPosts?q=&limit=&cursor=       -> {"posts": [PostView], "cursor"?, "hitsTotal"?}
PostView: {uri (at://did/app.bsky.feed.post/rkey), cid, author {did, handle, displayName, description?},
record {"$type": "app.bsky.feed.post", text, createdAt, langs?}, indexedAt}.
POST /xrpc/com.atproto.server.createSession {"identifier", "password"} -> {accessJwt, refreshJwt, handle, did}.
POST /xrpc/com.atproto.server.refreshSession with `Authorization: Bearer <refreshJwt>` (no body) -> the same shape,
with a new accessJwt and a new refreshJwt (the old refresh token is used up).
FeedViewPost.reason {"$type": "app.bsky.feed.defs#reasonRepost", by: ProfileViewBasic, indexedAt, uri?} marks a
repost: the Post is the reposter's (author `by`, created_at the repost's indexedAt, post_id the repost record's
uri, or `<post uri>#repost-by-<did>` when the AppView gives none), the original in shared_from. PostView.embed:
images#view {images [{fullsize, thumb, alt}]}, video#view {playlist, thumbnail, alt}, external#view {external
{uri, title, description}} (a link card: its title and description are added to the text), record#view {record:
viewRecord {uri, author, value {text, createdAt}}} (a quote), recordWithMedia#view {record {record}, media}.
A post without text but with images keeps its alt texts as text. Profiles (bios) are not in post views:
GET /xrpc/app.bsky.actor.getProfiles?actors=a&actors=b (at most 25) -> {"profiles": [ProfileViewDetailed
{did, handle, displayName, description}]}, given to parse_page as `profiles` {did: profile}.
XRPC errors: HTTP 4xx/5xx with {"error": "<Name>", "message": "..."}; an expired access token is
400 {"error": "ExpiredToken"}.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from pantau.crawlers.common import (PageError, ParseError, collect, load_json, media_text, post_payload, unescape,
                                    with_shared)

PLATFORM = "bluesky"
PROFILES_MAX = 25  # actors per app.bsky.actor.getProfiles call


def profiles_url(base_url: str, dids: list[str]) -> str:
    if not 1 <= len(dids) <= PROFILES_MAX:
        raise ValueError(f"getProfiles takes 1 to {PROFILES_MAX} actors, got {len(dids)}")
    return f"{base_url.rstrip('/')}/xrpc/app.bsky.actor.getProfiles?{urlencode([('actors', d) for d in dids])}"


def parse_profiles(page: Any) -> dict[str, dict]:
    """{did: ProfileViewDetailed} of a getProfiles response."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict) or not isinstance(doc.get("profiles"), list):
        raise PageError('expected {"profiles": [...]}')
    return {p["did"]: p for p in doc["profiles"] if isinstance(p, dict) and isinstance(p.get("did"), str)}


def profile_dids(posts: list[dict]) -> list[str]:
    """The accounts (authors and shared authors) of parsed posts whose bio is unknown, in order, once each."""
    dids: dict[str, None] = {}
    for p in posts:
        for a in (p.get("author"), (p.get("shared_from") or {}).get("author")):
            if a and a.get("id") and a.get("bio") is None:
                dids.setdefault(a["id"], None)
    return list(dids)


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


def parse_page(page: Any, *, errors: list[ParseError] | None = None,
               profiles: dict[str, dict] | None = None) -> tuple[list[dict], str | None]:
    """Posts of a getAuthorFeed or searchPosts page, and the cursor of the next page; authors' bios from
    `profiles` ({did: getProfiles profile}) when the post views lack them."""
    doc = load_json(page)[0] if isinstance(page, (bytes, str)) else page
    if not isinstance(doc, dict):
        raise PageError("expected a JSON object")
    if "feed" in doc:
        items = doc["feed"]
        if not isinstance(items, list):
            raise PageError('"feed" must be a list')
        views = items
    elif "posts" in doc:
        views = doc["posts"]
        if not isinstance(views, list):
            raise PageError('"posts" must be a list')
    elif doc.get("error"):
        raise PageError(f"XRPC error {doc['error']}: {doc.get('message')}")
    else:
        raise PageError('expected "feed" or "posts"')
    cursor = doc.get("cursor")
    profiles = profiles or {}
    build = (lambda item, i: _feed_item(item, profiles, i)) if "feed" in doc else (lambda v, i: _post(v, profiles, i))
    return collect(views, build, errors), cursor if isinstance(cursor, str) and cursor and views else None


def _feed_item(item: dict, profiles: dict[str, dict], index: int) -> dict:
    view = item.get("post")
    if not isinstance(view, dict):
        raise ParseError("feed item without a post", index=index)
    reason = item.get("reason")
    if isinstance(reason, dict) and str(reason.get("$type", "")).endswith("#reasonRepost"):
        return _repost(item, view, reason, profiles, index)
    return _post(view, profiles, index)


def _author(profile: Any, profiles: dict[str, dict]) -> dict:
    a = profile if isinstance(profile, dict) else {}
    full = (profiles.get(a["did"]) if isinstance(a.get("did"), str) else None) or {}
    # Bluesky's blue check (2025): verification.verifiedStatus "valid" on a profile view; otherwise unknown
    check = a.get("verification") or full.get("verification")
    verified = True if isinstance(check, dict) and check.get("verifiedStatus") == "valid" else None
    return {"id": a.get("did"), "handle": a.get("handle"), "name": a.get("displayName") or full.get("displayName") or None,
            "bio": a.get("description") or full.get("description") or None, "verified": verified}


def _url(author: dict, uri: str) -> str | None:
    rkey = uri.rsplit("/", 1)[-1] if isinstance(uri, str) and uri else ""
    return f"https://bsky.app/profile/{author.get('handle') or author.get('id')}/post/{rkey}" if rkey else None


def _embed(embed: Any) -> tuple[list[dict], str, dict | None]:
    """(media, link-card text, quoted viewRecord) of a PostView embed."""
    media: list[dict] = []
    card, quoted = "", None
    if not isinstance(embed, dict):
        return media, card, quoted
    kind = str(embed.get("$type", ""))
    if kind.startswith("app.bsky.embed.recordWithMedia"):
        inner = embed.get("record") if isinstance(embed.get("record"), dict) else {}
        media, card, _ = _embed(embed.get("media"))
        rec = inner.get("record")
        return media, card, rec if isinstance(rec, dict) else None
    if kind.startswith("app.bsky.embed.record"):
        rec = embed.get("record")
        if isinstance(rec, dict) and (str(rec.get("$type", "")).endswith("#viewRecord") or "value" in rec):
            quoted = rec
        return media, card, quoted
    if kind.startswith("app.bsky.embed.images"):
        for img in embed.get("images") if isinstance(embed.get("images"), list) else []:
            if isinstance(img, dict):
                media.append({"type": "image", "url": img.get("fullsize") or img.get("thumb"), "alt": img.get("alt") or None})
    elif kind.startswith("app.bsky.embed.video"):
        media.append({"type": "video", "url": embed.get("playlist") or embed.get("thumbnail"), "alt": embed.get("alt") or None})
    elif kind.startswith("app.bsky.embed.external"):
        ext = embed.get("external") if isinstance(embed.get("external"), dict) else {}
        card = "\n".join(unescape(t).strip() for t in (ext.get("title"), ext.get("description"))
                          if isinstance(t, str) and t.strip())  # page metadata: may hold &amp;
    return media, card, quoted


LINK_FACET = "app.bsky.richtext.facet#link"


def record_text(record: dict) -> str:
    """A post record's text with its link facets expanded: the app shortens a link's display text
    ("example.com/berita/pilkada-2..."); the facet's feature {$type: app.bsky.richtext.facet#link, uri} holds the
    full URI, over the byte range index {byteStart, byteEnd} of the UTF-8 text. A range that is out of bounds,
    overlaps another or cuts a character is left as written."""
    text = record.get("text") if isinstance(record.get("text"), str) else ""
    facets = record.get("facets") if isinstance(record.get("facets"), list) else []
    if not text or not facets:
        return text
    data = text.encode("utf-8", errors="surrogatepass")
    links = []
    for facet in facets:
        index = facet.get("index") if isinstance(facet, dict) else None
        features = facet.get("features") if isinstance(facet, dict) and isinstance(facet.get("features"), list) else []
        uri = next((f.get("uri") for f in features if isinstance(f, dict) and f.get("$type") == LINK_FACET
                    and isinstance(f.get("uri"), str) and f.get("uri").strip()), None)
        if uri and isinstance(index, dict):
            start, end = index.get("byteStart"), index.get("byteEnd")
            if type(start) is int and type(end) is int and 0 <= start < end <= len(data):
                links.append((start, end, uri.strip()))
    out, pos = [], 0
    for start, end, uri in sorted(links):
        if start < pos:
            continue  # overlaps the previous link
        try:
            data[start:end].decode("utf-8")  # the display text must be whole characters
            out += [data[pos:start].decode("utf-8"), uri]
        except UnicodeDecodeError:
            return text  # offsets that cut a character: the facets do not fit this text
        pos = end
    try:
        return "".join(out) + data[pos:].decode("utf-8")
    except UnicodeDecodeError:
        return text


def _content(view: dict, record: dict, profiles: dict[str, dict]) -> tuple[str, list[dict], dict | None]:
    """(text, media, shared_from of a quote) of a post view: own text, link card, then the quoted text."""
    media, card, quoted = _embed(view.get("embed"))
    own = with_shared(record_text(record), card)
    shared = None
    if quoted is not None:
        value = quoted.get("value") if isinstance(quoted.get("value"), dict) else {}
        q_author = _author(quoted.get("author"), profiles)
        q_text = record_text(value)
        for e in quoted.get("embeds") if isinstance(quoted.get("embeds"), list) else []:
            q_media, q_card, _ = _embed(e)
            media += q_media
            q_text = with_shared(q_text, q_card)
        shared = {"platform": PLATFORM, "post_id": quoted.get("uri"), "url": _url(q_author, quoted.get("uri") or ""),
                  "created_at": value.get("createdAt") or quoted.get("indexedAt"), "author": q_author, "text": q_text or None}
        own = with_shared(own, q_text)
    return own or media_text(media), media, shared


def _post(view: dict, profiles: dict[str, dict], index: int) -> dict:
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    author = _author(view.get("author"), profiles)
    uri = view.get("uri") or ""
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    text, media, shared = _content(view, record, profiles)
    kind = "quote" if shared else "reply" if isinstance(record.get("reply"), dict) else "post"
    return post_payload(
        PLATFORM, uri, text, view, index=index, url=_url(author, uri),
        created_at=record.get("createdAt") or view.get("indexedAt"),
        author=author, lang=langs[0] if langs else None, kind=kind, shared_from=shared, media=media,
    )


def _repost(item: dict, view: dict, reason: dict, profiles: dict[str, dict], index: int) -> dict:
    """A repost: the reposter's post (its own id and time), the original in shared_from."""
    record = view.get("record") if isinstance(view.get("record"), dict) else {}
    by = _author(reason.get("by"), profiles)
    uri = view.get("uri") or ""
    if not uri or not by["id"]:
        raise ParseError("repost without the post's uri or the reposter's did", index=index)
    original = _author(view.get("author"), profiles)
    text, media, _ = _content(view, record, profiles)
    langs = record.get("langs") if isinstance(record.get("langs"), list) else []
    repost_uri = reason.get("uri") if isinstance(reason.get("uri"), str) and reason.get("uri") else f"{uri}#repost-by-{by['id']}"
    return post_payload(
        PLATFORM, repost_uri, text, item, index=index,
        url=f"https://bsky.app/profile/{by.get('handle') or by['id']}",
        created_at=reason.get("indexedAt") or view.get("indexedAt"),
        author=by, lang=langs[0] if langs else None, kind="repost", media=media,
        shared_from={"platform": PLATFORM, "post_id": uri, "url": _url(original, uri),
                     "created_at": record.get("createdAt") or view.get("indexedAt"), "author": original,
                     "text": text},
    )
