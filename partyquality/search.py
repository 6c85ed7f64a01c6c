"""Accent-insensitive search (DOMAIN: "chau cuong" must find "Châu Cường").

PostgreSQL's ``unaccent`` is only STABLE, so it cannot feed a generated column
or an index. Migration ``partyquality/0001`` wraps it in an IMMUTABLE
``pq_unaccent(text)`` (lower-cased, with the dictionary named explicitly, the
usual safe wrapper); names get a generated ``search_name`` column with a
trigram index, and queries fold the user's text the same way.

People's names are searched by words instead (``NameSearch``): each word
typed must be a word of the name, the last one may be the start of a word
(the list searches as the user types). Substrings of the trigram index cost
~150 ms at national size because the trigrams of common names ("ngu", "guy",
"uye", "yen" of Nguyễn) are in millions of rows; whole words in a full-text
GIN index are answered from the rarest word (bench/RESULTS.md).

Names that *start with* the words typed are listed first: Vietnamese names
are typed from the family name, and "nguyen thi" matches ~800,000 people of
the country, whose sorting costs seconds, while those starting with it are
one range of the name index (``search_name`` is in the "C" collation), read
in order and stopped at the page's cap.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models
from django.db.models import Case, Func, QuerySet, Value, When


class Unaccented(Func):
    """``pq_unaccent(expr)``: lower case, accents and đ folded away."""

    function = "pq_unaccent"
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


# Letters and digits of any script; everything else (tsquery operators, quotes,
# punctuation) separates words.
WORD = re.compile(r"\w+")


def name_words(field: str) -> SearchVector:
    """The words of a folded name, as the GIN index on it has them."""
    return SearchVector(field, config="simple")


@dataclass(frozen=True)
class NameSearch:
    """What was typed in a name search box, as words.

    ``complete``: the text ends with a space, so the last word is a whole
    word too (otherwise it may be the start of one).
    """

    words: tuple[str, ...]
    complete: bool

    @classmethod
    def parse(cls, text: str) -> NameSearch:
        words = tuple(WORD.findall(text.replace("_", " ")))
        return cls(words=words, complete=text[-1:].isspace())

    def query(self) -> SearchQuery:
        """``w1 & w2 & last:*`` of the folded words."""
        terms = list(self.words)
        if not self.complete:
            terms[-1] += ":*"
        raw = " & ".join(terms)
        return SearchQuery(Unaccented(Value(raw)), search_type="raw", config="simple")

    def prefix(self) -> Unaccented:
        """The folded words as the start of a name ("nguyen thi")."""
        return Unaccented(Value(" ".join(self.words) + (" " if self.complete else "")))

    def matches(self, queryset: QuerySet, field: str) -> QuerySet:
        """Rows whose folded name ``field`` has every word, all at once (an
        export): sorted by name, the names starting with the words first, as
        ``first_ids`` reads a list's pages."""
        if not self.words:
            return queryset.none()
        found = queryset.alias(name_words_match=name_words(field)).filter(
            name_words_match=self.query()
        )
        order = list(queryset.query.order_by)
        if order and order[0] == field:
            starting = Case(
                When(**{f"{field}__startswith": self.prefix()}, then=Value(0)),
                default=Value(1),
            )
            return found.order_by(starting, *order)
        return found

    def first_ids(self, queryset: QuerySet, field: str, limit: int) -> list[int]:
        """Ids of the first ``limit`` matches among ``queryset`` (not yet
        searched): when it is sorted by name, the names starting with the
        words come first, then the other matches."""
        if not self.words:
            return []
        order = list(queryset.query.order_by)
        if not order or order[0] != field:
            return _ids(self.matches(queryset, field), limit)
        starting = queryset.filter(**{f"{field}__startswith": self.prefix()})
        ids = _ids(starting, limit)
        if len(ids) < limit:  # the page's cap is not reached by them alone
            others = queryset.exclude(**{f"{field}__startswith": self.prefix()})
            ids += _ids(self._having_words(others, field), limit - len(ids))
        return ids

    def _having_words(self, queryset: QuerySet, field: str) -> QuerySet:
        """Rows whose name has every word, in the queryset's own order.

        Each word must also be in the name as letters (``LIKE '%van%'``):
        implied by the word match, cheap to check first, and with it
        PostgreSQL walks the name index in order when the words are common.
        Once the names starting with the words are excluded, a common word
        is spread over the whole index (a middle or given name: "van" of most
        men) and the walk stops at the cap — 17 ms where sorting every match
        took 4.4 s nationally; rare words still come from the word index.
        """
        return (
            queryset.filter(search_filter(field, " ".join(self.words)))
            .alias(name_words_match=name_words(field))
            .filter(name_words_match=self.query())
        )


def _ids(queryset: QuerySet, limit: int) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[:limit])
