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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

DEFAULT_NOW = datetime(2024, 11, 20, 5, 0, tzinfo=timezone.utc)  # 12:00 WIB, last days of the Pilkada 2024 campaign
SPREAD = timedelta(days=10)

CATEGORIES = (
    "kampanye_medsos",
    "interaksi_pemenangan",
    "foto_simbol",
    "hadir_kampanye",
    "pencalonan_parpol",
    "fasilitas_negara",
    "atribut_kampanye",
)
CATEGORY_WEIGHTS = (30, 20, 14, 15, 5, 9, 7)

PARTIES = (
    "Partai Bintang Nusantara",
    "Partai Suara Rakyat Bersatu",
    "Partai Gerakan Tani Mandiri",
    "Partai Cahaya Pertiwi",
)

NUM_WORD = {1: "satu", 2: "dua", 3: "tiga"}
NUM_LOCAL = {
    "jv": {1: "siji", 2: "loro", 3: "telu"},
    "su": {1: "hiji", 2: "dua", 3: "tilu"},
    "ban": {1: "besik", 2: "dua", 3: "telu"},
}
NUM_EMOJI = {1: ("☝️", "☝"), 2: ("✌️", "✌"), 3: ("🤟", "👌")}
GESTURE = {1: "satu jari ☝️", 2: "dua jari ✌️", 3: "tiga jari 🤟"}


@dataclass(frozen=True)
class Pair:
    no: int
    head: str
    deputy: str
    nick: str
    tag: str
    slogan: str


@dataclass(frozen=True)
class Region:
    name: str
    short: str
    office: str
    lang: str  # regional language used in some posts: jv, su, ban, or "id" with local slang
    places: tuple[str, ...]
    pairs: tuple[Pair, ...]


REGIONS = (
    Region("Kab. Sleman", "Sleman", "bupati", "jv", ("Sidomulyo", "Tirtoadi", "Margorejo", "Sendangsari", "Wonokerto"), (
        Pair(1, "Harsono Wibisono", "Wening Palupi", "Harsono–Wening", "#HarsonoWening", "Sleman Guyub Rukun"),
        Pair(2, "Bayu Pramana", "Retno Kusumawardani", "Bayu–Retno", "#BayuRetno", "Sleman Makmur Bareng"),
        Pair(3, "Sigit Nugroho", "Anjar Puspita", "Sigit–Anjar", "#SigitAnjar", "Sleman Anyar"),
    )),
    Region("Kota Medan", "Medan", "wali kota", "id", ("Tanjung Harapan", "Sukaramai", "Pasar Merah", "Sei Agul Baru"), (
        Pair(1, "Rizal Siregar", "Dewi Hutapea", "Rizal–Dewi", "#RizalDewi", "Medan Berkilau"),
        Pair(2, "Hendra Nasution", "Yusnita Lubis", "Hendra–Yusnita", "#HendraYusnita", "Medan Bangkit"),
        Pair(3, "Tigor Simanjuntak", "Fadli Harahap", "Tigor–Fadli", "#TiFa", "Medan Maju Bersama"),
    )),
    Region("Kab. Garut", "Garut", "bupati", "su", ("Sukaresmi", "Sukamaju", "Mekarjaya", "Sindangsari"), (
        Pair(1, "Asep Mulyana", "Rina Rosdiana", "Asep–Rina", "#AsepRina", "Garut Hebat Sauyunan"),
        Pair(2, "Dadan Ruhiyat", "Euis Komariah", "Dadan–Euis", "#DadanEuis", "Garut Ngahiji"),
    )),
    Region("Kota Makassar", "Makassar", "wali kota", "id", ("Bonto Jaya", "Paropo Indah", "Sinrijala Baru", "Tamalate Baru"), (
        Pair(1, "Andi Baso Rahman", "Nurul Fitriani", "Andi–Nurul", "#AndiNurul", "Makassar Sombere"),
        Pair(2, "Syamsul Alam", "Irma Daeng Caya", "Syamsul–Irma", "#SyamsulIrma", "Makassar Lompo"),
        Pair(3, "Ikhsan Karim", "Sitti Rahmawati", "Ikhsan–Sitti", "#IkhsanSitti", "Makassar Baji"),
    )),
    Region("Kab. Badung", "Badung", "bupati", "ban", ("Tegal Asri", "Banjar Kauh Sari", "Dalung Permai", "Abiansari"), (
        Pair(1, "I Made Suarjana", "Ni Luh Ayu Sriani", "Made–Ayu", "#MadeAyu", "Badung Santi"),
        Pair(2, "I Ketut Wirawan", "Komang Sri Lestari", "Ketut–Komang", "#KetutKomang", "Badung Jagadhita"),
    )),
    Region("Kota Kupang", "Kupang", "wali kota", "id", ("Liliba Indah", "Oesapa Raya", "Naikoten Jaya", "Kelapa Lima Permai"), (
        Pair(1, "Yohanes Lake", "Maria Bria", "Yohanes–Maria", "#YoMa", "Kupang Kasih"),
        Pair(2, "Frans Tefa", "Agustina Nomleni", "Frans–Agustina", "#FransAgustina", "Kupang Bangkit"),
        Pair(3, "Daniel Ndun", "Ruth Manafe", "Daniel–Ruth", "#DaRu", "Kupang Sejahtera"),
    )),
    Region("Kab. Banyumas", "Banyumas", "bupati", "jv", ("Karangsari", "Kedungwuluh", "Pasir Wetan", "Sokawera"), (
        Pair(1, "Slamet Prasetyo", "Tri Handayani", "Slamet–Tri", "#SlametTri", "Banyumas Mbangun"),
        Pair(2, "Agus Darmawan", "Sri Wahyuni", "Agus–Sri", "#AgusSri", "Banyumas Mulya"),
    )),
)
REGION_BY_NAME = {r.name: r for r in REGIONS}

