"""Accent-insensitive search (DOMAIN: "chau cuong" must find "Châu Cường").

PostgreSQL's ``unaccent`` is only STABLE, so it cannot feed a generated column
or an index. Migration ``partyquality/0001`` wraps it in an IMMUTABLE
``pq_unaccent(text)`` (lower-cased, with the dictionary named explicitly, the
usual safe wrapper); names get a generated ``search_name`` column with a
trigram index, and queries fold the user's text the same way.

People's names are searched by words instead (``name_words_filter``): each
word typed must be a word of the name, the last one may be the start of a
word (the list searches as the user types). Substrings of the trigram index
cost ~150 ms at national size because the trigrams of common names
("ngu", "guy", "uye", "yen" of Nguyễn) are in millions of rows; whole words
in a full-text GIN index are answered from the rarest word (bench/RESULTS.md).
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import models
from django.db.models import Func, Value


class Unaccented(Func):
    """``pq_unaccent(expr)``: lower case, accents and đ folded away."""

    function = "pq_unaccent"
    output_field = models.TextField()


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


def name_words_query(text: str) -> SearchQuery | None:
    """``w1 & w2 & last:*`` of the folded words typed; None if there are none.

    A trailing space means the last word is complete too.
    """
    words = WORD.findall(text.replace("_", " "))
    if not words:
        return None
    terms = list(words)
    if not text[-1:].isspace():
        terms[-1] += ":*"
    raw = " & ".join(terms)
    return SearchQuery(Unaccented(Value(raw)), search_type="raw", config="simple")
