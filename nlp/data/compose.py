"""How the training-data generator (nlp/data/generate.py) composes one example: `Ctx2` holds the slot values of
one example (candidate, region, numbers, register words, identity phrases of its profile) and fills {slots};
`style` pads, slangifies, elongates and tags a text; `apply_form` turns it into a reply, RT, quote, forward or
caption; `with_self` adds the author's self-reference; `pick_bio` draws a bio for a bio source. The pools are in
pools.py; every draw comes from the one `random.Random` the generator passes in, so the same seed gives the same file.
"""

from __future__ import annotations

import random
import re

from pantau.nlp.data.pools import (
    AGREE, AGREE_NEUTRAL, ASN_PROFILES, CAMPAIGN_EMOJI, CANDIDATE_BIOS, CAPTION_TAGS, CITIZEN_BIOS, DESAS,
    EVERYDAY_BIOS, FINGER, FIRST_F, FIRST_M, JAVA_NUM, KABS, KECS, KEYCAP, KOTAS, LAST, LOOKALIKE_BIOS, MEDIA,
    MEDIA_BIOS, NEUTRAL_BIOS, NEUTRAL_EMOJI, NICKS, NON_ASN_PROFILES, NUM_WORDS, PADDING, PARTIES, PARTY_BIOS,
    PROVS, REGISTER_WEIGHTS, REGISTERS, ROLES, SELF_FORMS, SLANG_OUT, SUNDA_NUM, UNIVS,
)


def _nip(rng: random.Random) -> str:
    y, m, d = rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28)
    ay, am = y + rng.randint(20, 30), rng.randint(1, 12)
    nip = f"{y}{m:02d}{d:02d}{min(ay, 2024)}{am:02d}{rng.choice('12')}{rng.randint(1, 30):03d}"
    if rng.random() < 0.4:
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


def slangify(text: str, rng: random.Random, p: float = 0.6) -> str:
    def repl(m: re.Match) -> str:
        w = m.group(0)
        opts = SLANG_OUT.get(w.lower())
        if opts and rng.random() < p:
            return rng.choice(opts)
        return w

    return re.sub(r"[A-Za-z-]+", repl, text)


def elongate(text: str, rng: random.Random) -> str:
    words = [m for m in re.finditer(r"\b[a-z]{3,}\b", text)]
    if not words:
        return text
    m = rng.choice(words)
    w = m.group(0)
    return text[: m.start()] + w + w[-1] * rng.randint(2, 4) + text[m.end():]


# --- builder -----------------------------------------------------------------------------------


