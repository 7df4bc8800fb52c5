"""Deterministic generator of the labelled training set (nlp/data/labelled.jsonl).

Run `python -m pantau.nlp.data.generate` to rewrite the file byte-identically. The data is next to this
file: pools.py (people, places, profiles, bios, registers), stances.py (the stance fragments); compose.py
builds one example from them; this module draws the families and writes the file.

Every example is {"id", "family", "register", "cue", "platform", "text", "bio", "label", "category"}:
label 1 = an ASN (civil servant) campaigning / taking sides, with a category code;
label 0 = anything else (category null).

Composition, not whole templates. A post is built from independent fragment pools:
  identity cue (who: an ASN profile or a non-ASN one, in the bio, in the text - "sbg guru", "kami ASN",
      "awak/inyong/beta PNS", "rekan2 kantor dinas" - or both)
  x stance fragment (what: one per *family*; campaign stances per SKB category, or a negative kind)
  x target (a paslon / candidate / number / emoji / hashtag / party expression)
  x register (formal, gaul, Javanese, Sundanese, Balinese, Minang/Malay, eastern Malay, Medan):
      function words such as {ayo} {aku} {kita} {dulur} {jgnlupa} {pilih} come from the register
  x platform form (plain, reply to a candidate account, RT, quote, forwarded message, TikTok caption)
  x length (short, plain, long with unrelated padding) and style (slang, elongation, case, hashtags).
Fields `family` (stance fragment), `register` and `cue` (identity profile group) let training hold
out whole fragment groups along three axes (see pantau.nlp.train), so the held-out score measures
generalisation to unseen sentence structures, unseen registers and unseen kinds of civil servant.

Campaign families mix both labels: the same stance written by an ASN (label 1) or by a candidate,
cadre, relawan, kepala desa, honorer, pensioner, citizen or influencer (label 0). Negative families
(label 0 only): ASN work posts and private life, ASN neutral civic posts and pledges, ASN talking about
politics without taking sides, news / Bawaslu / BKN posts about violations, citizen tips, KPU
information, candidates' and parties' own posts, look-alikes (juara 2, menu nomor 2, dukung timnas,
dua jari challenge, OSIS elections), non-ASN political chatter taking sides, and everyday chatter.

All people, candidate pairs, parties and accounts are fictional; regions are real place names.
Everything here is written for this project (licence-clean). Same seed -> same file.

The generated rows are followed by the hand-written posts of `handwritten.jsonl` (see `handwritten`):
whole posts written by people for this project, one idea per family, with the mess composition cannot
produce (implicit stances, subtle identity cues, regional languages, short replies, hard negatives).
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from pantau.nlp.data.compose import Ctx2, apply_form, pick_bio, pick_register, style, with_self
from pantau.nlp.data.pools import (
    ASN_PROFILES, EXTRA_CAMPAIGN_TAGS, FORM_WEIGHTS, FORMS, KIND_TAGS, NEUTRAL_BIOS, NON_ASN_PROFILES, PLAIN_BIOS,
    PLATFORM_WEIGHTS, PLATFORMS, SHARE_FORMS,
)
from pantau.nlp.data.stances import NEG, STANCES


DEFAULT_SEED = 20241127
OUT_PATH = Path(__file__).with_name("labelled.jsonl")
HANDWRITTEN_PATH = Path(__file__).with_name("handwritten.jsonl")
POSITIVE_SHARE = 0.55  # share of ASN (label-1) authors inside a campaign family


def _family_size(rng: random.Random, lo: int = 16, hi: int = 26) -> int:
    return rng.randint(lo, hi)


def generate(seed: int = DEFAULT_SEED) -> list[dict]:
    """All examples, in a fixed order; the same seed gives the same list."""
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(family, register, cue, text, bio, label, category, platform=None) -> bool:
        key = (text, bio)
        if key in seen or not text:
            return False
        seen.add(key)
        rows.append({
            "id": f"lab-{len(rows):05d}", "family": family, "register": register, "cue": cue,
            "platform": platform or rng.choices(PLATFORMS, weights=PLATFORM_WEIGHTS)[0],
            "text": text, "bio": bio, "label": label, "category": category,
        })
        return True

    for category in sorted(STANCES):
        for s_i, frag in enumerate(STANCES[category]):
            family = f"{category}.s{s_i:02d}"
            size = _family_size(rng)
            made = tries = 0
            while made < size and tries < size * 10:
                tries += 1
                positive = rng.random() < POSITIVE_SHARE
                register = pick_register(rng)
                profile = rng.choice(ASN_PROFILES if positive else NON_ASN_PROFILES)
                ctx = Ctx2(rng, profile, register)
                text = ctx.fill(frag)
                if positive:
                    where = rng.choices(["bio", "text", "both"], weights=[45, 25, 30])[0]
                else:
                    where = rng.choices(["bio", "text", "both", "none"], weights=[35, 15, 20, 30])[0]
                if where in ("text", "both"):
                    text = with_self(text, ctx, rng)
                if where in ("bio", "both"):
                    bio = ctx.fill(rng.choice(profile["bios"]))
                else:
                    bio = ctx.fill(rng.choice(PLAIN_BIOS))
                cue = profile["kind"] if where != "none" else "none"
                form = rng.choices(FORMS, weights=FORM_WEIGHTS)[0]
                if form in SHARE_FORMS and category not in ("kampanye_medsos", "interaksi_pemenangan", "foto_simbol"):
                    form = "plain"
                text = apply_form(style(text, rng, EXTRA_CAMPAIGN_TAGS, ctx), form, ctx, rng, campaign=True)
                cat = ("interaksi_pemenangan" if form in SHARE_FORMS else category) if positive else None
                if positive and profile["kind"] == "akun_resmi":
                    cat = "fasilitas_negara"  # an official account used for a candidate
                if add(family, register, cue, text, bio, int(positive), cat):
                    made += 1

    for kind in sorted(NEG):
        source, frags = NEG[kind]
        for s_i, frag in enumerate(frags):
            family = f"neg_{kind}.s{s_i:02d}"
            size = _family_size(rng, 14, 22) if kind not in ("umum", "politik_warga") else _family_size(rng, 18, 28)
            made = tries = 0
            while made < size and tries < size * 10:
                tries += 1
                register = pick_register(rng)
                profile = rng.choice(ASN_PROFILES) if source == "asn" else rng.choice(NON_ASN_PROFILES)
                ctx = Ctx2(rng, profile, register)
                ctx.kabtag = re.sub(r"\W", "", ctx.region)
                text = ctx.fill(frag)
                bio, cue = pick_bio(source, ctx, rng)
                if source == "asn" and rng.random() < 0.35:
                    text = with_self(text, ctx, rng)
                    if rng.random() < 0.4:
                        bio = ctx.fill(rng.choice(NEUTRAL_BIOS))
                elif source == "everyday" and rng.random() < 0.2:
                    text = with_self(text, ctx, rng)  # a non-ASN profile's self-reference
                    cue = profile["kind"]
                form = rng.choices(FORMS, weights=FORM_WEIGHTS)[0]
                text = apply_form(style(text, rng, KIND_TAGS.get(kind, ["#Pilkada2024"]), ctx), form, ctx, rng, campaign=kind in ("kandidat", "partai"))
                platform = "news" if source in ("media", "media_or_asn") and cue == "media" and rng.random() < 0.4 else None
                if add(family, register, cue, text, bio, 0, None, platform):
                    made += 1
    return rows


# Kinds of the hand-written file and the family-kind prefix they train under (see pantau.nlp.train.sub_labels).
HANDWRITTEN_KINDS = (
    "non_asn_campaigner", "neutral_asn", "news_oversight", "citizen_tip", "lookalike", "everyday",
    "asn_personal_politics",
)


def handwritten(path: Path = HANDWRITTEN_PATH) -> list[dict]:
    """The hand-written posts (nlp/data/handwritten.jsonl) in the labelled schema.

    They are whole posts, not compositions: each keeps its writer's family (variants of one idea share it),
    prefixed with `hw_` + its category (positives) or negative kind, so the group split holds them out like
    generated families and the metrics can report them on their own. They carry no register or cue group
    ("-"): every held-out split keeps them. A bad line raises ValueError (DataError for bad JSON) naming the line."""
    from pantau.nlp.train import iter_json_objects  # heavy (numpy): only this function needs it

    if not path.exists():
        return []
    rows: list[dict] = []
    for lineno, src in iter_json_objects(path):
        label, kind, category = src.get("label"), src.get("kind"), src.get("category")
        if label == 1 and kind == "violation" and category:
            prefix = category
        elif label == 0 and category is None and kind in HANDWRITTEN_KINDS:
            prefix = kind
        else:
            raise ValueError(f"{path}:{lineno}: label/kind/category do not fit ({label!r}, {kind!r}, {category!r})")
        rows.append({
            "id": src["id"], "family": f"hw_{prefix}.{src['family']}", "register": "-", "cue": "-",
            "platform": src["platform"], "text": src["text"], "bio": src.get("bio") or "", "label": label,
            "category": category,
        })
    return rows


def write(path: Path = OUT_PATH, seed: int = DEFAULT_SEED) -> int:
    """labelled.jsonl = the generated examples followed by the hand-written ones."""
    rows = generate(seed)
    seen = {(r["text"], r["bio"]) for r in rows}
    rows += [r for r in handwritten() if (r["text"], r["bio"]) not in seen]
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(rows)


def main() -> None:
    n = write()
    print(f"{n} examples -> {OUT_PATH}")


if __name__ == "__main__":
    main()
