"""pantau.nearcopy: near-copies (edits, emoji, hashtags, casing, links) are found; distinct posts on one topic are not."""

from __future__ import annotations

import random
import re

import numpy as np

from pantau import nearcopy

TEMPLATE = ("Ayo bapak ibu guru se-Kecamatan Cibinong, tanggal 27 November coblos nomor 2 untuk Bogor yang lebih "
            "maju, pendidikan gratis dan tunjangan guru naik!")
COPIES = [
    TEMPLATE,
    TEMPLATE.upper(),
    TEMPLATE.lower() + " 🔥🔥✌️ #Pilkada2024 #GuruHebat",
    "@kepsek_sdn3 " + TEMPLATE.replace("Ayo", "Mari").replace("maju", "hebat") + " https://s.id/abc123",
    TEMPLATE.replace("Cibinong", "Citeureup") + " ✌️✌️",
    TEMPLATE.replace(",", "").replace("!", "!!!").title() + " #Coblos2",
]
SAME_TOPIC = [
    "Besok 27 November jangan lupa datang ke TPS, gunakan hak pilih anda dengan bijak. Pemilu damai!",
    "Debat calon bupati Bogor semalam membahas pendidikan gratis dan tunjangan guru, siapa yang paling meyakinkan?",
    "Rapat koordinasi guru se-Kecamatan Cibinong hari ini membahas kurikulum merdeka dan jadwal ujian semester.",
    "Kampanye nomor 2 di lapangan Tegar Beriman ramai, jalan macet sampai sore. Hati-hati di jalan.",
    "Bawaslu Kabupaten Bogor mengingatkan ASN dan guru honorer untuk menjaga netralitas selama masa kampanye.",
]


def sim(a: str, b: str) -> float:
    s = nearcopy.signatures([a, b])
    return float(nearcopy.similarity(s[0], s[1]))


def test_words_drop_links_mentions_emoji_and_keep_hashtag_words():
    assert nearcopy.words("Ayo COBLOS no_2!! 🔥✌️ https://x.co/a @budi.s #Pilkada2024 Kab. Bogor") == [
        "ayo", "coblos", "no", "2", "pilkada2024", "kab", "bogor"]


def test_near_copies_are_above_the_threshold_and_share_a_band():
    sig = nearcopy.signatures(COPIES)
    keys = nearcopy.band_keys(sig)
    for i in range(1, len(COPIES)):
        assert nearcopy.similarity(sig[0], sig[i]) >= nearcopy.THRESHOLD, COPIES[i]
        assert set(keys[0]) & set(keys[i]) - {0}, COPIES[i]


def test_distinct_posts_on_the_same_topic_are_below_the_threshold():
    texts = [TEMPLATE, *SAME_TOPIC]
    for i in range(len(texts)):
        for j in range(i + 1, len(texts)):
            assert sim(texts[i], texts[j]) < nearcopy.THRESHOLD, (texts[i], texts[j])


def test_signatures_are_deterministic_and_empty_texts_have_no_band():
    a = nearcopy.signatures([TEMPLATE, "🔥🔥 !!!", ""])
    b = nearcopy.signatures(["", "🔥🔥 !!!", TEMPLATE, *SAME_TOPIC])  # a text's signature is its own, in any batch
    assert np.array_equal(a[0], b[2]) and np.array_equal(a[1], b[1]) and np.array_equal(a[2], b[0])
    assert np.array_equal(nearcopy.signatures(SAME_TOPIC[2:3])[0], b[5])
    assert (a[1:] == nearcopy.EMPTY).all()
    assert (nearcopy.band_keys(a)[1:] == 0).all()
    assert nearcopy.similarity(a[1], a[2]) == 0.0
    # a copy only re-cased and re-punctuated has the very same signature
    assert np.array_equal(nearcopy.signatures(["ayo coblos nomor dua"])[0],
                          nearcopy.signatures(["AYO, coblos nomor DUA!!"])[0])
    assert (nearcopy.signatures(["ayo coblos nomor dua"]) != nearcopy.EMPTY).any()


