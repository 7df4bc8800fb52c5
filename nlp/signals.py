"""Rule-based signals: named evidence spans for ASN identity, campaigning and hard negatives.

Text is tokenised by spaCy's `blank("id")` tokenizer and normalised token by token
(`pantau.nlp.normalise`, lemmas from spaCy's id_lemma_lookup table); the normalised tokens are
matched against phrase lists (`PhraseIndex`, PhraseMatcher semantics) and token rules
(structural patterns such as "nomor urut 2", "coblos ✌️", "juara 2"). Both are plain loops over
the token list: measured here, that is several times faster than building a second spaCy `Doc`
per post for spaCy's `PhraseMatcher`/`Matcher`, and classification must run at thousands of
posts per second. The 18-digit NIP is found
by a regular expression on the original text and validated (birth date, appointment month, sex
digit, serial). A few context rules then fix the known traps: "kepala desa" and "guru honorer"
are not ASN, "deklarasi netralitas" is not a rally, "dukung timnas" is not a call to vote.

Every signal is a dict {"name", "source" ("text"|"bio"), "start", "end", "text"} whose offsets
point into the ORIGINAL string (each normalised token remembers the span of the token it came from).

The spaCy tokenizer and the phrase index are built once, on first use (`get_extractor()`),
never at import time.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date
from functools import lru_cache
from typing import Iterable, Sequence

from pantau.nlp.contests import Contests, load_contests
from pantau.nlp.normalise import EMOJI_NUMBERS, NormToken, join_tokens, normalise_tokens, normalise_tokens_many

RULES_VERSION = "9"

ASN_SIGNALS = ("asn_role", "asn_agency", "asn_nip")
# Officials who are not ASN but must stay out of campaigns (their own identity classes, see pantau.nlp.identity).
OFFICIAL_SIGNALS = ("village_official", "security_official")
CAMPAIGN_SIGNALS = (
    "vote_call", "paslon_number", "number_emoji", "number_ref", "slogan", "candidate_ref", "rally",
    "campaign_team", "attack_rival", "all_in", "party", "gesture_photo", "party_registration",
    "state_facility", "campaign_attribute", "campaign_interaction",
)
_ROLE_SIGNALS = frozenset(("asn_role", "village_official", "security_official"))
NEGATIVE_SIGNALS = ("non_asn_role", "relative_role", "other_role", "news_report", "report_tip", "civic_neutral", "neutrality_pledge",
                    "lookalike", "quotation")
SOURCES = ("text", "bio", "name")  # the post's text, the author's bio, the author's display name
SIGNAL_NAMES: tuple[str, ...] = ASN_SIGNALS + OFFICIAL_SIGNALS + CAMPAIGN_SIGNALS + NEGATIVE_SIGNALS


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
        sekretaris kelurahan"""
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
        pilihanku | pilihan kita | pilihan saya | nomor satu di hati | lanjut terus | teruskan"""
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
    dukunglah didukung menangkan memenangkan menangke contreng""".split()
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

_QUOTE_RE = re.compile(r'["\u201c\u201d\u00ab\u00bb]([^"\u201c\u201d\u00ab\u00bb\n]{4,280})["\u201c\u201d\u00ab\u00bb]')
_NIP_RE = re.compile(r"(?<!\d)(\d{8})[ .-]?(\d{6})[ .-]?(\d)[ .-]?(\d{3})(?!\d)")
_ZERO_NUM_RE = re.compile(r"^0[1-9]$")


def valid_nip(digits: str) -> bool:
    """An 18-digit NIP: YYYYMMDD birth date + YYYYMM appointment + sex digit (1/2) + 3-digit serial.

    Birth between 1940 and 2010, a real calendar date; appointment month valid, not before age 15
    and not after 2035; serial not 000.
    """
    d = re.sub(r"\D", "", digits)
    if len(d) != 18:
        return False
    try:
        born = date(int(d[0:4]), int(d[4:6]), int(d[6:8]))
    except ValueError:
        return False
    app_year, app_month = int(d[8:12]), int(d[12:14])
    if not (1940 <= born.year <= 2010) or not (1 <= app_month <= 12):
        return False
    if app_year < born.year + 15 or app_year > 2035:
        return False
    return d[14] in "12" and d[15:18] != "000"


