"""One demo post from an account: which kind it writes (`compose`), the slot values of its region and favourite
pair (`slots`), and the post body with its hidden ground truth (`post_body`: the `truth` dict the demo site never
serves)."""

from __future__ import annotations

import random

from pantau.demo.accounts import ACCOUNTS, ROLE_KINDS, Account
from pantau.demo.election import (
    CATEGORIES, CATEGORY_WEIGHTS, GESTURE, NUM_EMOJI, NUM_LOCAL, NUM_WORD, PARTIES, REGION_BY_NAME, REGIONS, Region,
)
from pantau.demo.templates import (
    CAMPAIGN, CANDIDATE, CHATTER, CIVIC, LOOKALIKE, NEWS, OVERSIGHT, PLEDGE, REGIONAL_CAMPAIGN, TIP, WORK, T,
)


def favourite(rng: random.Random, acct: Account) -> int | None:
    if acct.pair is not None:
        return acct.pair
    if acct.region is None:
        return None
    return rng.choice(REGION_BY_NAME[acct.region].pairs).no


def compose(rng: random.Random, acct: Account, fav: int | None) -> dict:
    kinds, kweights = zip(*ROLE_KINDS[acct.role])
    kind = rng.choices(kinds, kweights)[0]
    values = slots(rng, acct, fav)
    region = REGION_BY_NAME.get(acct.region or "")
    if kind in ("asn_campaign", "campaign"):
        category, tmpl = campaign_template(rng, acct, region)
        text, lang = tmpl.text.format(**values), tmpl.lang
        return post_body(kind, text, acct, lang, category, uses_intro=tmpl.intro or tmpl.office)
    if kind == "candidate":
        category, text = rng.choice(CANDIDATE)
        return post_body(kind, text.format(**values), acct, "id", category)
    if kind == "chatter":
        pool = list(CHATTER["id"])
        local = CHATTER.get(acct.region or "", ()) + (CHATTER.get(region.lang, ()) if region else ())
        if local and rng.random() < 0.6:
            pool = list(local)
        text = rng.choice(pool)
        lang = region.lang if region and region.lang != "id" and text in local else "id"
        return post_body(kind, text.format(**values), acct, lang, None)
    pool = {"work": WORK, "pledge": PLEDGE, "civic": CIVIC, "news": NEWS, "oversight": OVERSIGHT,
            "tip": TIP, "lookalike": LOOKALIKE}[kind]
    return post_body(kind, rng.choice(pool).format(**values), acct, "id", None)


def campaign_template(rng: random.Random, acct: Account, region: Region | None) -> tuple[str, T]:
    if region and region.lang in REGIONAL_CAMPAIGN and acct.role != "asn_text" and rng.random() < 0.2:
        return rng.choice(REGIONAL_CAMPAIGN[region.lang])
    while True:
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        options = [t for t in CAMPAIGN[category] if allowed(t, acct)]
        if options:
            return category, rng.choice(options)


def allowed(t: T, acct: Account) -> bool:
    if t.office and not acct.asn:
        return False
    if t.intro and not acct.intro:
        return False
    if acct.role == "asn_text":  # the text is the only place the ASN identity shows
        return t.intro or t.office
    return True


def post_body(kind: str, text: str, acct: Account, lang: str, category: str | None, uses_intro: bool = False) -> dict:
    campaign = category is not None
    asn_in_text = acct.asn and uses_intro
    asn_in_bio = acct.role in ("asn_bio", "asn_neutral")
    evidence = None
    if acct.asn:
        evidence = "+".join(s for s, on in (("bio", asn_in_bio), ("text", asn_in_text)) if on) or None
    return {
        "text": text[:1].upper() + text[1:],
        "lang": lang,
        "truth": {
            "asn": acct.asn,
            "campaign": campaign,
            "category": category,
            "violation": acct.asn and campaign,
            "evidence": evidence,
            "kind": kind,
        },
    }


def slots(rng: random.Random, acct: Account, fav: int | None) -> dict[str, str]:
    region = REGION_BY_NAME.get(acct.region or "") or rng.choice(REGIONS)
    pair = next((p for p in region.pairs if p.no == fav), None) or rng.choice(region.pairs)
    rival = rng.choice([p for p in region.pairs if p.no != pair.no])
    n = pair.no
    cand = next((f"@{a.handle}" for a in ACCOUNTS if a.role == "candidate" and a.region == region.name and a.pair == n), pair.tag)
    female = pair.head.split()[0] in ("Ni", "Sitti", "Maria")
    return {
        "n": str(n),
        "no": rng.choice((str(n), f"0{n}", NUM_WORD[n])),
        "emo": rng.choice(NUM_EMOJI[n]),
        "lno": NUM_LOCAL.get(region.lang, {}).get(n, str(n)),
        "pair": pair.nick,
        "head": pair.head,
        "hnick": pair.nick.split("–")[0],
        "hon": "bu" if female else rng.choice(("pak", "Pak", "bapak")),
        "tag": pair.tag,
        "slogan": pair.slogan,
        "rival_no": f"0{rival.no}",
        "rival": rival.nick,
        "place": rng.choice(region.places),
        "region": region.name,
        "short": region.short,
        "office": region.office,
        "party": rng.choice(PARTIES),
        "intro": rng.choice(acct.intro) if acct.intro else "",
        "gesture": GESTURE[n],
        "cand": cand,
        "k": str(rng.randint(2, 19)),
        "bawaslu": "@bawaslu.demo",
    }
