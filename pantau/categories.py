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