def find_nips(text: str) -> list[tuple[int, int]]:
    """Spans of valid NIPs in the original text (digits may be grouped by spaces, dots or dashes)."""
    return [(m.start(), m.end()) for m in _NIP_RE.finditer(text) if valid_nip(m.group(0))]


class PhraseIndex:
    """Exact phrase matching over normalised tokens (like spaCy's PhraseMatcher on LOWER).

    Phrases are indexed by their first word; matching a post costs one dict lookup per token.
    (Building a second spaCy `Doc` from the normalised words only to run PhraseMatcher costs
    about 60 microseconds per post, several times the matching itself.)
    """

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, name: str, words: Sequence[str]) -> None:
        key = tuple(words)
        bucket = self._by_first.setdefault(key[0], [])
        if (key, name) not in bucket:
            bucket.append((key, name))

    def __call__(self, words: Sequence[str]) -> list[tuple[str, int, int]]:
        out: list[tuple[str, int, int]] = []
        by_first = self._by_first
        n = len(words)
        for i, w in enumerate(words):
            bucket = by_first.get(w)
            if not bucket:
                continue
            for key, name in bucket:
                end = i + len(key)
                if end <= n and (len(key) == 1 or tuple(words[i:end]) == key):
                    out.append((name, i, end))
        return out


