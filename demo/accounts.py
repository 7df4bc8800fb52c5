"""The demo platform's 60 fictional accounts (ids u001..u060) and what each role posts (`ROLE_KINDS`, `ROLE_WEIGHT`).

All names, handles and bios are invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


ACCOUNTS = (
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
    return [Account(**{**a.__dict__, "id": f"u{i:03d}"}) for i, a in enumerate(ACCOUNTS, start=1)]


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
