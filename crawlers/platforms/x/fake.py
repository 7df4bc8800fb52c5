"""Fake X API v2 (shapes from the v2 docs) over pantau.crawlers.samples, 5 Tweets per page.

Besides the samples: a retweet (its own text cut to "RT @handle: ..." as X does, the full original only in
includes.tweets), a quote with a t.co link to the quoted Tweet, and a media-only Tweet (a photo with alt text, its
text only the pic link). Text is HTML-escaped (&amp; &lt; &gt;) as X sends it; includes.tweets, includes.media
and user fields (description, location, verified) are given only when the request asks for them."""

from __future__ import annotations

import html

from pantau.crawlers.fakeserver import FakeRequest, Reply, json_reply
from pantau.crawlers.samples import SAMPLES, page_of

TOKEN = "test-bearer-token"
ENV = {"PANTAU_X_BEARER_TOKEN": TOKEN}


def tweet_id(s: dict) -> str:
    return str(1860000000000000000 + (100 - s["n"]) * 1000)


def user_id(handle: str) -> str:
    return str(10_000 + sum(map(ord, handle)))


def escaped(text: str) -> str:
    return html.escape(text, quote=False)  # X escapes &, < and > in Tweet text


TWEETS = [{"id": tweet_id(s), "text": escaped(s["text"]), "author_id": user_id(s["handle"]), "created_at": s["at"].replace("Z", ".000Z"),
           "lang": s["lang"] if s["lang"] in ("id", "jv", "su") else "in", "edit_history_tweet_ids": [tweet_id(s)]} for s in SAMPLES]
USERS = {user_id(s["handle"]): {"id": user_id(s["handle"]), "username": s["handle"], "name": s["name"],
                                "description": s["bio"] or "", "verified": s["handle"] == "humas_pemkab",
                                **({"location": s["region"]} if s["region"] else {})} for s in SAMPLES}
_BY_N = {s["n"]: t for s, t in zip(SAMPLES, TWEETS)}
RETWEET_ID, QUOTE_ID, PHOTO_ID, PHOTO_KEY = "1860000000000101000", "1860000000000102000", "1860000000000103000", "3_777"
# guru_ahmad retweets relawan_tiga's Tweet (n 9); pak_joko_dinas quotes guru_sari's (n 1); bidan_rina posts a photo.
SHARES = [
    {"id": RETWEET_ID, "text": "RT @relawan_tiga: " + _BY_N[9]["text"][:40] + "…", "author_id": user_id("guru_ahmad"),
     "created_at": "2024-11-20T09:10:00.000Z", "lang": "id", "edit_history_tweet_ids": [RETWEET_ID],
     "referenced_tweets": [{"type": "retweeted", "id": _BY_N[9]["id"]}]},
    {"id": QUOTE_ID, "text": "Setuju &amp; siap! https://t.co/q1", "author_id": user_id("pak_joko_dinas"),
     "created_at": "2024-11-20T09:20:00.000Z", "lang": "id", "edit_history_tweet_ids": [QUOTE_ID],
     "referenced_tweets": [{"type": "quoted", "id": _BY_N[1]["id"]}],
     "entities": {"urls": [{"start": 19, "end": 34, "url": "https://t.co/q1", "display_url": "x.com/guru_sari/stat…",
                            "expanded_url": f"https://x.com/guru_sari/status/{_BY_N[1]['id']}"}]}},
    {"id": PHOTO_ID, "text": "https://t.co/p1", "author_id": user_id("bidan_rina"), "created_at": "2024-11-20T09:30:00.000Z",
     "lang": "zxx", "edit_history_tweet_ids": [PHOTO_ID], "attachments": {"media_keys": [PHOTO_KEY]},
     "entities": {"urls": [{"start": 0, "end": 15, "url": "https://t.co/p1", "display_url": "pic.x.com/p1",
                            "expanded_url": f"https://x.com/bidan_rina/status/{PHOTO_ID}/photo/1", "media_key": PHOTO_KEY}]}},
]
TWEETS = SHARES[::-1] + TWEETS  # newest first
MEDIA = {PHOTO_KEY: {"media_key": PHOTO_KEY, "type": "photo", "url": "https://pbs.twimg.com/media/p1.jpg",
                     "alt_text": "Foto bersama paslon nomor 1, salam satu jari"}}


BY_USERNAME = {u["username"].lower(): u for u in USERS.values()}
SUSPENDED = {"akun_ditangguhkan"}


