"""The words the signal rules match: phrase lists per signal (`TERMS`) and the word sets of the context and token
rules (kinship, honorifics, self-reference, client and work words, look-alike nouns, vote verbs...).

All entries are in normalised form (lowercase, slang expanded, "no 2" -> "nomor 2"): the phrase lists go through
the same normaliser as posts when `pantau.nlp.signals.SignalExtractor` indexes them. Changing a list changes what
the classifier sees: retrain and bump `RULES_VERSION` (pantau.nlp.signals).
"""

from __future__ import annotations

import re

def _terms(block: str) -> list[str]:
    """Phrases separated by '|' or newlines (already in normalised form)."""
    return [p.strip() for p in re.split(r"[|\n]", block) if p.strip()]


# --- term lists (normalised forms: lowercase, slang expanded, "no 2" -> "nomor 2") ---------------

TERMS: dict[str, list[str]] = {
    "asn_role": _terms(
        """asn | pns | pppk | p3k | P3K | aparatur sipil negara | pegawai negeri | pegawai negeri sipil | abdi negara |
        korpri | guru | kepala sekolah | kepsek | wakasek | wakil kepala sekolah | pengawas sekolah | bidan | perawat |
        dokter puskesmas | dokter rsud | penyuluh | penyuluh pertanian | penyuluh kb | penyuluh agama | camat | sekcam |
        sekretaris camat | lurah | seklur | sekretaris lurah | kepala dinas | kadis | kadisdik | kadinkes | kabid |
        kepala bidang | kasi | kepala seksi | kasubag | kasubbag | kabag | kepala bagian | sekda | sekretaris daerah |
        kepala puskesmas | kapus | staf kementerian | pegawai kementerian | dosen pns | dosen asn | widyaiswara |
        satpol pp | penghulu | pegawai pemkab | pegawai pemkot | pegawai pemprov | pegawai dinas | staf dinas |
        pegawai kecamatan | staf kecamatan | pegawai kelurahan | staf kelurahan | pejabat eselon | eselon |
        kepala upt | kepala uptd | kepala kantor | kepala badan | kakanwil | pamong praja | analis kepegawaian |
        pustakawan | pranata komputer | jabatan fungsional | tenaga kesehatan puskesmas | nakes puskesmas |
        cpns | calon pns | prajabatan | latsar | seragam khaki | baju khaki | seragam korpri | kepala distrik |
        sekretaris distrik | apel senin | tunjangan sertifikasi | civil servant | government employee |
        pegawai pemerintah | sekmat | sekretaris kecamatan | kasie | kasubbid | kasubid | kepala subbagian |
        kepala sub bagian | kepala subbidang | sekdis | sekretaris dinas | kacabdin | kepala cabang dinas | korwil pendidikan |
        bidan desa | guru p3k | guru P3K | guru pppk | guru pns | guru asn | guru sertifikasi | operator sekolah |
        tata usaha sekolah | staf tu | binwil | pembina wilayah | plt camat | plt kepala dinas | kasatpol pp |
        pegawai kantor camat | staf kantor camat | pegawai kantor lurah | aparatur kecamatan | aparatur kelurahan |
        pegawai setda | staf setda | staf bappeda | pegawai bkd | penyuluh kb | penyuluh perikanan | mantri |
        sekretaris kelurahan | pengawas sd | pengawas smp | pengawas sma | pengawas smk | pengawas tk | pengawas pai |
        analis kebijakan | auditor bpk | auditor bpkp | auditor inspektorat | pegawai bpn | pegawai pajak |
        pegawai kantor pajak | pegawai djp | pegawai bea cukai | pegawai kejaksaan | jaksa"""
    ),
    "asn_agency": _terms(
        """pemkab | pemkot | pemprov | pemda | pemerintah kabupaten | pemerintah kota | pemerintah provinsi |
        setda | sekretariat daerah | disdik | dinkes | dispendik | disdukcapil | dukcapil | disperindag | dishub |
        dinsos | dpupr | dlh | bappeda | bapenda | bpkad | bkpsdm | bkd | bpbd | rsud | puskesmas | pustu |
        kemenag | kementerian agama | kantor kemenag | kua | kemendikbud | kemendikbudristek | kemenkes |
        kemendagri | kemenkeu | kementan | kemensos | kanwil | inspektorat | bps | badan pusat statistik |
        kantor kecamatan | kantor kelurahan | kantor camat | uptd | sdn | smpn | sman | smkn | sd negeri |
        smp negeri | sma negeri | smk negeri | mtsn | mts negeri | madrasah negeri | universitas negeri | uin | iain |
        politeknik negeri | pengadilan negeri | kejaksaan negeri | kejari | lapas | rutan | kantor imigrasi |
        kpp pratama | kantor pajak | balai penyuluhan | bpp | kantor dinas | kantor bupati | kantor walikota |
        kantor wali kota | kantor gubernur | balai kota | kantor pemkab | kantor pemkot | kantor pemda | kantor kua |
        pemerintah kecamatan | akun resmi kecamatan | akun resmi kelurahan | akun resmi pemkab | akun resmi pemkot |
        akun resmi pemda | akun resmi dinas | humas pemkab | humas pemkot | humas pemprov | diskominfo"""
    ),
    "non_asn_role": _terms(
        """honorer | guru honorer | tenaga honorer | pegawai honorer | non asn | non pns | bukan asn | bukan pns |
        pensiunan | purnabakti | purna tugas | mantan pns | mantan asn | eks pns | pensiunan guru | pensiunan pns |
        guru ngaji | guru les | guru privat | guru bimbel | guru swasta | bidan swasta | bidan praktik mandiri |
        karyawan swasta | wiraswasta | wirausaha | ibu rumah tangga | irt | mahasiswa | mahasiswi | pelajar | petani |
        pedagang | pengusaha | ojol | driver | sopir | content creator | kreator konten | influencer | selebgram |
        buruh | nelayan | peternak | freelancer | youtuber | tiktoker | warga biasa | rakyat biasa | pemuda desa |
        ketua rt | ketua rw | kader posyandu | bumdes | purna asn | purna pns | sudah pensiun | pensiun dini |
        berhenti dari pns | berhenti dari asn | mundur dari pns | mundur dari asn | keluar dari pns | lain asn |
        penyuluh swadaya | outsourcing | tenaga kontrak | pegawai kontrak | guru yayasan | sekolah swasta |
        klinik swasta | pegawai bank | karyawan bank | pegawai bumn | karyawan bumn | pegawai bumd | karyawan bumd |
        purnawirawan"""
    ),
    # Not ASN but bound to neutrality by other laws (UU Desa 6/2014 art. 29, 51; UU 7/2017 art. 280, 282, 490):
    "village_official": _terms(
        """kepala desa | kades | kepdes | perangkat desa | sekdes | sekretaris desa | kaur | kadus | kepala dusun |
        kuwu | perbekel | wali nagari | kepala kampung | keuchik | geuchik | aparat desa | aparatur desa |
        pemerintah desa | pemdes | kasi pemerintahan desa | kaur keuangan"""
    ),
    # TNI (UU 34/2004 art. 39) and Polri (UU 2/2002 art. 28): out of practical politics; cases go to their command.
    "security_official": _terms(
        """anggota tni | prajurit | prajurit tni | anggota polri | polisi | polri | tni | babinsa | bhabinkamtibmas |
        kapolsek | kapolres | danramil | dandim | brimob | polwan | bintara | perwira tni | perwira polri"""
    ),
    "vote_call": _terms(
        """ayo pilih | yuk pilih | mari pilih | ayo coblos | yuk coblos | mari coblos | ayo dukung | yuk dukung |
        mari dukung | ayo menangkan | yuk menangkan | mari menangkan | jangan lupa pilih | jangan lupa coblos |
        jangan lupa nyoblos | jangan lupa dukung | ojo lali nyoblos | ojo lali milih | ojo lali pilih | ojo lali coblos |
        tong hilap milih | tong hilap nyoblos | ulah poho milih | ulah poho nyoblos | ayo urang milih | ayo milih |
        monggo dipilih | monggo dicoblos | mangga dipilih | ngiring coblos | ngiring pilih | pilihlah | coblos |
        nyoblos | mencoblos | coblosen | pilihen | menangkan | memenangkan | menangke | menangaken | dukung |
        mendukung | dukunglah | siap menangkan | siap memenangkan | siap dukung | siap mendukung | dukung penuh |
        kawal kemenangan | kawal suara | satukan suara | arahkan suara | wajib pilih | harus pilih | contreng |
        pilih pasangan | pilih paslon | pilih calon | pilih nomor | didukung | dukung terus | pilih mereka |
        pilih beliau | coblos beliau | dukung beliau | menangkan beliau"""
    ),
    "slogan": _terms(
        """lanjutkan | dua periode | 2 periode | satu putaran | sekali putaran | menang telak | menang mutlak |
        pasti menang | harus menang | saatnya perubahan | sudah saatnya | pemimpin baru | bupati baru |
        walikota baru | gubernur baru | menang bersama | bersatu menang | salam perubahan | salam menang |
        pilihanku | pilihan kita | pilihan saya | nomor satu di hati | lanjut terus | teruskan | 1 putaran |
        menang 1 putaran"""
    ),
    "candidate_ref": _terms(
        """paslon | pasangan calon | calon bupati | calon wakil bupati | calon walikota | calon wali kota |
        calon wakil walikota | calon gubernur | calon wakil gubernur | calon kepala daerah | calon legislatif |
        cabup | cawabup | cawalkot | cawawalkot | cagub | cawagub | caleg | capres | cawapres | kandidat |
        bakal calon | bacalon | balon bupati | petahana | incumbent | calon nomor | calon pemimpin"""
    ),
    "rally": _terms(
        """deklarasi | kampanye akbar | kampanye terbuka | kampanye dialogis | rapat umum | konvoi | pawai |
        arak-arakan | blusukan | orasi | panggung kampanye | ikut kampanye | hadir kampanye | hadir di kampanye |
        ikut konvoi | ikut deklarasi | panitia kampanye | panitia deklarasi | jadi panitia | temu kader |
        konsolidasi | safari politik | pengukuhan relawan | peresmian posko | kampanye"""
    ),
    "campaign_team": _terms(
        """relawan | tim pemenangan | timses | tim sukses | posko pemenangan | posko relawan | koordinator relawan |
        korcam | kordes | simpatisan | pendukung | barisan pendukung | saksi paslon | juru kampanye | jurkam |
        tim kampanye | grup relawan | grup pemenangan"""
    ),
    "attack_rival": _terms(
        """jangan pilih | jangan coblos | jangan dukung | ojo milih | ojo nyoblos | ojo pilih | ulah milih |
        tong milih | calon boneka | boneka | dinasti | pencitraan | janji palsu | omong kosong | pembohong |
        tidak becus | pemimpin gagal | calon gagal | gagal total | antek | sebelah | kubu sebelah | lawan"""
    ),
    "all_in": _terms("all in | allin | all out | full senyum | harga mati"),
    "party": _terms(
        """pdip | pdi perjuangan | golkar | gerindra | nasdem | pkb | pks | demokrat | ppp | perindo | hanura |
        psi | partai buruh | gelora | pbb | partai ummat | dpc | dpw | dpp | ketua partai | kader partai |
        pengurus partai | bendera partai | koalisi | parpol | partai politik"""
    ),
    "gesture_photo": _terms(
        """foto bersama | foto bareng | poto bareng | foto bersama calon | selfie | swafoto | berfoto | pose |
        salam dua jari | salam satu jari | salam tiga jari | dua jari | satu jari | tiga jari | jari telunjuk |
        simbol jari | salam metal | salam jempol | pose jari | acungkan jari | mengacungkan"""
    ),
    "party_registration": _terms(
        """daftar ke partai | mendaftar ke partai | ambil formulir | mengambil formulir | pengambilan formulir |
        formulir pendaftaran | penjaringan | fit and proper test | uji kelayakan | kta | kartu tanda anggota |
        kartu anggota | anggota partai | masuk partai | gabung partai | bergabung dengan partai | rekomendasi partai |
        diusung | mencalonkan diri | maju sebagai calon | maju pilkada | nyalon | rekomendasi dpp | bakal calon |
        bacalon | mendaftarkan diri"""
    ),
    "state_facility": _terms(
        """mobil dinas | kendaraan dinas | plat merah | rumah dinas | rapat dinas | apel pagi | jam kerja | jam dinas |
        kantor | aula | ruang rapat | grup wa dinas | grup dinas | grup wa sekolah | grup sekolah | grup guru |
        wali murid | rapat guru | akun resmi | akun dinas | seragam dinas | seragam korpri | baju dinas | bansos |
        bantuan sosial | anggaran | arahkan | mengarahkan | diarahkan | kumpulkan | mengumpulkan | dikumpulkan |
        instruksikan | perintahkan | mutasi | fasilitas kantor | fasilitas negara | acara resmi | kegiatan dinas |
        upacara | jabatan | wewenang | program pemerintah | kebijakan"""
    ),
    "campaign_attribute": _terms(
        """baliho | spanduk | banner | stiker | kaos | kaos paslon | kalender | poster | bendera partai | atribut |
        atribut kampanye | alat peraga | alat peraga kampanye | apk | bagi-bagi | membagikan | dibagikan | pasang |
        memasang | dipasang | tempel | menempel | ditempel | pamflet | brosur | selebaran | sembako | amplop"""
    ),
    "campaign_interaction": _terms(
        """share | bagikan | sebarkan | repost | retweet | like | follow | ikuti akun | join | gabung grup |
        masuk grup | grup relawan | grup pemenangan | akun resmi paslon | komen | komentar | subscribe | live |
        siaran langsung | tag | undang | undangan | gabung | bergabung"""
    ),
    "news_report": _terms(
        """dilaporkan | bawaslu menemukan | temuan bawaslu | diduga | dugaan | terduga | pelanggaran netralitas | pelanggaran |
        melanggar | sanksi | disanksi | dijatuhi sanksi | kasn | bkn | klarifikasi | dipanggil | memanggil |
        pemeriksaan | diperiksa | direkomendasikan | rekomendasi bawaslu | berita | menurut | ujar | ungkap |
        dikatakan | dilansir | dikutip | oknum | terbukti melanggar | kode etik | hukuman disiplin | teguran |
        ditindak | ditindaklanjuti | penanganan pelanggaran | kasus | reporter | redaksi | baca juga | wib |
        kemenpanrb | menpan | penindakan | gakkumdu | bawaslu | panwascam | panwaslu | beredar | beredar luas |
        yang bersangkutan | terlapor | pelapor | sidang etik | tercatat | mencatat | kabarnya | katanya | konon |
        isunya | infonya | rumor | gosip | benarkah | apakah benar"""
    ),
    "report_tip": _terms(
        """lapor | laporkan | melaporkan | sudah saya laporkan | mohon ditindak | tolong ditindak | mohon dicek |
        tolong dicek | mohon ditindaklanjuti | aduan | pengaduan | mengadu | screenshot | tangkapan layar |
        bukti ss | ini buktinya | tolong diusut | mohon diusut | lapor bawaslu"""
    ),
    "civic_neutral": _terms(
        """gunakan hak pilih | hak pilih | jangan golput | golput | cek dpt | dpt | datang ke tps | ke tps | tps |
        pemilih cerdas | hati nurani | siapapun pilihannya | apapun pilihannya | siapa pun pilihannya |
        apa pun pilihannya | beda pilihan | pilkada damai | pemilu damai | politik uang | tolak politik uang |
        hoaks | anti hoaks | kpu | tahapan | debat publik | partisipasi | jurdil | luber | suara anda menentukan |
        pemilih pemula | pencoblosan | hari pencoblosan | pilih sesuai hati nurani | pemilih bijak |
        pengundian nomor urut | pengundian | masa kampanye | masa tenang | jadwal kampanye | rekapitulasi |
        rekapitulasi suara | semua paslon | seluruh paslon | kedua paslon | ketiga paslon | para paslon |
        visi misi semua | saksikan debat | debat kandidat"""
    ),
    "neutrality_pledge": _terms(
        """#asnnetral | asn netral | netral | ikrar netralitas | deklarasi netralitas | pakta integritas |
        tidak memihak | tidak berpihak | menjaga netralitas | jaga netralitas | surat edaran | apel netralitas |
        komitmen netralitas | asn harus netral | tetap netral | #netralitasasn | #asnberakhlak | berakhlak |
        tidak boleh | dilarang | saya tolak | menolak | tolak ajakan | keluar dari grup | left grup | remove tag |
        takut dikira | teu kenging | indak buliah | tidak ikut kampanye | tidak ikut rombongan | harus mundur"""
    ),
    "lookalike": _terms(
        """dukung timnas | timnas | dua jari challenge | challenge | juara umum | lomba | menu nomor | nomor antrian |
        nomor punggung | peringkat | ranking | rangking | dukung umkm | dukung produk lokal | produk lokal | promo |
        diskon | paket | medali | turnamen | pertandingan | kejuaraan | jogetan | dance | tantangan | kuis | giveaway |
        osis | ketua osis | pemilihan ketua osis | ketua kelas | pemilihan ketua kelas | duta baca | pilih mana |
        mana yang lebih | tebak | voting menu | kondangan | nikahan | pernikahan | resepsi | pengantin | mempelai |
        calon mertua | calon mantu | calon pengantin | calon siswa | calon murid | wisuda | perpisahan sekolah |
        ulang tahun | ultah | futsal | voli | liga | doorprize | undian | nomor undian | arisan | donor darah |
        olimpiade | pramuka | bahasa isyarat | partai besar | harga grosir | grosir | ppdb | kampanye imunisasi |
        kampanye gizi | kampanye anti narkoba | kampanye kesehatan | relawan bencana | posko bencana | posko banjir"""
    ),
}