class SignalExtractor:
    """Phrase lists and token rules over normalised tokens; build once (see `get_extractor`)."""

    def __init__(self, contests: Contests | None = None) -> None:
        self.phrases = PhraseIndex()
        for name, phrases in TERMS.items():
            for phrase in phrases:
                # Patterns go through the same normaliser as posts, so "no urut" == "nomor urut".
                words = [phrase] if phrase.startswith("#") else [t.text for t in normalise_tokens(phrase)]
                if words:
                    self.phrases.add(name, words)
        # Contestants from the contest files: their mentions are act evidence carrying the contestant's ref.
        self.contests = contests if contests is not None else load_contests()
        self.contest_phrases = PhraseIndex()
        self._exact: dict[str, tuple[str, str]] = {}  # index key -> (ref, alias in its exact case)
        for phrase, c, exact in self.contests.phrases():
            words = [t.text for t in normalise_tokens(phrase)]
            if not words:
                continue
            key = f"{c.ref}\t{phrase}" if exact else c.ref
            if exact:
                self._exact[key] = (c.ref, " ".join(phrase.split()))
            self.contest_phrases.add(key, words)
        self._kind = {c.ref: ("party" if c.kind == "party" else "candidate_ref") for c in self.contests.contestants}
        self._hashtags = {t: c.ref for t, c in self.contests.hashtags().items()}
        stems = self.contests.tag_stems()
        self._stem_ref = stems
        self._stem_re = re.compile("|".join(sorted(map(re.escape, stems), key=len, reverse=True))) if stems else None

    # -- public -------------------------------------------------------------------

    def extract(self, text: str, source: str = "text") -> list[dict]:
        """Signals for one original string."""
        return self.from_tokens(text or "", normalise_tokens(text or ""), source)

    def analyse(self, text: str, source: str = "text") -> tuple[str, list[dict]]:
        """(normalised text, signals) from one tokenisation pass."""
        toks = normalise_tokens(text or "")
        return join_tokens(toks), self.from_tokens(text or "", toks, source)

    def analyse_many(self, texts: Sequence[str], source: str = "text") -> list[tuple[str, list[dict]]]:
        toks_list = normalise_tokens_many(texts)
        return [(join_tokens(t), self.from_tokens(s or "", t, source)) for s, t in zip(texts, toks_list)]

    # -- matching -----------------------------------------------------------------

    def from_tokens(self, original: str, toks: Sequence[NormToken], source: str) -> list[dict]:
        if source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
        found: list[tuple[str, int, int]] = []  # (name, token start, token end)
        refs: dict[tuple[str, int, int], str] = {}  # contest mentions: (name, char start, char end) -> ref
        if toks:
            words = [t.text for t in toks]
            found = self.phrases(words)
            found.extend(_token_rules(toks))
            for name, s, e, ref in self._contest_mentions(original, toks, words):
                found.append((name, s, e))
                refs[(name, toks[s].start, toks[e - 1].end)] = ref
                # "pilih Prabowo-Gibran", "tetap dukung Anies", "coblos wae Dedi Mulyadi": a vote verb before a contestant
                for k in range(max(0, s - 2), s):
                    if words[k] in _VOTE_SET or toks[k].lemma in _LEMMA_VOTE:
                        found.append(("vote_call", k, e))
                        break
            found = self._apply_context(found, toks, words, original, source)
        spans = {(name, toks[s].start, toks[e - 1].end) for name, s, e in found}
        spans.update(("asn_nip", s, e) for s, e in find_nips(original))
        # Quoted speech ("...") is typical of reports about a post rather than the post itself.
        spans.update(("quotation", m.start(), m.end()) for m in _QUOTE_RE.finditer(original) if " " in m.group(1).strip())
        spans = _drop_contained(spans)
        out = []
        for name, s, e in sorted(spans, key=lambda x: (x[1], x[2], x[0])):
            sig = {"name": name, "source": source, "start": s, "end": e, "text": original[s:e]}
            ref = refs.get((name, s, e))
            if ref is not None:
                sig["ref"] = ref
            out.append(sig)
        return out

    def _contest_mentions(self, original: str, toks: Sequence[NormToken], words: list[str]):
        """(signal name, token start, token end, ref) for every mention of a listed contestant: names and aliases
        (exact-case aliases only in their case), listed hashtags and hashtags containing a contestant's stem."""
        for key, s, e in self.contest_phrases(words):
            exact = self._exact.get(key)
            if exact is not None:
                ref, alias = exact
                if " ".join(original[toks[s].start:toks[e - 1].end].split()) != alias:
                    continue
            else:
                ref = key
            yield self._kind[ref], s, e, ref
        if self._stem_re is None:
            return
        for i, w in enumerate(words):
            if w[0] == "#" and len(w) > 2:
                ref = self._hashtags.get(w)
                if ref is None:
                    m = self._stem_re.search(w)
                    ref = self._stem_ref[m.group()].ref if m else None
                if ref is not None:
                    yield self._kind[ref], i, i + 1, ref

    def _apply_context(self, found, toks, words, original, source="text"):
        overlaps = _OverlapIndex(found)

        out: list[tuple[str, int, int]] = []
        for name, s, e in found:
            if name == "asn_role" and (overlaps("village_official", s, e) or overlaps("security_official", s, e)):
                continue  # "Kasi Pemerintahan Desa": a village office, not an ASN one
            if name in _ROLE_SIGNALS:
                if overlaps("neutrality_pledge", s, e):
                    continue
                if _relative_before(words, s) or self._kin_right_before(toks, words, s, original):
                    out.append(("relative_role", s, e))
                    continue
                if source == "text" and not _author_named_before(words, s) and (
                        (s > 0 and words[s - 1] in HONORIFICS)
                        or THIRD_PARTY.intersection(words[max(0, s - 3): s]) or OTHERS_MARKERS.intersection(words[max(0, s - 2): s])):
                    out.append(("other_role", s, e))
                    continue
                # "Kepala Desa? bukan, saya Camat X": a modifier before the author's "saya" is about something else
                lo = max(0, s - 2)
                for j in range(s - 1, lo - 1, -1):
                    if words[j] in SELF_MARKERS:
                        lo = j + 1
                        break
                window = words[lo: e + 1]
                if name != "asn_role" and OTHERS_MARKERS.intersection(words[max(0, s - 2): s]):
                    continue  # "dibagi ke polisi": other people, not the author
                if overlaps("non_asn_role", s, e) or NON_ASN_MODIFIERS.intersection(window) \
                        or ASPIRATION_BEFORE.intersection(words[max(0, s - 2): s]) \
                        or self._aspiration_after(toks, words, e, original):
                    out.append(("non_asn_role", s, e))
                    continue
            elif name == "asn_agency":
                before = words[max(0, s - 3): s]
                if not WORK_VERBS.intersection(words[max(0, s - 4): s]) \
                        and (CLIENT_MARKERS.intersection(before) or "ke" in words[max(0, s - 2): s]):
                    continue  # the author's school, hospital or office visit, not their employer
                if overlaps("non_asn_role", s, e, pad_before=3):
                    continue  # "Honorer di kantor kecamatan", "Tenaga honorer Puskesmas": a non-ASN worker there
            elif name == "non_asn_role":
                if OTHERS_MARKERS.intersection(words[max(0, s - 2): s]):
                    continue  # "dibagi ke petani", "buat para pedagang": other people, not the author
            elif name == "party":
                if overlaps("lookalike", s, e):
                    continue  # "partai besar" (wholesale), not a party
            elif name == "rally":
                if words[s] == "deklarasi" and NEUTRAL_FOLLOWERS.intersection(words[e: e + 2]):
                    continue
            elif name == "gesture_photo":
                if "challenge" in words[s: e + 3] or "tantangan" in words[s: e + 3]:
                    out.append(("lookalike", s, e))
                    continue
            elif name == "vote_call":
                if LOOKALIKE_OBJECTS.intersection(words[e: e + 2]) or overlaps("lookalike", s, e):
                    continue
            elif name in ("paslon_number", "number_ref"):
                if overlaps("lookalike", s, e, pad_before=1):
                    continue
                if name == "number_ref" and (overlaps("paslon_number", s, e) or self._from_emoji(toks, s, original)):
                    continue
            elif name == "neutrality_pledge" and words[s] == "netral" and s > 0 and words[s - 1] == "tidak":
                continue
            out.append((name, s, e))
        for i, t in enumerate(toks):
            w = t.text
            # Finger emoji used as numbers.
            if w == "nomor" and self._from_emoji(toks, i, original):
                out.append(("number_emoji", i, i + 1))
            # "01"/"02"/"03" standing alone (not part of a date, time or RT/RW).
            elif len(w) == 1 and w.isdigit() and _ZERO_NUM_RE.match(original[t.start:t.end]) \
                    and self._standalone_number(original, t, words, i) and not overlaps("lookalike", i, i + 1, pad_before=1):
                out.append(("paslon_number", i, i + 1))
        return out

    @staticmethod
    def _kin_right_before(toks: Sequence[NormToken], words: list[str], s: int, original: str) -> bool:
        """ "Istri PNS", "anak guru": a kinship word right before the role, only whitespace between them, and not a
        count of the author's own children ("Bapak 2 anak | Camat", "ibu dari 2 anak, PNS")."""
        if s == 0 or words[s - 1] not in KIN_DIRECT or original[toks[s - 1].end:toks[s].start].strip():
            return False
        return not (s >= 2 and (words[s - 2].isdigit() or words[s - 2] in ("dari", "beberapa", "banyak")))

    @staticmethod
    def _aspiration_after(toks: Sequence[NormToken], words: list[str], e: int, original: str) -> bool:
        """ "Calon PNS 2025 aamiin": an amen within two words after the role, with no punctuation between."""
        for j in range(e, min(e + 2, len(words))):
            if words[j] in ASPIRATION_AFTER:
                return not any(ch in ",.;:|/!?\n" for ch in original[toks[e - 1].end:toks[j].start])
        return False

    @staticmethod
    def _from_emoji(toks: Sequence[NormToken], i: int, original: str) -> bool:
        t = toks[i]
        return any(ch in EMOJI_NUMBERS for ch in original[t.start:t.end])

    @staticmethod
    def _standalone_number(original: str, t: NormToken, words: list[str], i: int) -> bool:
        before = original[t.start - 1] if t.start > 0 else " "
        after = original[t.end] if t.end < len(original) else " "
        if before in "/:.-" or after in "/:.-" or before.isdigit() or after.isdigit():
            return False
        prev = words[i - 1] if i > 0 else ""
        return prev not in LOOKALIKE_NOUNS and prev not in ("jam", "pukul", "tanggal", "nomor")


