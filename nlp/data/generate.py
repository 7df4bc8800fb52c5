"""Deterministic generator of the labelled training set (nlp/data/labelled.jsonl).

Run `python -m pantau.nlp.data.generate` to rewrite the file byte-identically.

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


DEFAULT_SEED = 20241127
OUT_PATH = Path(__file__).with_name("labelled.jsonl")
HANDWRITTEN_PATH = Path(__file__).with_name("handwritten.jsonl")
POSITIVE_SHARE = 0.55  # share of ASN (label-1) authors inside a campaign family

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
    dict(kind="akun_resmi", bios=["Info Kelurahan {desa} (resmi)", "Admin IG Dinas Kominfo {kab}", "Official account SDN {sn} {kab}",
                                 "Humas Pemkab {kab}", "Akun resmi Puskesmas {kec}", "Akun resmi Kecamatan {kec}"],
         self=["kami admin akun resmi kelurahan", "dari akun resmi dinas"],
         office="kantor kelurahan", group="grup WA dinas", audience="warga yang kami layani", third="admin akun resmi Kecamatan {kec}"),
    # Role abbreviations of regional government (identity evidence the model must know, issue 20).
    dict(kind="aparatur_wilayah", bios=["Sekmat {kec}", "Sekcam {kec} | ASN Pemkab {kab}", "Kasi Trantib Kec. {kec}",
                                        "Kasubag Umum Dinkes {kab}", "Kabid SD Disdik {kab}", "Staf kecamatan {kec} 🇮🇩",
                                        "Pegawai kelurahan {desa}", "Binwil Kec. {kec}", "Operator sekolah SDN {sn} {kab}",
                                        "Guru P3K SDN {sn} {kab}", "Bidan desa {desa} | PNS Dinkes", "Kasubbid Bappeda {kab}"],
         self=["saya sekmat {kec}", "sy kasi di kecamatan", "saya guru P3K", "saya operator sekolah", "sy staf kelurahan",
               "saya sbg kabid", "saya bidan desa {desa}", "kami staf kecamatan {kec}", "sbg binwil kecamatan"],
         office="kantor kecamatan", group="grup WA staf kecamatan", audience="bapak ibu ketua RT", third="sekmat {kec}"),
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


KIND_TAGS.update({
    "asn_pribadi": ["#Keluarga", "#Weekend", "#Bersyukur", "#Kuliner"],
    "asn_mirip": ["#GuruHebat", "#SehatBersama", "#MelayaniSepenuhHati", "#Sekolahku"],
    "asn_netral": ["#ASNNetral", "#NetralitasASN", "#PilkadaDamai", "#AyoKeTPS"],
    "asn_politik": ["#Pilkada2024", "#ASNNetral", "#DebatPilkada"],
    "politik_warga": ["#Pilkada2024", "#DebatPilkada", "#{nick}"],
    "umum": ["#Ngopi", "#Keluarga", "#InfoLalin", "#Weekend", "#Bersyukur", "#fyp"],
})

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


# --- registers: function words per register ------------------------------------------------------

REGISTERS: dict[str, dict[str, list[str]]] = {
    "formal": dict(ayo=["Mari", "Ayo", "Marilah"], jgnlupa=["Jangan lupa"], pilih=["pilih", "coblos", "memilih"],
                   aku=["saya"], kita=["kita", "kita semua"], dulur=["bapak ibu sekalian", "saudara-saudara", "warga sekalian"],
                   mantap=["Luar biasa", "Sangat baik"], bgt=["sekali"], laugh=[""],
                   hi=["Assalamualaikum wr wb.", "Selamat pagi.", "Salam sejahtera."], bye=["Terima kasih.", "Salam.", "Wassalam."]),
    "gaul": dict(ayo=["Gas", "Kuy", "Yuk", "Gaskeun"], jgnlupa=["Jgn lupa", "Jangan lupa", "Jgn sampe lupa"],
                 pilih=["pilih", "coblos"], aku=["gue", "gw", "aku"], kita=["kita", "kita2"], dulur=["guys", "gaes", "bestie", "gengs"],
                 mantap=["Mantul", "Keren parah", "Gokil"], bgt=["bgt", "parah", "bangettt"], laugh=["wkwk", "wkwkwk", "😂", "🤣"],
                 hi=["Halo gaes!", "Guys,", "Woy"], bye=["Cmiiw.", "Oke sip.", "👌"]),
    "jawa": dict(ayo=["Ayo", "Monggo", "Yo"], jgnlupa=["Ojo lali", "Aja lali", "Ampun kesupen"], pilih=["nyoblos", "milih", "coblos"],
                 aku=["aku", "inyong", "kulo"], kita=["awake dewe", "kita"], dulur=["dulur", "lur", "sedulur", "poro sedulur"],
                 mantap=["Apik tenan", "Mantep"], bgt=["tenan", "pol"], laugh=["wkwk", "😁"],
                 hi=["Sugeng enjing.", "Nuwun sewu,", "Monggo pinarak."], bye=["Matur nuwun.", "Suwun lur.", "Rahayu."]),
    "sunda": dict(ayo=["Hayu", "Mangga"], jgnlupa=["Tong hilap", "Ulah poho"], pilih=["milih", "nyoblos"], aku=["abdi", "urang"],
                  kita=["urang sadaya", "urang"], dulur=["baraya", "wargi", "dulur"], mantap=["Mantap pisan", "Sae pisan"],
                  bgt=["pisan"], laugh=["wkwk", "😆"], hi=["Sampurasun.", "Wilujeng enjing."], bye=["Hatur nuhun.", "Nuhun."]),
    "bali": dict(ayo=["Ngiring", "Ayo"], jgnlupa=["Da engsap", "Jangan lupa"], pilih=["coblos", "pilih"], aku=["tiang", "titiang"],
                 kita=["iraga", "kita"], dulur=["semeton", "nyama braya"], mantap=["Becik pesan", "Mantap"], bgt=["pesan"],
                 laugh=["😁"], hi=["Om swastiastu.", "Rahajeng semeng."], bye=["Suksma.", "Om shanti shanti shanti om."]),
    "minang": dict(ayo=["Ayo", "Ayo lah"], jgnlupa=["Jan lupo", "Jangan lupo"], pilih=["piliah", "pilih", "coblos"],
                   aku=["awak", "ambo", "den"], kita=["kito", "awak samo"], dulur=["dunsanak", "sanak"], mantap=["Rancak bana", "Mantap"],
                   bgt=["bana"], laugh=["😄"], hi=["Assalamualaikum dunsanak.", "Pagi dunsanak."], bye=["Tarimo kasih.", "Salam."]),
    "timur": dict(ayo=["Mari", "Ayo", "Mari jua"], jgnlupa=["Jang lupa", "Jangan lupa"], pilih=["pilih", "coblos"], aku=["beta", "sa"],
                  kita=["katong", "torang", "kitorang"], dulur=["basudara", "ade kaka", "sodara dong"], mantap=["Mantap sekali", "Paling bagus"],
                  bgt=["skali", "sampe"], laugh=["😂"], hi=["Selamat pagi basudara.", "Shalom basudara."], bye=["Tuhan berkati.", "Salam."]),
    "medan": dict(ayo=["Ayo", "Ayolah"], jgnlupa=["Jangan lupa", "Jgn lupa"], pilih=["pilih", "coblos"], aku=["aku", "awak"],
                  kita=["kita", "kita semua"], dulur=["lae", "kawan-kawan", "kam semua"], mantap=["Mantap kali", "Macam betul"],
                  bgt=["kali"], laugh=["😂"], hi=["Horas!", "Horas lae."], bye=["Mauliate.", "Horas!"]),
}
REGISTER_WEIGHTS = {"formal": 25, "gaul": 24, "jawa": 12, "sunda": 10, "bali": 6, "minang": 7, "timur": 8, "medan": 8}

# Identity roles, collective and work-context phrases per profile kind (text self-reference).
ROLES: dict[str, dict[str, list[str]]] = {
    "guru": dict(with_=["rekan2 guru", "teman2 sekantor di SDN {sn}", "bapak ibu guru SDN {sn}"], role=["guru", "guru PNS", "pendidik ASN", "guru PPPK", "kepsek", "wali kelas di SDN {sn}"],
                 coll=["kami guru-guru SDN {sn} {kab}", "rekan2 guru se-{kec}", "kami dewan guru SMPN {sn}"],
                 ctx=["habis ngajar di kelas", "di sela jam pelajaran", "dari ruang guru"]),
    "nakes": dict(with_=["ibu2 bidan puskesmas", "teman2 perawat RSUD", "rekan2 nakes puskesmas"], role=["bidan", "perawat PNS", "dokter puskesmas", "bidan desa PNS", "nakes PPPK"],
                  coll=["kami nakes Puskesmas {kec}", "rekan2 perawat RSUD {kab}"],
                  ctx=["habis jaga malam di puskesmas", "dari ruang jaga RSUD"]),
    "camat": dict(with_=["staf kecamatan", "rekan2 kantor kelurahan", "pak lurah dan staf"], role=["camat", "lurah", "sekcam", "staf kecamatan", "ASN kelurahan"],
                  coll=["kami jajaran Kecamatan {kec}", "rekan2 staf kelurahan"],
                  ctx=["dari meja kantor kecamatan", "habis pelayanan di kantor camat"]),
    "dinas": dict(with_=["rekan2 kantor dinas", "teman2 ASN Pemkab", "bapak ibu pegawai dinas"], role=["PNS", "ASN", "ASN Pemkab {kab}", "kabid di Dinas PUPR", "abdi negara", "pegawai dinas"],
                  coll=["kami ASN Pemkab {kab}", "rekan2 kantor dinas", "kami keluarga besar Dinas Pendidikan {kab}"],
                  ctx=["habis apel pagi", "dari kantor dinas", "di sela jam kerja"]),
    "penyuluh": dict(with_=["rekan2 penyuluh BPP", "teman2 penyuluh"], role=["penyuluh pertanian", "penyuluh PNS", "penyuluh KB"], coll=["kami penyuluh BPP {kec}"],
                     ctx=["habis turun ke sawah binaan", "dari BPP {kec}"]),
    "kemenag": dict(with_=["rekan2 KUA", "teman2 Kemenag"], role=["penghulu", "pegawai Kemenag", "penyuluh agama PNS"], coll=["kami keluarga besar KUA {kec}"],
                    ctx=["habis nikahkan warga di KUA", "dari kantor Kemenag"]),
    "dosen": dict(with_=["rekan2 dosen", "kolega di kampus negeri"], role=["dosen PNS", "dosen ASN"], coll=["kami dosen {univ}"], ctx=["habis ngajar di kampus", "di sela bimbingan skripsi"]),
    "akun_resmi": dict(with_=["seluruh jajaran kelurahan", "keluarga besar dinas"], role=["admin akun resmi kelurahan", "humas pemkab"],
                       coll=["kami keluarga besar Kelurahan {desa}", "segenap jajaran Kecamatan {kec}"],
                       ctx=["dari akun resmi kantor", "lewat akun resmi dinas"]),
    "aparatur_wilayah": dict(with_=["rekan2 staf kecamatan", "teman2 sekantor di kelurahan", "rekan2 operator sekolah"],
                             role=["sekmat", "kasi di kecamatan", "kasubag umum", "guru P3K", "operator sekolah", "bidan desa",
                                   "staf kecamatan", "pegawai kelurahan", "binwil"],
                             coll=["kami staf Kecamatan {kec}", "rekan2 pegawai kelurahan {desa}", "kami guru P3K se-{kec}"],
                             ctx=["habis apel di kantor kecamatan", "dari meja pelayanan kelurahan"]),
    "satpol": dict(with_=["rekan2 Satpol PP", "teman2 setda"], role=["anggota Satpol PP", "staf setda", "pegawai Pemkab"], coll=["kami pegawai Setda {kab}", "rekan2 Satpol PP"],
                   ctx=["habis apel di kantor bupati", "dari kantor setda"]),
    "kades": dict(with_=["perangkat desa", "staf balai desa"], role=["kades", "kepala desa"], coll=["kami pemerintah desa {desa}"], ctx=["dari balai desa"]),
    "perangkat": dict(with_=["bapak2 perangkat desa", "pak kades"], role=["perangkat desa", "sekdes"], coll=["kami perangkat desa {desa}"], ctx=["dari kantor desa"]),
    "honorer": dict(with_=["teman2 honorer", "sesama honorer"], role=["guru honorer", "tenaga honorer", "honorer"], coll=["kami para honorer"], ctx=["habis ngajar (masih honorer)"]),
    "pensiunan": dict(with_=["kawan2 pensiunan", "teman2 purnabakti"], role=["pensiunan guru", "mantan PNS", "pensiunan"], coll=["kami para purnabakti"], ctx=["di rumah, sudah pensiun"]),
    "kader": dict(with_=["kader partai", "teman2 DPC"], role=["kader {party_short}", "pengurus partai"], coll=["kami keluarga besar {party}"], ctx=["dari kantor DPC"]),
    "relawan": dict(with_=["teman2 relawan", "tim relawan"], role=["relawan", "timses", "relawan {nick}"], coll=["kami relawan {nick}"], ctx=["dari posko relawan"]),
    "warga": dict(with_=["tetangga", "warga kampung", "ibu2 arisan"], role=["warga biasa", "ibu rumah tangga", "pemilih muda", "petani"], coll=["kami warga {desa}"], ctx=["dari rumah"]),
    "influencer": dict(with_=["teman2 kreator", "followers"], role=["content creator", "anak muda {kab}"], coll=["kami anak muda {kab}"], ctx=["habis bikin konten"]),
}
SELF_FORMS = ["sbg {role}", "sebagai {role}", "{aku} {role}", "{aku} yg {role} ini", "{aku} selaku {role}", "{coll}", "{ctx}",
              "{aku} sbg {role} di {region}", "walaupun {aku} {role}", "{aku} kan {role} juga",
              "{aku} ini {role} lho"]

# Bios that look like ASN words but are not an ASN author.
LOOKALIKE_BIOS = ["Alumni SMAN {sn} {kab}", "Istri PNS | ibu 2 anak", "Anak guru, bangga", "Mahasiswa PGSD, calon guru",
                  "Dokter gigi praktik swasta", "Bidan praktik mandiri {kab}", "Pasien setia RSUD {kab} wkwk",
                  "Siswa SMKN {sn} {kab}", "Mantan guru honorer, sekarang dagang", "Ortu murid SDN {sn} {kab}",
                  "Pensiunan PNS, menikmati hari tua", "Calon PNS 2025 aamiin"]
EVERYDAY_BIOS = ["", "", "", "Hidup itu dinikmati", "Penikmat kopi dan senja", "Fans berat Persib", "Anak rantau {kota}",
                 "Ojol {kota} | rider", "Pedagang online, cek IG", "Mahasiswa tingkat akhir", "IRT | 3 anak",
                 "Wiraswasta", "Gamer", "Karyawan swasta {kota}", "Petani kopi {kab}", "Jualan seblak", "MU till I die",
                 "sabar itu indah", "Bismillah", "Netizen maha benar", "He/him | {kota}", "Nelayan {kab}"]
# Bios that say nothing about the author's job (used when the identity is in the text only).
PLAIN_BIOS = NEUTRAL_BIOS + ["Hidup itu dinikmati", "Penikmat kopi dan senja", "Fans berat Persib", "Anak rantau {kota}", "Gamer",
                             "MU till I die", "sabar itu indah", "He/him | {kota}", "Jalani saja", "{kab} | {year}"]


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


# --- stance fragments (one family each) ---------------------------------------------------------

STANCES: dict[str, list[str]] = {
    "kampanye_medsos": [
        "{ayo} {dulur}, {date} {pilih} {target}!{emj}",
        "{jgnlupa} {pilih} {target} ya {dulur}{emj}",
        "{aku} yakin {person} paling layak memimpin {region}{emj}",
        "{target} sudah terbukti kerjanya, lanjutkan! {tag}",
        "Calon sebelah cuma janji, {person} sudah bukti. Jangan {pilih} yang lain{emj}",
        "Pokoknya {num} menang satu putaran {emo}",
        "{kita} butuh pemimpin kayak {person}. Sudah, {pilih} {num} aja{emj}",
        "Bismillah, pilihan {aku} jelas: {target}. {tag}",
        "Yang waras pasti {pilih} {num}, jangan mau dibohongi {rival}{emj}",
        "{mantap}! Program {person} paling masuk akal buat {region}. Dukung {num}!",
        "Mohon doanya semoga {person} menang {date}, {aku} all in {emo}",
        "{aku} ajak keluarga besar dan tetangga dukung {target} {date}{emj}",
        "Jangan golput, tapi jangan salah pilih juga: {target} {emo}",
        "{num} {num} {num}! {tag} {tag}",
        "Mending {person} lah, {rival} itu dinasti{emj}",
        "Hari gini masih ragu? {person} {bgt} peduli wong cilik. {num} harga mati{emj}",
    ],
    "interaksi_pemenangan": [
        "Ikut share ya {dulur}: {quote} {tag}",
        "Sudah follow {acct}? Isinya program {person}, wajib follow{emj}",
        "Join grup WA relawan {nick} yuk, link di bio{emj}",
        "Sebarkan ke grup keluarga ya: {quote}",
        "Komen 'siap menang' kalau kalian dukung {target}!",
        "Barusan ikut live bareng {team}, nonton ulang di {acct}{emj}",
        "Like dan subscribe channel {acct}, isinya kegiatan {person}",
        "{aku} bantu bagikan flyer {team} di {group} ya{emj}",
        "Setuju {sapa}! Kami siap kawal kemenangan {num} {emo}",
        "Repost dari {acct} 👉 {quote}. Setuju {bgt}",
        "Mantap {sapa} {cand_first}, {aku} siap bantu sebarkan programnya{emj}",
        "Tolong bantu viralkan video {person} ini {dulur}: {url}",
        "Sudah {aku} masukkan ke grup relawan {nick}, tinggal gerak{emj}",
        "Siap {sapa}, {aku} ikut tag teman-teman biar program {person} makin dikenal{emj}",
        "Kemarin {aku} live di TikTok bareng timses {nick}, yang belum nonton cek {acct}",
    ],
    "foto_simbol": [
        "Foto bareng {person} tadi siang, salam {numw} jari {emo}{emj}",
        "Alhamdulillah bisa selfie sama {person} {emo} semoga menang {date}",
        "Berkesempatan foto bersama {person}, pose {numw} jari{emj}",
        "Salam {numw} jari dari {region}! Kenang-kenangan sama {person} {emo}",
        "Swafoto bareng tim {person}, kompak acungkan jari {emo}",
        "Pas ketemu {person} di pasar langsung minta foto {emo}{emj}",
        "Ini foto kami pakai seragam, pose {emo} bareng {person}. {tag}",
        "Kenangan foto bersama {person} dengan gaya {numw} jari, semoga jadi pemimpin {region}",
        "{emo} bareng {person}, {mantap}! {tag}",
        "Foto keluarga besar kantor bareng {person}, semua acungkan {numw} jari{emj}",
        "Akhirnya punya foto sama {person} {emo}{emo} {bgt} senangnya",
    ],
    "hadir_kampanye": [
        "Hadir di deklarasi {person} di {venue}, ramai {bgt}{emj}",
        "Ikut konvoi {team} keliling {region} hari ini, {num} menang!",
        "{aku} dipercaya jadi panitia kampanye akbar {person} di {venue}{emj}",
        "Kampanye terbuka {person} di {venue} tadi sore, {aku} juga datang {emo}",
        "Blusukan bareng {person} ke {desa}, warga antusias{emj}",
        "Malam ini rapat konsolidasi {team} di {kec}, strategi pemenangan sudah siap",
        "Ikut jalan sehat bareng {person} di {venue}, habis itu dengar orasi{emj}",
        "Sudah ikut pengukuhan relawan {nick} di {venue}, siap bergerak {emo}",
        "Izin dulu dari kantor, mau ke kampanye {person} di {venue}{emj}",
        "Jadi MC di acara deklarasi dukungan untuk {person} tadi malam{emj}",
        "Barusan dari posko pemenangan {nick}, ngopi bareng timses {emo}",
        "{ayo} {dulur} datang ke kampanye akbar {person} di {venue} besok, {aku} tunggu{emj}",
        "Ikut rombongan ke rapat umum {person}, bus sudah disiapkan{emj}",
        "Jadi koordinator konsumsi di acara deklarasi tim {nick} di {kec}",
        "Hadir di temu relawan {person} di {venue}, {aku} dapat kaos {emo}",
    ],
    "pencalonan_parpol": [
        "Bismillah, hari ini ambil formulir pendaftaran bakal calon {jab} di DPC {party}{emj}",
        "{aku} mendaftar ke {party} sebagai bacalon wakil {jab} {wil}. Mohon doa restu",
        "Resmi jadi anggota {party}, KTA sudah di tangan{emj}",
        "Ikut fit and proper test penjaringan bacalon {jab} di DPD {party}. Semoga lolos",
        "Terima kasih {party} sudah membuka pintu, siap maju Pilkada {region} {year}",
        "Dilantik jadi pengurus {party} {kab} hari ini, siap berjuang{emj}",
        "Sowan ke ketua DPC {party} minta rekomendasi untuk maju di Pilkada {region}",
        "Sudah daftar ke {party_short}, doakan dapat rekomendasi maju calon {jab}{emj}",
        "Pakai jaket {party} pertama kali sebagai kader, bangga {bgt}",
        "Bulat tekad maju calon {jab} {wil} lewat {party}, mohon dukungan {dulur}",
    ],
    "fasilitas_negara": [
        "Apel pagi tadi {aku} ingatkan semua staf: {date} menangkan {target}",
        "{aku} minta {audience} di {group} arahkan keluarganya {pilih} {num}",
        "Rapat di {office} sekalian sosialisasi program {person}. Mohon didukung {audience}",
        "Pakai mobil dinas ke acara {team} di {venue}, biar cepat{emj}",
        "Bansos dari {office} sudah dibagikan, ingat ini berkat {person}. {pilih} {num} ya!",
        "Seluruh staf {office} wajib dukung {target}. Yang tidak ikut, siap-siap dimutasi",
        "Kegiatan resmi di {office} kami tutup dengan foto {emo} bareng tim {person}",
        "Info di {group}: bapak ibu wajib hadir di kampanye {person} Sabtu, absen dicek di {office}",
        "Program di {office} ini hasil perjuangan {person}, maka lanjutkan {num}! {tag}",
        "Lewat akun resmi {office} kami ucapkan selamat berjuang untuk {person}, dukung {num}{emj}",
        "Anak-anak, bilang ke orang tua di rumah ya, {date} {pilih} {target}",
        "Pengumuman di {group}: tolong sebar stiker {nick} ke warga saat pelayanan di {office}",
        "Ruang rapat {office} dipakai buat rapat tim {person} malam ini, sudah izin pimpinan",
        "Yang mau programnya lancar ya dukung {target}, arahan langsung dari atasan{emj}",
        "Bapak ibu wali murid, mohon doa dan dukungannya untuk {person} ya, demi sekolah kita{emj}",
        "Pembagian sembako di {office} hari ini dari {person}, jangan lupa {date} {pilih} {num}",
        "Pakai seragam dinas sekalian mampir ke posko {nick} habis rapat, biar semangat{emj}",
        "Proyek jalan di {desa} kami prioritaskan, titipan {person} untuk warga pendukung {num}",
        "Semua kepala sekolah se-{kec} sudah kami kumpulkan, siap menangkan {target}",
        "Rekap dukungan pegawai per bidang untuk {person} tolong dikirim ke {group} sore ini",
    ],
    "atribut_kampanye": [
        "Baru selesai pasang baliho {person} di depan {office}{emj}",
        "Bagi-bagi kaos dan stiker {nick} ke warga {desa}, yang mau DM{emj}",
        "{aku} ikut tempel stiker {target} di rumah-rumah warga {kec}",
        "Spanduk {person} sudah terpasang sepanjang jalan {kec}. {tag}",
        "Bagikan kalender dan brosur {person} ke {audience}{emj}",
        "Sudah pasang bendera {party} dan banner {nick} di pagar rumah, siap menangkan {num}",
        "Stok kaos {person} masih banyak, ambil di {office} ya {audience}",
        "Pasang stiker {emo} di motor semua anggota keluarga, biar kompak {tag}",
        "Bantu angkut APK {person} ke {kec} pakai mobil pribadi{emj}",
        "Pesan 200 kaos {nick} buat dibagikan ke {audience}, {target} menang!",
    ],
}

# Negative-only families: kind -> (bio source, fragments). Bio sources: asn, nonasn, citizen, everyday,
# media, media_or_asn, candidate, party, mixed.
NEG: dict[str, tuple[str, list[str]]] = {
    "asn_kerja": ("asn", [
        "Alhamdulillah posyandu balita di {desa} hari ini lancar, {k} balita ditimbang{nemj}",
        "Rapat koordinasi penanganan stunting di {office} bersama lintas sektor. Semangat melayani{nemj}",
        "Selamat kepada siswa-siswi SDN {sn} yang lulus 100%. Bangga jadi guru kalian{nemj}",
        "Pelayanan KTP elektronik di kantor kecamatan {kec} buka sampai jam 15.00, bawa KK asli{nemj}",
        "Upacara HUT RI di halaman {office}. Dirgahayu Indonesia! 🇮🇩",
        "Hari ini pemilihan ketua OSIS, calon nomor urut {n} menang tipis. Anak-anak belajar demokrasi{nemj}",
        "Mohon dukungan orang tua untuk program literasi 15 menit sebelum belajar{nemj}",
        "Vaksinasi anak di Puskesmas {kec} tanggal 12, bawa buku KIA ya ibu-ibu{nemj}",
        "Panen raya padi di {desa} bersama kelompok tani, hasil {k} kuintal per hektar{nemj}",
        "{ayo} {dulur}, 3M plus cegah DBD di {desa}{nemj}",
        "Kerja bakti bersama warga dan staf kecamatan membersihkan saluran air di {desa}{nemj}",
        "Pelatihan guru penggerak di {kab}, {k} peserta hadir{nemj}",
        "Besok apel pagi pukul 07.00, seluruh pegawai {office} wajib hadir dengan seragam KORPRI{nemj}",
        "{aku} bangga murid-murid juara 2 lomba cerdas cermat se-{kab} ✌️{nemj}",
        "Lembur lagi nyusun laporan akhir tahun di {office} {laugh}",
        "Terima kasih {dulur} sudah antre tertib di {office}, pelayanan kami tingkatkan terus{nemj}",
    ]),
    "asn_pribadi": ("asn", [
        "Libur dulu dari kantor, mancing sama anak-anak{nemj}",
        "Alhamdulillah gajian, langsung bayar cicilan motor {laugh}",
        "Capek {bgt} habis upacara, pengen rebahan aja",
        "Masak rendang buat arisan keluarga besok{nemj}",
        "Anak {aku} wisuda TK hari ini, terharu{nemj}",
        "Hujan terus, jemuran gak kering-kering {laugh}",
        "Persib menang! Mantap {dulur} ⚽",
        "Selamat ulang tahun istriku tercinta, sehat selalu{nemj}",
        "Pulang kerja langsung ke pasar {kec} beli sayur{nemj}",
        "Akhirnya bisa mudik juga ke {kab}, kangen ibu{nemj}",
        "Kopi sore sambil nunggu anak pulang ngaji ☕",
        "Dua jempol buat warung bakso depan {office}, enak {bgt} 👍👍",
    ]),
    "asn_mirip": ("asn", [
        "Foto bersama peserta pelatihan kader posyandu, semua kompak angkat jempol 👍{nemj}",
        "Murid-murid pamer hasil prakarya sambil senyum lebar, kreatif {bgt}{nemj}",
        "Tempel poster cuci tangan pakai sabun di tiap kelas biar anak-anak ingat{nemj}",
        "Soal nomor {n} di ulangan kemarin paling banyak yang salah, besok kita bahas bareng",
        "Nomor urut peserta lomba baca puisi sudah dibagikan, peserta {n} tampil pertama{nemj}",
        "Bagi-bagi bibit pohon ke warga {desa} dalam rangka hari menanam{nemj}",
        "Jalan sehat HUT KORPRI, semua peserta pakai kaos biru seragam{nemj}",
        "Spanduk imunisasi polio sudah dipasang di balai desa {desa}{nemj}",
        "Pemilihan ketua kelas 5B: calon nomor {n} menang, anak-anak belajar berdemokrasi{nemj}",
        "Kampanye gizi seimbang di {desa}: isi piringku, kurangi gula garam lemak{nemj}",
        "{ayo} dukung program sekolah adiwiyata, kumpulkan sampah plastik tiap Jumat{nemj}",
        "Undian doorprize jalan sehat: kupon nomor {n} dapat sepeda, selamat ya{nemj}",
        "Senam pagi bersama di halaman {office}, instrukturnya semangat {bgt} ✌️",
        "Terima kasih pak kadis atas kunjungan kerja ke tempat kami, jadi semangat{nemj}",
        "Brosur jadwal posyandu bulan depan sudah kami titipkan ke ketua RT{nemj}",
        "Anak-anak TK latihan menari untuk pentas seni, gerakannya lucu-lucu {emo}",
        "Relawan bencana dari BPBD sudah tiba di {desa}, logistik dibagikan malam ini{nemj}",
        "Deklarasi sekolah bebas narkoba di aula {office}, semua siswa ikut tanda tangan{nemj}",
        "Konvoi takbiran keliling {kec} aman terkendali, terima kasih petugas{nemj}",
        "Pasang stiker parkir baru untuk kendaraan pegawai {office}, tolong ditempel di kaca{nemj}",
        "Baliho HUT Kabupaten {kab} sudah dipasang di alun-alun, meriah{nemj}",
        "Kaos olahraga baru untuk tim voli kantor sudah datang, warnanya oranye{nemj}",
        "Kampanye anti narkoba di SMPN {sn}, narasumber dari BNN{nemj}",
        "Dukung program vaksinasi HPV untuk siswi kelas 5 dan 6 ya bapak ibu{nemj}",
        "Orasi ilmiah wisuda tadi keren, bangga jadi dosen di sini{nemj}",
        "Tim kami juara {numw} lomba gerak jalan antar instansi {emo}{nemj}",
    ]),
    "asn_netral": ("asn", [
        "Kami ASN {office} siap menjaga netralitas pada Pilkada {year}. #ASNNetral",
        "Apel ikrar netralitas ASN di halaman kantor Pemkab {kab} pagi ini. ASN harus netral!",
        "Pengingat: ASN dilarang foto dengan gaya jari atau simbol paslon, dilarang ikut kampanye #NetralitasASN",
        "Surat edaran bupati: ASN dilarang hadir di deklarasi, pasang baliho, atau bagikan konten paslon{nemj}",
        "Sebagai abdi negara {aku} tetap netral. Silakan pilih sesuai hati nurani{nemj}",
        "Penandatanganan pakta integritas netralitas ASN se-Kecamatan {kec}{nemj}",
        "ASN boleh memilih, tapi tidak boleh kampanye, like, komen, atau share postingan calon #ASNBerAKHLAK",
        "{jgnlupa} {date} datang ke TPS ya {dulur}, gunakan hak pilih, siapapun pilihannya{nemj}",
        "Yuk cek DPT online, pastikan nama {dulur} terdaftar{nemj}",
        "Beda pilihan itu biasa, yang penting {kita} tetap rukun. #PilkadaDamai",
        "Tolak politik uang! Pilih sesuai hati nurani{nemj}",
        "Kantor kami dipakai TPS {date}, mohon maaf pelayanan tutup sehari{nemj}",
    ]),
    "asn_politik": ("asn", [
        "Debat semalam seru, semua paslon punya program bagus. {aku} tetap netral ya{nemj}",
        "Siapapun yang menang nanti, {kita} tetap kerja melayani masyarakat{nemj}",
        "Grup WA keluarga rame debat paslon, {aku} diem aja {laugh}",
        "Ditanya murid pilih siapa, {aku} jawab itu rahasia {laugh}",
        "Baliho paslon di depan kantor sudah ditertibkan Satpol PP sesuai aturan{nemj}",
        "Hari ini kami bertugas mengamankan jalannya kampanye di {venue}, tetap netral{nemj}",
        "Capek lihat timeline isinya paslon semua, mending bahas kerjaan {laugh}",
        "Ada yang tanya kenapa {aku} gak pernah share postingan calon? Karena ASN wajib netral{nemj}",
        "Nonton debat kandidat sambil ngopi. Semoga yang terpilih amanah, siapapun dia{nemj}",
        "Sudah dapat undangan memilih, {date} insyaallah ke TPS. Pilihan rahasia ya{nemj}",
    ]),
    "berita": ("media_or_asn", [
        "Bawaslu {region} menemukan oknum {asnrole} mengunggah ajakan \"{quote}\" di Facebook. Kasus diteruskan ke BKN.",
        "Diduga tidak netral, {asnrole} dilaporkan ke Bawaslu karena hadir di deklarasi paslon {paslon}.",
        "Viral! Oknum ASN di {region} foto bersama {cjab} sambil acungkan {numw} jari. Bawaslu lakukan klarifikasi.",
        "BKN jatuhkan sanksi disiplin kepada {asnrole} yang terbukti ikut kampanye paslon nomor urut {n} di {region}.",
        "{media}: Bawaslu catat {k} dugaan pelanggaran netralitas ASN selama masa kampanye Pilkada {region}.",
        "Seorang {asnrole} diperiksa Panwascam {kec} usai membagikan stiker \"{quote}\" kepada warga.",
        "Camat di {region} dilaporkan karena arahkan RT pilih paslon {n}. Bawaslu: kami tindak lanjuti.",
        "Pada Pilkada 2020 tercatat 1.596 ASN melanggar netralitas, terbanyak kampanye di medsos.",
        "Video {asnrole} ajak murid \"coblos nomor {n}\" beredar luas, Dinas Pendidikan {region} panggil yang bersangkutan.",
        "Bawaslu rekomendasikan {k} ASN di {region} dijatuhi sanksi karena like dan share konten paslon.",
        "Kepala dinas di {region} diduga pakai mobil dinas ke acara tim pemenangan, Bawaslu minta klarifikasi.",
        "Thread: kumpulan temuan ASN tidak netral di {region} pekan ini, dari baliho sampai grup WA dinas 🧵",
    ]),
    "laporan_warga": ("citizen", [
        "Lapor @bawaslu_ri, ada {asnrole} posting \"{quote}\" di grup WA sekolah. Mohon ditindak!",
        "@Bawaslu{kabtag} tolong dicek, kepala dinas ikut konvoi {team} pakai mobil dinas. Bukti ss di bawah.",
        "Min @bawaslu_ri ini {asnrole} kok kampanye terang-terangan {emo}? Sudah saya laporkan ke panwascam.",
        "Ada oknum guru yang suruh murid bilang ke ortu pilih {num}. Ini boleh? cc @bawaslu_ri @BKNgoid",
        "Screenshot status FB {asnrole}: \"{quote}\". Mohon diusut @bawaslu_ri, ASN harusnya netral.",
        "Lapor! Baliho {paslon} dipasang di pagar kantor kecamatan {kec}. @bawaslu_ri",
        "Katanya ada {asnrole} yang disuruh atasannya ikut {team}. Kalau iya, ini pelanggaran netralitas",
        "Konon di {region} banyak ASN ikut deklarasi {paslon} diam-diam. Semoga Bawaslu jeli{nemj}",
        "Gimana cara lapor ASN yang kampanye di medsos? Ada guru di sini tiap hari share konten {nick}",
        "Bapak {asnrole} ini tiap hari posting dukung {target}, padahal ASN. Tolong @bawaslu_ri",
    ]),
    "kpu_info": ("mixed", [
        "Hasil pengundian nomor urut Pilkada {region}: {paslon} nomor urut {n}, {rival} nomor urut {rn}.",
        "Debat publik kedua paslon {jab} {wil} malam ini pukul 19.00 WIB, saksikan di TV lokal{nemj}",
        "KPU {region} tetapkan {k} TPS untuk Pilkada {year}. Cek lokasi TPS kamu di aplikasi.",
        "Masa kampanye Pilkada berlangsung 25 September - 23 November. Masa tenang 24-26 November.",
        "Jadwal kampanye terbuka paslon {n} dan paslon {rn} sudah ditetapkan KPU {region}{nemj}",
        "Rekapitulasi suara tingkat kecamatan {kec} selesai, hasil diumumkan KPU {region} besok.",
        "Pemilih pemula, jangan takut ke TPS! Bawa KTP dan undangan, coblos pilihanmu sendiri{nemj}",
        "Ojo lali nyoblos neng TPS tanggal 27, ojo golput ya dulur{nemj}",
        "Hayu urang sadaya dongkap ka TPS tanggal 27, ulah golput{nemj}",
    ]),
    "kandidat": ("candidate", [
        "Mohon doa restu, saya {cand}, calon {jab} {wil} nomor urut {n}. Bersama kita bangun {region}! {tag}",
        "Terima kasih warga {desa} atas sambutan hangatnya. {date} jangan lupa coblos {num} ya{emj}",
        "Program kami jelas: sekolah gratis dan jalan mulus. {paslon}, nomor {n}, untuk {region}{emj}",
        "Hari ini kami kampanye dialogis di {venue}. Terima kasih relawan yang luar biasa! {tag}",
        "Saya {cand} siap melanjutkan pembangunan {region}. Dukung kami, {num}! {tag}",
        "Terima kasih para guru dan bidan yang sudah curhat soal kesejahteraan, aspirasi kami catat{emj}",
        "Salam {numw} jari untuk seluruh relawan {nick} se-{region}! {emo}",
    ]),
    "partai": ("party", [
        "DPC {party} resmi mengusung {paslon} di Pilkada {region}. Seluruh kader wajib menangkan nomor urut {n}!",
        "Rapat konsolidasi kader {party} se-{region}: siap all in untuk {paslon}{emj}",
        "{party} membuka penjaringan bakal calon {jab} {wil}, pendaftaran sampai akhir bulan{emj}",
        "Kader {party_short} turun ke {desa} bagikan kaos dan stiker {nick}. {tag}",
        "Seluruh struktur {party} bergerak untuk {cjab} {cand}. Menang! {tag}",
        "Pengurus {party} {kab} pasang baliho {paslon} di seluruh kecamatan{emj}",
    ]),
    "mirip": ("mixed", [
        "Alhamdulillah anak kami juara 2 lomba mewarnai tingkat kabupaten ✌️{nemj}",
        "Pesan menu nomor 2 ya kak, ayam geprek level 3{nemj}",
        "Ayo dukung timnas Garuda malam ini! Indonesia pasti menang 🇮🇩🔥",
        "Ikutan dua jari challenge bareng anak-anak kelas, seru {bgt} ✌️✌️",
        "Lomba coblos balon 17an di {desa}, juara 1 dapat kambing{nemj}",
        "Pilih paket nomor 3 aja kak, lebih hemat. Promo sampai akhir bulan{nemj}",
        "Nomor antrian 2 silakan ke loket 1{nemj}",
        "Tim voli putri {kab} juara 3 Porprov! Dukung terus atlet daerah{nemj}",
        "Duta baca {kab} terpilih: peserta nomor urut 2 dari SMPN {sn}. Selamat!{nemj}",
        "Pilih mana: bakso atau mie ayam? Komen 1 atau 2 ya{nemj}",
        "Ranking 1 kelas 4 diraih Ananda Putri. Semangat terus nak ☝️{nemj}",
        "{ayo} {dulur} dukung UMKM {region}, beli produk lokal{nemj}",
        "Vote kostum terbaik lomba 17an: kelompok 1 atau 3? Komen di bawah{nemj}",
        "Foto bareng murid-murid juara 3 lomba pidato, kompak {numw} jari {emo}",
        "Relawan dapur umum dibutuhkan untuk korban banjir {kec}, yang mau gabung DM{nemj}",
        "Konvoi suporter setelah tim kesayangan juara, jalanan {region} macet{nemj}",
        "Bagi-bagi takjil gratis di depan masjid {desa} sore ini{nemj}",
        "Deklarasi kampung bebas sampah plastik di {desa}, warga kompak{nemj}",
        "Stiker dan kaos komunitas motor sudah jadi, ambil di basecamp ya{nemj}",
    ]),
    "politik_warga": ("everyday", [
        "Jujur {aku} lebih sreg sama {person}, programnya masuk akal{emj}",
        "{rival} itu dinasti, mending {num} lah {laugh}",
        "Debat tadi {person} kalah telak {laugh}",
        "Kalau {person} menang, {aku} pindah dari {region} {laugh}",
        "Dah lah, {pilih} {num} aja biar cepet beres",
        "Warga {desa} satu suara untuk {target}!{emj}",
        "Calon sebelah omong kosong semua, pencitraan doang",
        "{aku} sih tim {target}, kalian? {laugh}",
        "{jgnlupa} {pilih} {target} {dulur}, {aku} udah yakin{emj}",
        "Baliho {person} di perempatan gede {bgt} {laugh}",
        "Barusan ikut kampanye {person} di {venue}, dapat kaos gratis {laugh}",
        "Foto sama {person} tadi, orangnya ramah {emo}",
        "Politik {region} makin panas aja, capek lihat timeline{nemj}",
        "Pemimpin yang sekarang gagal total, saatnya perubahan {tag}",
    ]),
    "umum": ("everyday", [
        "Macet parah di {kec} pagi ini, ada perbaikan jembatan{nemj}",
        "Nasi padang emang juara, gak ada lawan {laugh}",
        "Siapa yang nonton bola semalem? Timnas menang 2-0!",
        "{ayo} {dulur} kita pilih menu makan siang, seblak atau bakso?",
        "Hari ini hari guru, terima kasih guru-guruku{nemj}",
        "Antre di puskesmas lama {bgt}, dari jam 7 belum dipanggil",
        "Anakku diterima di SMPN {sn} {kab}, alhamdulillah{nemj}",
        "Ngurus KTP di dukcapil ternyata cepet sekarang, mantap{nemj}",
        "Hujan deras seharian di {region}, hati-hati di jalan{nemj}",
        "Harga cabai naik lagi, ibu-ibu pada ngeluh di pasar {kec}",
        "Bangun kesiangan, telat ngampus lagi {laugh}",
        "Anjir motor mogok di tengah jalan, apes {bgt}",
        "Ada yang jual kucing anggora di {kota}? DM ya",
        "Selamat ulang tahun ibu tercinta, sehat selalu{nemj}",
        "Gak usah sok asik deh lo, bikin emosi aja",
        "Kerja, pulang, tidur, ulang. Hidup gini amat {laugh}",
        "Mantap jiwa, akhirnya lulus sidang skripsi!{nemj}",
        "Lagi diskon 50% di toko sebelah, gas {dulur}{nemj}",
        "Mau nanya dong, jadwal kapal ke {kota} minggu depan ada?",
        "Kopi pagi ini rasanya pas ☕",
        "Dua jari dulu biar kelihatan imut ✌️ {laugh}",
        "Sumpah drakor ini bikin nangis terus",
        "Besok libur nasional kan? Mau ke pantai sama keluarga{nemj}",
        "Semoga bapak cepat sembuh, mohon doanya {dulur}{nemj}",
        "Guru anakku sabar {bgt}, makasih bu{nemj}",
        "Dukung terus Persija sampai juara! 🔥",
        "Tolong dong siapa aja, mau tanya cara daftar CPNS tahun ini",
        "Bangsat, HP jatuh ke selokan {laugh}",
        "Pilih kuliah di {kota} atau kerja dulu ya? Bingung",
        "Nonton konser semalam, pecah {bgt} ✌️",
        "Kata dokter puskesmas anakku cuma flu biasa, alhamdulillah{nemj}",
        "Ada yang tahu bengkel motor buka malam di {kec}?",
        "Mending tidur daripada mikirin mantan {laugh}",
        "Gaji UMR tapi gaya hidup sultan {laugh}",
        "Siapa yang mau nitip gorengan? Aku lagi di depan SMAN {sn}",
        "Kangen masakan ibu di kampung {kab}{nemj}",
    ]),
}


# --- platform forms -----------------------------------------------------------------------------

FORMS = ["plain", "reply", "rt", "quote", "forward", "caption"]
FORM_WEIGHTS = [52, 14, 10, 8, 8, 8]
SHARE_FORMS = {"rt", "quote", "forward"}  # an ASN re-sharing campaign content = interaksi_pemenangan
AGREE = ["Setuju!", "Setuju {sapa}!", "Betul {bgt}", "Ini dia 👇", "Mantap", "👍👍", "Siap!", "Nah ini", "ini baru pemimpin",
         "sepakat", "fakta"]
AGREE_NEUTRAL = ["Setuju!", "Betul {bgt}", "Ini dia 👇", "Mantap", "👍👍", "Nah ini", "sepakat", "fakta", "Info penting"]
CAPTION_TAGS = ["#fyp", "#fypシ", "#viral", "#foryou", "#pilkada2024", "#xyzbca", "#storywa"]


def _form(text: str, form: str, ctx: Ctx2, rng: random.Random, campaign: bool) -> str:
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


def _bio(source: str, ctx: Ctx2, rng: random.Random) -> tuple[str, str]:
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


def _with_self(text: str, ctx: Ctx2, rng: random.Random) -> str:
    ref = ctx.self_ref()
    roll = rng.random()
    if roll < 0.2:
        # identity embedded as company: "... bareng rekan2 kantor dinas"
        body = text.rstrip()
        return body + rng.choice([" bareng ", " sama ", " bersama ", " ajak "]) + ctx.slot("with_")
    if roll < 0.7:
        return ref[0].upper() + ref[1:] + ", " + text[0].lower() + text[1:]
    return text + rng.choice([" — ", " ", ". Salam dari ", " (", ". "]) + ref + rng.choice(["", ")", " 🙏", "."])


def _register(rng: random.Random) -> str:
    names = list(REGISTER_WEIGHTS)
    return rng.choices(names, weights=[REGISTER_WEIGHTS[n] for n in names])[0]


# Label-neutral sentences that make some posts long (used for every kind of post alike).
PADDING += [
    "Tadi sempat ngobrol sama tetangga soal harga beras yang naik.",
    "Anak-anak lagi libur, rumah jadi ramai sekali.",
    "Semoga hujan cepat reda, jemuran numpuk.",
    "Motor baru keluar dari bengkel, alhamdulillah lancar lagi.",
    "Pokoknya tetap semangat apapun keadaannya.",
]


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
                register = _register(rng)
                profile = rng.choice(ASN_PROFILES if positive else NON_ASN_PROFILES)
                ctx = Ctx2(rng, profile, register)
                text = ctx.fill(frag)
                if positive:
                    where = rng.choices(["bio", "text", "both"], weights=[45, 25, 30])[0]
                else:
                    where = rng.choices(["bio", "text", "both", "none"], weights=[35, 15, 20, 30])[0]
                if where in ("text", "both"):
                    text = _with_self(text, ctx, rng)
                if where in ("bio", "both"):
                    bio = ctx.fill(rng.choice(profile["bios"]))
                else:
                    bio = ctx.fill(rng.choice(PLAIN_BIOS))
                cue = profile["kind"] if where != "none" else "none"
                form = rng.choices(FORMS, weights=FORM_WEIGHTS)[0]
                if form in SHARE_FORMS and category not in ("kampanye_medsos", "interaksi_pemenangan", "foto_simbol"):
                    form = "plain"
                text = _form(_style(text, rng, EXTRA_CAMPAIGN_TAGS, ctx), form, ctx, rng, campaign=True)
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
                register = _register(rng)
                profile = rng.choice(ASN_PROFILES) if source == "asn" else rng.choice(NON_ASN_PROFILES)
                ctx = Ctx2(rng, profile, register)
                ctx.kabtag = re.sub(r"\W", "", ctx.region)
                text = ctx.fill(frag)
                bio, cue = _bio(source, ctx, rng)
                if source == "asn" and rng.random() < 0.35:
                    text = _with_self(text, ctx, rng)
                    if rng.random() < 0.4:
                        bio = ctx.fill(rng.choice(NEUTRAL_BIOS))
                elif source == "everyday" and rng.random() < 0.2:
                    text = _with_self(text, ctx, rng)  # a non-ASN profile's self-reference
                    cue = profile["kind"]
                form = rng.choices(FORMS, weights=FORM_WEIGHTS)[0]
                text = _form(_style(text, rng, KIND_TAGS.get(kind, ["#Pilkada2024"]), ctx), form, ctx, rng, campaign=kind in ("kandidat", "partai"))
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
