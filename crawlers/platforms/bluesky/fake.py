"""Fake Bluesky AppView + PDS (XRPC shapes from docs.bsky.app) over pantau.crawlers.samples, 5 posts per page.

Besides the samples: an image post without text (alt text only), a quote (embed record#view) and a post with a
link card (embed external#view), in search and in their authors' feeds; guru_sari's feed also holds a repost
(reason app.bsky.feed.defs#reasonRepost) of relawan_tiga's post. Post views carry no bio, as the real AppView:
app.bsky.actor.getProfiles gives them (at most 25 actors per call)."""

from __future__ import annotations

import json
import threading

from pantau.crawlers.fakeserver import FakeRequest, Reply, json_reply
from pantau.crawlers.samples import SAMPLES, page_of

HANDLE, PASSWORD, JWT = "pemantau.test", "app-pass-word-test", "eyJ.test.jwt"
ENV = {"PANTAU_BSKY_HANDLE": HANDLE, "PANTAU_BSKY_APP_PASSWORD": PASSWORD}
# Accounts whose sessions expire, for tests (same password): handle -> (accessJwt, refreshJwt) from createSession.
#   sesi.singkat: the access token works for one searchPosts call, then ExpiredToken; refreshSession gives JWT.
#   sesi.mati:    the access token is expired at once and refreshSession says the refresh token is expired too.
#   sesi.hantu:   refreshSession "works" but hands out another expired access token.
SESSIONS = {HANDLE: (JWT, "refresh-ok"), "sesi.singkat": ("eyJ.short.jwt", "refresh-ok"),
            "sesi.mati": ("eyJ.expired.jwt", "refresh-expired"), "sesi.hantu": ("eyJ.expired.jwt", "refresh-ghost")}
REFRESH = {"refresh-ok": (JWT, "refresh-ok-2"), "refresh-ok-2": (JWT, "refresh-ok-3"), "refresh-ghost": ("eyJ.expired.jwt", "refresh-ghost")}
SHORT_LIVED = {"eyJ.short.jwt": 1}  # searchPosts calls each token allows (per fake server)
_uses: dict[tuple[str, str], int] = {}
_uses_lock = threading.Lock()


def _session(access: str, refresh: str, handle: str) -> Reply:
    return json_reply({"accessJwt": access, "refreshJwt": refresh, "handle": handle, "did": did(handle), "active": True})


def _expired() -> Reply:
    return json_reply({"error": "ExpiredToken", "message": "Token has expired"}, 400)


def _token_ok(req: FakeRequest) -> Reply | None:
    """None when the Bearer access token may call searchPosts, else the XRPC error reply."""
    auth = req.headers.get("authorization", "")
    token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
    if token == "eyJ.expired.jwt":
        return _expired()
    if token in SHORT_LIVED:
        with _uses_lock:
            n = _uses[req.base, token] = _uses.get((req.base, token), 0) + 1
        return _expired() if n > SHORT_LIVED[token] else None
    if token != JWT:
        return json_reply({"error": "AuthMissing", "message": "Authentication Required"}, 401)
    return None


def did(handle: str) -> str:
    return f"did:plc:{handle.replace('_', '')[:24]:0<24}"


def view(s: dict) -> dict:
    rkey = f"3lb{s['n']:03d}abc"
    h = f"{s['handle'].replace('_', '-')}.bsky.social"
    return {"uri": f"at://{did(s['handle'])}/app.bsky.feed.post/{rkey}", "cid": f"bafyrei{s['n']:04d}",
            "author": {"did": did(s["handle"]), "handle": h, "displayName": s["name"]},
            "record": {"$type": "app.bsky.feed.post", "text": s["text"], "createdAt": s["at"].replace("Z", ".000Z"), "langs": [s["lang"]]},
            "replyCount": 0, "repostCount": 0, "likeCount": s["n"], "indexedAt": s["at"].replace("Z", ".100Z")}


def _extra(n: int, handle: str, text: str, at: str, embed: dict) -> dict:
    s = next(x for x in SAMPLES if x["handle"] == handle)
    return {**view({**s, "n": n, "text": text, "at": at}), "embed": embed}


_BY_N = {s["n"]: view(s) for s in SAMPLES}
IMAGE = _extra(101, "guru_sari", "", "2024-11-20T09:40:00Z", {"$type": "app.bsky.embed.images#view", "images": [
    {"thumb": "https://cdn.bsky.app/img/feed_thumbnail/plain/x/101@jpeg", "fullsize": "https://cdn.bsky.app/img/feed_fullsize/plain/x/101@jpeg",
     "alt": "Foto bersama paslon nomor 2, salam dua jari", "aspectRatio": {"width": 4, "height": 3}}]})