_NOMOR_URUT = frozenset(["nomor", "urut"])
_VERB_FILLERS = frozenset(["nomor", "urut", "paslon"])
_CANDIDATE_SET = frozenset(CANDIDATE_WORDS)
_VOTE_SET = frozenset(VOTE_VERBS)
_PREFERENCE_WORDS = frozenset("pilihan pilihanku jagoan jagoanku andalan andalanku".split())
_LOOKALIKE_SET = frozenset(LOOKALIKE_NOUNS)
_PARTY_STOP = frozenset(["politik", "yang", "dan", "di", "ini", "itu", "mana"])
_DINAS_STOP = frozenset(["luar", "ke", "di", "dan", "yang", "pagi", "malam", "hari", "sore"])
_SCHOOL_PREFIX = frozenset(["man", "min", "sdn", "smpn", "sman", "smkn", "mtsn"])
_LEMMA_VOTE = frozenset(["dukung", "coblos"])
_LEMMA_VOTE_EXCLUDE = frozenset(["pencoblosan", "pendukung", "dukungan"])
_SLOGAN_PIECES = frozenset(
    """menang menangkan lanjutkan lanjut periode pilih coblos dukung nomor paslon putaran bupati walikota gubernur
    cabup cagub cawalkot pilihanku satu dua tiga""".split()
)
_NEUTRAL_PIECES = frozenset("netral netralitas damai golput jurdil timnas hoaks berakhlak pemilu cerdas".split())
_TIP_MENTIONS = ("@bawaslu", "@bkn", "@kemenpan", "@kasn", "@kpu", "@ombudsman", "@gakkumdu", "@panwas")