# --- accounts -----------------------------------------------------------------
# role -> what the account posts. asn_bio: ASN shown in bio, campaigns; asn_text: ASN only visible in the post
# text, campaigns; asn_neutral: ASN posting about work; cadre: party cadre / volunteer; candidate: a pair's
# official account (field `pair`); nonasn: honorer teacher, village head, entrepreneur campaigning (not ASN);
# citizen: chatter, tips, look-alikes; news / oversight: national accounts.


@dataclass(frozen=True)
class Account:
    handle: str
    name: str
    role: str
    bio: str
    region: str | None
    intro: tuple[str, ...] = ()
    pair: int | None = None
    asn: bool = False
    id: str = field(default="", compare=False)


def A(handle, name, role, bio, region, intro=(), pair=None):
    asn = role in ("asn_bio", "asn_text", "asn_neutral")
    return Account(handle, name, role, bio, region, tuple(intro), pair, asn)


_ACCOUNTS = (
    # Kab. Sleman
    A("bu_ratna_sd", "Ratna Widyastuti", "asn_bio", "Guru SDN 2 Sidomulyo 🏫 | PNS | suka nanam cabai 🌶️", "Kab. Sleman",
      ("sbg guru SD", "sy yg tiap hari ngajar di SDN 2 Sidomulyo")),
    A("bidan.tutik", "Tutik Handayani", "asn_bio", "Bidan Puskesmas Tirtoadi 🤱 | ibu dua anak", "Kab. Sleman",
      ("sbg bidan puskesmas", "kami tenaga kesehatan di puskesmas")),
    A("mas_joko77", "Joko S.", "asn_text", "wong Sleman asli ☕ | motoran | sing penting sehat", "Kab. Sleman",
      ("aku ASN nang kantor kecamatan", "sy staf kantor kecamatan", "walau sy PNS")),
    A("pak_darto_penyuluh", "Sudarto", "asn_neutral", "Penyuluh Pertanian Lapangan BPP Margorejo 🌾 | ASN", "Kab. Sleman"),
    A("relawan.bayuretno", "Relawan Bayu–Retno Sleman", "cadre", "Relawan resmi paslon 02 Sleman 💪 #BayuRetno", "Kab. Sleman",
      ("kami relawan",)),
    A("harsonowening01", "Harsono–Wening (01)", "candidate", "Akun resmi calon bupati & wakil bupati Sleman nomor urut 1", "Kab. Sleman", pair=1),
    A("mbak_sari_honorer", "Sari Rahayu", "nonasn", "guru honorer SD 8 thn 📚 | semoga segera diangkat 🤲", "Kab. Sleman",
      ("sbg guru honorer", "sy guru honorer yg blm diangkat")),
    A("dimas_kuliner", "Dimas Ardi", "citizen", "kulineran jogja-sleman 🍜 | endorse DM", "Kab. Sleman"),
    # Kota Medan
    A("andreas_pupr", "Andreas Sihombing", "asn_bio", "Staf Dinas PUPR Kota Medan | Horas! 🇮🇩", "Kota Medan",
      ("sbg ASN di Dinas PUPR", "kami di dinas")),
    A("rosma.perawat", "Rosmawati Pane", "asn_bio", "Perawat RSUD Kota Medan 👩‍⚕️ | PPPK 2023", "Kota Medan",
      ("sbg perawat PPPK", "kami perawat RSUD")),
    A("bang_ucok_mdn", "Ucok Batubara", "asn_text", "anak Medan asli 🔥 | kopi sanger", "Kota Medan",
      ("awak ini PNS di kantor camat", "sbg pegawai kelurahan", "walaupun awak ASN")),
    A("kasi_pelayanan_sukaramai", "Melati Purba", "asn_neutral", "Kasi Pelayanan Kecamatan Sukaramai | ASN Pemko Medan", "Kota Medan"),
    A("kader_psrb_medan", "DPC PSRB Kota Medan", "cadre", "Akun kader Partai Suara Rakyat Bersatu Kota Medan", "Kota Medan",
      ("kami kader partai",)),
    A("hendrayusnita02", "Hendra–Yusnita (02)", "candidate", "Calon wali kota & wakil wali kota Medan nomor urut 2 ✊", "Kota Medan", pair=2),
    A("togar_kades", "Togar Sinaga", "nonasn", "Pengusaha bengkel & tokoh pemuda Sei Agul", "Kota Medan",
      ("sbg tokoh pemuda", "awak pengusaha kecil")),
    A("lina_mdn", "Lina Tarigan", "citizen", "emak2 rempong Medan 😅 | jualan bolu", "Kota Medan"),
    # Kab. Garut
    A("pak_camat_sukaresmi", "Ujang Suherman", "asn_bio", "Camat Sukaresmi | melayani sepenuh hati 🙏", "Kab. Garut",
      ("sbg camat", "kami jajaran kecamatan")),
    A("teh_nining_guru", "Nining Kurniasih", "asn_bio", "PPPK Guru SMPN 3 Sukamaju 📖 | Garut", "Kab. Garut",
      ("sbg guru PPPK", "abdi guru di SMPN 3")),
    A("kang_dede_90", "Dede Hermawan", "asn_text", "urang Garut 🌄 | dodol & domba", "Kab. Garut",
      ("abdi PNS di dinas pendidikan", "sy pegawai dinas pendidikan", "walau sy ASN")),
    A("dr.wulan_pkm", "dr. Wulan Sari", "asn_neutral", "Dokter Puskesmas Mekarjaya 🩺 | ASN | sehat itu murah", "Kab. Garut"),
    A("relawan_asepnrina", "Relawan Asep–Rina Garut", "cadre", "Barisan relawan 01 Garut 🔥 #AsepRina", "Kab. Garut",
      ("kami relawan",)),
    A("dadaneuis_02", "Dadan–Euis (02)", "candidate", "Akun resmi paslon bupati Garut nomor urut 2", "Kab. Garut", pair=2),
    A("kades_mekarjaya", "H. Oman Rohman", "nonasn", "Kepala Desa Mekarjaya periode 2019–2025", "Kab. Garut",
      ("sbg kades Mekarjaya", "abdi kapala desa")),
    A("neng_fitri", "Fitri Nurhasanah", "citizen", "mahasiswi | K-drama | Garut 🌸", "Kab. Garut"),
    # Kota Makassar
    A("daeng_rahman_dishub", "Abd. Rahman Dg. Sese", "asn_bio", "ASN Dinas Perhubungan Kota Makassar 🚦", "Kota Makassar",
      ("sbg ASN dishub", "kami di dinas perhubungan")),
    A("ibu_hasnah_guru", "Hasnah Amir", "asn_bio", "Guru SMPN 9 Makassar | PNS | IPA 🔬", "Kota Makassar",
      ("sbg guru", "kita guru-guru SMP")),
    A("accul_mks", "Accul", "asn_text", "anak Makassar 🌊 | coto lovers", "Kota Makassar",
      ("saya PNS di kantor lurah", "sbg staf kelurahan", "biar sa ASN")),
    A("lurah_paropo", "Andi Muh. Yusuf", "asn_neutral", "Lurah Paropo Indah | Pemkot Makassar", "Kota Makassar"),
    A("kader_gertam_mks", "Kader Gertam Makassar", "cadre", "Partai Gerakan Tani Mandiri — DPD Kota Makassar", "Kota Makassar",
      ("kami kader Gertam",)),
    A("ikhsansitti_03", "Ikhsan–Sitti (03)", "candidate", "Calon wali kota Makassar nomor urut 3 | Makassar Baji", "Kota Makassar", pair=3),
    A("ulla_catering", "Ulla Syamsuddin", "nonasn", "catering & kue basah Makassar 🍰 | pesan via WA", "Kota Makassar",
      ("sbg pengusaha catering", "sy ibu rumah tangga")),
    A("rudi_mks", "Rudi Hartono", "citizen", "ojol | PSM sampai mati ❤️💛", "Kota Makassar"),
    # Kab. Badung
    A("made_dispar", "I Made Sudarsana", "asn_bio", "Staf Dinas Pariwisata Kab. Badung 🌴 | PNS", "Kab. Badung",
      ("sbg ASN dispar", "tiang pegawai dinas")),
    A("luh_bidan", "Ni Luh Putu Eka", "asn_bio", "Bidan desa Puskesmas Abiansari | PNS 🤱", "Kab. Badung",
      ("sbg bidan desa", "tiang bidan puskesmas")),
    A("wayan_bli", "Wayan Sukra", "asn_text", "bli Wayan 🏄 | surf & kopi", "Kab. Badung",
      ("tiang PNS di kantor camat", "sbg ASN", "walau tiang pegawai pemda")),
    A("gede_guru_sd", "I Gede Artawan", "asn_neutral", "Guru SDN 1 Tegal Asri | ASN | cinta seni tari", "Kab. Badung"),
    A("kader_pcp_badung", "PCP Badung", "cadre", "Partai Cahaya Pertiwi DPC Badung", "Kab. Badung", ("kami kader",)),
    A("madeayu_01", "Made–Ayu (01)", "candidate", "Paslon bupati Badung nomor urut 1 🙏 #MadeAyu", "Kab. Badung", pair=1),
    A("kadek_pecalang", "Kadek Wiguna", "nonasn", "pecalang & pengusaha sewa motor 🛵", "Kab. Badung",
      ("sbg tokoh adat", "tiang pengusaha lokal")),
    A("komang_ayu", "Komang Ayu", "citizen", "barista | Badung 🌺", "Kab. Badung"),
    # Kota Kupang
    A("yakob_dinkes", "Yakob Manu", "asn_bio", "ASN Dinas Kesehatan Kota Kupang 🩺", "Kota Kupang",
      ("sbg ASN dinkes", "beta pegawai dinas")),
    A("ibu_yuli_guru", "Yuliana Benu", "asn_bio", "Guru SDN Oesapa Raya | PNS 🍎", "Kota Kupang",
      ("sbg guru", "beta guru SD")),
    A("nus_kupang", "Nus Ataupah", "asn_text", "orang Kupang 🌅 | sasando", "Kota Kupang",
      ("beta PNS di kantor lurah", "sbg pegawai kelurahan", "biar beta ASN")),
    A("satpolpp_kpg_ardi", "Ardi Lomi", "asn_neutral", "Satpol PP Kota Kupang | ASN | tertib itu indah", "Kota Kupang"),
    A("relawan_yoma", "Relawan YoMa Kupang", "cadre", "Relawan paslon 01 Kota Kupang #YoMa", "Kota Kupang", ("katong relawan",)),
    A("fransagustina02", "Frans–Agustina (02)", "candidate", "Calon wali kota Kupang nomor urut 2 🤝", "Kota Kupang", pair=2),
    A("om_dominggus", "Dominggus Ratu", "nonasn", "Ketua RT 07 Liliba Indah | pensiunan swasta", "Kota Kupang",
      ("sbg ketua RT", "beta ketua RT")),
    A("echa_kpg", "Echa Lenggu", "citizen", "anak kos | sambal lu'at 🌶️", "Kota Kupang"),
    # Kab. Banyumas
    A("pak_eko_dinas", "Eko Susanto", "asn_bio", "Kabid di Dinas Pertanian Kab. Banyumas | PNS", "Kab. Banyumas",
      ("sbg pejabat dinas", "kami jajaran dinas pertanian")),
    A("bu_endah_perawat", "Endah Purwaningsih", "asn_bio", "Perawat Puskesmas Kedungwuluh 💉 | ASN PPPK", "Kab. Banyumas",
      ("sbg perawat puskesmas", "inyong perawat puskesmas")),
    A("kang_bowo_ngapak", "Bowo", "asn_text", "ngapak pol 🗣️ | mendoan lover", "Kab. Banyumas",
      ("inyong PNS nang kecamatan", "sbg staf kecamatan", "senajan inyong ASN")),
    A("bu_sri_tu", "Sri Lestari", "asn_neutral", "Tenaga kependidikan SMAN 2 Karangsari | ASN", "Kab. Banyumas"),
    A("kader_pbn_banyumas", "PBN Banyumas", "cadre", "DPC Partai Bintang Nusantara Banyumas ⭐", "Kab. Banyumas", ("kami kader",)),
    A("slamettri_01", "Slamet–Tri (01)", "candidate", "Paslon bupati Banyumas nomor urut 1 #SlametTri", "Kab. Banyumas", pair=1),
    A("kades_pasirwetan", "Karsono", "nonasn", "Kepala Desa Pasir Wetan | ngabdi nggo warga", "Kab. Banyumas",
      ("sbg kades Pasir Wetan", "inyong kades")),
    A("tika_mendoan", "Tika", "citizen", "jualan mendoan online 😋 | Purwokerto-an", "Kab. Banyumas"),
    # national
    A("kabarnusa_news", "Kabar Nusa", "news", "Berita daerah terkini dari seluruh Nusantara (media fiktif demo)", None),
    A("warta_pilkada", "Warta Pilkada", "news", "Kanal berita Pilkada 2024 📰 (media fiktif demo)", None),
    A("bawaslu.demo", "Pengawas Pemilu (Demo)", "oversight",
      "Akun pengawas pemilu fiktif untuk demo. Laporkan dugaan pelanggaran netralitas ASN ke posko pengaduan.", None),
    A("forum_netralitas", "Forum Pemantau Netralitas", "oversight",
      "Koalisi masyarakat sipil pemantau netralitas ASN (fiktif) #ASNNetral", None),
)


