"""Who the author is: identity evidence and its legal class. A flag needs it (the law's first element).

The law has two elements: the author is bound to neutrality, and the post takes sides. The model scores the
second well; the first must be *shown*, or an election full of citizens, volunteers, buzzers, parties and news
accounts floods the queue. Identity evidence is one of:

- a role, agency or NIP signal in the author's **bio** or **display name** (an official or agency account too:
  "Akun resmi Dinas Pendidikan Kab. X");
- an NIP in the post's text, or a role/agency in the text that the author claims for themself: a first-person
  word right before it ("saya guru", "sy sbg ASN", "kami para guru", "saya kerja di Dinas PU", "selaku kades")
  or a possessive right after an agency ("SDN 3 tempat saya mengajar", "dinas kami"). A role merely named in
  the text ("Prabowo janji naikkan gaji guru", "camat X hadir") is someone else's;
- an **account registry** entry (`pantau.nlp.registry`): an account known from earlier decisions, a previous
  self-identification or an agency list, shown with its source ("terdaftar sebagai ASN: keputusan #123").

Each piece of evidence carries its class (`IDENTITY_CLASSES`): ASN (PNS/PPPK), kepala/perangkat desa, TNI/Polri.
Act evidence is any campaign signal in the post's text (`ACT_SIGNALS`).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

import numpy as np

from pantau.nlp.signals import ASN_SIGNALS, CAMPAIGN_SIGNALS

# class -> (label for reviewers, legal basis)
IDENTITY_CLASSES: dict[str, tuple[str, str]] = {
    "asn": ("ASN (PNS/PPPK)", "UU 20/2023 tentang ASN; PP 94/2021 (disiplin); SKB netralitas ASN 2022"),
    "desa": ("Kepala/perangkat desa", "UU 6/2014 tentang Desa ps. 29, 51; UU 7/2017 ps. 280(2)-(3), 282, 490, 494; "
                                      "UU 10/2016 ps. 70(1), 71, 188"),
    "tni_polri": ("TNI/Polri", "UU 34/2004 tentang TNI ps. 39; UU 2/2002 tentang Polri ps. 28"),
}
SIGNAL_CLASS: dict[str, str] = {
    **{name: "asn" for name in ASN_SIGNALS},
    "village_official": "desa",
    "security_official": "tni_polri",
}
REGISTRY_SIGNAL = "registry"
ACT_SIGNALS = frozenset(CAMPAIGN_SIGNALS)
# Strong acts: together with identity evidence these take sides whatever the model's n-grams say ("Tetap dukung
# prabowo-gibran" by a camat): a call, slogan or all-in pointing at a listed contestant or a ballot number.
_CALLS = frozenset(("vote_call", "slogan", "all_in", "attack_rival", "campaign_team", "rally"))
_TARGETS = frozenset(("paslon_number", "number_emoji"))
# A post that reports, tips, pledges neutrality, informs about the vote or only looks alike is not a strong act.
_HARD_NEGATIVE = frozenset(("news_report", "report_tip", "neutrality_pledge", "civic_neutral", "lookalike", "quotation"))

# First-person words (Indonesian, slang and regional: Javanese, Sundanese, Minang, eastern Malay) and the few words
# allowed between one and the role ("saya seorang guru", "sy sbg ASN", "kami para guru", "saya kerja di Dinas PU").
SELF_WORDS = frozenset("""saya sy aku aq gue gw gua ane kami kmi sebagai sbg selaku beta inyong kula ambo sayo
    awak torang kitorang katong urang rekan rekan2 sekantor""".split())
_FILLERS = frozenset("""ini seorang adalah juga yg yang para dan sbg sebagai selaku cuma hanya hanyalah kerja
    bekerja ngantor mengajar ngajar bertugas tugas mengabdi di dari pegawai staf jadi menjadi masih sudah udah
    udh sdh sendiri kan sekaligus ibu ibu2 bapak bapak2 bpk pak bu pe semua tahun thn lama nang sing""".split())
_POSSESSIVE_AFTER = frozenset("kami saya sy aku gue kita tempat tmpt".split())
_WORD_RE = re.compile(r"[^\W_]+", re.U)


def _words_before(text: str, start: int, n: int) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text[max(0, start - 60):start])][-n:]


def _words_after(text: str, end: int, n: int) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text[end:end + 40])][:n]


def self_claimed(text: str, start: int, end: int) -> bool:
    """The author claims the role at text[start:end] for themself (see the module docstring)."""
    before = _words_before(text, start, 5)
    for w in reversed(before):
        if w in SELF_WORDS:
            return True
        if w not in _FILLERS and not w.isdigit():
            break
    after = _words_after(text, end, 2)
    return bool(after) and after[0] in _POSSESSIVE_AFTER


def identity_evidence(signals: Sequence[dict], text: str) -> list[dict]:
    """The signals that show who the author is, each with its "class" (a copy; the input is not changed)."""
    out = []
    for sig in signals:
        name = sig.get("name")
        if name == REGISTRY_SIGNAL:
            out.append(sig)
            continue
        cls = SIGNAL_CLASS.get(name)
        if cls is None:
            continue
        if sig["source"] in ("bio", "name") or name == "asn_nip" or self_claimed(text, sig["start"], sig["end"]):
            out.append({**sig, "class": cls})
    return out


def act_evidence(signals: Iterable[dict]) -> list[dict]:
    """The post-text signals that take sides (campaign signals)."""
    return [s for s in signals if s.get("source") == "text" and s.get("name") in ACT_SIGNALS]


def strong_act(signals: Sequence[dict]) -> bool:
    """A call/slogan/team/rally cue and a listed contestant or a ballot number in the text, nothing that marks
    a report, tip, pledge, civic message or look-alike (a civic word beside a vote call on the one contestant
    named does not void it)."""
    text = [s for s in signals if s.get("source") == "text"]
    names = {s["name"] for s in text}
    refs = {s["ref"] for s in text if s.get("ref") and s["name"] == "candidate_ref"}
    if not names & _CALLS:
        return False
    if names & _HARD_NEGATIVE:
        # "Ayo ke TPS, tusuk Prabowo Sandi": a civic word does not void a vote call on the one contestant named;
        # "ke TPS, pilih Anies, Prabowo atau Ganjar" (several) and reports, tips and pledges stay voided
        return names & _HARD_NEGATIVE == {"civic_neutral"} and len(refs) == 1 and any(
            c["name"] == "vote_call" and r["start"] >= c["start"] and r["end"] <= c["end"]
            for c in text for r in text if r.get("ref") and r["name"] == "candidate_ref")
    return bool(refs) or bool(names & _TARGETS)


def identity_class(evidence: Sequence[dict]) -> str | None:
    """The class a flag carries: registry entries first, then the bio/name, then the text; ASN before others."""
    if not evidence:
        return None
    rank = {"registry": 0, "bio": 1, "name": 1, "text": 2}
    order = {"asn": 0, "desa": 1, "tni_polri": 2}
    best = min(evidence, key=lambda s: (rank.get(s.get("source"), 3), order.get(s.get("class"), 3)))
    return best.get("class")


# --- the flag decision -------------------------------------------------------------------------------------

# How a post's decision score is made (see `gate`): no identity or no act -> 0 (never flagged); the model's flag
# score when the ASN identity is in the bio, name or text (the model saw it); the text-only partisan score when the
# identity is known only from the registry, or the author is a village official or TNI/Polri (the model was taught
# that these are not ASN, so its flag score says nothing about them).
NO_FLAG, USE_FLAG_SCORE, USE_PARTISAN_SCORE = 0, 1, 2
# A strong act (see `strong_act`) by an author with identity evidence scores at least this much.
STRONG_ACT_FLOOR = 0.8


def gate(signals: Sequence[dict], text: str) -> tuple[int, bool, list[dict], str | None]:
    """(mode, strong act, identity evidence, identity class) for one post's signals and (capped) text."""
    evidence = identity_evidence(signals, text)
    if not evidence or not act_evidence(signals):
        return NO_FLAG, False, evidence, identity_class(evidence)
    cls = identity_class(evidence)
    seen_by_model = any(e["source"] != "registry" and e["class"] == "asn" for e in evidence)
    mode = USE_FLAG_SCORE if cls == "asn" and seen_by_model else USE_PARTISAN_SCORE
    return mode, strong_act(signals), evidence, cls


def decision_scores(p_flag, p_partisan, modes, strong):
    """Decision scores (flag when >= the model's threshold) from the heads' scores and each post's gate."""
    modes = np.asarray(modes)
    base = np.where(modes == USE_FLAG_SCORE, p_flag, np.where(modes == USE_PARTISAN_SCORE, p_partisan, 0.0))
    return np.where((modes != NO_FLAG) & np.asarray(strong, dtype=bool), np.maximum(base, STRONG_ACT_FLOOR), base)