_RULE_TRIGGERS = (
    _CANDIDATE_SET | _VOTE_SET | _PREFERENCE_WORDS | _LOOKALIKE_SET | _SCHOOL_PREFIX
    | frozenset(["nomor", "partai", "dinas", "kementerian"])
)


def _relative_before(words: Sequence[str], s: int) -> bool:
    """A kinship word with a possessive ("bapak gue", "istri saya") or a self-referring one ("bokap", "suamiku")
    within the three words before position s."""
    before = words[max(0, s - 3): s]
    for i, w in enumerate(before):
        if w in KIN_SELF or (w in KIN_WORDS and i + 1 < len(before) and before[i + 1] in POSSESSIVES):
            return True
    return False


def _author_named_before(words: Sequence[str], s: int) -> bool:
    """The author names themself within four words before position s ("saya", "kami para", "sebagai"), not as a
    possessive ("temen gw", "anak saya")."""
    for j in range(max(0, s - 4), s):
        if words[j] in SELF_MARKERS and not (j > 0 and (words[j - 1] in THIRD_PARTY or words[j - 1] in KIN_WORDS)):
            return True
    return False


def _is_num(word: str) -> bool:
    return word.isdigit() and len(word) <= 2


def _token_rules(toks: Sequence[NormToken]) -> list[tuple[str, int, int]]:
    """Structural patterns over normalised tokens (plain Python: faster than spaCy's Matcher
    with set predicates, same semantics). Returns (name, token start, token end)."""
    words = [t.text for t in toks]
    n = len(words)
    out: list[tuple[str, int, int]] = []
    for i, w in enumerate(words):
        if w not in _RULE_TRIGGERS and w[0] not in "@#" and toks[i].lemma not in _LEMMA_VOTE:
            continue
        nxt = words[i + 1] if i + 1 < n else ""
        # paslon_number: "nomor urut 2", "paslon (nomor urut) 2", "coblos (nomor) 2"
        direct = False
        if w in _CANDIDATE_SET or w in _VOTE_SET or (w == "nomor" and nxt == "urut"):
            fillers = _NOMOR_URUT if w in _CANDIDATE_SET or w == "nomor" else _VERB_FILLERS
            j = i + 1
            while j < n and words[j] in fillers:
                j += 1
            if j < n and _is_num(words[j]) and (w != "nomor" or j > i + 1):
                out.append(("paslon_number", i, j + 1))
                direct = True
        if not direct and (w in _VOTE_SET or w in _PREFERENCE_WORDS):
            # "pilih Arif-Hamzah nomor 2", "pilihan saya jelas, nomor 3": up to 3 words before "nomor N"
            for k in range(i + 2, min(i + 5, n - 1)):
                if words[k] == "nomor" and _is_num(words[k + 1]):
                    if not any(_is_num(x) or x == "nomor" for x in words[i + 1: k]):
                        out.append(("paslon_number", i, k + 2))
                    break
        if w == "nomor" and _is_num(nxt):
            out.append(("number_ref", i, i + 2))
        # look-alike numbers: "juara 2", "menu nomor 2", "nomor antrian"
        if w in _LOOKALIKE_SET:
            j = i + 1 + (nxt == "nomor")
            if j < n and _is_num(words[j]):
                out.append(("lookalike", i, j + 1))
        if w == "nomor" and nxt in _LOOKALIKE_SET:
            out.append(("lookalike", i, i + 2))
        # inflected vote verbs through the spaCy lemma table (mendukung -> dukung, mencoblos -> coblos)
        if toks[i].lemma in _LEMMA_VOTE and w not in _LEMMA_VOTE_EXCLUDE:
            out.append(("vote_call", i, i + 1))
        if w == "partai" and nxt.isalpha() and nxt not in _PARTY_STOP:
            out.append(("party", i, i + 2))
        if w == "dinas" and nxt.isalpha() and nxt not in _DINAS_STOP:
            out.append(("asn_agency", i, i + 2))
        if w in _SCHOOL_PREFIX and _is_num(nxt):
            out.append(("asn_agency", i, i + 2))
        if w == "kementerian" and nxt.isalpha():
            out.append(("asn_agency", i, i + 2))
        if w[0] == "@" and w.startswith(_TIP_MENTIONS):
            out.append(("report_tip", i, i + 1))
        if w[0] == "#" and len(w) > 1:
            span = (toks[i].start, toks[i].end)
            j = i + 1
            while j < n and (toks[j].start, toks[j].end) == span:
                j += 1
            pieces = set(words[i + 1: j])
            if pieces & _NEUTRAL_PIECES:
                continue
            if pieces & _SLOGAN_PIECES or any(_is_num(p) for p in pieces):
                out.append(("slogan", i, i + 1))
    return out