def test_texts_of_few_words_are_nobodys_near_copy():
    """Replies such as "mantap" and a media-only post's label are the same in thousands of unrelated posts."""
    short = ["[foto]", "Mantap!", "setuju pak 👍", "[video] Kampanye akbar", "gas gas gas"]
    sig = nearcopy.signatures(short + short)
    assert (sig == nearcopy.EMPTY).all() and (nearcopy.band_keys(sig) == 0).all()
    four = nearcopy.signatures(["Ayo coblos nomor 2!", "ayo COBLOS nomor 2 🔥"])
    assert nearcopy.MIN_WORDS == 4 and nearcopy.near_copies(four[:1], four[1:]).all()


def test_media_keys_are_the_same_file_by_host_and_path():
    (posts, keys) = nearcopy.media_keys([
        (0, ["https://pbs.twimg.com/media/GAbc.jpg?name=small"]),
        (1, ["http://www.PBS.twimg.com/media/GAbc.jpg#x", "", "https://pbs.twimg.com/media/GAbc.jpg?name=orig"]),
        (2, ["https://pbs.twimg.com/media/GAbd.jpg"]),
        (4, ["https://pbs.twimg.com/media/gabc.jpg"]),  # a path differs in case: another file
    ])
    assert posts.tolist() == [0, 1, 2, 4]  # post 1's second address is the same file: one key; blanks left out
    assert keys[0] == keys[1] and len(set(keys.tolist())) == 3
    assert (keys < 0).all()  # never a band key (positive) or the empty band (0)
    again = nearcopy.media_keys([(7, ["https://pbs.twimg.com/media/GAbc.jpg"])])[1]
    assert again[0] == keys[0]  # stable across calls and processes (blake2b, not hash())
    odd = nearcopy.media_keys([(0, ["http://[x/a.jpg?s=1"]), (1, ["http://[x/a.jpg"])])  # urlsplit refuses these
    assert odd[1][0] == odd[1][1]


def test_plain_addresses_cut_as_urlsplit_cuts_them():
    """The fast way for plain http(s) addresses gives urlsplit's host and path for every address (random ones mixing
    brackets, spaces, controls, non-ASCII, schemes and separators)."""
    rng = random.Random(5)
    alphabet = [*"abcXYZ019/:?#[]@.%-_~ \t\n\x00\x7féWw", "www.", "http://", "HTTPS://", "//", "\u3000", "\u2028"]
    starts = ["", "http://", "https://", "HtTp://", " https://www.", "http://[", "ftp://"]
    fast = 0
    for _ in range(20_000):
        url = rng.choice(starts) + "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        assert nearcopy._media_address(url) == nearcopy._split_address(url), url
        fast += nearcopy._PLAIN_URL.match(url.strip()) is not None
    assert fast > 2_000  # the fast way was taken often enough to matter


def test_components_take_the_smallest_id():
    ids, roots = nearcopy.components(np.array([5, 7, 9]), np.array([3, 5, 10]))
    assert dict(zip(ids.tolist(), roots.tolist())) == {5: 3, 3: 3, 7: 3, 9: 9, 10: 9}


def test_wave_phrase_rounds_half_up_and_counts_minutes_below_an_hour():
    assert nearcopy.wave_phrase(37, 5, 1.93) == "bagian dari pesan serentak: 37 akun, 5 wilayah, 2 jam"
    assert nearcopy.wave_phrase(4, 3, 2.5) == "bagian dari pesan serentak: 4 akun, 3 wilayah, 3 jam"
    assert nearcopy.wave_phrase(2, 1, 0.25) == "bagian dari pesan serentak: 2 akun, 1 wilayah, 15 menit"


