"""The demo's fictional election: seven real regions with invented candidate pairs (nomor urut, nickname, hashtag,
slogan), invented parties, the violation categories of DOMAIN.md with their weights, and the number words, emoji
and gestures posts use for a pair's number. All names, candidates and parties are invented."""

from __future__ import annotations

from dataclasses import dataclass


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
