"""A coordinated wave ("pesan serentak", issue 18): WAVE_SIZE fictional teachers (ASN, identity in the bio) of one
regency post one template within WAVE_HOURS, each with small edits: words swapped, emoji, hashtags, casing.
`generate_posts` includes it when n >= WAVE_MIN_POSTS."""

from __future__ import annotations

import random
from datetime import datetime

from pantau.demo.accounts import Account
from pantau.demo.election import REGION_BY_NAME
from pantau.demo.posts import post_body


WAVE_SIZE = 30
WAVE_HOURS = 2
WAVE_MIN_POSTS = 100
WAVE_REGION = "Kab. Sleman"
WAVE_TEMPLATE = ("{hi} bapak ibu guru se-Kabupaten Sleman, tanggal 27 November {go} coblos nomor 2 {pair} demi "
                 "{what} yang lebih baik dan tunjangan guru yang {more}. Jangan lupa ajak keluarga dan tetangga ya")
_WAVE_WORDS = {"hi": ("Assalamualaikum", "Salam sejahtera", "Selamat pagi"), "go": ("mari kita", "ayo", "yuk"),
               "what": ("pendidikan", "sekolah", "pendidikan"), "more": ("naik", "meningkat", "naik")}
_WAVE_FIRST = ("Sri", "Budi", "Endang", "Agus", "Tri", "Wahyu", "Dwi", "Siti", "Joko", "Rini")
_WAVE_LAST = ("Lestari", "Santoso", "Rahayu", "Wibowo", "Purnomo", "Astuti")
_WAVE_SCHOOLS = ("SDN 1 Sidomulyo", "SDN 3 Tirtoadi", "SMPN 2 Margorejo", "SDN 4 Sendangsari", "SMPN 1 Wonokerto")


def wave_accounts() -> list[Account]:
    """The wave's WAVE_SIZE fictional teachers (ids w001...), apart from the 60 accounts of `accounts()`."""
    out = []
    for i in range(WAVE_SIZE):
        first, last = _WAVE_FIRST[i % len(_WAVE_FIRST)], _WAVE_LAST[i % len(_WAVE_LAST)]
        school = _WAVE_SCHOOLS[i % len(_WAVE_SCHOOLS)]
        out.append(Account(f"{first.lower()}.{last.lower()}{i + 1}", f"{first} {last}", "asn_bio",
                           f"Guru {school} | PNS 🏫", WAVE_REGION, asn=True, id=f"w{i + 1:03d}"))
    return out


def wave_posts(seed: int, now: datetime) -> list[tuple[Account, dict, int]]:
    """The wave's posts: (account, body, seconds before `now`), from their own random numbers."""
    rng = random.Random(seed * 1_000_003 + 18)
    pair = next(p for p in REGION_BY_NAME[WAVE_REGION].pairs if p.no == 2)
    start = rng.randrange(2 * 86400, 4 * 86400)  # the wave begins 2 to 4 days before `now`
    out = []
    for acct in wave_accounts():
        text = WAVE_TEMPLATE.format(pair=pair.nick, **{k: rng.choice(v) for k, v in _WAVE_WORDS.items()})
        text = " ".join([text, *rng.sample(("✌️", "🙏", "💪", "🏫", "🔥"), rng.randint(0, 3)),
                         *rng.sample((pair.tag, "#GuruHebat", "#PilkadaSleman", "#Coblos2"), rng.randint(1, 3))])
        case = rng.random()
        text = text.upper() if case < 0.1 else text.lower() if case < 0.25 else text
        body = post_body("asn_campaign", text.strip(), acct, "id", "kampanye_medsos", uses_intro=True)
        out.append((acct, body, start - rng.randrange(WAVE_HOURS * 3600)))
    return out