def accounts() -> list[Account]:
    """The 60 fictional accounts, with stable ids u001..u060."""
    return [Account(**{**a.__dict__, "id": f"u{i:03d}"}) for i, a in enumerate(_ACCOUNTS, start=1)]


ROLE_WEIGHT = {
    "asn_bio": 1.5, "asn_text": 1.3, "asn_neutral": 1.3, "cadre": 1.0, "candidate": 0.8,
    "nonasn": 1.1, "citizen": 1.3, "news": 3.5, "oversight": 3.0,
}
# role -> (kind, weight)
ROLE_KINDS = {
    "asn_bio": (("asn_campaign", 66), ("work", 14), ("chatter", 10), ("lookalike", 10)),
    "asn_text": (("asn_campaign", 62), ("chatter", 23), ("lookalike", 15)),
    "asn_neutral": (("work", 45), ("pledge", 18), ("civic", 15), ("lookalike", 12), ("chatter", 10)),
    "cadre": (("campaign", 82), ("civic", 8), ("chatter", 10)),
    "candidate": (("candidate", 88), ("civic", 12)),
    "nonasn": (("campaign", 66), ("chatter", 20), ("lookalike", 14)),
    "citizen": (("chatter", 34), ("tip", 26), ("lookalike", 22), ("civic", 10), ("campaign", 8)),
    "news": (("news", 100),),
    "oversight": (("oversight", 100),),
}

