"""Fake X API v2 (shapes from the v2 docs) over pantau.crawlers.samples, 5 Tweets per page."""

from __future__ import annotations

from pantau.crawlers.fakeserver import FakeRequest, Reply, json_reply
from pantau.crawlers.samples import SAMPLES, page_of

TOKEN = "test-bearer-token"
ENV = {"PANTAU_X_BEARER_TOKEN": TOKEN}


def tweet_id(s: dict) -> str:
    return str(1860000000000000000 + (100 - s["n"]) * 1000)


def user_id(handle: str) -> str:
    return str(10_000 + sum(map(ord, handle)))


TWEETS = [{"id": tweet_id(s), "text": s["text"], "author_id": user_id(s["handle"]), "created_at": s["at"].replace("Z", ".000Z"),
           "lang": s["lang"] if s["lang"] in ("id", "jv", "su") else "in", "edit_history_tweet_ids": [tweet_id(s)]} for s in SAMPLES]
USERS = {user_id(s["handle"]): {"id": user_id(s["handle"]), "username": s["handle"], "name": s["name"],
                                "description": s["bio"] or "", **({"location": s["region"]} if s["region"] else {})} for s in SAMPLES}


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
    users = list({t["author_id"]: USERS[t["author_id"]] for t in chunk}.values())
    return json_reply({"data": chunk, "includes": {"users": users}, "meta": meta}, **headers)
