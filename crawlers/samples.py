"""Made-up sample posts (written for pantau, no real people) that the platform fakes render in each API's shape."""

from __future__ import annotations

SAMPLES: list[dict] = [
    {"n": 1, "text": "Ayo coblos nomor 2! #PaslonDuaJuara bersama Pak Budi untuk Kabupaten Sleman", "at": "2024-11-20T09:00:00Z",
     "handle": "guru_sari", "name": "Sari Wulandari", "bio": "Guru SDN 3 Depok, Sleman", "lang": "id", "region": "Kab. Sleman"},
    {"n": 2, "text": "Jadwal pemungutan suara 27 November, gunakan hak pilihmu. Jangan golput!", "at": "2024-11-20T08:30:00Z",
     "handle": "kpu_sleman_info", "name": "Info Pemilu Sleman", "bio": "Akun informasi pemilu", "lang": "id", "region": "Kab. Sleman"},
    {"n": 3, "text": "Foto bersama paslon 01 di acara deklarasi kemarin ☝️ semangat menang!", "at": "2024-11-20T08:00:00Z",
     "handle": "bidan_rina", "name": "Rina Puskesmas", "bio": "Bidan Puskesmas Kalasan, ASN", "lang": "id", "region": "Kab. Sleman"},
    {"n": 4, "text": "ASN harus netral! Laporkan pelanggaran ke Bawaslu. #ASNNetral", "at": "2024-11-20T07:30:00Z",
     "handle": "bawaslu_demo", "name": "Bawaslu Demo", "bio": "Pengawas pemilu (akun contoh)", "lang": "id", "region": None},
    {"n": 5, "text": "Hayu urang milih nomer tilu, pikeun Bandung leuwih hade", "at": "2024-11-20T07:00:00Z",
     "handle": "kang_dedi_camat", "name": "Dedi Kecamatan", "bio": "Camat Cibiru, Kota Bandung", "lang": "su", "region": "Kota Bandung"},
    {"n": 6, "text": "Menu nomor 2 hari ini: nasi goreng spesial, mampir ya gaes", "at": "2024-11-20T06:30:00Z",
     "handle": "warung_bu_tini", "name": "Warung Bu Tini", "bio": "Kuliner rumahan", "lang": "id", "region": "Kota Yogyakarta"},
    {"n": 7, "text": "Nyoblos nomer loro ya lur, ojo lali tanggal 27!", "at": "2024-11-20T06:00:00Z",
     "handle": "pak_joko_dinas", "name": "Joko Dinas PU", "bio": "Staf Dinas PU Kab. Klaten", "lang": "jv", "region": "Kab. Klaten"},
    {"n": 8, "text": "Sosialisasi netralitas ASN di aula kantor bupati pagi ini", "at": "2024-11-20T05:30:00Z",
     "handle": "humas_pemkab", "name": "Humas Pemkab", "bio": "Akun resmi Humas Pemkab", "lang": "id", "region": "Kab. Klaten"},
    {"n": 9, "text": "Dukung terus paslon nomor urut 3, ikut kampanye akbar Minggu besok", "at": "2024-11-20T05:00:00Z",
     "handle": "relawan_tiga", "name": "Relawan Tiga", "bio": "Relawan pemenangan", "lang": "id", "region": "Kota Makassar"},
    {"n": 10, "text": "Guru juga manusia, tapi jangan pilih yang suka janji palsu. Pilih 02 ✌️", "at": "2024-11-20T04:30:00Z",
     "handle": "guru_ahmad", "name": "Ahmad Guru SMP", "bio": "Guru SMPN 1 Makassar | PNS", "lang": "id", "region": "Kota Makassar"},
    {"n": 11, "text": "Juara 2 lomba cerdas cermat tingkat kabupaten, bangga sama murid-murid!", "at": "2024-11-20T04:00:00Z",
     "handle": "guru_sari", "name": "Sari Wulandari", "bio": "Guru SDN 3 Depok, Sleman", "lang": "id", "region": "Kab. Sleman"},
    {"n": 12, "text": "Tes <b>markup</b> & \"kutip\" dalam teks 😅", "at": "2024-11-20T03:30:00Z",
     "handle": "penguji", "name": "Akun Penguji", "bio": None, "lang": "id", "region": None},
]

PAGE_SIZE = 5


def page_of(items: list, start: int, size: int = PAGE_SIZE) -> tuple[list, int | None]:
    """items[start:start+size] and the next start (None at the end)."""
    chunk = items[start : start + size]
    return chunk, (start + size if start + size < len(items) else None)
