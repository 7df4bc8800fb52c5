"""Deterministic fictional posts for the demo platform.

`generate_posts(seed, n, now=...)` returns a few hundred Indonesian posts from 60 fictional accounts in seven
regions, with fictional candidate pairs (nomor urut per region) and fictional parties. The mix covers civil
servants (ASN) campaigning in every violation category of DOMAIN.md, non-ASN campaigners (candidates, party
cadres, volunteers, honorer teachers, village heads), neutral ASN posting about their work, news and oversight
posts about ASN neutrality, citizen tips, ordinary chatter and look-alikes ("juara 2", "dukung timnas").

Each post carries a hidden `truth` dict for evaluation only; the demo site never serves it:
    asn:       the author is a civil servant (PNS/PPPK); honorer staff and village heads are not
    campaign:  the post itself promotes a candidate/party or reports the author's partisan activity
    category:  the behaviour code (DOMAIN.md table) of a campaign post, else None
    violation: asn and campaign (what a monitoring team should flag)
    evidence:  where the ASN identity shows: "bio", "text", "bio+text" or None
    kind:      the template family (asn_campaign, campaign, work, pledge, civic, news, oversight, tip,
               chatter, lookalike, candidate)
All names, handles, places, parties and candidates are invented.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from pantau.demo.accounts import ROLE_WEIGHT, Account, accounts
from pantau.demo.posts import compose, favourite, post_body, slots
from pantau.demo.templates import SPECIAL
from pantau.demo.wave import WAVE_MIN_POSTS, WAVE_SIZE, wave_posts


DEFAULT_NOW = datetime(2024, 11, 20, 5, 0, tzinfo=timezone.utc)  # 12:00 WIB, last days of the Pilkada 2024 campaign
SPREAD = timedelta(days=10)


def generate_posts(seed: int = 7, n: int = 360, *, now: datetime | None = None) -> list[dict]:
    """`n` fictional posts, oldest first, with ids "10001", "10002"... in time order.

    Same (seed, n, now) -> same posts. created_at is spread over the 10 days before `now`
    (default DEFAULT_NOW) and written as ISO 8601 UTC with a "Z". With n >= WAVE_MIN_POSTS, WAVE_SIZE of them are a
    coordinated wave (`wave_posts`: near-copies of one template by as many teachers of one regency within WAVE_HOURS).
    """
    if n < len(SPECIAL):
        raise ValueError(f"n must be at least {len(SPECIAL)}")
    now = (now or DEFAULT_NOW).astimezone(timezone.utc).replace(microsecond=0)
    rng = random.Random(seed)
    accts = accounts()
    by_handle = {a.handle: a for a in accts}
    favourites = {a.handle: favourite(rng, a) for a in accts}
    weights = [ROLE_WEIGHT[a.role] for a in accts]

    drafts: list[tuple[Account, dict]] = []
    for handle, kind, text in SPECIAL:
        acct = by_handle[handle]
        body_slots = slots(rng, acct, favourites[handle])
        drafts.append((acct, post_body(kind, text.format(**body_slots), acct, "id", None)))
    while len(drafts) < n:
        acct = rng.choices(accts, weights)[0]
        drafts.append((acct, compose(rng, acct, favourites[acct.handle])))

    seconds = [rng.randrange(int(SPREAD.total_seconds())) for _ in drafts]
    if n >= WAVE_MIN_POSTS:  # the wave takes the place of the last drafts (the others stay as they were)
        for k, (acct, body, second) in enumerate(wave_posts(seed, now), start=n - WAVE_SIZE):
            drafts[k], seconds[k] = (acct, body), second
    order = sorted(range(len(drafts)), key=lambda i: (-seconds[i], i))
    posts = []
    for seq, i in enumerate(order):
        acct, body = drafts[i]
        created = now - timedelta(seconds=seconds[i])
        posts.append({
            "id": str(10001 + seq),
            "text": body["text"],
            "created_at": created.isoformat().replace("+00:00", "Z"),
            "lang": body["lang"],
            "region": acct.region,
            "author": {"id": acct.id, "handle": acct.handle, "name": acct.name, "bio": acct.bio},
            "truth": body["truth"],
        })
    return posts
