"""Accent-insensitive search (DOMAIN: "chau cuong" must find "Châu Cường").

PostgreSQL's ``unaccent`` is only STABLE, so it cannot feed a generated column
or an index. Migration ``partyquality/0001`` wraps it in an IMMUTABLE
``pq_unaccent(text)`` (lower-cased, the dictionary named explicitly); units
and people get a generated ``search_name`` column, and queries fold the
user's text the same way. Unit names are searched as substrings
(``search_filter``, a trigram index); people's names by words
(``NameSearch``, one full-text condition on the words index of the folded
name). docs/member_list.md says why.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models
from django.db.models import Func, QuerySet, Value

from partyquality.text import nfc

__all__ = [
    "NAME_WORDS_INDEX",
    "LastWord",
    "LeadingWords",
    "NameSearch",
    "SearchVector",  # named by members/migrations/0013
    "Unaccented",
    "fold",
    "name_words",
    "search_filter",
    "words_of",
]


# The name of the people's words index (members.models.Person).
NAME_WORDS_INDEX = "person_name_words"


class Unaccented(Func):
    """``pq_unaccent(expr)``: lower case, accents and đ folded away."""

    function = "pq_unaccent"
    output_field = models.TextField()


# LastWord and LeadingWords are named by migrations (members/0009, 0013,
# 0014, 0015) only: the columns and indexes built on them are gone (0031, 0033).
class LastWord(Func):
    """The last space-separated word of ``expr``: of a folded Vietnamese
    name, the given name (tên), which comes last."""

    template = "split_part(btrim(%(expressions)s), ' ', -1)"
    output_field = models.TextField()


class LeadingWords(Func):
    """``expr`` without its last word: of a folded name, the family and
    middle names ("nguyen thi " of "nguyen thi huong")."""

    template = r"regexp_replace(btrim(%(expressions)s), '\S+$', '')"
    output_field = models.TextField()


def fold(text: str) -> str:
    """Lower-case and accent-free in Python, for matching and sorting short
    lists in memory ("Luật" ~ "luat"; "Tân Kỳ" sorts before "Thanh Chương")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def search_filter(field: str, text: str) -> models.Q:
    """A Q matching rows whose folded ``field`` contains every folded word."""
    query = models.Q()
    for word in text.split():
        query &= models.Q(**{f"{field}__contains": Unaccented(Value(word))})
    return query


# Letters and digits of any script keep a word together; anything else
# (tsquery operators, quotes, punctuation) separates words. Modifier letters
# (Lm: ʼ U+02BC, ʻ U+02BB) and numbers such as ² or ¼ are not kept: unaccent
# turns them into an apostrophe or "1/4", which the tsquery parser refuses
# (HTTP 500), as it does the "'n" of ŉ.
WORD_LETTERS = frozenset({"Ll", "Lu", "Lt", "Lo", "Nd"})


def words_of(text: str) -> tuple[str, ...]:
    """The words of ``text`` in NFC, split where the name indexes split them
    (an Ê Đê "Hʼmai" is "h" and "mai" to ``to_tsvector``)."""
    text = nfc(text).replace("ŉ", " n")
    kept = (c if unicodedata.category(c) in WORD_LETTERS else " " for c in text)
    return tuple("".join(kept).split())


def name_words(field: str | Func) -> SearchVector:
    """The words of a folded name, as the GIN index on it has them."""
    return SearchVector(field, config="simple")


@dataclass(frozen=True)
class NameSearch:
    """What was typed in a name search box, as words.

    ``complete``: the text ends with a space, so the last word is a whole
    word too (otherwise it may be the start of one: the list searches as the
    user types).
    """

    words: tuple[str, ...]
    complete: bool

    @classmethod
    def parse(cls, text: str) -> NameSearch:
        return cls(words=words_of(text), complete=text[-1:].isspace())

    def raw_query(self) -> str:
        """``w1 & w2 & (last | last:*)``, not yet folded. The whole word
        beside its prefix matches the same rows, but PostgreSQL estimates a
        prefix at 2 % of the names whatever it is, and a word by how often
        it is held: "nguyen" is 38 %, so the plan starts from the user's own
        rows rather than from the words index."""
        terms = list(self.words)
        if terms and not self.complete:
            terms[-1] = f"({terms[-1]} | {terms[-1]}:*)"
        return " & ".join(terms)

    def query(self) -> SearchQuery:
        """``raw_query`` of the folded words."""
        raw = Unaccented(Value(self.raw_query()))
        return SearchQuery(raw, search_type="raw", config="simple")

    def matches(self, queryset: QuerySet, field: str) -> QuerySet:
        """The rows whose folded name ``field`` holds every word: one
        condition, which the words index of that column answers."""
        if not self.words:
            return queryset.none()
        return queryset.alias(name_words_match=name_words(field)).filter(
            name_words_match=self.query()
        )
