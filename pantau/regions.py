"""Region names as teams write them ('Kab. Sleman', 'Kota Adm. Jakarta Pusat', 'Sleman, DIY'): the matching key.

Both the Bawaslu office routing (pantau.referral.routing) and the election calendar (pantau.calendar) match regions
through `normalise` and `parts`, so a region spelled one way finds the same office and the same calendar."""

from __future__ import annotations

import re

_PREFIXES = [
    (re.compile(r"^(kabupaten|kab)\b\.?\s*", re.I), "kabupaten "),
    (re.compile(r"^(kota administrasi|kota adm)\b\.?\s*", re.I), "kota administrasi "),
    (re.compile(r"^(kotamadya|kodya|kota)\b\.?\s*", re.I), "kota "),
    (re.compile(r"^(provinsi|propinsi|prov)\b\.?\s*", re.I), ""),
]


def normalise(name: str) -> str:
    """Lower case, one space, 'Kab.' -> 'kabupaten ', 'Prov.' dropped: the key used for matching."""
    s = re.sub(r"\s+", " ", (name or "").strip().lower())
    for pattern, repl in _PREFIXES:
        if pattern.match(s):
            s = pattern.sub(repl, s, count=1)
            break
    return re.sub(r"[.\s]+", " ", s).strip()


def parts(region: str | None) -> list[str]:
    """The whole region and each of its pieces ('Sleman, DIY' -> ['Sleman, DIY', 'Sleman', 'DIY']), unnormalised."""
    text = (region or "").strip()
    if not text:
        return []
    return [text] + [p.strip() for p in re.split(r"[,/;]| - ", text) if p.strip()]