QUOTE = _extra(102, "guru_sari", "Setuju, ayo semua!", "2024-11-20T09:35:00Z", {"$type": "app.bsky.embed.record#view", "record": {
    "$type": "app.bsky.embed.record#viewRecord", "uri": _BY_N[9]["uri"], "cid": _BY_N[9]["cid"], "author": _BY_N[9]["author"],
    "value": _BY_N[9]["record"], "indexedAt": _BY_N[9]["indexedAt"]}})
LINK = _extra(103, "kpu_sleman_info", "Cek di sini", "2024-11-20T09:30:00Z", {"$type": "app.bsky.embed.external#view", "external": {
    "uri": "https://example.org/jadwal", "title": "Jadwal Pilkada Sleman 2024", "description": "Tahapan &amp; jadwal lengkap"}})
VIEWS = [IMAGE, QUOTE, LINK] + [view(s) for s in SAMPLES]
REPOSTER = "guru_sari"
REPOST = {"post": _BY_N[9], "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by": view(SAMPLES[0])["author"],
                                       "uri": f"at://{did(REPOSTER)}/app.bsky.feed.repost/3lr009abc", "cid": "bafyreirepost9",
                                       "indexedAt": "2024-11-20T09:50:00.000Z"}}
PROFILES = {did(s["handle"]): {"did": did(s["handle"]), "handle": f"{s['handle'].replace('_', '-')}.bsky.social",
                               "displayName": s["name"], **({"description": s["bio"]} if s["bio"] else {}),
                               "followersCount": 10, "postsCount": 5} for s in SAMPLES}


def expected_ids(args: dict | None = None) -> set[str]:
    return {v["uri"] for v in VIEWS}


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "query": "pilkada"}


def app(req: FakeRequest) -> Reply:
    if req.path == "/xrpc/com.atproto.server.createSession" and req.method == "POST":
        body = json.loads(req.body or b"{}")
        if body.get("identifier") not in SESSIONS or body.get("password") != PASSWORD:
            return json_reply({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
        return _session(*SESSIONS[body["identifier"]], body["identifier"])
    if req.path == "/xrpc/com.atproto.server.refreshSession" and req.method == "POST":
        auth = req.headers.get("authorization", "")
        token = auth[len("Bearer "):] if auth.startswith("Bearer ") else ""
        if token == "refresh-expired":
            return _expired()
        if token not in REFRESH:
            return json_reply({"error": "InvalidToken", "message": "Token could not be verified"}, 400)
        return _session(*REFRESH[token], HANDLE)
    if req.path == "/xrpc/app.bsky.feed.searchPosts":
        if (refused := _token_ok(req)) is not None:
            return refused
        views, wrap = VIEWS, False
        if req.query.get("since"):
            # Lexicon: `since` is inclusive ("posts after the indicated datetime (inclusive)").
            views = [v for v in views if v["record"]["createdAt"] >= req.query["since"]]
    elif req.path == "/xrpc/app.bsky.feed.getAuthorFeed":
        actor = req.query.get("actor", "")
        views = [{"post": v} for v in VIEWS if actor in (v["author"]["handle"], v["author"]["did"])]
        if actor in (REPOST["reason"]["by"]["handle"], REPOST["reason"]["by"]["did"]):
            views.insert(0, REPOST)  # the newest item of the feed (by the time it was reposted)
        wrap = True
    elif req.path == "/xrpc/app.bsky.actor.getProfiles":
        actors = req.query_list("actors")
        if not 1 <= len(actors) <= 25:
            return json_reply({"error": "InvalidRequest", "message": "actors must have 1-25 items"}, 400)
        return json_reply({"profiles": [PROFILES[a] for a in actors if a in PROFILES]})
    else:
        return json_reply({"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501)
    start = int(req.query.get("cursor") or 0)
    chunk, nxt = page_of(views, start)
    headers = {"ratelimit-limit": "3000", "ratelimit-remaining": "2999", "ratelimit-reset": "4102444800"}
    doc: dict = {"feed": chunk} if wrap else {"posts": chunk, "hitsTotal": len(views)}
    if nxt is not None:
        doc["cursor"] = str(nxt)
    return json_reply(doc, **headers)