# Words around a role that make it not an ASN role.
NON_ASN_MODIFIERS = frozenset(
    "honorer pensiunan purnabakti purnawirawan purn veteran mantan eks ex non bukan swasta ngaji les privat bimbel magang tpa mengaji swadaya kontrak outsourcing yayasan".split()
)
CANDIDATE_WORDS = sorted(
    "paslon calon cabup cawabup cawalkot cawawalkot cagub cawagub caleg capres cawapres kandidat pasangan bacalon".split()
)
VOTE_VERBS = sorted(
    """pilih pilihlah memilih milih pilihen dipilih coblos nyoblos mencoblos dicoblos coblosen dukung mendukung
    dukunglah didukung menangkan memenangkan menangke contreng tusuk""".split()
)
LOOKALIKE_NOUNS = sorted(
    """juara peringkat ranking rangking menu antrian soal kamar rumah meja punggung kursi telepon hp wa rekening
    kelas absen halaman paket loket jalur gang blok ukuran size lantai episode part season level tahap babak
    posisi urutan lomba kategori juz ayat pasal rt rw ruang gedung lapangan tps""".split()
)
LOOKALIKE_OBJECTS = frozenset(
    """timnas umkm produk tim atlet persib persija arema psm persebaya garuda sepakbola bola lokal program
    kegiatan anak siswa murid sekolah usaha karya pariwisata batik""".split()
)
# "bapak gue penyuluh", "suami saya PNS", "nyokap bidan": an ASN role of the author's relative, not of the author.
KIN_WORDS = frozenset("""bapak ayah papa papi abah bapa ibu mama mami emak mamak umi suami istri anak adik kakak abang
    kak mas mbak om tante paman bibi mertua ipar sepupu keponakan kakek nenek pakde bude pacar tunangan""".split())