def expected_ids(args: dict | None = None) -> set[str]:
    return {t["id"] for t in TWEETS}


def users_by(req: FakeRequest) -> Reply:
    """GET /2/users/by: found users in `data` (fields per user.fields), the others in `errors`, HTTP 200."""
    names = [n for n in req.query.get("usernames", "").split(",") if n]
    if not names or len(names) > 100:
        return json_reply({"errors": [{"parameters": {"usernames": [req.query.get("usernames", "")]},
                                       "message": "The `usernames` query parameter value is not valid"}],
                           "title": "Invalid Request", "detail": "One or more parameters to your request was invalid.",
                           "type": "https://api.twitter.com/2/problems/invalid-request"}, 400)
    fields = set(req.query.get("user.fields", "").split(","))
    data, errors = [], []
    for name in names:
        user = BY_USERNAME.get(name.lower())
        if user and name.lower() not in SUSPENDED:
            data.append({k: v for k, v in {**user, "protected": False}.items() if k in ("id", "name", "username") or k in fields})
        elif name.lower() in SUSPENDED:
            errors.append({"value": name, "detail": f"User has been suspended: [{name}].", "title": "Forbidden",
                           "resource_type": "user", "parameter": "usernames", "resource_id": name,
                           "type": "https://api.twitter.com/2/problems/resource-not-found"})
        else:
            errors.append({"value": name, "detail": f"Could not find user with usernames: [{name}].", "title": "Not Found Error",
                           "resource_type": "user", "parameter": "usernames", "resource_id": name,
                           "type": "https://api.twitter.com/2/problems/resource-not-found"})
    return json_reply({**({"data": data} if data else {}), **({"errors": errors} if errors else {})})


def spider_args(base_url: str) -> dict[str, str]:
    return {"base_url": base_url, "query": "pilkada lang:id"}


def app(req: FakeRequest) -> Reply:
    if req.headers.get("authorization") != f"Bearer {TOKEN}":
        return json_reply({"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, 401)
    if req.path == "/2/users/by":
        return users_by(req)
    tweets = TWEETS
    if req.path == "/2/tweets/search/recent":
        token = req.query.get("next_token")
    elif req.path.startswith("/2/users/") and req.path.endswith("/tweets"):
        token = req.query.get("pagination_token")
        tweets = [t for t in TWEETS if t["author_id"] == req.path.split("/")[3]]
    else:
        return json_reply({"title": "Not Found Error", "status": 404}, 404)
    since = req.query.get("since_id")
    tweets = [t for t in tweets if not since or int(t["id"]) > int(since)]
    start = int(token[1:]) if token else 0
    chunk, nxt = page_of(tweets, start)
    headers = {"x-rate-limit-limit": "450", "x-rate-limit-remaining": "449", "x-rate-limit-reset": "4102444800"}
    if not chunk:
        return json_reply({"meta": {"result_count": 0}}, **headers)
    meta = {"newest_id": chunk[0]["id"], "oldest_id": chunk[-1]["id"], "result_count": len(chunk)}
    if nxt is not None:
        meta["next_token"] = f"p{nxt}"
    return json_reply({"data": chunk, "includes": includes(chunk, req.query), "meta": meta}, **headers)


def includes(chunk: list[dict], query: dict[str, str]) -> dict:
    """The expansions asked for: authors (with the asked user.fields), referenced Tweets and their authors, media."""
    expansions = set(query.get("expansions", "").split(","))
    user_fields = set(query.get("user.fields", "").split(",")) | {"id", "username", "name"}
    by_id = {t["id"]: t for t in TWEETS}
    refs = [by_id[r["id"]] for t in chunk for r in t.get("referenced_tweets", [])
            if "referenced_tweets.id" in expansions and r["id"] in by_id]
    author_ids = [t["author_id"] for t in chunk if "author_id" in expansions]
    author_ids += [t["author_id"] for t in refs if "referenced_tweets.id.author_id" in expansions]
    out: dict = {"users": [{k: v for k, v in USERS[a].items() if k in user_fields} for a in dict.fromkeys(author_ids)]}
    if refs:
        out["tweets"] = refs
    keys = [k for t in chunk + refs for k in t.get("attachments", {}).get("media_keys", [])]
    if keys and "attachments.media_keys" in expansions:
        out["media"] = [MEDIA[k] for k in keys]
    return out