# --- templates ----------------------------------------------------------------
# Slots: {n} nomor urut digit, {no} "2"/"02"/"dua", {emo} number emoji, {lno} number in the regional language,
# {pair} "Bayu–Retno", {head} candidate's full name, {hnick} first name, {tag} hashtag, {slogan}, {rival_no},
# {rival}, {place}, {region}, {short}, {office}, {party}, {intro} (author's self-description), {gesture},
# {cand} handle of the pair's official account (or its hashtag), {k} a count, {bawaslu} oversight handle.


@dataclass(frozen=True)
class T:
    text: str
    intro: bool = False  # the text names the author's job (needed for ASN-in-text accounts)
    office: bool = False  # the text implies a government office: only ASN accounts use it
    lang: str = "id"


CAMPAIGN = {
    "kampanye_medsos": (
        T("Ayo warga {short} tgl 27 coblos no {no}! {hon} {hnick} sdh terbukti peduli wong cilik 💪 {tag}"),
        T("{intro} cuma mau bilang: pilihan terbaik ya {pair} nomor urut {n}. Jgn salah coblos ya gaes {emo}", intro=True),
        T("{tag} {tag} {tag} gasss poll!!! {short} butuh pemimpin kyk {hon} {hnick} 🔥"),
        T("Paslon {rival_no} cuma janji2 doang, bukti nyata ya {pair} {emo} {tag}"),
        T("Udh mantep pilihanku: {emo}{emo} {pair}. Yg masih bingung DM aja 😁"),
        T("{intro}, sy ajak keluarga & tetangga: 27 November pilih {pair} no {no}. {slogan}! {tag}", intro=True),
        T("Jangan pilih {rival} ya, programnya gak jelas. Mending {hon} {hnick} no {n} {emo}"),
        T("Bismillah 0{n} menang satu putaran!!! {tag} #{short}Pilih0{n}"),
        T("Pagi2 sdh semangat, ingat ya ibu2 bapak2, pilih yg peduli pendidikan & kesehatan: nomor {n} 👆 {tag}"),
        T("{intro} tp hak politik tetap dong 😎 coblos {pair} nomor {no}, jgn golput! {tag}", intro=True),
        T("Fix no debat, {office} {short} ya {hon} {hnick}!!! {emo}{emo}{emo}"),
        T("Menurut sy cuma paslon {no} yg programnya masuk akal. Yg lain? lewat 🤭 {tag}"),
    ),
    "interaksi_pemenangan": (
        T("Share ulang dari akun resmi {cand}: program sekolah & berobat gratis paslon {no} 👍👍 mantap {hon} {hnick}"),
        T("Baru join grup WA Relawan {pair} {short}, yg mau gabung komen di bawah ya 👇 {tag}"),
        T("Repost: visi misi {pair} nomor urut {n}. Wajib baca sblm tgl 27! {tag}"),
        T("Follow ya akun tim pemenangan {cand} biar update info kegiatan {hon} {hnick} 🙏"),
        T("Komen di live IG {hon} {hnick} tadi malam, dibales lho 😍 makin yakin {emo} {tag}"),
        T("{intro}, sy bantu sebar flyer digital paslon {no} di grup alumni & grup wali murid 📲 {tag}", intro=True),
        T("RT {cand}: Terima kasih warga {place}! ← mantap bosku 🔥 {tag}"),
        T("Udah like & share semua konten {cand} hari ini ✅ ayo teman2 bantu viralkan {tag}"),
        T("Jadi admin grup FB 'Sahabat {pair} {short}' skrg, member udh 2rb lebih 🥳 {tag}"),
        T("{intro}, sy ikut jadi admin grup WA pemenangan paslon {no} di wilayah {place} 😁", intro=True),
    ),
    "foto_simbol": (
        T("[foto] Foto bareng {hon} {hnick} pas beliau mampir ke {place}, salam {gesture} dulu dong 😁 {tag}"),
        T("[foto] Kami bersama {head} berpose {gesture} {tag}"),
        T("Alhamdulillah bisa foto bareng {hon} {hnick} di acara warga {place}, pose {n} jari wkwk {emo}"),
        T("[foto: selfie dengan calon {office} {head}, jari {gesture}] siap menang! {tag}"),
        T("Tadi ketemu {head} di pasar {place}, langsung cekrek 📸 salam {gesture}"),
        T("{intro}, tadi foto bareng {hon} {hnick} sambil acungkan {gesture} 📸 jgn bilang2 ya 🤫", intro=True),
        T("[foto] Rekan2 kantor foto bareng paslon {no} {pair}, kompak pose {emo} {tag}", office=True),
    ),
    "hadir_kampanye": (
        T("Hadir di deklarasi relawan {pair} di GOR {place}, rame bangettt!!! {tag}"),
        T("Otw kampanye akbar paslon {no} di lapangan {place} 🚗💨 {tag}"),
        T("Konvoi motor dukung {pair} sore ini, start dari {place} jam 15.00, yuk ikut {emo}"),
        T("Jd panitia blusukan {hon} {hnick} di kampung kami, capek tp seneng 😊 {tag}"),
        T("Ikut kampanye dialogis {pair} di balai warga {place}, pulang bawa kaos hehe {emo}"),
        T("{intro}, sy tetap datang ke deklarasi dukungan paslon {no} td malam, demi {short} lebih baik 💪", intro=True),
        T("Otw kampanye akbar paslon {no} bareng rekan2 kantor dinas 🚗💨 {tag}", office=True),
        T("Jadi MC di acara kampanye {pair} di {place} tadi siang 🎤 seru pol {tag}"),
    ),
    "pencalonan_parpol": (
        T("Bismillah, hari ini ambil formulir pendaftaran bakal calon di {party}. Mohon doa restu 🙏"),
        T("Resmi jadi pengurus DPC {party} {short}, siap mengabdi utk partai! 🇮🇩"),
        T("Sudah daftar jadi anggota {party}, KTA udah jadi nih 😎"),
        T("{intro}, sy ikut penjaringan bakal calon wakil {office} di {party}. Doakan lolos 🤲", intro=True),
        T("Sowan ke kantor DPD {party} bawa berkas, siap maju di pilkada berikutnya 💼"),
    ),
    "fasilitas_negara": (
        T("Rapat koordinasi di kantor kecamatan tadi sekalian sosialisasi program paslon {no}, biar warga paham {tag}", office=True),
        T("Mobil dinas dipakai antar logistik kampanye {pair}, demi kemenangan bersama 💪", office=True),
        T("Apel pagi di kantor kami ditutup yel2 '{slogan}' 🔥 {tag}", office=True),
        T("Posyandu hari ini sambil bagi brosur {pair}, ibu2 antusias 🥰 {tag}", office=True),
        T("Aula dinas sudah siap dipakai utk pertemuan tim {pair} malam ini, konsumsi dari kantor 👍", office=True),
        T("{intro}, sy titip pesan ke warga yg urus KTP di kantor: jgn lupa nomor {n} ya 😉", intro=True, office=True),
        T("Selamat datang {head} calon {office} nomor urut {n} di kantor kami 🙏 semoga amanah {tag}", office=True),
    ),
    "atribut_kampanye": (
        T("Pasang baliho {pair} depan rumah, biar tetangga tau pilihan kita {emo}"),
        T("Bagi2 stiker {tag} ke anak2 buat dibawa pulang ke ortunya 😁"),
        T("Habis pasang spanduk nomor urut {n} di {place} sama bapak2 RT 💪"),
        T("Kaos & topi {pair} sudah datang, yg mau ambil ke rumah ya gratis 👕🧢"),
        T("{intro}, sy bantu tempel stiker paslon {no} di angkot2 {place} 😎", intro=True),
        T("Bendera & umbul2 {tag} udh terpasang sepanjang jalan {place} ✅"),
    ),
}