KIN_SELF = frozenset("bokap nyokap bini laki adikku kakakku abangku ibuku ayahku bapakku suamiku istriku anakku".split())
POSSESSIVES = frozenset("gue saya aku ku ane kami".split())
# Kinship words that, directly before a role, name a relative even without a possessive ("Istri PNS", "anak guru").
# Honorifics used for the person themself (bapak/ibu/pak/bu/mas/mbak/kak/om/tante/mama/bapa guru) are not here.
KIN_DIRECT = frozenset("""ayah papa papi abah emak suami istri anak adik kakak paman bibi mertua ipar sepupu keponakan
    kakek nenek pakde bude pacar tunangan cucu""".split())
# Words just before an agency that make it a place the author uses or passes, not their employer:
# "Siswa SMKN 7", "alumni SMAN 8", "ortu murid SDN 2", "pasien RSUD", "antri di dukcapil", "di depan SMAN 10".
CLIENT_MARKERS = frozenset("""siswa siswi murid pelajar alumni alumnus lulusan pasien berobat periksa kontrol opname
    dirawat lahiran melahirkan antri antre ngantri ngurus urus mengurus bikin depan dekat samping sebelah seberang
    belakang""".split())
# In a post's text, a role after an honorific or a word for other people is someone the author talks about or
# to ("pak camat ikut joget", "Bu guru anak sy baik", "kancaku sing PNS", "temen gw yg guru"), not the author;
# unless the author names themself just before ("saya ibu guru", "sebagai bu bidan"). Bios keep honorifics as
# self-descriptions ("Bu Guru kelas 3").
HONORIFICS = frozenset("pak bu bapak ibu pk bpk bp mas mbak mba kak bang om tante tuan".split())
SELF_MARKERS = frozenset("saya aku gue gua ane kami kita sebagai selaku mengajar ngajar".split())
THIRD_PARTY = frozenset("teman temen kawan konco kanca kancaku tetangga sahabat".split())
# A role the author hopes for or tried for is not theirs: "pengen jadi PNS", "tes CPNS", "Calon PNS 2025 aamiin".
ASPIRATION_BEFORE = frozenset("pengen pingin pengin ingin mau cita impian daftar tes ujian gagal".split())
ASPIRATION_AFTER = frozenset("aamiin amin amiin".split())  # right after the role, no separator between
# Verbs of working at a place: "mengajar murid SDN 3", "dimutasi ke Disdik", "berangkat ke SDN 3" keep the agency.
WORK_VERBS = frozenset("""mengajar ngajar mutasi dimutasi ditugaskan ditempatkan pindah tugas bertugas berangkat ngantor
    kerja bekerja""".split())
