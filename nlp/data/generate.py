"""Deterministic generator of the labelled training set (nlp/data/labelled.jsonl).

Run `python -m pantau.nlp.data.generate` to rewrite the file byte-identically.

Every example is {"id", "family", "platform", "text", "bio", "label", "category"}:
label 1 = an ASN (civil servant) campaigning / taking sides, with a category code;
label 0 = anything else (category null).

Design:
- A *family* is one text template. Evaluation holds out whole families, so a model is
  always scored on sentence structures it never saw.
- Campaign families (one per template, per violation category) mix both labels: the same
  campaign text is written by an ASN (label 1: identity in the bio, or in the text itself,
  "sebagai guru ...") or by someone who is not ASN (label 0: candidate, party cadre, relawan,
  citizen, influencer, kepala desa, honorer, pensioner).
- Negative families (label 0 only): ASN posting about their work, neutral civic messages,
  neutrality pledges, news and Bawaslu/BKN posts *about* violations (quoting campaign words),
  citizen tips to Bawaslu, KPU announcements, candidates' and parties' own posts, and
  look-alikes (juara 2, menu nomor 2, dukung timnas, dua jari challenge, lomba coblos balon).
- Registers: formal, slang/abbreviations, elongation, Javanese/Sundanese/Balinese phrases,
  emoji numbers, hashtags; short and long posts.

All people, candidate pairs, parties and accounts are fictional. Regions are real place names.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Callable

DEFAULT_SEED = 20241127
OUT_PATH = Path(__file__).with_name("labelled.jsonl")
POSITIVE_SHARE = 0.62  # share of label-1 examples inside a campaign family

# --- slot pools (fictional people and parties; real region names) ------------------------------

FIRST_M = "Hendra Bagus Arif Dimas Rudi Yusuf Fajar Teguh Wahyu Agus Sigit Ilham Rizal Bambang Darmawan Suryo Made Komang Yohanes Markus Andi Syahrul Hamzah Lukman".split()
FIRST_F = "Sulastri Ratna Dewi Wulan Sari Indah Fitri Nur Rahma Yuliana Kartika Maya Ayu Putu Ketut Siti Lestari Anisa".split()
LAST = "Wirawan Prasetyo Hidayat Santoso Kusuma Pratama Nugroho Saputra Siregar Nasution Lubis Tanjung Pohan Mahendra Setiawan Gunawan Wibisono Halim Rahman Kurniawan Susanto Purnomo Latuconsina Manurung Sinaga Ginting".split()
NICKS = "HEBAT BERSINAR AMANAH MANTAP SEJATI BERKAH RAMAH TANGGUH SIGAP BANGKIT GEMILANG SAE NYATA PASTI BERANI CERAH MAJU HARMONI".split()
PARTIES = [
    ("Partai Nusantara Maju", "PNM"), ("Partai Suara Rakyat", "PSR"), ("Partai Bintang Persatuan", "PBP"),
    ("Partai Harapan Bersama", "PHB"), ("Partai Karya Tani Indonesia", "PKTI"), ("Partai Cahaya Bangsa", "PCB"),
    ("Partai Gerakan Rakyat Mandiri", "GERAM"), ("Partai Samudra Raya", "PSRY"),
]
KABS = """Sleman Bantul Gunungkidul Kulon Progo Banyumas Cilacap Klaten Boyolali Sragen Wonogiri Garut Tasikmalaya
Ciamis Cianjur Sumedang Majalengka Kuningan Bogor Sidoarjo Jombang Lamongan Tuban Jember Banyuwangi Malang Kediri
Gowa Bone Maros Deli Serdang Langkat Simalungun Lampung Selatan Pringsewu Padang Pariaman Agam Aceh Besar Pidie
Buleleng Gianyar Tabanan Karangasem Lombok Timur Lombok Tengah Manggarai Sikka Minahasa Bolaang Mongondow
Kutai Kartanegara Paser Banjar Tapin Kubu Raya Sambas Ogan Ilir Musi Banyuasin Kampar Indragiri Hilir Merauke
Jayapura Maluku Tengah Halmahera Utara""".split("\n")
KABS = [k for line in KABS for k in re.findall(r"[A-Z][a-z]+(?: (?:Selatan|Timur|Tengah|Utara|Barat|Besar|Pariaman|Serdang|Progo|Kartanegara|Mongondow|Ilir|Banyuasin|Raya|Hilir))?", line)]
KOTAS = "Yogyakarta Surakarta Semarang Bandung Bekasi Depok Malang Kediri Makassar Medan Palembang Pontianak Banjarmasin Ambon Kupang Mataram Denpasar Padang Pekanbaru Manado Tegal Cirebon Tasikmalaya Batu".split()
PROVS = "Jawa Tengah|Jawa Barat|Jawa Timur|Sulawesi Selatan|Sumatera Utara|Lampung|Bali|Nusa Tenggara Barat|Kalimantan Timur|Kalimantan Selatan|Riau|Sumatera Barat|Maluku|Papua".split("|")
KECS = "Ngaglik Depok Mlati Kasihan Sewon Wates Baturraden Sumbang Kroya Tarogong Cibatu Leles Pakis Singosari Kepanjen Somba Opu Pallangga Lubuk Pakam Tanjung Morawa Sukasada Ubud Selong Ruteng Kalasan Godean Prambanan Cangkringan Gamping Turi".split()
DESAS = "Sukamaju Sidomulyo Karangrejo Mekarsari Sindangsari Sumberagung Tirtomulyo Wonokerto Margodadi Jatisari Cibodas Pasirjaya Tegalrejo Banjarsari Sukaresmi Bojongsari Pandowoharjo Sardonoharjo".split()
UNIVS = ["Universitas Negeri Malang", "Universitas Negeri Makassar", "Politeknik Negeri Jember", "UIN Walisongo", "Universitas Negeri Padang"]
MEDIA = ["KabarDaerah", "WartaKita", "SuaraWarga", "InfoPilkada", "PortalNusantara", "RadarKabupaten", "LintasBerita", "Detak Daerah"]
CAMPAIGN_EMOJI = ["🔥", "💪", "🙏", "👍", "❤️", "😍", "🇮🇩", "✅", "🤝", "👏", "💯", "🚀"]
NEUTRAL_EMOJI = ["🙏", "😊", "👍", "🇮🇩", "✅", "📚", "🌾", "🏥", "😁", "🤗", "☕", "👌"]
FINGER = {1: "☝️", 2: "✌️", 3: "🤟"}
KEYCAP = {1: "1️⃣", 2: "2️⃣", 3: "3️⃣", 4: "4️⃣", 5: "5️⃣"}
NUM_WORDS = {1: "satu", 2: "dua", 3: "tiga", 4: "empat", 5: "lima"}
JAVA_NUM = {1: "siji", 2: "loro", 3: "telu", 4: "papat", 5: "limo"}
SUNDA_NUM = {1: "hiji", 2: "dua", 3: "tilu", 4: "opat", 5: "lima"}
PLATFORMS = ["x", "facebook", "instagram", "tiktok", "youtube", "bluesky", "mastodon", "telegram"]
PLATFORM_WEIGHTS = [26, 30, 18, 12, 4, 3, 2, 5]


def _nip(rng: random.Random) -> str:
    y, m, d = rng.randint(1965, 1998), rng.randint(1, 12), rng.randint(1, 28)
    ay, am = y + rng.randint(20, 30), rng.randint(1, 12)
    nip = f"{y}{m:02d}{d:02d}{min(ay, 2024)}{am:02d}{rng.choice('12')}{rng.randint(1, 30):03d}"
    if rng.random() < 0.4:
        return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"
    return nip


# --- identity profiles -------------------------------------------------------------------------
# Each profile: bios (author bio), self (self-reference in text), office, group, audience.

ASN_PROFILES: list[dict] = [
    dict(kind="guru", bios=["Guru SDN {sn} {kab}", "Pendidik di SMPN {sn} {kab} | PNS", "Guru PPPK SMAN {sn} {kab}",
                           "guru SD 👩‍🏫 abdi negara | {kab}", "Kepala Sekolah SDN {sn} {kab}", "Guru Agama MIN {sn} {kab}",
                           "Mengabdi di SMKN {sn} {kab} sejak 2009", "NIP {nip} | Guru SDN {sn} {kab}", "Wali kelas 5 SD Negeri {sn} {kab}"],
         self=["sebagai guru", "saya guru PNS", "kami guru-guru SDN {sn} {kab}", "sbg pendidik ASN", "saya selaku kepala sekolah",
               "sebagai guru PPPK"],
         office="sekolah", group="grup WA wali murid", audience="bapak ibu wali murid", third="guru SDN {sn} {kab}"),
    dict(kind="nakes", bios=["Bidan Puskesmas {kec}", "Perawat RSUD {kab} 💉", "dokter puskesmas {kec} | ASN", "Kepala Puskesmas {kec}",
                            "Bidan desa, PNS Dinkes {kab}", "Tenaga kesehatan Puskesmas {kec} | PPPK"],
         self=["sebagai bidan", "saya perawat di RSUD {kab}", "kami nakes Puskesmas {kec}", "sbg dokter puskesmas"],
         office="puskesmas", group="grup WA ibu-ibu posyandu", audience="ibu-ibu pasien", third="bidan Puskesmas {kec}"),
    dict(kind="camat", bios=["Camat {kec}", "Sekcam {kec}, Kab. {kab}", "Lurah {desa}", "Staf Kecamatan {kec}",
                            "Pelayan masyarakat di Kantor Kecamatan {kec}", "Seklur {desa} | ASN Pemkot {kota}"],
         self=["sebagai camat", "saya selaku lurah", "kami staf kecamatan {kec}", "sbg ASN kecamatan"],
         office="kantor kecamatan", group="grup WA RT RW se-kecamatan", audience="para ketua RT dan RW", third="camat {kec}"),
    dict(kind="dinas", bios=["PNS Dinas Pendidikan Kab. {kab}", "Kabid Bina Marga Dinas PUPR {kab}", "Kepala Dinas Sosial Kab. {kab}",
                            "ASN Pemkab {kab} 🇮🇩", "Staf Bappeda {kab}", "Analis Kepegawaian BKPSDM {kab}", "Kerja di Pemkot {kota}",
                            "Kasi Pelayanan Disdukcapil {kab}", "Pegawai BPBD {kab} | siaga bencana", "Abdi negara. Ayah 2 anak. {kab}",
                            "ASN | NIP {nip}"],
         self=["sebagai ASN", "saya PNS Pemkab {kab}", "kami ASN Dinas Pendidikan", "saya selaku kepala dinas", "sbg abdi negara",
               "sebagai kabid di Dinas PUPR"],
         office="kantor dinas", group="grup WA dinas", audience="rekan-rekan pegawai", third="kabid Dinas PUPR {kab}"),
    dict(kind="penyuluh", bios=["Penyuluh Pertanian BPP {kec}", "Penyuluh KB Kec. {kec}", "PNS Penyuluh Pertanian {kab} 🌾"],
         self=["sebagai penyuluh pertanian", "saya penyuluh PNS", "kami penyuluh BPP {kec}"],
         office="BPP", group="grup WA kelompok tani", audience="bapak-bapak petani binaan", third="penyuluh pertanian {kec}"),
    dict(kind="kemenag", bios=["Penghulu KUA {kec}", "Staf Kemenag Kab. {kab}", "Penyuluh Agama Kemenag {kab}", "Guru MTsN {sn} {kab} | ASN Kemenag"],
         self=["sebagai penyuluh agama", "saya pegawai Kemenag", "kami keluarga besar KUA {kec}"],
         office="KUA", group="grup WA majelis taklim", audience="jamaah pengajian", third="pegawai Kemenag {kab}"),
    dict(kind="dosen", bios=["Dosen PNS {univ}", "Lektor Kepala {univ} | ASN", "Dosen ASN di {univ}"],
         self=["sebagai dosen PNS", "saya dosen ASN", "kami dosen {univ}"],
         office="kampus", group="grup WA mahasiswa bimbingan", audience="mahasiswa", third="dosen PNS {univ}"),
    dict(kind="satpol", bios=["Satpol PP Kota {kota}", "Anggota Satpol PP {kab} | ASN", "Staf Setda {kab}", "Sekda Kab. {kab}"],
         self=["sebagai anggota satpol PP", "saya staf setda", "kami pegawai Pemkab {kab}"],
         office="kantor", group="grup WA kantor", audience="teman-teman pegawai", third="pegawai Setda {kab}"),
]

NON_ASN_PROFILES: list[dict] = [
    dict(kind="kades", bios=["Kepala Desa {desa}", "Kades {desa} periode 2019-2025", "Kepala Desa {desa}, Kec. {kec}"],
         self=["sebagai kepala desa", "saya selaku kades {desa}", "kami pemerintah desa {desa}"],
         office="balai desa", group="grup WA perangkat desa", audience="warga desa {desa}"),
    dict(kind="perangkat", bios=["Sekdes {desa}", "Perangkat Desa {desa}", "Kadus {desa}"],
         self=["sebagai perangkat desa", "saya sekdes {desa}"],
         office="kantor desa", group="grup WA warga dusun", audience="warga dusun"),
    dict(kind="honorer", bios=["Guru honorer SDN {sn} {kab}", "Tenaga honorer Puskesmas {kec}", "Honorer di kantor kecamatan {kec}"],
         self=["sebagai guru honorer", "saya cuma honorer", "kami tenaga honorer"],
         office="sekolah", group="grup WA wali murid", audience="bapak ibu wali murid"),
    dict(kind="pensiunan", bios=["Pensiunan guru SD", "Purnabakti PNS Pemkab {kab}", "Pensiunan bidan | nenek 5 cucu"],
         self=["sebagai pensiunan guru", "saya mantan PNS", "sbg pensiunan"],
         office="rumah", group="grup WA alumni", audience="kawan-kawan purnabakti"),
    dict(kind="kader", bios=["Kader {party}", "Ketua DPC {party} {kab}", "Sekretaris DPD {party} {prov}", "Pengurus {party} Kab. {kab}"],
         self=["sebagai kader {party_short}", "kami keluarga besar {party}", "saya selaku ketua DPC"],
         office="kantor DPC", group="grup WA kader", audience="kader dan simpatisan"),
    dict(kind="relawan", bios=["Relawan {nick} {kab}", "Koordinator Relawan {nick} Kec. {kec}", "Tim pemenangan {nick} | {kab}",
                               "Sahabat {cand_first} {kab}"],
         self=["sebagai relawan", "kami relawan {nick}", "sbg timses"],
         office="posko relawan", group="grup relawan {nick}", audience="teman-teman relawan"),
    dict(kind="warga", bios=["Ibu rumah tangga | bunda 3 anak", "Wiraswasta", "Petani {kab}", "Karyawan swasta", "Mahasiswa {kab}",
                             "Driver ojol {kota}", "Pedagang pasar {kab}", "", "", "Hidup itu dinikmati", "Warga {kab} asli",
                             "Nelayan {kab}", "Pemuda {desa}"],
         self=["sebagai warga {kab}", "sbg rakyat biasa", "sebagai ibu rumah tangga", "sebagai pemilih muda", "kami warga {desa}"],
         office="rumah", group="grup WA keluarga", audience="tetangga dan keluarga"),
    dict(kind="influencer", bios=["Content creator {kab} | endorse DM", "Selebgram {kota} ✨", "YouTuber | vlog kuliner {kota}"],
         self=["sebagai anak muda {kab}", "sbg content creator"],
         office="studio", group="grup WA followers", audience="followers semua"),
]

NEUTRAL_BIOS = ["Ayah 2 anak", "Hidup adalah ibadah", "", "", "Pecinta kopi ☕", "Bismillah", "Suka jalan-jalan", "IG: @{handle}",
                "Just me", "Keluarga nomor satu"]
MEDIA_BIOS = ["Portal berita {media} | Kabar terkini {kab}", "Akun resmi Bawaslu Kab. {kab}", "Media online {media}",
              "Jurnalis {media}", "Pemantau pemilu independen", "Akun resmi KPU Kab. {kab}", "Redaksi {media}"]


# --- style transforms --------------------------------------------------------------------------

SLANG_OUT = {
    "yang": ["yg"], "tidak": ["gak", "ga", "nggak", "tdk"], "sudah": ["udh", "sdh", "udah"], "jangan": ["jgn"],
    "untuk": ["utk"], "banget": ["bgt"], "sebagai": ["sbg"], "tanggal": ["tgl"], "nomor": ["no", "nmr", "nomer"],
    "dengan": ["dgn"], "karena": ["krn"], "saja": ["aja"], "dari": ["dr"], "lagi": ["lg"], "bapak": ["bpk", "pak"],
    "semua": ["smua"], "ayo": ["ayok", "yuk"], "saya": ["sy", "aku"], "kita": ["qta"], "teman-teman": ["temen2", "tmn2"],
}


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


# --- templates ---------------------------------------------------------------------------------
# Campaign templates per category. "{self}" in a template puts the author's identity in the text.

CAMPAIGN: dict[str, list[str]] = {
    "kampanye_medsos": [
        "{open}Ayo warga {region}, {date} coblos {num}! {paslon} pasti membawa perubahan{emj} {tag}",
        "Jangan lupa ya, pilih {paslon} {num} untuk {jab} {wil}. Sudah terbukti kerjanya{emj}",
        "{self}, saya mengajak keluarga dan tetangga untuk mendukung {cjab} {paslon}. {tag}{close}",
        "Lanjutkan! {cand} dua periode. {wil} butuh pemimpin yang sudah terbukti {emo}{emj}",
        "{tag} {tag} pokoknya {num} menang satu putaran{emj}",
        "Yang lain cuma janji, {paslon} sudah bukti. Jangan pilih calon boneka, pilih {num}!{emj}",
        "{self} cuma mau bilang: {paslon} adalah pilihan terbaik buat {region}. Semua keluarga kami all in {num}{emj}",
        "Ojo lali nyoblos nomer {jnum} tanggal 27, dulur! {paslon} kanggo {region} luwih apik{emj}",
        "Hayu urang milih nomer {snum}, tong hilap tanggal 27. {paslon} pikeun {region} nu leuwih maju{emj}",
        "Rahajeng semeton {region}, ngiring coblos nomor {n} {paslon}. {tag}",
        "Pilkada {region} cuma sekali 5 tahun, jangan salah pilih. {cjab} {cand} paling peduli rakyat kecil, {num} {emj}",
        "Kalau mau jalan mulus dan sekolah gratis, ya {paslon}. Titik. {num} {tag}",
        "{self} di {region}, saya yakin {cjab} {cand} yang paling layak. Yuk menangkan {num} {date}!",
        "Debat semalam makin yakin, {paslon} juara! Calon sebelah cuma pencitraan. {tag}{emj}",
        "{emo} {emo} {emo} {date} jangan sampai salah coblos ya bapak ibu {tag}",
        "Besok ke TPS ya {audience}, gunakan hak pilih dengan benar: coblos {num}!{emj}",
        "Gunakan hak pilihmu {date}, jangan golput! Pilihan kami jelas: {paslon} {num} {tag}",
    ],
    "interaksi_pemenangan": [
        "RT {acct}: {quote} {tag}",
        "Mantap {sapa} {cand_first}, kami siap mendukung! Semoga {date} menang {emo}",
        "Yuk follow akun resmi {acct} biar update program {paslon}{emj}",
        "Sudah join grup WA relawan {nick}? Link di bio ya, ayo gabung sama {team}{emj}",
        "Share sebanyak-banyaknya! Video program {paslon} untuk {region}: {quote}",
        "Repost dari {acct} 👉 {quote}. Setuju banget{emj}",
        "{self}, saya ikut bagikan flyer {team} di {group}. Mohon dibaca ya {audience}",
        "Komen 'siap menang' kalau kalian dukung {paslon}! {tag}",
        "Baru live bareng {team} bahas program {cjab} {cand}, tonton ulang di {acct} ya{emj}",
        "Like dan subscribe channel {acct}, isinya program kerja {paslon} nomor urut {n}",
        "Sebarkan ke grup keluarga: {quote}. Dari {team}",
    ],
    "foto_simbol": [
        "Foto bareng {cjab} {cand} tadi siang {emo} salam {numw} jari! {tag}",
        "Alhamdulillah bisa selfie sama {sapa} {cand_first} {emo} semoga amanah dan menang {date}",
        "{self} berkesempatan foto bersama paslon {paslon}, pose {numw} jari{emj}",
        "Salam {numw} jari untuk {region}! Kenang-kenangan foto dengan {cand} {emo}{emj}",
        "Swafoto bersama {cjab} {cand} dan tim. Jari telunjuk = nomor {n} {emo}",
        "Pas ketemu {paslon} di pasar langsung minta foto, kompak acungkan {numw} jari {emo}{emj}",
        "Berfoto dengan calon {jab} {wil} nomor urut {n}, semoga jadi pemimpin {region} {emo}",
        "Sowan ke rumah {cjab} {cand}, foto bareng dengan gaya {emo} {tag}",
    ],
    "hadir_kampanye": [
        "Hadir di deklarasi paslon {paslon} di {venue}, luar biasa ramainya{emj} {tag}",
        "Ikut konvoi {team} keliling {region} hari ini, {num} menang!{emj}",
        "{self}, saya dipercaya jadi panitia kampanye akbar {cjab} {cand} di {venue}. Sukses acaranya{emj}",
        "Kampanye terbuka {paslon} di {venue} tadi sore, ribuan massa hadir. Kami juga datang {emo}",
        "Blusukan bareng {cjab} {cand} ke {desa}, warga antusias! {tag}",
        "Malam ini rapat konsolidasi {team} di {kec}, {self} hadir untuk menyusun strategi pemenangan{emj}",
        "Ikut jalan sehat bersama paslon nomor urut {n} di {venue}, habis itu orasi {sapa} {cand_first}{emj}",
        "Alhamdulillah sudah ikut pengukuhan relawan {nick} di {venue}, siap bergerak {date} {emo}",
        "Nonton orasi {cjab} {cand} di panggung kampanye {venue}, merinding{emj} {tag}",
    ],
    "pencalonan_parpol": [
        "Bismillah, hari ini ambil formulir pendaftaran bakal calon {jab} di kantor DPC {party}{emj}",
        "{self}, saya mendaftarkan diri ke {party} sebagai bakal calon wakil {jab} {wil}. Mohon doa restu",
        "Resmi jadi anggota {party}, KTA sudah di tangan{emj}",
        "Ikut fit and proper test penjaringan bacalon {jab} di DPD {party} {prov}. Semoga lolos 🙏",
        "Terima kasih {party} yang sudah membuka pintu. Siap maju Pilkada {region} {year}!",
        "{self} dilantik menjadi pengurus {party} Kabupaten {kab}. Siap berjuang untuk rakyat{emj}",
        "Mohon dukungannya, saya sudah mendaftar ke {party_short} dan {party} untuk maju sebagai calon {jab} {wil}",
        "Sowan ke ketua DPC {party} minta rekomendasi partai untuk maju di Pilkada {region}{emj}",
    ],
    "fasilitas_negara": [
        "Apel pagi di {office} tadi, saya ingatkan semua: {date} kita menangkan {paslon} demi kelanjutan pembangunan.",
        "{self}, saya minta {audience} di {group} untuk mengarahkan keluarganya memilih paslon nomor urut {n}.",
        "Rapat di {office} hari ini sekalian sosialisasi program {cjab} {cand}. Mohon didukung {audience}{emj}",
        "Pakai mobil dinas ke acara {team} di {venue}, biar cepat sampai{emj}",
        "Bantuan sosial dari {office} sudah dibagikan, jangan lupa ini berkat {cand}. Pilih {num} ya {audience}!",
        "{self} menginstruksikan seluruh staf di {office} mendukung {paslon}. Yang tidak ikut, siap-siap dimutasi.",
        "Kegiatan resmi di {office} kami tutup dengan foto {emo} bersama tim {cjab} {cand}{emj}",
        "Info di {group}: bapak ibu wajib hadir di kampanye {paslon} hari Sabtu, absen dicek di {office}.",
        "Program kerja di {office} ini hasil perjuangan {cand}, maka lanjutkan {num}! {tag}",
    ],
    "atribut_kampanye": [
        "Baru selesai pasang baliho {paslon} di depan {office} {emj}",
        "Bagi-bagi kaos dan stiker {nick} ke warga {desa}, yang mau tinggal DM{emj} {tag}",
        "{self}, saya ikut menempel stiker paslon nomor {n} di rumah-rumah warga {kec}{emj}",
        "Spanduk {cjab} {cand} sudah terpasang di sepanjang jalan {kec}. {tag}",
        "Bagikan kalender dan brosur {paslon} ke {audience}, lumayan buat promosi{emj}",
        "Sudah pasang bendera {party} dan banner {nick} di pagar rumah, siap menangkan {num}!",
        "Stok kaos {paslon} masih banyak, ambil di {office} ya {audience}{emj}",
        "Pasang stiker {emo} di motor semua anggota keluarga, biar kompak {tag}",
    ],
}

# Negative-only families: (family kind, bio source, templates)
NEGATIVE: dict[str, tuple[str, list[str]]] = {
    "asn_kerja": ("asn", [
        "Alhamdulillah posyandu balita di {desa} hari ini lancar, {k} balita ditimbang{nemj}",
        "Rapat koordinasi penanganan stunting di {office} bersama lintas sektor. Semangat melayani{nemj}",
        "Selamat kepada siswa-siswi SDN {sn} {kab} yang lulus 100%. Bangga jadi guru kalian{nemj}",
        "Pelayanan KTP elektronik di kantor kecamatan {kec} buka sampai jam 15.00 ya, bawa KK asli{nemj}",
        "Upacara HUT RI di halaman {office}. Dirgahayu Indonesia! 🇮🇩",
        "Hari ini pemilihan ketua OSIS di sekolah, calon nomor urut {n} menang tipis. Anak-anak belajar demokrasi{nemj}",
        "Mohon dukungan orang tua untuk program literasi 15 menit sebelum belajar. Terima kasih {audience}{nemj}",
        "Vaksinasi anak di Puskesmas {kec} tanggal 12, bawa buku KIA ya ibu-ibu{nemj}",
        "Panen raya padi di {desa} bersama kelompok tani, hasil {k} kuintal per hektar{nemj}",
        "Sosialisasi pencegahan DBD di {desa}, 3M plus jangan lupa{nemj}",
        "Lomba kebersihan kelas dimenangkan kelas 5B, juara 2 kelas 6A. Selamat anak-anak{nemj}",
        "Kerja bakti bersama warga dan staf kecamatan membersihkan saluran air di {desa}{nemj}",
        "Pelatihan guru penggerak angkatan 9 di {kab}, {k} peserta hadir{nemj}",
        "Besok apel pagi pukul 07.00, seluruh pegawai {office} wajib hadir dengan seragam KORPRI{nemj}",
    ]),
    "civic": ("mixed", [
        "Jangan lupa {date} datang ke TPS, gunakan hak pilihmu. Siapapun pilihannya, jaga persatuan{nemj}",
        "Yuk cek DPT online di cekdptonline.kpu.go.id, pastikan namamu terdaftar{nemj}",
        "Ojo lali nyoblos neng TPS tanggal 27, ojo golput ya dulur{nemj}",
        "Hayu urang sadaya dongkap ka TPS tanggal 27, ulah golput{nemj}",
        "Pilih sesuai hati nurani, tolak politik uang. Suara anda menentukan masa depan {region}{nemj}",
        "Pemilih pemula, jangan takut ke TPS! Bawa KTP dan undangan, coblos pilihanmu sendiri{nemj}",
        "Beda pilihan itu biasa, yang penting tetap rukun. Pilkada damai di {region}{nemj} #PilkadaDamai",
        "Hari pencoblosan {date}, TPS buka pukul 07.00 sampai 13.00. Jangan golput ya{nemj}",
        "Jadilah pemilih cerdas: kenali visi misi semua paslon, lalu tentukan pilihanmu sendiri{nemj}",
        "Mari jaga {region} tetap kondusif selama masa kampanye, jangan termakan hoaks{nemj}",
        "Warga RT 03 memilih di TPS 0{n} balai desa {desa}, buka jam 7 pagi. Bawa undangan ya{nemj}",
        "Simulasi pemungutan suara di TPS {n} {desa} berjalan lancar, petugas KPPS siap melayani{nemj}",
    ]),
    "ikrar": ("asn", [
        "Kami ASN {office} siap menjaga netralitas pada Pilkada {year}. #ASNNetral",
        "Apel ikrar netralitas ASN di halaman kantor Pemkab {kab} pagi ini. ASN harus netral! #NetralitasASN",
        "Pengingat: ASN dilarang foto dengan gaya jari atau simbol paslon, dilarang ikut kampanye. Yuk jaga netralitas #ASNNetral",
        "Surat edaran bupati: ASN dilarang menghadiri deklarasi, memasang baliho, atau membagikan konten paslon di medsos{nemj}",
        "Sebagai abdi negara saya tetap netral. Silakan pilih sesuai hati nurani masing-masing{nemj}",
        "Penandatanganan pakta integritas netralitas ASN se-Kecamatan {kec}. Tidak memihak siapa pun{nemj}",
        "ASN boleh memilih, tapi tidak boleh kampanye, like, komen, atau share postingan calon. Netral itu wajib #ASNBerAKHLAK",
        "Deklarasi netralitas ASN, TNI, Polri di {region} jelang Pilkada {year}{nemj}",
    ]),
    "berita": ("media_or_asn", [
        "Bawaslu {region} menemukan oknum {asnrole} mengunggah ajakan \"{quote}\" di Facebook. Kasus diteruskan ke BKN.",
        "Diduga tidak netral, {asnrole} dilaporkan ke Bawaslu karena hadir di deklarasi paslon {paslon}.",
        "Viral! Oknum ASN di {region} foto bersama {cjab} sambil acungkan {numw} jari. Bawaslu lakukan klarifikasi.",
        "BKN jatuhkan sanksi disiplin kepada {asnrole} yang terbukti ikut kampanye paslon nomor urut {n} di {region}.",
        "{media}: Bawaslu catat {k} dugaan pelanggaran netralitas ASN selama masa kampanye Pilkada {region}.",
        "Seorang {asnrole} diperiksa Panwascam {kec} usai membagikan stiker \"{quote}\" kepada warga.",
        "Baca juga: Camat di {region} dilaporkan karena arahkan RT pilih paslon {n}. Bawaslu: kami tindak lanjuti.",
        "KASN ingatkan ASN {region} jaga netralitas. Pada Pilkada 2020 tercatat 1.596 ASN melanggar, terbanyak kampanye di medsos.",
        "Video {asnrole} ajak murid \"coblos nomor {n}\" beredar luas, Dinas Pendidikan {region} panggil yang bersangkutan.",
        "Rekomendasi Bawaslu: {k} ASN di {region} direkomendasikan dijatuhi sanksi karena like dan share konten paslon.",
    ]),
    "laporan_warga": ("citizen", [
        "Lapor @bawaslu_ri, ada {asnrole} posting \"{quote}\" di grup WA sekolah. Mohon ditindak!",
        "@Bawaslu{kabtag} tolong dicek, kepala dinas ikut konvoi {team} pakai mobil dinas. Bukti ss di bawah.",
        "Min @bawaslu_ri ini {asnrole} kok kampanye terang-terangan {emo}? Sudah saya laporkan ke panwascam.",
        "Ada oknum guru yang suruh murid bilang ke ortu pilih {num}. Ini boleh? cc @bawaslu_ri @BKNgoid",
        "Screenshot status FB {asnrole}: \"{quote}\". Mohon diusut @bawaslu_ri, ASN harusnya netral.",
        "Lapor! Baliho {paslon} dipasang di pagar {office} kecamatan {kec}. @bawaslu_ri",
        "Katanya ada {asnrole} yang disuruh atasannya ikut {team}. Benarkah? Kalau iya, ini pelanggaran netralitas",
        "Konon di {region} banyak ASN ikut deklarasi {paslon} diam-diam. Semoga Bawaslu jeli{nemj}",
    ]),
    "kpu_info": ("mixed", [
        "Hasil pengundian nomor urut Pilkada {region}: {paslon} nomor urut {n}, {rival} nomor urut {rn}.",
        "Debat publik kedua paslon {jab} {wil} malam ini pukul 19.00 WIB, saksikan di TV lokal{nemj}",
        "KPU {region} tetapkan {k} TPS untuk Pilkada {year}. Cek lokasi TPS kamu di aplikasi.",
        "Masa kampanye Pilkada berlangsung 25 September - 23 November. Masa tenang 24-26 November.",
        "Jadwal kampanye terbuka paslon {n} dan paslon {rn} sudah ditetapkan KPU {region}{nemj}",
        "Rekapitulasi suara tingkat kecamatan {kec} selesai, hasil diumumkan KPU {region} besok.",
    ]),
    "kandidat": ("candidate", [
        "Mohon doa restu, saya {cand}, calon {jab} {wil} nomor urut {n}. Bersama kita bangun {region}! {tag}",
        "Terima kasih warga {desa} atas sambutan hangatnya. {date} jangan lupa coblos {num} ya{emj}",
        "Program kami jelas: sekolah gratis dan jalan mulus. {paslon}, nomor {n}, untuk {region}{emj}",
        "Hari ini kami kampanye dialogis di {venue}. Terima kasih relawan yang luar biasa! {tag}",
        "Saya {cand} siap melanjutkan pembangunan {region}. Dukung kami, {num}! {tag}",
        "Bersama pasangan saya, kami resmi mendaftar ke KPU {region} diantar ribuan pendukung{emj}",
    ]),
    "partai": ("party", [
        "DPC {party} resmi mengusung {paslon} di Pilkada {region}. Seluruh kader wajib menangkan nomor urut {n}!",
        "Rapat konsolidasi kader {party} se-{region}: siap all in untuk {paslon}{emj}",
        "{party} membuka penjaringan bakal calon {jab} {wil}, pendaftaran sampai akhir bulan{emj}",
        "Kader {party_short} turun ke {desa} bagikan kaos dan stiker {nick}. {tag}",
        "Seluruh struktur {party} bergerak untuk {cjab} {cand}. Menang! {tag}",
    ]),
    "mirip": ("mixed", [
        "Alhamdulillah anak kami juara 2 lomba mewarnai tingkat kabupaten ✌️{nemj}",
        "Pesan menu nomor 2 ya kak, ayam geprek level 3. Dukung UMKM lokal!{nemj}",
        "Ayo dukung timnas Garuda malam ini! Indonesia pasti menang 🇮🇩🔥",
        "Ikutan dua jari challenge bareng anak-anak kelas, seru banget ✌️✌️{nemj}",
        "Lomba coblos balon 17an di {desa}, juara 1 dapat kambing{nemj}",
        "Pilih paket nomor 3 aja kak, lebih hemat. Promo sampai akhir bulan{nemj}",
        "Nomor antrian 2 silakan ke loket 1. Terima kasih sudah menunggu{nemj}",
        "Tim voli putri {kab} juara 3 Porprov! Dukung terus atlet daerah{nemj}",
        "Liburan ke pantai bareng keluarga ✌️😁 #healing",
        "Siap 👌 besok kita lanjut rapat jam 9",
        "Duta baca {kab} terpilih: peserta nomor urut 2 dari SMPN {sn}. Selamat!{nemj}",
        "Pilih mana: bakso atau mie ayam? Komen 1 atau 2 ya{nemj}",
        "Goyang jempol bareng murid, dance challenge nomor 1 di sekolah kami{nemj}",
        "Ranking 1 kelas 4 diraih Ananda Putri. Semangat terus nak ☝️{nemj}",
    ]),
    "umum": ("mixed", [
        "Hujan deras seharian di {region}, hati-hati di jalan ya{nemj}",
        "Sarapan nasi pecel dulu sebelum kerja{nemj}",
        "Selamat ulang tahun ibu tercinta, sehat selalu{nemj}",
        "Macet parah di jalan {kec} pagi ini, ada perbaikan jembatan{nemj}",
        "Akhirnya weekend, waktunya quality time bareng anak-anak ✌️{nemj}",
        "Harga cabai naik lagi, ibu-ibu pada mengeluh di pasar {kec}{nemj}",
    ]),
}

CANDIDATE_BIOS = ["Calon Bupati {kab} nomor urut {n}", "Cawalkot {kota} | nomor urut {n}", "Calon Gubernur {prov} 2024",
                  "Caleg DPRD {kab} Dapil 3 {party}", "Bakal calon bupati {kab}", "Akun resmi paslon {paslon}"]
PARTY_BIOS = ["Akun resmi DPC {party} {kab}", "Kader {party}", "Ketua DPD {party} {prov}", "{party} Kabupaten {kab}"]
CITIZEN_BIOS = ["Warga {kab}", "Ibu rumah tangga", "Mahasiswa", "", "Pemantau pemilu independen", "Wiraswasta", "Netizen biasa",
                "Aktivis antikorupsi {kab}", "Karyawan swasta"]

EXTRA_CAMPAIGN_TAGS = ["#Pilkada2024", "#PilkadaSerentak", "#{nick}", "#Menang{n}"]
KIND_TAGS: dict[str, list[str]] = {
    "asn_kerja": ["#GuruHebat", "#MerdekaBelajar", "#SehatBersama", "#MelayaniSepenuhHati", "#ASNBerAKHLAK", "#BanggaMelayaniBangsa"],
    "civic": ["#PilkadaDamai", "#AyoKeTPS", "#TolakPolitikUang", "#Pilkada2024", "#JanganGolput"],
    "ikrar": ["#ASNNetral", "#NetralitasASN", "#ASNBerAKHLAK", "#PilkadaDamai"],
    "berita": ["#Pilkada2024", "#NetralitasASN", "#Bawaslu", "#BeritaTerkini"],
    "laporan_warga": ["#Pilkada2024", "#NetralitasASN", "#LaporBawaslu"],
    "kpu_info": ["#Pilkada2024", "#KPUMelayani", "#PilkadaSerentak", "#AyoKeTPS"],
    "kandidat": EXTRA_CAMPAIGN_TAGS,
    "partai": EXTRA_CAMPAIGN_TAGS,
    "mirip": ["#Juara", "#Kuliner", "#ProudParent", "#Timnas", "#Challenge", "#Promo", "#Sekolahku"],
    "umum": ["#Ngopi", "#Keluarga", "#InfoLalin", "#Weekend", "#Bersyukur"],
}


def _bio_for(kind: str, ctx: Ctx, rng: random.Random) -> str:
    if kind == "asn":
        return ctx.fill(rng.choice(rng.choice(ASN_PROFILES)["bios"]))
    if kind == "media":
        return ctx.fill(rng.choice(MEDIA_BIOS))
    if kind == "media_or_asn":
        pool = MEDIA_BIOS if rng.random() < 0.7 else rng.choice(ASN_PROFILES)["bios"]
        return ctx.fill(rng.choice(pool))
    if kind == "citizen":
        return ctx.fill(rng.choice(CITIZEN_BIOS))
    if kind == "candidate":
        return ctx.fill(rng.choice(CANDIDATE_BIOS))
    if kind == "party":
        return ctx.fill(rng.choice(PARTY_BIOS))
    # mixed: ASN bios half the time (hard negatives), else non-ASN or neutral
    roll = rng.random()
    if roll < 0.5:
        return ctx.fill(rng.choice(rng.choice(ASN_PROFILES)["bios"]))
    if roll < 0.8:
        return ctx.fill(rng.choice(rng.choice(NON_ASN_PROFILES)["bios"]))
    return ctx.fill(rng.choice(NEUTRAL_BIOS))


# Label-neutral sentences that make some posts long (used for every kind of post alike).
PADDING = [
    "Semoga kita semua selalu diberi kesehatan dan kelancaran rezeki.",
    "Cuaca di {region} hari ini panas sekali, jangan lupa minum air putih.",
    "Tadi pagi sempat antar anak sekolah dulu, jalanan macet seperti biasa.",
    "Mohon maaf kalau ada salah kata, niatnya cuma berbagi.",
    "Terima kasih untuk semua yang sudah mampir dan membaca sampai habis.",
    "Sore ini rencananya mau ke pasar {kec} beli kebutuhan dapur.",
    "Alhamdulillah minggu ini banyak hal baik yang terjadi.",
    "Jangan lupa istirahat yang cukup, kerja itu penting tapi keluarga lebih penting.",
    "Besok insyaallah lanjut kegiatan seperti biasa.",
    "Kopi pagi ini rasanya pas, tidak terlalu manis.",
]


def _pad(text: str, rng: random.Random, ctx: Ctx) -> str:
    """A long post: greeting + the message + one or two unrelated sentences + closing."""
    n_before, n_after = rng.randint(0, 1), rng.randint(1, 2)
    extra = [ctx.fill(p) for p in rng.sample(PADDING, k=n_before + n_after)]
    before, after = extra[:n_before], extra[n_before:]
    return ctx.slot("open") + " ".join(before + [text] + after) + ctx.slot("close")


def _style(text: str, rng: random.Random, tags: list[str], ctx: Ctx) -> str:
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


def _family_size(rng: random.Random) -> int:
    return rng.randint(13, 21)


def generate(seed: int = DEFAULT_SEED) -> list[dict]:
    """All examples, in a fixed order; the same seed gives the same list."""
    rng = random.Random(seed)
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()

    def add(family: str, text: str, bio: str, label: int, category: str | None, platform: str | None = None) -> bool:
        key = (text, bio)
        if key in seen or not text:
            return False
        seen.add(key)
        rows.append({
            "id": f"lab-{len(rows):05d}",
            "family": family,
            "platform": platform or rng.choices(PLATFORMS, weights=PLATFORM_WEIGHTS)[0],
            "text": text,
            "bio": bio,
            "label": label,
            "category": category,
        })
        return True

    for category in sorted(CAMPAIGN):
        for t_i, template in enumerate(CAMPAIGN[category]):
            family = f"{category}.t{t_i:02d}"
            size = _family_size(rng)
            made = tries = 0
            while made < size and tries < size * 10:
                tries += 1
                positive = rng.random() < POSITIVE_SHARE
                profile = rng.choice(ASN_PROFILES if positive else NON_ASN_PROFILES)
                ctx = Ctx(rng, profile)
                text = _fill_with_self(template, ctx, profile, rng)
                if "{self}" in template:
                    # identity is in the text; the bio may or may not repeat it
                    bio = ctx.fill(rng.choice(profile["bios"])) if rng.random() < 0.4 else ctx.fill(rng.choice(NEUTRAL_BIOS))
                else:
                    bio = ctx.fill(rng.choice(profile["bios"]))
                text = _style(text, rng, EXTRA_CAMPAIGN_TAGS, ctx)
                if add(family, text, bio, int(positive), category if positive else None):
                    made += 1

    for kind in sorted(NEGATIVE):
        bio_kind, templates = NEGATIVE[kind]
        for t_i, template in enumerate(templates):
            family = f"neg_{kind}.t{t_i:02d}"
            size = _family_size(rng)
            made = tries = 0
            while made < size and tries < size * 10:
                tries += 1
                profile = rng.choice(ASN_PROFILES) if bio_kind == "asn" else None
                ctx = Ctx(rng, profile)
                ctx.kabtag = re.sub(r"\W", "", ctx.region)
                text = ctx.fill(template)
                bio = _bio_for(bio_kind, ctx, rng) if profile is None else ctx.fill(rng.choice(profile["bios"]))
                tags = KIND_TAGS[kind]
                text = _style(text, rng, tags, ctx)
                platform = "news" if bio_kind == "media" and rng.random() < 0.5 else None
                if add(family, text, bio, 0, None, platform):
                    made += 1
    return rows


def _fill_with_self(template: str, ctx: Ctx, profile: dict, rng: random.Random) -> str:
    self_ref = ctx.fill(rng.choice(profile["self"]))
    filled = ctx.fill(template.replace("{self}", "\x00"))
    self_ref = self_ref[0].upper() + self_ref[1:] if filled.startswith("\x00") else self_ref
    return filled.replace("\x00", self_ref)


def write(path: Path = OUT_PATH, seed: int = DEFAULT_SEED) -> int:
    rows = generate(seed)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(rows)


def main() -> None:
    n = write()
    print(f"{n} examples -> {OUT_PATH}")


if __name__ == "__main__":
    main()