# Campaign templates in the regional language (category, template).
REGIONAL_CAMPAIGN = {
    "jv": (
        ("kampanye_medsos", T("Monggo sedulur {short}, tanggal 27 nyoblos nomer {lno} nggih 🙏 {tag}", lang="jv")),
        ("kampanye_medsos", T("Wis ra usah bingung, pilih {hon} {hnick} wae, nomer {lno}! {emo} {tag}", lang="jv")),
        ("hadir_kampanye", T("Mau bengi melu kampanye {pair} nang lapangan {place}, rame tenan 🔥", lang="jv")),
        ("foto_simbol", T("[foto] Foto bareng {hon} {hnick}, salam {gesture} sik 😁 {tag}", lang="jv")),
    ),
    "su": (
        ("kampanye_medsos", T("Hayu urang milih {hon} {hnick} nomer {lno}, pikeun {short} nu leuwih hade! {tag}", lang="su")),
        ("kampanye_medsos", T("Sadayana, tanggal 27 ulah hilap nyoblos nomer {lno} nya 🙏 {tag}", lang="su")),
        ("hadir_kampanye", T("Tadi sonten ngiring kampanye {pair} di alun-alun {place}, rame pisan! {emo}", lang="su")),
    ),
    "ban": (
        ("kampanye_medsos", T("Om Swastiastu semeton {short}, rahinane 27 coblos nomer {lno} nggih 🙏 {tag}", lang="ban")),
        ("hadir_kampanye", T("Tiang ngiring simakrama sareng {hon} {hnick} ring {place}, becik pisan {emo} {tag}", lang="ban")),
    ),
}

