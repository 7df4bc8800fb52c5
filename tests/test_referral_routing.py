"""Routing a report to the right Bawaslu office from the table shipped in referral/bawaslu_offices.csv."""

from __future__ import annotations

import pytest

from pantau.referral.routing import load_offices, normalise


@pytest.fixture(scope="module")
def table():
    return load_offices()


def test_every_province_has_an_office_and_there_is_one_bawaslu_ri(table):
    provinces = [o for o in table.offices if o.level == "provinsi"]
    assert len(provinces) == 38 and len({o.province for o in provinces}) == 38
    assert table.national.office.endswith("(Bawaslu RI)")


def test_every_demo_region_routes_to_its_regency_or_city_office(table):
    from pantau.demo.election import REGIONS

    for region in REGIONS:
        r = table.route(region.name)
        assert not r.fallback and r.level in ("kabupaten", "kota"), region.name
        assert r.name.endswith(region.short), (region.name, r.name)


@pytest.mark.parametrize("locus, office, fallback", [
    ("Kab. Sleman", "Bawaslu Kabupaten Sleman", False),
    ("Kabupaten Sleman", "Bawaslu Kabupaten Sleman", False),
    ("KOTA  MEDAN", "Bawaslu Kota Medan", False),
    ("Sleman", "Bawaslu Kabupaten Sleman", False),  # bare name, one office with it
    ("Kab. Gunung Kidul", "Bawaslu Kabupaten Gunungkidul", False),  # alias
    ("Jakarta Selatan", "Bawaslu Kota Administrasi Jakarta Selatan", False),
    ("Jawa Barat", "Bawaslu Provinsi Jawa Barat", False),
    ("Prov. Bali", "Bawaslu Provinsi Bali", False),
    ("DIY", "Bawaslu Daerah Istimewa Yogyakarta", False),
    ("Kab. Sleman, DI Yogyakarta", "Bawaslu Kabupaten Sleman", False),
    # unknown regency, known province: the province, said so
    ("Kab. Kebumen, Jawa Tengah", "Bawaslu Provinsi Jawa Tengah", True),
    ("Kabupaten Ende / NTT", "Bawaslu Provinsi Nusa Tenggara Timur", True),
    # Kab. Kupang and Kota Kupang: ambiguous, both in NTT
    ("Kupang", "Bawaslu Provinsi Nusa Tenggara Timur", True),
    # nothing recognisable: Bawaslu RI, said so
    ("Kecamatan Entah", "Badan Pengawas Pemilihan Umum Republik Indonesia (Bawaslu RI)", True),
    ("", "Badan Pengawas Pemilihan Umum Republik Indonesia (Bawaslu RI)", True),
    (None, "Badan Pengawas Pemilihan Umum Republik Indonesia (Bawaslu RI)", True),
])
def test_route(table, locus, office, fallback):
    r = table.route(locus)
    assert (r.name, r.fallback) == (office, fallback)
    assert r.note  # always explained
    if fallback:
        assert "diarahkan" in r.note


def test_fallback_notes_say_why(table):
    assert "tidak ada dalam tabel kantor" in table.route("Kab. Kebumen, Jawa Tengah").note
    assert "Kabupaten Kupang atau Kota Kupang" in table.route("Kupang").note
    assert "tidak diketahui" in table.route(None).note


def test_normalise():
    assert normalise("Kab.  Sleman") == "kabupaten sleman"
    assert normalise("Kota Adm. Jakarta Pusat") == "kota administrasi jakarta pusat"
    assert normalise("Provinsi Jawa Barat") == "jawa barat"


def test_a_custom_table_is_checked(tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("province,regency_city,level,office\nBali,,provinsi,Bawaslu Bali\n", encoding="utf-8")
    with pytest.raises(ValueError, match="nasional"):
        load_offices(f)
    f.write_text("province,regency_city,level,office\n,,nasional,RI\nBali,Kab. X,desa,Y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: unknown level 'desa'"):
        load_offices(f)
