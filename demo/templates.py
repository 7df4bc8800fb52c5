"""The demo posts' text templates, per kind: campaign posts per category (also in the regional languages),
candidates' own posts, ASN work posts, neutrality pledges, civic posts, news, oversight, citizen tips, chatter
(national and local), look-alikes ("juara 2", "dukung timnas") and the fixed special posts every dataset contains.
All texts are invented for this project."""

from __future__ import annotations

from dataclasses import dataclass


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
