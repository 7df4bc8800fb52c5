"""Violation category codes (SKB 2022 on ASN neutrality), with their Indonesian labels for the UI."""

CATEGORIES: dict[str, str] = {
    "kampanye_medsos": "Kampanye/promosi calon di media sosial",
    "interaksi_pemenangan": "Interaksi dengan konten/akun pemenangan",
    "foto_simbol": "Foto bersama calon dengan simbol/gestur keberpihakan",
    "hadir_kampanye": "Hadir atau terlibat dalam kegiatan kampanye",
    "pencalonan_parpol": "Pendekatan/keanggotaan partai politik",
    "fasilitas_negara": "Penggunaan fasilitas/jabatan negara",
    "atribut_kampanye": "Memasang/membagikan atribut kampanye",
}

DECISION_LABELS: dict[str, str] = {
    "violation": "Pelanggaran (rujuk)",
    "not_violation": "Bukan pelanggaran",
    "needs_info": "Perlu informasi tambahan",
    "duplicate": "Duplikat",
}

# The queue status of an item (pantau.review.STATUSES) as the UI shows it.
STATUS_LABELS = {
    "new": "Baru",
    "needs_info": "Perlu informasi",
    "awaiting_confirmation": "Menunggu konfirmasi",
    "confirmed": "Pelanggaran terkonfirmasi",
    "not_violation": "Bukan pelanggaran",
    "duplicate": "Duplikat",
}
# The legal elements a reviewer ticks (SKB 2022): identity, act, timing.
CHECKLIST = {
    "asn_identity": "Identitas ASN terlihat (bio, instansi, seragam, NIP)?",
    "partisan_act": "Ada tindakan keberpihakan (ajakan, simbol, atribut, dukungan)?",
    "election_period": "Terjadi dalam masa pemilihan/kampanye?",
}
# The store's overall counts (Store.counts) as the monitoring and statistics pages show them.
COUNT_LABELS = {
    "posts": "Pos tersimpan",
    "classified": "Pos terklasifikasi",
    "flagged": "Pos ditandai model",
    "queue": "Dalam antrean tinjauan",
    "decisions": "Keputusan peninjau",
}
