"""The slot pools of the training-data generator (nlp/data/generate.py): fictional people, candidate pairs and
parties; real region names; numbers, emoji and platforms; identity profiles (ASN and non-ASN) with their bios and
self-references; registers (function words per language register); hashtags, padding sentences, slang and the
platform forms. Data only: the composition is in compose.py, the stance fragments in stances.py.

Changing anything here changes the training file (nlp/data/labelled.jsonl): regenerate it and retrain.
"""

from __future__ import annotations

import re

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
    "umum": ["#Ngopi", "#Keluarga", "#InfoLalin", "#Weekend", "#Bersyukur", "#fyp"],
    "asn_pribadi": ["#Keluarga", "#Weekend", "#Bersyukur", "#Kuliner"],
    "asn_mirip": ["#GuruHebat", "#SehatBersama", "#MelayaniSepenuhHati", "#Sekolahku"],
    "asn_netral": ["#ASNNetral", "#NetralitasASN", "#PilkadaDamai", "#AyoKeTPS"],
    "asn_politik": ["#Pilkada2024", "#ASNNetral", "#DebatPilkada"],
    "politik_warga": ["#Pilkada2024", "#DebatPilkada", "#{nick}"],
}


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
    "Tadi sempat ngobrol sama tetangga soal harga beras yang naik.",
    "Anak-anak lagi libur, rumah jadi ramai sekali.",
    "Semoga hujan cepat reda, jemuran numpuk.",
    "Motor baru keluar dari bengkel, alhamdulillah lancar lagi.",
    "Pokoknya tetap semangat apapun keadaannya.",
]


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


# --- style and platform forms ------------------------------------------------------------------


SLANG_OUT = {
    "yang": ["yg"], "tidak": ["gak", "ga", "nggak", "tdk"], "sudah": ["udh", "sdh", "udah"], "jangan": ["jgn"],
    "untuk": ["utk"], "banget": ["bgt"], "sebagai": ["sbg"], "tanggal": ["tgl"], "nomor": ["no", "nmr", "nomer"],
    "dengan": ["dgn"], "karena": ["krn"], "saja": ["aja"], "dari": ["dr"], "lagi": ["lg"], "bapak": ["bpk", "pak"],
    "semua": ["smua"], "ayo": ["ayok", "yuk"], "saya": ["sy", "aku"], "kita": ["qta"], "teman-teman": ["temen2", "tmn2"],
}


FORMS = ["plain", "reply", "rt", "quote", "forward", "caption"]
FORM_WEIGHTS = [52, 14, 10, 8, 8, 8]
SHARE_FORMS = {"rt", "quote", "forward"}  # an ASN re-sharing campaign content = interaksi_pemenangan
AGREE = ["Setuju!", "Setuju {sapa}!", "Betul {bgt}", "Ini dia 👇", "Mantap", "👍👍", "Siap!", "Nah ini", "ini baru pemimpin",
         "sepakat", "fakta"]
AGREE_NEUTRAL = ["Setuju!", "Betul {bgt}", "Ini dia 👇", "Mantap", "👍👍", "Nah ini", "sepakat", "fakta", "Info penting"]
CAPTION_TAGS = ["#fyp", "#fypシ", "#viral", "#foryou", "#pilkada2024", "#xyzbca", "#storywa"]