class Ctx:
    """Slot values for one example (lazy, consistent within the example)."""

    def __init__(self, rng: random.Random, profile: dict | None):
        self.rng = rng
        self.profile = profile
        r = rng
        self.n = r.choices([1, 2, 3, 4, 5], weights=[30, 30, 25, 10, 5])[0]
        self.rn = r.choice([k for k in (1, 2, 3) if k != self.n])
        c1 = f"{r.choice(FIRST_M + FIRST_F)} {r.choice(LAST)}"
        self.sapa = "pak" if c1.split()[0] in FIRST_M else "bu"
        c2 = f"{r.choice(FIRST_M + FIRST_F)} {r.choice(LAST)}"
        self.cand = c1
        self.cand_first = c1.split()[0]
        self.paslon = f"{c1.split()[0]}-{c2.split()[0]}"
        self.nick = r.choice(NICKS)
        self.rival = f"{r.choice(FIRST_M + FIRST_F)}-{r.choice(FIRST_M + FIRST_F)}"
        level = r.choices(["kab", "kota", "prov"], weights=[60, 25, 15])[0]
        self.kab = r.choice(KABS)
        self.kota = r.choice(KOTAS)
        self.prov = r.choice(PROVS)
        if level == "kab":
            self.jab, self.cjab, self.wil = "bupati", r.choice(["cabup", "calon bupati"]), r.choice([f"Kabupaten {self.kab}", f"Kab. {self.kab}", self.kab])
        elif level == "kota":
            self.jab, self.cjab, self.wil = r.choice(["walikota", "wali kota"]), r.choice(["cawalkot", "calon walikota"]), r.choice([f"Kota {self.kota}", self.kota])
        else:
            self.jab, self.cjab, self.wil = "gubernur", r.choice(["cagub", "calon gubernur"]), self.prov
        self.region = self.wil.replace("Kabupaten ", "").replace("Kab. ", "").replace("Kota ", "")
        self.kec = r.choice(KECS)
        self.desa = r.choice(DESAS)
        self.sn = r.randint(1, 12)
        self.party, self.party_short = r.choice(PARTIES)
        self.univ = r.choice(UNIVS)
        self.media = r.choice(MEDIA)
        self.handle = re.sub(r"\W", "", c2.lower())[:10] + str(r.randint(1, 99))
        self.year = r.choice(["2024", "2024", "2029"])

    # formatted pieces
    def num(self) -> str:
        n, r = self.n, self.rng
        styles = [f"nomor {n}", f"nomor urut {n}", f"no {n}", f"no. {n}", f"0{n}", f"nomor urut {NUM_WORDS[n]}",
                  f"nmr {n}", f"nomer {n}", f"paslon {n}", f"no urut {n}"]
        if n in FINGER:
            styles += [f"nomor {n} {FINGER[n]}", FINGER[n] * r.randint(1, 3)]
        return r.choice(styles)

    def emo(self) -> str:
        return FINGER.get(self.n) or KEYCAP[self.n]

    def tag(self) -> str:
        r = self.rng
        nick = self.nick.capitalize() if r.random() < 0.6 else self.nick
        region = re.sub(r"\W", "", self.region)
        return r.choice([f"#{nick}Menang", f"#{nick}{self.year}", f"#Pilih{nick}", f"#Coblos{self.n}", f"#Nomor{self.n}",
                         f"#{nick}Untuk{region}", f"#Lanjutkan{nick}", f"#{nick}SatuPutaran", f"#{region}{nick}",
                         f"#0{self.n}Menang", f"#Paslon{self.n}"])

    def date(self) -> str:
        return self.rng.choice(["27 November", "tanggal 27 nanti", "tgl 27 Nov", "Rabu 27/11", "hari H", "27 November 2024", "tanggal 27"])

    def venue(self) -> str:
        return self.rng.choice([f"lapangan {self.kec}", f"GOR {self.region}", f"alun-alun {self.region}", f"gedung serbaguna {self.kec}",
                                f"stadion {self.region}"])

    def acct(self) -> str:
        nick = self.nick.lower()
        return self.rng.choice([f"@{nick}official", f"@relawan{nick}", f"@{nick}_{self.n}", f"@tim{nick}", f"@{self.cand_first.lower()}{self.n}"])

    def quote(self) -> str:
        return self.rng.choice([
            f"ayo coblos nomor {self.n}", f"{self.nick} pasti menang", f"pilih {self.paslon} untuk {self.region} lebih baik",
            f"jangan lupa {self.date()} coblos {self.emo()}", f"dukung paslon nomor urut {self.n}", f"lanjutkan dua periode",
            f"menangkan {self.paslon}!", f"satu putaran {self.tag()}",
        ])

    def slot(self, name: str) -> str:
        p = self.profile or {}
        if name in ("self", "bio", "third"):
            raise KeyError(name)
        if name in ("office", "group", "audience"):
            return self.fill(p.get(name, {"office": "kantor", "group": "grup WA", "audience": "teman-teman"}[name]))
        if name == "close":
            return self.rng.choice(["", "", " Salam sehat.", " Terima kasih 🙏", " Wassalam.", " Merdeka!", " Bismillah.", " Aamiin."])
        if name == "open":
            return self.rng.choice(["", "", "Assalamualaikum wr wb. ", "Selamat pagi sahabat! ", "Bismillah. ", "Halo semua, ",
                                    "Sampurasun! ", "Om swastiastu. ", "Sugeng enjing! "])
        if name == "emj":
            return self.rng.choice(["", " " + self.rng.choice(CAMPAIGN_EMOJI), " " + self.rng.choice(CAMPAIGN_EMOJI) * 2])
        if name == "nemj":
            return self.rng.choice(["", " " + self.rng.choice(NEUTRAL_EMOJI)])
        if name == "k":
            return str(self.rng.randint(12, 140))
        if name == "jnum":
            return JAVA_NUM[self.n]
        if name == "snum":
            return SUNDA_NUM[self.n]
        if name == "numw":
            return NUM_WORDS[self.n]
        if name == "team":
            return self.rng.choice([f"tim pemenangan {self.nick}", f"relawan {self.nick}", f"timses {self.paslon}", f"posko pemenangan {self.nick}"])
        if name == "asnrole":
            prof = self.rng.choice(ASN_PROFILES)
            return self.fill(prof["third"])
        if name == "nip":
            return _nip(self.rng)
        val = getattr(self, name)
        return val() if callable(val) else str(val)

    def fill(self, pattern: str) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: self.slot(m.group(1)), pattern)


