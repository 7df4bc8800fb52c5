"""Fake Bluesky AppView + PDS (XRPC shapes from docs.bsky.app) over pantau.crawlers.samples, 5 posts per page."""

from __future__ import annotations

import json

from pantau.crawlers.fakeserver import FakeRequest, Reply, json_reply
from pantau.crawlers.samples import SAMPLES, page_of

HANDLE, PASSWORD, JWT = "pemantau.test", "app-pass-word-test", "eyJ.test.jwt"
ENV = {"PANTAU_BSKY_HANDLE": HANDLE, "PANTAU_BSKY_APP_PASSWORD": PASSWORD}


def did(handle: str) -> str:
    return f"did:plc:{handle.replace('_', '')[:24]:0<24}"


def view(s: dict) -> dict:
    rkey = f"3lb{s['n']:03d}abc"
    h = f"{s['handle'].replace('_', '-')}.bsky.social"
    return {"uri": f"at://{did(s['handle'])}/app.bsky.feed.post/{rkey}", "cid": f"bafyrei{s['n']:04d}",
            "author": {"did": did(s["handle"]), "handle": h, "displayName": s["name"]},
            "record": {"$type": "app.bsky.feed.post", "text": s["text"], "createdAt": s["at"].replace("Z", ".000Z"), "langs": [s["lang"]]},
            "replyCount": 0, "repostCount": 0, "likeCount": s["n"], "indexedAt": s["at"].replace("Z", ".100Z")}


VIEWS = [view(s) for s in SAMPLES]


def expected_ids(args: dict | None = None) -> set[str]:
    return {v["uri"] for v in VIEWS}


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "query": "pilkada"}


def app(req: FakeRequest) -> Reply:
    if req.path == "/xrpc/com.atproto.server.createSession" and req.method == "POST":
        body = json.loads(req.body or b"{}")
        if body.get("identifier") != HANDLE or body.get("password") != PASSWORD:
            return json_reply({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
        return json_reply({"accessJwt": JWT, "refreshJwt": "r", "handle": HANDLE, "did": did("pemantau")})
    if req.path == "/xrpc/app.bsky.feed.searchPosts":
        if req.headers.get("authorization") != f"Bearer {JWT}":
            return json_reply({"error": "AuthMissing", "message": "Authentication Required"}, 403)
        views, wrap = VIEWS, False
        if req.query.get("since"):
            # Lexicon: `since` is inclusive ("posts after the indicated datetime (inclusive)").
            views = [v for v in views if v["record"]["createdAt"] >= req.query["since"]]
    elif req.path == "/xrpc/app.bsky.feed.getAuthorFeed":
        actor = req.query.get("actor", "")
        views = [v for v in VIEWS if actor in (v["author"]["handle"], v["author"]["did"])]
        wrap = True
    else:
        return json_reply({"error": "MethodNotImplemented", "message": "Method Not Implemented"}, 501)
    start = int(req.query.get("cursor") or 0)
    chunk, nxt = page_of(views, start)
    headers = {"ratelimit-limit": "3000", "ratelimit-remaining": "2999", "ratelimit-reset": "4102444800"}
    doc: dict = {"feed": [{"post": v} for v in chunk]} if wrap else {"posts": chunk, "hitsTotal": len(views)}
    if nxt is not None:
        doc["cursor"] = str(nxt)
    return json_reply(doc, **headers)