# Words before an occupation that make it about other people (recipients, audiences), not the author.
OTHERS_MARKERS = frozenset("ke kepada untuk buat bagi para dengan bersama sama warga kalangan".split())
NEUTRAL_FOLLOWERS = frozenset("netral netralitas damai".split())
# Words after a number that make it a count, not a ballot number: "menangkan 1 putaran", "2 periode", "3 kali".
NUMBER_COUNTS = frozenset("putaran periode kali persen".split())


# Token rules (pantau.nlp.act_rules): fillers, triggers and stop words of the structural patterns.
NOMOR_URUT = frozenset(["nomor", "urut"])
VERB_FILLERS = frozenset(["nomor", "urut", "paslon"])
CANDIDATE_SET = frozenset(CANDIDATE_WORDS)
VOTE_SET = frozenset(VOTE_VERBS)
PREFERENCE_WORDS = frozenset("pilihan pilihanku jagoan jagoanku andalan andalanku".split())
LOOKALIKE_SET = frozenset(LOOKALIKE_NOUNS)
PARTY_STOP = frozenset(["politik", "yang", "dan", "di", "ini", "itu", "mana"])
DINAS_STOP = frozenset(["luar", "ke", "di", "dan", "yang", "pagi", "malam", "hari", "sore"])
SCHOOL_PREFIX = frozenset(["man", "min", "sdn", "smpn", "sman", "smkn", "mtsn"])
LEMMA_VOTE = frozenset(["dukung", "coblos"])
# A cheer next to a listed contestant is a call to support them (pantau.nlp.signals): "yuk bisa yuk Prabowo-Gibran",
# "ayo maju terus AMIN", "gas pol untuk Anies", "Prabowo Gibran gas terus", "Ganjar-Mahfud saya pilih". Before the mention
# only cheer and filler words may stand between (so "yuk nonton debat Prabowo" is no call); a negation or a loss
# word near the mention voids it ("yuk Prabowo kalah", "ayo jangan Anies").
CHEER_BEFORE = frozenset("yuk ayo hayu hayuk mari gas gaspol lanjutkan".split())
CHEER_FILLERS = frozenset("yuk ayo bisa kita terus maju semangat pol lah dong ya sama bersama all in full untuk buat".split())
CHEER_AFTER = frozenset("gas gaspol lanjutkan pilihanku jagoanku".split())
CHEER_NEGATORS = frozenset("""jangan jgn bukan tidak tdk gak ga nggak enggak ogah tolak kalah kalahkan lawan
    tumbangkan lengserkan""".split())
LEMMA_VOTE_EXCLUDE = frozenset(["pencoblosan", "pendukung", "dukungan"])
SLOGAN_PIECES = frozenset(
    """menang menangkan lanjutkan lanjut periode pilih coblos dukung nomor paslon putaran bupati walikota gubernur
    cabup cagub cawalkot pilihanku satu dua tiga""".split()
)
NEUTRAL_PIECES = frozenset("netral netralitas damai golput jurdil timnas hoaks berakhlak pemilu cerdas".split())
TIP_MENTIONS = ("@bawaslu", "@bkn", "@kemenpan", "@kasn", "@kpu", "@ombudsman", "@gakkumdu", "@panwas")
