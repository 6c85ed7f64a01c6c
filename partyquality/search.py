"""Accent-insensitive search (DOMAIN: "chau cuong" must find "Châu Cường").

PostgreSQL's ``unaccent`` is only STABLE, so it cannot feed a generated column
or an index. Migration ``partyquality/0001`` wraps it in an IMMUTABLE
``pq_unaccent(text)`` (lower-cased, with the dictionary named explicitly, the
usual safe wrapper); units and people get a generated ``search_name``
column, queries fold the user's text the same way, and unit names are
searched as substrings (``search_filter``, a trigram index).

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
in order and stopped at the page's cap. Then come the people whose given
name (the last word of a Vietnamese name) is the last word typed, from an
index of given names in name order, then the names starting with the words
in another order (the family name typed last: "van nguyen"), then any other
name with the words. Within a group, names sort by the person before the
membership (``MemberFilter.tiebreak``): the name indexes hold them so, and a
page stops reading at its cap even among 16,000 equal names.
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, models
from django.db.models import Case, F, Func, Lookup, Q, QuerySet, Value, When

from partyquality.queries import (
    exact_bitmaps,
    found_for_at_most,
    walking_for_at_most,
    walking_in_order,
    walking_with_exact_bitmaps,
)
from partyquality.text import nfc


class Unaccented(Func):
    """``pq_unaccent(expr)``: lower case, accents and đ folded away."""

    function = "pq_unaccent"
    output_field = models.TextField()


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


# A given name that is not one word to the word index ("h'mai", "y-moan" of
# Ê Đê names): the typed word may be inside it without being its start. Few
# names; a partial index lists them (members.models.Person).
UNUSUAL_GIVEN_NAME = r"[^a-z0-9]"
NAME_WORDS_INDEX = "person_name_words"
LEADING_WORDS_INDEX = "person_leading_words"
# Below this share of people, the last group of a search is "few": read
# through the narrow indexes (``NameSearch._elsewhere``), not walked.
FEW_OTHER_MATCHES = 0.01
# A half-typed word that starts at most this many longer given names ("huon":
# huong) has each of them read in name order off the given-name index.
MOST_LONGER_GIVEN_NAMES = 6
# Names starting with the words typed in another order are listed for up to
# this many words (3: five other orders, one index range each).
MOST_REORDERED_WORDS = 3

# A walk of the whole country's name index in order reads up to this share
# of it (~100,000 names, ~12 ms) before the rest of the names is read by
# where the words can be (``NameSearch._other_ids``): a page of common words
# is full by then; the rest costs ~65 ms whatever the words (5 %: 30 ms of
# walk, the worst searches of the bench 20 ms slower).
WALK_SHARE = 0.02

# How long a walk of the country's sort index may look for a search's first
# matches in a sort other than by name before they are found another way
# (``NameSearch._ids_in_another_order``).
WALK_TIME_MS = 300

# How long a walk may look for all the matches the list counts (2,001) of
# a search of several words before they are found unsorted through the word
# index instead, and how long that may take. Words common together fill the
# count within it (~250,000 index entries); words seldom together ("nguyen
# le", none; "nguyen van an", 0.3 %) are found in 30–120 ms — then sorted if
# fewer, else only the page's few walked for — where the walk to 2,001 took
# 150 ms to 300 ms and more (bench/RESULTS.md). A single common word is
# walked as before: its matches are too many to read unsorted.
COUNT_WALK_MS = 50
COUNT_TIME_MS = 150
# About how many entries of a sort's index that walk reads in its time
# (~0.13 µs each, checking the words on the name beside the key).
COUNT_WALKED_ENTRIES = 300_000

# A whole province's search in another sort is walked first (for
# ``COUNT_WALK_MS``) when each word is held by this share of people or more:
# the 2,001 matches lie within ~40,000 entries of the province's range of
# the sort's index; fewer matches are found and sorted at once, as cheaply.
PROVINCE_WALK_SHARE = 0.05

# A search in another sort whose words fewer people than this hold together
# is found through the word index and sorted at once, without a walk: a walk
# for a rare word ("h'mai") reads the whole sort index to its time limit.
# About where both ways cost the same: ~10 µs a match found and sorted, a
# walk of ~0.15 µs an entry reaching 2,001 matches among 5 million rows.
FOUND_AT_ONCE = 12_000

# How many people hold every word of a search, counted up to a cap through
# the word index (as ``SearchVector``/``SearchQuery`` write it, so the index
# serves it): a rare word's count costs a few index pages.
PEOPLE_WITH_WORDS_SQL = """
SELECT count(*) FROM (
    SELECT 1 FROM members_person
    WHERE to_tsvector('simple', COALESCE(search_name, ''))
          @@ to_tsquery('simple', pq_unaccent(%s))
    LIMIT %s
) AS holding
"""

# Past the walk's time, how long finding the matches then sorting them may
# take before the walk is taken up again, to the end of the index: a search
# whose matches are millions costs seconds to sort.
FOUND_TIME_MS = 300

# The word frequencies of the two word indexes, and the bounds of the name
# histogram of people (where the first ``WALK_SHARE`` of names ends), in one
# query: it is read for every search that reaches the last group.
WORD_STATS_SQL = """
SELECT tablename, most_common_elems::text::text[], most_common_elem_freqs
FROM pg_stats
WHERE schemaname = current_schema() AND tablename IN (%s, %s)
UNION ALL
SELECT 'members_person', histogram_bounds::text::text[], NULL
FROM pg_stats
WHERE schemaname = current_schema() AND tablename = 'members_person'
  AND attname = 'search_name'
