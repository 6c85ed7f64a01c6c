"""Vietnamese alphabetical order, the same in Python and in PostgreSQL.

DOMAIN.md §8: the alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t
u ư v x y, where ă â đ ê ô ơ ư are letters of their own, and tones come after
letters; lists of people are kept by given name (the last word), then family
and middle names ("Nguyễn Văn An" before "Lê Thị Bình").

PostgreSQL can only sort so with an ICU collation, and the embedded server is
built without ICU, so the order is a sort key instead: a string whose byte
order ("C" collation) is the Vietnamese order. Like the Unicode collation
algorithm it has two levels, compared one after the other:

- letters: every letter (and digit and space) becomes one code in alphabet
  order — the space lowest, so "An" comes before "Anh"; case is ignored and
  other characters (hyphens, apostrophes) are left out; numbers are padded to
  six digits, so "Thôn 2" comes before "Thôn 10";
- tones: then, for each letter, its tone in dictionary order — none, huyền,
  hỏi, ngã, sắc, nặng (a à ả ã á ạ) — so "Ma" < "Mà" < "Má" and "ma cá" <
  "má ca".

Text typed in either Unicode form (precomposed "dựng sẵn" or combining "tổ
hợp", DOMAIN.md §8) gives the same key: both are decomposed first.

``vn_sort_key`` and ``person_sort_key`` here and the SQL functions
``pq_vn_sort_key`` / ``pq_person_sort_key`` (migration partyquality/0002)
compute the same key step by step; tests/test_collation.py holds them equal on
every letter and tone. Units and people have the key as a generated column,
``sort_name``, which their lists order by.
"""

from __future__ import annotations

import re
import unicodedata

from django.db import models

# Letters, digits and the space, in Vietnamese alphabetical order (f, j, w,
# z, used in foreign and minority names, in their Latin places).
ALPHABET = " 0123456789aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
# Their codes: the space stays lowest; the rest are '0' … 'Z' in order.
CODES = " " + "".join(chr(0x30 + i) for i in range(len(ALPHABET) - 1))
_TO_CODE = str.maketrans(ALPHABET, CODES)

# Marks that make a letter of its own (ă â ê ô ơ ư) and the five tone marks in
# dictionary order (huyền, hỏi, ngã, sắc, nặng), after decomposition (NFD).
LETTER_MARKS = "\u0306\u0302\u031b"
TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"
TONE_CODES = "BCDEF"  # no tone: "A"
COMPOSED = {
    "a\u0306": "ă",
    "a\u0302": "â",
    "e\u0302": "ê",
    "o\u0302": "ô",
    "o\u031b": "ơ",
    "u\u031b": "ư",
}
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZĐ"
LOWER = "abcdefghijklmnopqrstuvwxyzđ"
_LOWER = str.maketrans(UPPER, LOWER)
# Between the letters and the tones: below every code, the space included.
LEVEL_SEPARATOR = "\x01"

_SPACES = re.compile("[ \t\n\r\f\v\u00a0]+")
_TONES = re.compile(f"[{TONE_MARKS}]")
_LETTER_MARKS = re.compile(f"[{LETTER_MARKS}]")
_NOT_LETTER = re.compile("[^ 0-9a-zăâđêôơư]")
_NUMBER = re.compile("[0-9]+")
NUMBER_WIDTH = 6
_NOT_LETTER_OR_TONE = re.compile(f"[^ 0-9a-zđ{TONE_MARKS}]")
_TONED = [re.compile(f".{mark}") for mark in TONE_MARKS]
_UNTONED = re.compile(f"[^{TONE_CODES}]")


def _words(text: str) -> str:
    """Decomposed, lower-case (A–Z and Đ only, as in SQL), single-spaced."""
    decomposed = unicodedata.normalize("NFD", text).translate(_LOWER)
    return _SPACES.sub(" ", decomposed).strip(" ")


def _letters(words: str) -> str:
    plain = _TONES.sub("", words)
    for pair, letter in COMPOSED.items():
        plain = plain.replace(pair, letter)
    plain = _SPACES.sub(" ", _NOT_LETTER.sub("", plain)).strip(" ")
    plain = _NUMBER.sub(lambda number: number[0].zfill(NUMBER_WIDTH), plain)
    return plain.translate(_TO_CODE)


def _tones(words: str) -> str:
    toned = _LETTER_MARKS.sub("", words)
    toned = _SPACES.sub(" ", _NOT_LETTER_OR_TONE.sub("", toned)).strip(" ")
    for pattern, code in zip(_TONED, TONE_CODES, strict=True):
        toned = pattern.sub(code, toned)
    return _UNTONED.sub("A", toned)


def vn_sort_key(text: str) -> str:
    """The key that sorts ``text`` in Vietnamese alphabetical order."""
    words = _words(text)
    return _letters(words) + LEVEL_SEPARATOR + _tones(words)


def person_sort_key(full_name: str) -> str:
    """The key of a person's name: the given name (last word) first, then the
    family and middle names, as lists of people are kept."""
    words = _words(full_name).split(" ")
    return vn_sort_key(" ".join([words[-1], *words[:-1]]))


class VnSortKey(models.Func):
    """``pq_vn_sort_key(expr)`` (migration partyquality/0002)."""

    function = "pq_vn_sort_key"
    output_field = models.TextField(db_collation="C")


class PersonSortKey(models.Func):
    """``pq_person_sort_key(expr)`` (migration partyquality/0002)."""

    function = "pq_person_sort_key"
    output_field = models.TextField(db_collation="C")