CANDIDATE = (
    ("kampanye_medsos", "Terima kasih warga {place} atas sambutan hangatnya! Bersama kita wujudkan {slogan}. Coblos nomor {n} {tag}"),
    ("hadir_kampanye", "Besok kampanye akbar paslon {no} di lapangan {place} jam 09.00. Ajak keluarga ya! {emo} {tag}"),
    ("kampanye_medsos", "Program unggulan kami: berobat gratis, beasiswa, dan jalan mulus sampai desa. Nomor urut {n} {tag}"),
    ("interaksi_pemenangan", "Malam ini live dialog bersama anak muda {short} di IG & TikTok, jangan lupa nonton & komen ya {tag}"),
    ("hadir_kampanye", "Blusukan ke pasar {place} pagi ini, mendengar langsung keluhan pedagang 🙏 {tag}"),
    ("kampanye_medsos", "{slogan}! 27 November, coblos {emo} nomor {n}. {tag}"),
)

WORK = (
    "Hari ini imunisasi di Posyandu Melati {place}, alhamdulillah 42 balita hadir 💉👶",
    "Anak2 kelas 4 belajar pecahan pakai kue lapis 😂 guru harus kreatif",
    "Pelayanan KTP-el di kecamatan buka sampai jam 14.00 ya, bawa fotokopi KK 🙏",
    "Penyuluhan pupuk berimbang di poktan {place}, petani semangat 🌾",
    "Lembur rekap data stunting sampai malam 😮‍💨 semoga angka stunting {short} turun terus",
    "Rapat evaluasi program PMT di puskesmas, menu lokal lebih disukai balita 🍲",
    "Besok upacara Hari Guru 25 November di halaman sekolah, seragam batik ya bapak ibu",
    "Kerja bakti bersihkan saluran air di {place} bareng warga sebelum musim hujan 💪",
    "Pendaftaran beasiswa daerah dibuka sampai akhir bulan, info di kantor kelurahan",
    "Sosialisasi cuci tangan pakai sabun di SD {place}, anak2 antusias 🧼",
    "Hari ini piket di posko pengaduan layanan publik, silakan datang kalau ada kendala 🙏",
    "Alhamdulillah jembatan gantung {place} sudah selesai diperbaiki, hati2 lewat ya",
)
PLEDGE = (
    "ASN harus netral! Kami pegawai {short} berkomitmen menjaga netralitas di Pilkada 2024 #ASNNetral",
    "Ikut apel dan ikrar netralitas ASN pagi ini. Tidak like, tidak share, tidak komen akun paslon mana pun 🙏 #ASNNetral",
    "Pengingat utk rekan ASN: foto bareng paslon dgn pose jari pun bisa kena sanksi. Jaga netralitas ya #ASNNetral",
    "Surat edaran netralitas ASN sudah kami terima dan sosialisasikan ke seluruh staf. Netral itu profesional 👍",
)
CIVIC = (
    "Jangan lupa 27 November gunakan hak pilihmu, datang ke TPS ya. Pilih sesuai hati nurani 🙏",
    "Cek nama di DPT lewat situs KPU, jangan sampai gak bisa nyoblos! #Pilkada2024",
    "Jangan golput gaes, 5 menit di TPS menentukan 5 tahun ke depan ✊",
    "Masa tenang mulai 24 November, semoga {short} tetap adem & damai 🕊️",
    "Beda pilihan itu biasa, jangan sampai putus silaturahmi ya 🤝 #PilkadaDamai",
)
NEWS = (
    "{region}: Bawaslu temukan {k} ASN diduga tidak netral selama masa kampanye, rekomendasi diteruskan ke BKN",
    "Oknum guru di {region} dilaporkan ke Bawaslu karena unggah foto pose dua jari ✌️ bersama paslon",
    "BKN: sanksi bagi ASN yang terbukti tidak netral bisa sampai penurunan jabatan dan pemberhentian",
    "Camat di {region} diperiksa Bawaslu terkait dugaan hadir di kampanye paslon nomor urut {n}",
    "KPU {region} gelar debat publik ketiga calon {office}, paslon 0{n} tampil paling awal",
    "Data Bawaslu: kampanye di media sosial jadi pelanggaran netralitas ASN terbanyak di Pilkada 2020 (30,4%)",
    "Pemkab dan Pemkot diminta tegas: ASN yang like & share konten paslon bisa dijatuhi sanksi disiplin",
    "Masa tenang 24–26 November: APK paslon di {region} mulai diturunkan Satpol PP",
    "Kepala dinas di {region} dilaporkan karena gunakan mobil dinas di acara kampanye, Bawaslu lakukan klarifikasi",
)
OVERSIGHT = (
    "Bawaslu mengimbau ASN di {region} tidak like, share, komentar, atau follow akun paslon. Laporkan pelanggaran ke posko pengaduan 📢",
    "Hingga hari ini kami menerima {k} laporan dugaan pelanggaran netralitas ASN di {region}. Laporan diproses sesuai aturan",
    "Laporan dugaan pelanggaran paling lambat 7 hari sejak diketahui. Sertakan bukti: tautan, tangkapan layar, waktu kejadian",
    "Sosialisasi netralitas ASN bersama BKN di aula Pemda {short} hari ini #ASNNetral",
    "Pose jari ☝️✌️🤟 bersama paslon termasuk pelanggaran netralitas ASN. Kepalan tangan atau tangan di dada diperbolehkan",
    "Kami mencatat {k} ASN di {region} hadir di kampanye paslon 0{n}. Temuan diteruskan ke BKN utk rekomendasi sanksi",
    "Pemantauan kami: unggahan ASN yang mendukung paslon di media sosial naik menjelang masa tenang #ASNNetral",
)
TIP = (
    "Lapor {bawaslu}, ada bu guru SDN di {place} nyuruh murid bawa stiker paslon {no} pulang. Tolong ditindak 🙏",
    "Min {bawaslu}, pak camat ikut konvoi kampanye {pair} kemarin sore di {place}, ada videonya",
    "Ini ASN kok bebas banget ya posting dukungan ke paslon 0{n}? netralitasnya mana {bawaslu}",
    "Td liat pegawai dinas pakai mobil plat merah bawa spanduk {tag}. Udh sy foto, lapor kemana ya?",
    "{bawaslu} ada perawat puskesmas foto pose {gesture} sama calon {office}, fotonya nyebar di grup WA",
)
CHATTER = {
    "id": (
        "Hujan terus dari pagi, jemuran gak kering2 😩",
        "Mie level 3 ternyata pedes bgt 🥵 nyesel",
        "Ada yg tau bengkel motor deket {place} yg buka hari minggu?",
        "Macet parah di jalan menuju {place}, sabar sabar 🚗🚗🚗",
        "Weekend gini enaknya rebahan sambil nonton drakor 🛋️",
        "Harga cabai naik lagi, emak2 menjerit 🌶️😭",
        "Alhamdulillah anak sy udh bisa naik sepeda tanpa roda bantu 🚲",
        "Listrik padam dari jam 8, ada yg senasib? 🕯️",
    ),
    "jv": ("Sego kucing + wedang jahe, wis paling nikmat 😋", "Udan deres tenan, ora iso metu omah 🌧️", "Sesuk libur, arep turu sedino 😴"),
    "su": ("Hayu ngopi heula, tiis kieu mah ☕", "Hujan deui hujan deui, jemuran teu garing 😩", "Dodol Garut asli, mangga dicobian 😋"),
    "ban": ("Rahajeng semeng semeton! Galungan sebentar lagi 🙏🌼", "Macet di bypass lagi, sabar ring jalan nggih 🛵"),
    "Kota Medan": ("Horas lae, ke lapo kita malam ini? 🍖", "Panas kali Medan hari ini, bah! 🥵", "Durian Medan memang tiada dua 😋"),
    "Kota Makassar": ("Makan coto dulu ki, enak sekali mi 🍲", "Macet ki di jalan {place}, sabar mi 🚗", "Pisang epe di Losari paling mantap 🍌"),
    "Kota Kupang": ("Beta su lapar, mari makan se'i 🥩", "Panas sonde tahan, Kupang memang begitu 🥵", "Sunset di pantai Lasiana hari ini manis sekali 🌅"),
    "Kab. Banyumas": ("Mendoan anget karo sambel kecap, nikmat pol 😋", "Inyong lagi mumet, kerjaan numpuk 😵"),
}
LOOKALIKE = (
    "Alhamdulillah tim voli kantor juara 2 ✌️ se-kabupaten! 🏐",
    "Menu nomor 2 di warung dekat {place} paling enak, recommended 👍",
    "Dukung timnas! Garuda di dadaku 🇮🇩⚽ #TimnasDay",
    "Challenge dua jari ✌️ lagi viral di TikTok, anak2 pada ikutan 😂",
    "Anak sy rangking 1 ☝️ di kelas, bangga bgt 🥹",
    "Pilih nomor 3 aja di soal itu, jawabannya pasti C wkwk",
    "Foto bareng pak kapolsek di acara jalan sehat 👍📸",
    "Nomor antrean 02 dipanggil, akhirnya 😅",
    "Coblos balon pakai jarum, lomba 17an tahun depan kita menang ✌️😂",
    "Juara 3 lomba masak tingkat kecamatan 🤟 makasih semua yg dukung!",
    "Dukung UMKM lokal {short}! Beli produk tetangga sendiri 🛍️",
)