def _pad(text: str, rng: random.Random, ctx: Ctx) -> str:
    """A long post: greeting + the message + one or two unrelated sentences + closing."""
    n_before, n_after = rng.randint(0, 1), rng.randint(1, 2)
    extra = [ctx.fill(p) for p in rng.sample(PADDING, k=n_before + n_after)]
    before, after = extra[:n_before], extra[n_before:]
    return ctx.slot("open") + " ".join(before + [text] + after) + ctx.slot("close")


def style(text: str, rng: random.Random, tags: list[str], ctx: Ctx) -> str:
    if rng.random() < 0.2:
        text = _pad(text, rng, ctx)
    if rng.random() < 0.35:
        text = slangify(text, rng)
    if rng.random() < 0.2:
        text = elongate(text, rng)
    if rng.random() < 0.08:
        text = text.upper()
    elif rng.random() < 0.15:
        text = text.lower()
    if rng.random() < 0.3:
        text = text + " " + " ".join(ctx.fill(t) for t in rng.sample(tags, k=rng.randint(1, 2)))
    text = re.sub(r"\s+", " ", text).strip()
    return text


def _pair_tag(ctx: "Ctx2") -> str:
    """Hashtags that name the pair: #HendraSari, #HeSa (first two letters of each name), #HendraSari2024."""
    a, b = ctx.paslon.split("-")
    return ctx.rng.choice([f"#{a}{b}", f"#{a[:2]}{b[:2]}", f"#{a}{b}{ctx.year}", f"#{a}{b}Menang"])


def _target(ctx: "Ctx2") -> str:
    r = ctx.rng
    return r.choice([ctx.paslon, f"paslon {ctx.paslon}", f"{ctx.sapa} {ctx.cand_first}", f"{ctx.cjab} {ctx.cand}", ctx.num(),
                     ctx.num(), f"paslon {ctx.n}", f"#{ctx.nick.capitalize()}", ctx.nick.capitalize(), ctx.emo(),
                     f"nomor urut {NUM_WORDS[ctx.n]}", f"{ctx.cand_first} {ctx.n}", f"{ctx.paslon} {ctx.emo()}",
                     _pair_tag(ctx), _pair_tag(ctx), ctx.paslon.replace("-", "–")])


def _person(ctx: "Ctx2") -> str:
    return ctx.rng.choice([f"{ctx.cjab} {ctx.cand}", f"{ctx.sapa} {ctx.cand_first}", f"paslon {ctx.paslon}",
                           f"calon {ctx.jab} nomor {ctx.n}", f"{ctx.cand}", f"{ctx.paslon}", f"{ctx.sapa} {ctx.cand} ({ctx.nick})",
                           ctx.paslon.replace("-", "–"), _pair_tag(ctx)])


class Ctx2(Ctx):
    """Slots of Ctx plus register function words, targets and the identity phrases of the profile."""

    def __init__(self, rng: random.Random, profile: dict | None, register: str):
        super().__init__(rng, profile)
        self.register = register
        self.lex = REGISTERS[register]
        self.roles = ROLES.get(profile["kind"]) if profile else None

    def slot(self, name: str) -> str:
        if name in self.lex:
            return self.rng.choice(self.lex[name])
        if name == "target":
            return _target(self)
        if name == "person":
            return _person(self)
        if name == "url":
            return self.rng.choice(["https://s.id/" + self.nick.lower() + str(self.n), "youtu.be/x" + self.handle, "bit.ly/" + self.nick.lower()])
        if name in ("role", "coll", "ctx", "with_"):
            return self.fill(self.rng.choice(self.roles[name]))
        if name == "friend":
            return "@" + self.rng.choice(["rina", "budi", "anto", "dewi", "yoga", "sari", "bang_", "mas_", "teh_"]) + self.handle[:5]
        return super().slot(name)

    def self_ref(self) -> str:
        return self.fill(self.rng.choice(SELF_FORMS))


