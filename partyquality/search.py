"""Accent-insensitive search (DOMAIN: "chau cuong" must find "Châu Cường").

PostgreSQL's ``unaccent`` is only STABLE, so it cannot feed a generated column
or an index. Migration ``partyquality/0001`` wraps it in an IMMUTABLE
``pq_unaccent(text)`` (lower-cased, with the dictionary named explicitly, the
usual safe wrapper); names get a generated ``search_name`` column with a
trigram index, and queries fold the user's text the same way.
"""

from __future__ import annotations

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