# Fixed posts every dataset contains (texts with markup characters, newlines), added as ordinary posts.
SPECIAL = (
    ("dimas_kuliner", "chatter", "Tes tulisan <script>alert('pantau')</script> & \"kutip\" <b>tebal</b> > biasa 😅"),
    ("pak_darto_penyuluh", "work", "Pengumuman:\nPenyuluhan padi pindah ke balai desa {place}.\nHari Kamis jam 08.00. Terima kasih 🙏"),
    ("lina_mdn", "tip", "Lapor {bawaslu}: spanduk paslon ditempel di pagar sekolah <SDN> & puskesmas, apa boleh?"),
)


# --- a coordinated wave ("pesan serentak", issue 18) ----------------------------
# WAVE_SIZE teachers (ASN, identity in the bio) of one regency post one template within WAVE_HOURS, each with small
# edits: words swapped, emoji, hashtags, casing. generate_posts includes it when n >= WAVE_MIN_POSTS.
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


def _wave(seed: int, now: datetime) -> list[tuple[Account, dict, int]]:
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
        body = _post("asn_campaign", text.strip(), acct, "id", "kampanye_medsos", uses_intro=True)
        out.append((acct, body, start - rng.randrange(WAVE_HOURS * 3600)))
    return out


def generate_posts(seed: int = 7, n: int = 360, *, now: datetime | None = None) -> list[dict]:
    """`n` fictional posts, oldest first, with ids "10001", "10002"... in time order.

    Same (seed, n, now) -> same posts. created_at is spread over the 10 days before `now`
    (default DEFAULT_NOW) and written as ISO 8601 UTC with a "Z". With n >= WAVE_MIN_POSTS, WAVE_SIZE of them are a
    coordinated wave (`_wave`: near-copies of one template by as many teachers of one regency within WAVE_HOURS).
    """
    if n < len(SPECIAL):
        raise ValueError(f"n must be at least {len(SPECIAL)}")
    now = (now or DEFAULT_NOW).astimezone(timezone.utc).replace(microsecond=0)
    rng = random.Random(seed)
    accts = accounts()
    by_handle = {a.handle: a for a in accts}
    favourite = {a.handle: _favourite(rng, a) for a in accts}
    weights = [ROLE_WEIGHT[a.role] for a in accts]

    drafts: list[tuple[Account, dict]] = []
    for handle, kind, text in SPECIAL:
        acct = by_handle[handle]
        slots = _slots(rng, acct, favourite[handle])
        drafts.append((acct, _post(kind, text.format(**slots), acct, "id", None)))
    while len(drafts) < n:
        acct = rng.choices(accts, weights)[0]
        drafts.append((acct, _compose(rng, acct, favourite[acct.handle])))

    seconds = [rng.randrange(int(SPREAD.total_seconds())) for _ in drafts]
    if n >= WAVE_MIN_POSTS:  # the wave takes the place of the last drafts (the others stay as they were)
        for k, (acct, body, second) in enumerate(_wave(seed, now), start=n - WAVE_SIZE):
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