"""


@dataclass(frozen=True)
class OtherMatches:
    """About which share of people the last group of a search holds."""

    leading: float  # with the word among their family and middle names
    longer_given: float  # with a longer given name starting with it (half typed)
    # The name below which lie about ``WALK_SHARE`` of people's names (None
    # before ANALYZE has seen the people).
    walk_bound: str | None = None

    @property
    def total(self) -> float:
        return self.leading + self.longer_given


def other_matches_share(word: str, *, prefix: bool) -> OtherMatches:
    """About which share of people the last group of a search of ``word``
    holds: those with it among their family and middle names, and (while
    it is being typed) those whose given name is longer and starts with it.

    Read from the word frequencies ANALYZE keeps on the two word indexes
    (words under ~1 % are not listed there: they count as 0). PostgreSQL's own
    estimate for a prefix term (``thi:*``) is a fixed 2 % whatever the word,
    so it cannot tell "huong" (almost never a middle name) from "thi" (nearly
    every woman's); its plans for that group took 0.2–7 s when wrong.
    """
    stats = _word_stats()
    bounds = stats.get("members_person", ([], []))[0]
    # ~1 % of the names between two bounds of the histogram (it leaves out
    # the commonest names, a few per cent of all).
    step = round(WALK_SHARE * (len(bounds) - 1))
    walk_bound = bounds[step] if len(bounds) > 2 and step > 0 else None

    def share(index: str, listed_matches: Callable[[str], bool]) -> float:
        words, shares = stats.get(index, ([], []))
        return sum(f for w, f in zip(words, shares, strict=False) if listed_matches(w))

    leading = share(LEADING_WORDS_INDEX, listed_as(word, prefix=prefix))
    longer = (
        share(NAME_WORDS_INDEX, lambda w: w.startswith(word) and w != word)
        if prefix
        else 0.0
    )
    return OtherMatches(leading=leading, longer_given=longer, walk_bound=walk_bound)


def listed_as(word: str, *, prefix: bool) -> Callable[[str], bool]:
    """Whether a word ANALYZE lists is the folded ``word`` typed, or (a
    half-typed ``prefix``) one starting with it."""
    return (lambda listed: listed.startswith(word)) if prefix else word.__eq__


def _word_stats() -> dict[str, tuple[list, list]]:
    """What ``WORD_STATS_SQL`` reads, by table: (words or bounds, shares)."""
    with connection.cursor() as cursor:
        cursor.execute(WORD_STATS_SQL, [NAME_WORDS_INDEX, LEADING_WORDS_INDEX])
        return {name: (words or [], shares or []) for name, words, shares in cursor}


LONGER_GIVEN_NAMES_SQL = """
WITH RECURSIVE longer(name) AS (
    (SELECT search_given_name FROM members_person
     WHERE search_given_name > %(word)s AND search_given_name LIKE %(start)s
     ORDER BY search_given_name LIMIT 1)
    UNION ALL
    SELECT (SELECT p.search_given_name FROM members_person p
            WHERE p.search_given_name > longer.name AND p.search_given_name LIKE %(start)s
            ORDER BY p.search_given_name LIMIT 1)
    FROM longer WHERE longer.name IS NOT NULL
)
SELECT name FROM longer WHERE name IS NOT NULL LIMIT %(most)s
"""


def longer_given_names(word: str) -> list[str] | None:
    """The given names anyone has that are longer than the folded ``word``
    and start with it ("huon": ["huong"]), or None if there are more than
    ``MOST_LONGER_GIVEN_NAMES``. One step of the given-name index per name
    (a skip scan), whatever the number of people."""
    start = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute(
            LONGER_GIVEN_NAMES_SQL,
            {"word": word, "start": start, "most": MOST_LONGER_GIVEN_NAMES + 1},
        )
        names = [name for (name,) in cursor.fetchall()]
    return names if len(names) <= MOST_LONGER_GIVEN_NAMES else None


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
class NameFields:
    """Where the rows of a list have a person's folded names.

    ``name`` and ``given`` sort and range the list; ``person_name`` and
    ``person_given`` are the person's own columns, whose word and given-name
    indexes find the few rows of a rare word. A list of people's memberships
    uses the person's columns for all four; a province officer's member list
    uses the membership's copies (``Membership.search_name``) for the first
    two, which one index holds by province in name order.
    """

    name: str
    given: str
    person_name: str
    person_given: str

    @classmethod
    def of_person(cls, path: str = "person") -> NameFields:
        name, given = f"{path}__search_name", f"{path}__search_given_name"
        return cls(name=name, given=given, person_name=name, person_given=given)


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
        return cls(words=words_of(text), complete=text[-1:].isspace())

    def query(self) -> SearchQuery:
        """``w1 & w2 & last:*`` of the folded words."""
        raw = Unaccented(Value(self.raw_query()))
        return SearchQuery(raw, search_type="raw", config="simple")

    def raw_query(self) -> str:
        """``w1 & w2 & last:*``, not yet folded."""
        terms = list(self.words)
        if not self.complete:
            terms[-1] += ":*"
        return " & ".join(terms)

    def listed_shares(self) -> list[float]:
        """Each word's share of people as ANALYZE lists it among the common
        words of names (a half-typed one: the words starting with it
        together); 0 for a word it does not list (held by under ~1 %)."""
        words, shares = _word_stats().get(NAME_WORDS_INDEX, ([], []))
        last = len(self.words) - 1
        listed_shares = []
        for i, word in enumerate(self.words):
            listed = listed_as(fold(word), prefix=i == last and not self.complete)
            listed_shares.append(
                sum(f for w, f in zip(words, shares, strict=False) if listed(w))
            )
        return listed_shares

    def held_by_few(self, shares: list[float] | None = None) -> bool:
        """Fewer than ``FOUND_AT_ONCE`` people hold every word. Counted only
        when a word is not among the common ones (``shares``, as
        ``listed_shares`` gives them): the count of common words would read
        a long run of the word index (and they are held by many people, if
        not always together: see ``_ids_in_another_order``)."""
        if shares is None:
            shares = self.listed_shares()
        if all(share > 0 for share in shares):
            return False
        with connection.cursor() as cursor:
            cursor.execute(PEOPLE_WITH_WORDS_SQL, [self.raw_query(), FOUND_AT_ONCE])
            (count,) = cursor.fetchone()
        return count < FOUND_AT_ONCE

    def prefix(self) -> Unaccented:
        """The folded words as the start of a name ("nguyen thi")."""
        return Unaccented(Value(" ".join(self.words) + (" " if self.complete else "")))

    def given_name(self) -> Unaccented:
        """The last word typed, folded, as a given name."""
        return Unaccented(Value(self.words[-1]))

    def reordered_starts(self) -> list[str]:
        """Folded starts of names that begin with the words typed in another
        order ("van nguyen": "nguyen van", the family name typed last), each
        word whole but a half-typed one kept last; in name order, none inside
        another, none inside the names starting with the words as typed.
        Only for two or three words (at most five other orders)."""
        words = [fold(word) for word in self.words]
        if not 2 <= len(words) <= MOST_REORDERED_WORDS:
            return []
        typed = " ".join(words) + (" " if self.complete else "")
        starts: set[str] = set()
        for order in itertools.permutations(range(len(words))):
            phrase = " ".join(words[i] for i in order)
            half_typed_last = not self.complete and order[-1] == len(words) - 1
            start = phrase if half_typed_last else phrase + " "
            if not start.startswith(typed):  # else among the first group
                starts.add(start)
        kept: list[str] = []
        for start in sorted(starts):
            if not (kept and start.startswith(kept[-1])):
                kept.append(start)
        return kept

    def _groups(self, fields: NameFields) -> list[Q]:
        """Conditions of the groups listed in turn, each sorted by name:
        the names starting with the words, then those whose given name is the
        last word typed ("huong": everyone named Hương, who would otherwise
        be sorted among all the names holding the word), then those starting
        with the words in another order ("van nguyen": the Nguyễn Văn, whom
        a walk in name order reaches only after most names: 1 s nationally),
        then the others."""
        starting = Q(**{f"{fields.name}__startswith": self.prefix()})
        given = Q(**{fields.given: self.given_name()})
        reordered = Q()
        for start in self.reordered_starts():
            reordered |= _starting_with(fields.name, start)
        groups = [starting, ~starting & given]
        if reordered:
            groups.append(~starting & ~given & reordered)
            return [*groups, ~starting & ~given & ~reordered]
        return [*groups, ~starting & ~given]

    def matches(self, queryset: QuerySet, fields: NameFields) -> QuerySet:
        """Rows whose folded name has every word, all at once (an export):
        sorted by name within the groups ``first_ids`` lists."""
        if not self.words:
            return queryset.none()
        found = queryset.alias(name_words_match=name_words(fields.person_name)).filter(
            name_words_match=self.query()
        )
        order = list(queryset.query.order_by)
        if order and order[0] == fields.name:
            groups = self._groups(fields)
            group = Case(
                *(When(condition, then=Value(i)) for i, condition in enumerate(groups))
            )
            return found.order_by(group, *order)
        return found

    def first_ids(
        self,
        queryset: QuerySet,
        fields: NameFields,
        limit: int,
        *,
        at_once: bool = False,
        beside: str | None = None,
        needed: int | None = None,
        walk_province: bool = False,
    ) -> list[int]:
        """Ids of the first ``limit`` matches among ``queryset`` (not yet
        searched). Sorted by name, the groups of ``_groups`` are read in turn,
        each from its own index in order, until ``limit`` rows are found.

        ``at_once``: the queryset holds few rows (the country's cadres):
        all its matches are found through the word index and sorted in one
        query, groups included (``matches``); walking a name index in order
        would read ~50 names for each of them.

        ``beside``: the folded name held beside the first sort key in its
        index, when the list is sorted otherwise than by name; the words are
        checked on it as that index is walked.

        ``needed``: how many of the ids are read now (the page's); in another
        sort the matches may be counted apart, and only those read
        (``FirstIds``). All ``limit`` by default.

        ``walk_province``: the rows are one whole province's, by the copy of
        it the sort indexes hold: in another sort, common words are walked."""
        if not self.words:
            return []
        order = list(queryset.query.order_by)
        if at_once or not order:
            return _ids(self.matches(queryset, fields), limit)
        if order[0] != fields.name:
            return self._ids_in_another_order(
                queryset, fields, limit, beside, needed or limit, walk_province
            )
        starting, given, *reordered, others = self._groups(fields)
        # The words are implied by the first two conditions (but for the
        # words before the last, in the second): checking them again would
        # only mislead PostgreSQL's estimates (23 rows expected of 72,000).
        # The given-name group is read off its own index, whose rows (at most
        # the ~70,000 Hương of the country) are filtered one by one: the word
        # index would be combined with it, and for common words ("nguyen thi")
        # their bitmap overflows the work memory and re-checks a million rows.
        before_last = NameSearch(words=self.words[:-1], complete=True)
        # Each group reads at most the ids it is asked for, in order.
        groups: list[Callable[[int], list[int]]] = [
            lambda n: _ids(queryset.filter(starting), n),
            lambda n: _ids(
                before_last._having_words(
                    queryset.filter(given), fields, word_index=False
                ),
                n,
            ),
        ]
        if reordered:  # (the words typed in another order)
            # Each order's range is added by ``_reordered_ids``; given here
            # too, the range would be counted twice by PostgreSQL (1 row
            # expected of 56,000 "tran minh", all joined and sorted: 0.9 s).
            neither = queryset.filter(~starting & ~given)
            groups.append(lambda n: self._reordered_ids(neither, fields, n))
        groups.append(lambda n: self._other_ids(queryset.filter(others), fields, n))
        ids: list[int] = []
        for group in groups:
            if len(ids) >= limit:  # the page's cap is reached: stop reading
                break
            ids += group(limit - len(ids))
        return ids

    def _ids_in_another_order(
        self,
        queryset: QuerySet,
        fields: NameFields,
        limit: int,
        beside: str | None = None,
        needed: int | None = None,
        walk_province: bool = False,
    ) -> list[int]:
        """The first matches in a sort other than by name (date of birth,
        admission, status, cell, or names from the end of the alphabet).

        The whole country's words are checked row by row while the sort's
        own index is walked in order, which stops at the cap when the words
        are common together (an administrator's "nguyen" by date of birth:
        45 ms) — but reads all 5 million rows when they are rarely together
        ("nguyen le": 20–40 s), which no statistic foretells. So the walk
        gets ``WALK_TIME_MS``; past it, the matches are found through the word
        index with exact bitmaps, then sorted (~90 ms) — for at most
        ``FOUND_TIME_MS``, as millions of matches cost seconds to sort; past
        that the walk is taken up again to the end. Words that few people
        hold together (``held_by_few``: a rare word among them) are found
        that way at once, without a walk. A province's rows
        are always found then sorted: walking a national index finds 1 row
        in 34 there.

        The walk checks the words on the name ``beside`` the sort key in its
        index, when there is one: read from the index alone, ~0.2 µs an
        entry, where joining each row to its person's name cost ~5 µs
        ("huong" by status: 1.4 s found then sorted, 35 ms walked).

        The walk first looks for all ``limit`` matches (the list's count) for
        ``COUNT_WALK_MS`` only; past it they are counted through the word
        index: fewer than ``limit`` are found and sorted at once, more leave
        only the ``needed`` first to walk for (``FirstIds``)."""
        if fields.name == fields.person_name:
            walked_names = replace(fields, name=beside) if beside else fields
            walk = self._walked(queryset, walked_names)
            found = _sorted_after_found(self.matches(queryset, fields))
            shares = self.listed_shares()
            few = self.held_by_few(shares)
            walk_again = not few
            if not few and len(self.words) > 1:
                ids, walk_again = self._counted_apart(
                    queryset, walk, found, limit, needed or limit, shares
                )
                if ids is not None:
                    return ids
            walked = (
                walking_for_at_most(WALK_TIME_MS, walk, limit) if walk_again else None
            )
            if walked is not None:
                return walked
            first = queryset.query.order_by[0]
            reads_names = beside is not None or (
                isinstance(first, str) and first.lstrip("-") == fields.name
            )
            if few or not reads_names:
                # Few matches; or a walk that joins each row to its name (the
                # cells in name order, each cell's members, their people:
                # 23 s to the end of the country), where the matches a walk
                # of 300 ms missed are at most ~1 % of the people.
                with exact_bitmaps():
                    return _ids(found, limit)
            ids = found_for_at_most(FOUND_TIME_MS, found, limit)
            if ids is not None:
                return ids
            # Too many matches to sort after all, lying far along the sort's
            # index (every "Nguyễn" by name backwards: 1.4 million names to
            # walk before the first, 3.5 s to sort the 2 million): the walk,
            # reading the names from its own index, goes on to the end of
            # it if need be (~1 s at most).
            with walking_in_order():
                return _ids(walk, limit)
        # A province's rows: the words checked on its own range of the name
        # copies (a few hundred thousand rows), not looked up in the
        # country's word index (1.1 s for "nguyen le"), then sorted. Words
        # many people hold are walked in the sort's order first, for a whole
        # province (its own range of the sort's index, the name beside the
        # key, members/0026): sorting the province's 57,000 "nguyen" took
        # 110 ms, its 78,000 at province scale 160 ms.
        walk = self._walked(queryset, fields)
        if walk_province and self.held_by_many():
            walked = walking_for_at_most(COUNT_WALK_MS, walk, limit)
            if walked is not None:
                return walked
        return _ids(_sorted_after_found(walk), limit)

    def held_by_many(self) -> bool:
        """Each word is held by ``PROVINCE_WALK_SHARE`` of people or more,
        as far as ANALYZE's common words tell."""
        return all(share >= PROVINCE_WALK_SHARE for share in self.listed_shares())

    def _counted_apart(
        self,
        queryset: QuerySet,
        walk: QuerySet,
        found: QuerySet,
        limit: int,
        needed: int,
        shares: list[float],
    ) -> tuple[list[int] | None, bool]:
        """The first matches of several words in another sort: walked for
        all ``limit`` briefly (``COUNT_WALK_MS``), else found unsorted
        through the word index (up to ``limit``): fewer are sorted by id,
        more leave the ``needed`` first to walk for, with the count
        (``FirstIds``). None if neither way was done in its time, and
        whether a longer walk may still find them (not when the page's few
        were walked for ``WALK_TIME_MS`` in vain).

        The brief walk is left out when even words held independently
        (``shares``, their product) would be too few together to meet
        ``limit`` within ``COUNT_WALKED_ENTRIES``: "le thi hoa", ~0.3 %."""
        if math.prod(shares) * COUNT_WALKED_ENTRIES >= limit:
            walked = walking_for_at_most(COUNT_WALK_MS, walk, limit)
            if walked is not None:
                return walked, False
        unsorted = found_for_at_most(COUNT_TIME_MS, found.order_by(), limit)
        if unsorted is None:
            return None, True
        if len(unsorted) < limit:
            # Sorted by id alone: their words were checked (found again
            # through the word index, they cost as much once more).
            among = queryset.filter(_among(unsorted))
            return _ids(_sorted_after_found(among), limit), False
        page = walking_for_at_most(WALK_TIME_MS, walk, min(needed, limit))
        if page is None:
            return None, False
        return FirstIds(page, matches=len(unsorted)), False

    def _reordered_ids(
        self, queryset: QuerySet, fields: NameFields, limit: int
    ) -> list[int]:
        """The names starting with the words in another order: each order a
        range of the name index read in order up to ``limit``, as the first
        group is, all in one query. Walked in order, whatever PostgreSQL
        guesses: it takes a narrow range of names ("tran minh" to "tran
        minh!") for a row or two, and sorted the 56,000 it holds (0.9 s)."""
        parts = [
            queryset.filter(_starting_with(fields.name, start))
            for start in self.reordered_starts()
        ]
        with walking_in_order():
            return _merged_ids(parts, list(queryset.query.order_by), limit)

    def _other_ids(
        self, queryset: QuerySet, fields: NameFields, limit: int
    ) -> list[int]:
        """The last group, read the way its size calls for:

        - the word rare among family and middle names: those few rows
          through the word index of those names, and, while the word is
          being typed, each longer given name starting with it read in name
          order off the given-name index ("huon": the Hương), merged;
        - few matches in all: through the narrow indexes (``_elsewhere``);
        - else (a common middle word: "thi", "van", "ngoc") by walking the
          name index in order, which stops at the cap — the word index is
          then kept out of PostgreSQL's sight, since with it the planner
          sometimes re-checks 1.8 million rows. The whole country's index
          is walked for its first ``WALK_SHARE`` only; the rest of it is
          read by where the words can be (``_ids_by_word_places``).
        """
        word = fold(self.words[-1])
        shares = other_matches_share(word, prefix=not self.complete)
        if shares.leading < FEW_OTHER_MATCHES:
            longer = longer_given_names(word) if not self.complete else []
            if longer is not None:
                return self._ids_by_given_names(queryset, fields, longer, limit)
        if shares.total < FEW_OTHER_MATCHES:
            rows = self._having_words(self._elsewhere(queryset, fields), fields)
            return _ids(rows, limit)
        bound = shares.walk_bound
        if fields.name != fields.person_name or bound is None:
            # A province's own index (at most a few hundred thousand names).
            with walking_in_order():
                return _ids(self._walked(queryset, fields), limit)
        # The whole country's: a walk finding few matches would read all
        # 5 million names (an administrator's "nguyen le": 0.8–1.7 s). The
        # first ``WALK_SHARE`` of them is walked; if the page is not full
        # by then, the matches are few, and the rest of the names are
        # searched by where the words can be (``_ids_by_word_places``).
        name = fields.name
        with walking_in_order():
            ids = _ids(
                self._walked(queryset.filter(**{f"{name}__lt": bound}), fields), limit
            )
        if len(ids) >= limit:
            return ids
        rest = queryset.filter(**{f"{name}__gte": bound})
        longer = longer_given_names(word) if not self.complete else []
        if longer is None:  # a word of one or two letters: too many given names
            with walking_in_order():
                return ids + _ids(self._walked(rest, fields), limit - len(ids))
        return ids + self._ids_by_word_places(rest, fields, longer, limit - len(ids))

    def _walked(self, queryset: QuerySet, fields: NameFields) -> QuerySet:
        """The rows having the words, for a walk of the name index in order."""
        return self._having_words(queryset, fields, word_index=False)

    def _ids_by_word_places(
        self, queryset: QuerySet, fields: NameFields, longer: list[str], limit: int
    ) -> list[int]:
        """The last group's rows by where the words typed are in the name,
        as one query of parts merged in order (``_merged_ids``). A row's
        given name (its last word) is either
        - a word typed before the last ("huong nguyen": the Nguyễn Thị
          Hương): that given name's range of the given-name index, walked in
          name order;
        - a longer given name starting with the last word, half typed
          (``longer``): idem;
        - none of them: then every word is among the family and middle
          names (their word index, every word at once: "nguyen le" finds
          none in 35–80 ms), or inside an unusual given name ("h'mai").
        Each part is small or read in order and cut at ``limit``."""
        having = self._having_words
        given_names = [
            NameSearch(words=(word,), complete=True).given_name()
            for word in self.words[:-1]
        ] + [Value(name) for name in longer]
        by_word_index = (
            queryset.alias(
                leading_words_match=name_words(LeadingWords(F(fields.person_name)))
            ).filter(leading_words_match=self.query()),
            having(
                queryset.filter(
                    **{f"{fields.person_given}__regex": UNUSUAL_GIVEN_NAME}
                ),
                fields,
            ),
        )
        by_given_name = [
            having(queryset.filter(**{fields.given: given}), fields, word_index=False)
            for given in given_names
        ]
        order = list(queryset.query.order_by)
        with walking_with_exact_bitmaps():
            return _merged_ids(by_given_name, order, limit, found=by_word_index)

    def _ids_by_given_names(
        self, queryset: QuerySet, fields: NameFields, longer: list[str], limit: int
    ) -> list[int]:
        """The last group as one query: the rows with the word among their
        family and middle names (or inside an unusual given name), and those
        of each longer given name in ``longer``, each part in the list's
        order and cut at ``limit``, then merged in that order. A part of one
        given name is a range of the given-name index already in name order
        (the province's own index for a province officer)."""
        before_last = NameSearch(words=self.words[:-1], complete=True)
        parts = [
            self._having_words(self._elsewhere(queryset, fields, longer=False), fields)
        ]
        parts += [
            before_last._having_words(
                queryset.filter(**{fields.given: name}), fields, word_index=False
            )
            for name in longer
        ]
        return _merged_ids(parts, list(queryset.query.order_by), limit)

    def _elsewhere(
        self, queryset: QuerySet, fields: NameFields, *, longer: bool = True
    ) -> QuerySet:
        """Where the last word can be, outside the first two groups, when it
        is rare there (``other_matches_share``): among the family and middle
        names (their own word index), at the start of a longer given name (a
        range of the given-name index), or inside a given name of several
        words (a partial index). PostgreSQL then reads these few rows, not
        every person with the word (the 72,000 Hương of the country, 165 ms
        for a province officer's "huong"). ``longer``: the longer given
        names too (else they are read on their own, ``_ids_by_given_names``)."""
        last_word = NameSearch(words=(self.words[-1],), complete=self.complete)
        given = last_word.given_name()
        somewhere = Q(leading_words_match=last_word.query()) | Q(
            **{f"{fields.person_given}__regex": UNUSUAL_GIVEN_NAME}
        )
        if longer and not self.complete:  # a longer given name: "huong" < it < "huonh"
            somewhere |= Q(**{f"{fields.person_given}__gt": given}) & Q(
                **{f"{fields.person_given}__startswith": given}
            )
        return queryset.alias(
            leading_words_match=name_words(LeadingWords(F(fields.person_name)))
        ).filter(somewhere)

    def _having_words(
        self, queryset: QuerySet, fields: NameFields, *, word_index: bool = True
    ) -> QuerySet:
        """Rows whose name has every word, in the queryset's own order.

        Each word must also be in the name as letters (``LIKE '%van%'``):
        implied by the word match, cheap to check first, and with it
        PostgreSQL walks the name index in order when the words are common.
        Once the names starting with the words are excluded, a common word
        is spread over the whole index (a middle or given name: "van" of most
        men) and the walk stops at the cap — 17 ms where sorting every match
        took 4.4 s nationally; rare words still come from the word index.
        """
        if not self.words:
            return queryset
        # CONCAT(name, '') has the same words but no index. Walking, the
        # words are checked on the sorted column (in the walked index); else
        # on the person's, whose word index finds them.
        field = fields.person_name if word_index else fields.name
        name = (
            field
            if word_index
            else Func(
                F(field), Value(""), function="CONCAT", output_field=models.TextField()
            )
        )
        return (
            queryset.filter(search_filter(field, " ".join(self.words)))
            .alias(name_words_match=name_words(name))
            .filter(name_words_match=self.query())
        )


class NotWalked(Func):
    """A sort key no index supplies, ``COALESCE(key, key)``: the same value,
    type and collation, so the rows sorted by it are found first, then
    sorted, never read by walking an index of the key in order."""

    template = "COALESCE(%(expressions)s, %(expressions)s)"


def _merged_ids(
    parts: list[QuerySet],
    order: list[Any],
    limit: int,
    *,
    found: tuple[QuerySet, ...] = (),
) -> list[int]:
    """Ids of the first ``limit`` rows of ``parts`` together, in ``order``,
    in one query: each part sorted and cut at ``limit`` (read in order off
    its own index), then their UNION sorted again (at most parts × limit
    rows). UNION, not UNION ALL: a row may be in two parts ("Đỗ Thị Thịnh"
    has "thi" as a middle word and "thinh" as given name).

    ``found``: parts whose few rows are found through another index (a word
    index) and then sorted, never by walking the name index in order — with
    ``LIMIT`` and a guess of many matches PostgreSQL would walk all 5
    million names for the rows of "nguyen le" (8 s) when there are none."""
    # The sort keys, selected under names of their own so that the union
    # can be sorted by them.
    keys = {f"pq_sort{i}": F(key.lstrip("-")) for i, key in enumerate(order)}
    outer = [
        f"-pq_sort{i}" if key.startswith("-") else f"pq_sort{i}"
        for i, key in enumerate(order)
    ]
    first = next(iter(keys), None)
    not_walked = {**keys, first: NotWalked(keys[first])} if first else keys
    sorted_parts = [
        part.annotate(**(not_walked if unwalked else keys))
        .values_list("pk", *keys)
        .order_by(*outer)[:limit]
        for part, unwalked in [
            *((part, False) for part in parts),
            *((part, True) for part in found),
        ]
    ]
    merged = sorted_parts[0]
    if len(sorted_parts) > 1:
        merged = merged.union(*sorted_parts[1:]).order_by(*outer)[:limit]
    return [row[0] for row in merged]


class FirstIds(list):
    """The first ids of a search's matches, in order, when the matches were
    counted apart (``matches``, at most the cap asked for) and only the
    first few of them read: the page's, not the 2,001 the count needs."""

    def __init__(self, ids: list[int], *, matches: int):
        super().__init__(ids)
        self.matches = matches


def not_walked(key: Any) -> Any:
    """The sort key ``key`` ("name" or "-name") as one no index supplies
    (``NotWalked``), in the same direction; an expression stays as it is."""
    if not isinstance(key, str):
        return key
    expression = NotWalked(F(key.lstrip("-")))
    return expression.desc() if key.startswith("-") else expression.asc()


def _sorted_after_found(queryset: QuerySet) -> QuerySet:
    """The queryset in its own order, its first key made one no index
    supplies, so that its rows are found first, then sorted."""
    order = list(queryset.query.order_by)
    if not order:
        return queryset
    return queryset.order_by(not_walked(order[0]), *order[1:])


class _IsAmong(Lookup):
    """``lhs = ANY(rhs)``, ``rhs`` an array."""

    lookup_name = "is_among"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _among(ids: list[int]) -> _IsAmong:
    """The rows whose id is one of ``ids``, given as one array (``id =
    ANY(%s)``): 2,000 ids as 2,000 parameters (``pk__in``) cost ~20 ms of
    Python to write into the query."""
    ids_array = Value(ids, output_field=ArrayField(models.BigIntegerField()))
    return _IsAmong(F("pk"), ids_array)


def _starting_with(field: str, start: str) -> Q:
    """Names starting with the folded ``start``; one ending with a space
    ends with a whole word, which may also end the name: "nguyen van an"
    itself or "nguyen van an …", the range from it to "nguyen van an!" ("!"
    comes right after the space in the "C" collation; no name holds a
    control character)."""
    if start.endswith(" "):
        words = start[:-1]
        return Q(**{f"{field}__gte": words, f"{field}__lt": words + "!"})
    return Q(**{f"{field}__startswith": start})


def _ids(queryset: QuerySet, limit: int) -> list[int]:
    return list(queryset.values_list("pk", flat=True)[:limit])