def _reference_words(text: str) -> list[str]:
    """words() as a regular expression per text (the definition; nearcopy works on a whole batch with numpy)."""
    s = nearcopy._DROP.sub(" ", text.casefold())
    return re.findall(r"[^\W_]+", s)


def _reference_signature(text: str) -> list[int]:
    """A text's signature computed word by word in plain Python from the documented hashes."""
    m, golden = 2**64, 0x9E3779B97F4A7C15

    def mix(x: int) -> int:
        x ^= x >> 30
        x = x * 0xBF58476D1CE4E5B9 % m
        x ^= x >> 27
        x = x * 0x94D049BB133111EB % m
        return x ^ (x >> 31)

    p = int(nearcopy._P)
    ws = _reference_words(text)
    if len(ws) < nearcopy.MIN_WORDS:
        return [int(nearcopy.EMPTY)] * nearcopy.BINS
    hs = [mix((sum(ord(c) * pow(p, i, m) for i, c in enumerate(w)) + len(w) * golden) % m) for w in ws]
    shingles = [mix(h) for h in hs] + [mix((a * golden + b) % m) for a, b in zip(hs, hs[1:])]
    sig = [int(nearcopy.EMPTY)] * nearcopy.BINS
    for x in shingles:
        sig[x % nearcopy.BINS] = min(sig[x % nearcopy.BINS], x >> 32)
    return sig


ODD = ["", " ", "🔥", "ß ẞ straße STRASSE", "İstanbul ıi", "ΣΑΣ σας", "a\x1eb c", "x" * 3000, "no_2 #tag @a.b c",
       "HTTPS://X.CO/A b www.y.id/c d", "٣ ² Ⅻ 𝟘 𐐀 ﬁ e\u0301 中文 ไทย", "\x1e\x1e", "@", "http://"]


def test_words_and_signatures_of_a_batch_match_the_per_text_definition():
    rng = random.Random(5)
    alphabet = list("aZß_-#@/.:, \t\n\x1eẞİıΣσς") + ["🔥", "✌️", "https://", "www.", "Ǆ", "٣", "²", "𝟘", "𐐀", "ﬁ",
                                                    "\u0301", "中", "ก", "Bogor ", "coblos "]
    texts = ODD + COPIES + SAME_TOPIC + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(2000)]
    for t in texts:
        assert nearcopy.words(t) == _reference_words(t), repr(t)
    sig = nearcopy.signatures(texts)
    for i in range(0, len(texts), 7):
        assert sig[i].tolist() == _reference_signature(texts[i]), repr(texts[i])


def test_components_match_a_union_find():
    rng = np.random.default_rng(3)
    for _ in range(20):
        a = rng.integers(0, 300, rng.integers(1, 400))
        b = rng.integers(0, 300, len(a))
        parent: dict[int, int] = {}

        def find(x: int) -> int:
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for x, y in zip(a.tolist(), b.tolist()):
            rx, ry = find(x), find(y)
            parent[max(rx, ry)] = min(rx, ry)
        ids, roots = nearcopy.components(a, b)
        assert dict(zip(ids.tolist(), roots.tolist())) == {x: find(x) for x in parent}


def test_near_copies_is_the_similarity_threshold_in_whole_numbers():
    rng = np.random.default_rng(11)
    a = rng.integers(0, 3, size=(20_000, nearcopy.BINS)).astype(np.uint32)  # few values: many equal bins
    b = rng.integers(0, 3, size=(20_000, nearcopy.BINS)).astype(np.uint32)
    a[a == 2] = nearcopy.EMPTY
    b[b == 2] = nearcopy.EMPTY
    a[:50], b[:50] = nearcopy.EMPTY, nearcopy.EMPTY  # both empty: never near-copies
    b[50:100] = a[50:100]
    expected = nearcopy.similarity(a, b) >= nearcopy.THRESHOLD
    assert np.array_equal(nearcopy.near_copies(a, b), expected)
    assert expected[50:100].all() and not expected[:50].any() and 0 < expected[100:].sum() < 19_900