def _favourite(rng: random.Random, acct: Account) -> int | None:
    if acct.pair is not None:
        return acct.pair
    if acct.region is None:
        return None
    return rng.choice(REGION_BY_NAME[acct.region].pairs).no


def _compose(rng: random.Random, acct: Account, fav: int | None) -> dict:
    kinds, kweights = zip(*ROLE_KINDS[acct.role])
    kind = rng.choices(kinds, kweights)[0]
    slots = _slots(rng, acct, fav)
    region = REGION_BY_NAME.get(acct.region or "")
    if kind in ("asn_campaign", "campaign"):
        category, tmpl = _campaign_template(rng, acct, region)
        text, lang = tmpl.text.format(**slots), tmpl.lang
        return _post(kind, text, acct, lang, category, uses_intro=tmpl.intro or tmpl.office)
    if kind == "candidate":
        category, text = rng.choice(CANDIDATE)
        return _post(kind, text.format(**slots), acct, "id", category)
    if kind == "chatter":
        pool = list(CHATTER["id"])
        local = CHATTER.get(acct.region or "", ()) + (CHATTER.get(region.lang, ()) if region else ())
        if local and rng.random() < 0.6:
            pool = list(local)
        text = rng.choice(pool)
        lang = region.lang if region and region.lang != "id" and text in local else "id"
        return _post(kind, text.format(**slots), acct, lang, None)
    pool = {"work": WORK, "pledge": PLEDGE, "civic": CIVIC, "news": NEWS, "oversight": OVERSIGHT,
            "tip": TIP, "lookalike": LOOKALIKE}[kind]
    return _post(kind, rng.choice(pool).format(**slots), acct, "id", None)


def _campaign_template(rng: random.Random, acct: Account, region: Region | None) -> tuple[str, T]:
    if region and region.lang in REGIONAL_CAMPAIGN and acct.role != "asn_text" and rng.random() < 0.2:
        return rng.choice(REGIONAL_CAMPAIGN[region.lang])
    while True:
        category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
        options = [t for t in CAMPAIGN[category] if _allowed(t, acct)]
        if options:
            return category, rng.choice(options)


def _allowed(t: T, acct: Account) -> bool:
    if t.office and not acct.asn:
        return False
    if t.intro and not acct.intro:
        return False
    if acct.role == "asn_text":  # the text is the only place the ASN identity shows
        return t.intro or t.office
    return True


def _post(kind: str, text: str, acct: Account, lang: str, category: str | None, uses_intro: bool = False) -> dict:
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


def _slots(rng: random.Random, acct: Account, fav: int | None) -> dict[str, str]:
    region = REGION_BY_NAME.get(acct.region or "") or rng.choice(REGIONS)
    pair = next((p for p in region.pairs if p.no == fav), None) or rng.choice(region.pairs)
    rival = rng.choice([p for p in region.pairs if p.no != pair.no])
    n = pair.no
    cand = next((f"@{a.handle}" for a in _ACCOUNTS if a.role == "candidate" and a.region == region.name and a.pair == n), pair.tag)
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
