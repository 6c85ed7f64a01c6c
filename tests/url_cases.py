"""How the URL sweep (tests/test_url_access.py) exercises each URL.

Every app lists its URL names in ``tests/<app>/url_cases.py`` as
``URL_CASES: dict[str, Callable[[Tree], UrlCase]]``. The callable builds, in
the *other* branch of the conftest tree (under ``tree.other_commune``), the
object the URL points at and returns how to reach it. A URL name that no
``url_cases.py`` lists makes the sweep fail: a new view cannot forget its
access test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.conftest import Tree


@dataclass
class UrlCase:
    # URL kwargs pointing at a record of the other branch; empty for list pages.
    kwargs: dict[str, object] = field(default_factory=dict)
    # For pages without kwargs: text of the other branch that must not show.
    hidden_text: str | None = None
    # The URL changes data on POST: readers get 403, outsiders 404.
    write: bool = False
    # Query string appended to the URL (e.g. a unit filter pointing outside).
    query: str = ""


CaseBuilder = Callable[[Tree], UrlCase]