def apply_form(text: str, form: str, ctx: Ctx2, rng: random.Random, campaign: bool) -> str:
    if form == "reply":
        who = ctx.acct() if campaign else ctx.slot("friend")
        return f"{who} {text}"
    if form == "rt":
        return f"RT {ctx.acct() if campaign else ctx.slot('friend')}: {text}"
    if form == "quote":
        if rng.random() < 0.4:  # quote-RT with the comment after the quoted post
            who = ctx.acct() if campaign else ctx.slot("friend")
            return f"RT {who}: {text} {rng.choice(['←', '//', '👈', '-'])} {ctx.fill(rng.choice(AGREE if campaign else AGREE_NEUTRAL))}"
        return f"{ctx.fill(rng.choice(AGREE if campaign else AGREE_NEUTRAL))} {text}"
    if form == "forward":
        return rng.choice(["[Diteruskan] ", "Fwd: ", "Copas dari grup sebelah: ", "Diteruskan dari grup: "]) + text
    if form == "caption":
        return text + " " + " ".join(rng.sample(CAPTION_TAGS, k=rng.randint(2, 4)))
    return text


def pick_bio(source: str, ctx: Ctx2, rng: random.Random) -> tuple[str, str]:
    """(bio, cue group) for a bio source."""
    if source == "asn":
        return ctx.fill(rng.choice(ctx.profile["bios"])), ctx.profile["kind"]
    if source == "media":
        return ctx.fill(rng.choice(MEDIA_BIOS)), "media"
    if source == "media_or_asn":
        if rng.random() < 0.6:
            return ctx.fill(rng.choice(MEDIA_BIOS)), "media"
        prof = rng.choice(ASN_PROFILES)
        return ctx.fill(rng.choice(prof["bios"])), prof["kind"]
    if source == "candidate":
        return ctx.fill(rng.choice(CANDIDATE_BIOS)), "kandidat"
    if source == "party":
        return ctx.fill(rng.choice(PARTY_BIOS)), "kader"
    if source == "citizen":
        return ctx.fill(rng.choice(CITIZEN_BIOS + LOOKALIKE_BIOS)), "warga"
    if source == "everyday":
        roll = rng.random()
        if roll < 0.55:
            return ctx.fill(rng.choice(EVERYDAY_BIOS)), "warga"
        if roll < 0.75:
            return ctx.fill(rng.choice(LOOKALIKE_BIOS)), "lookalike_bio"
        prof = rng.choice(NON_ASN_PROFILES)
        return ctx.fill(rng.choice(prof["bios"])), prof["kind"]
    # mixed: ASN bios half the time (hard negatives), else non-ASN or neutral
    roll = rng.random()
    if roll < 0.5:
        prof = rng.choice(ASN_PROFILES)
        return ctx.fill(rng.choice(prof["bios"])), prof["kind"]
    if roll < 0.8:
        prof = rng.choice(NON_ASN_PROFILES)
        return ctx.fill(rng.choice(prof["bios"])), prof["kind"]
    return ctx.fill(rng.choice(NEUTRAL_BIOS)), "warga"


def with_self(text: str, ctx: Ctx2, rng: random.Random) -> str:
    ref = ctx.self_ref()
    roll = rng.random()
    if roll < 0.2:
        # identity embedded as company: "... bareng rekan2 kantor dinas"
        body = text.rstrip()
        return body + rng.choice([" bareng ", " sama ", " bersama ", " ajak "]) + ctx.slot("with_")
    if roll < 0.7:
        return ref[0].upper() + ref[1:] + ", " + text[0].lower() + text[1:]
    return text + rng.choice([" — ", " ", ". Salam dari ", " (", ". "]) + ref + rng.choice(["", ")", " 🙏", "."])


def pick_register(rng: random.Random) -> str:
    names = list(REGISTER_WEIGHTS)
    return rng.choices(names, weights=[REGISTER_WEIGHTS[n] for n in names])[0]