@lru_cache(maxsize=1)
def get_extractor() -> SignalExtractor:
    """The shared extractor (phrase index over the normalised patterns), built on first call."""
    return SignalExtractor()


def extract_signals(text: str, source: str = "text") -> list[dict]:
    """Named evidence spans in `text` (offsets into `text` itself)."""
    return get_extractor().extract(text, source)


def _drop_contained(spans: set[tuple[str, int, int]]) -> set[tuple[str, int, int]]:
    """Drop a span lying inside a longer span of the same name ("coblos" inside "ayo coblos").

    One sort and one sweep per name (O(n log n)): in (start ascending, end descending) order a span is inside
    another exactly when some earlier span of its name reaches at least as far (spans are distinct)."""
    keep = set()
    current, reach = None, -1
    for name, s, e in sorted(spans, key=lambda x: (x[0], x[1], -x[2])):
        if name != current:
            current, reach = name, -1
        if e <= reach:
            continue
        reach = e
        keep.add((name, s, e))
    return keep


class _OverlapIndex:
    """Which spans of a name overlap [s - pad_before, e + pad_after): a bisect over the name's sorted starts, so a
    query costs O(log n + hits) instead of a scan of every span (near-linear matching on long texts)."""

    def __init__(self, found: Iterable[tuple[str, int, int]]):
        by_name: dict[str, list[tuple[int, int]]] = {}
        for name, s, e in found:
            by_name.setdefault(name, []).append((s, e))
        self._starts: dict[str, list[int]] = {}
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._longest: dict[str, int] = {}
        for name, spans in by_name.items():
            spans.sort()
            self._spans[name] = spans
            self._starts[name] = [s for s, _ in spans]
            self._longest[name] = max(e - s for s, e in spans)

    def __call__(self, name: str, s: int, e: int, pad_before: int = 0, pad_after: int = 0) -> bool:
        starts = self._starts.get(name)
        if not starts:
            return False
        lo_s, hi_e = s - pad_before, e + pad_after
        spans = self._spans[name]
        i = bisect_left(starts, lo_s - self._longest[name])
        j = bisect_left(starts, hi_e)
        return any(lo_s < spans[k][1] for k in range(i, j))


def count_signals(signals: Iterable[dict]) -> dict[tuple[str, str], int]:
    """Counts per (source, name)."""
    counts: dict[tuple[str, str], int] = {}
    for sig in signals:
        key = (sig["source"], sig["name"])
        counts[key] = counts.get(key, 0) + 1
    return counts
