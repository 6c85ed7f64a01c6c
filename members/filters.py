"""Filters of the member and cadre lists (GET forms: every filtered list is a
shareable URL). Both lists have a ``person`` foreign key, so the person's
filters are shared; qualification filters use the highest completed level
per dimension, as reports do."""

from __future__ import annotations

import datetime
import math
from functools import cached_property

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.ethnicities import ETHNICITIES, KINH
from members.models import (
    ACTIVE_STATUSES,
    Gender,
    Membership,
    MembershipStatus,
    Origin,
    Position,
    PositionGroup,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from members.qualifications import (
    LEVEL_DIMENSION,
    LEVEL_RANK,
    TOP_RANK,
    Dimension,
    levels_of,
)
from organizations.access import is_admin, reach_province, root_unit_ids, whole_province
from organizations.models import Unit
from organizations.tree import ancestor_ids, outline, subtree_ids_sql
from partyquality.search import NameFields, NameSearch, not_walked
from partyquality.widgets import LongSelect

AGE_BANDS = [
    ("lt30", _("Dưới 30 tuổi"), 0, 30),
    ("30_39", _("Từ 30 đến 39"), 30, 40),
    ("40_49", _("Từ 40 đến 49"), 40, 50),
    ("50_59", _("Từ 50 đến 59"), 50, 60),
    ("60plus", _("Từ 60 tuổi"), 60, None),
]
# Party badges start at 30 years of membership (DOMAIN.md §4).
MEMBERSHIP_YEAR_BANDS = [
    ("lt5", _("Dưới 5 năm"), 0, 5),
    ("5_9", _("Từ 5 đến dưới 10 năm"), 5, 10),
    ("10_19", _("Từ 10 đến dưới 20 năm"), 10, 20),
    ("20_29", _("Từ 20 đến dưới 30 năm"), 20, 30),
    ("30plus", _("Từ 30 năm"), 30, None),
]
ACTIVE = "active"
MINORITY = "minority"
YES_NO = [("yes", _("Có")), ("no", _("Không"))]


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def band_q(field: str, bands: list, value: str) -> Q:
    """Rows whose date ``field`` is between the band's years ago, as of today."""
    today = timezone.localdate()
    for code, _label, low, high in bands:
        if code == value:
            query = Q(**{f"{field}__lte": years_before(today, low)})
            if high is not None:
                query &= Q(**{f"{field}__gt": years_before(today, high)})
            return query
    return Q()


def unit_choices(user: object, selected: int | None) -> list[tuple[str, str]]:
    """The units offered in the unit select, as an outline of today's tree.

    A province has ~12,000 units and the country ~360,000: the select shows
    the user's own units (every province for an administrator) and opens the
    path down to the chosen unit, with the children of each unit on it, so
    that choosing a unit offers the next level (about 150 options at most)
    instead of thousands. A chosen unit outside that path (closed, or reached
    through a merger) is added at the end; ``filter_unit`` scopes it anyway.
    """
    today = timezone.localdate()
    admin = is_admin(user)  # type: ignore[arg-type]
    tops = [] if admin else root_unit_ids(user)  # type: ignore[arg-type]
    expanded = list(tops)
    if selected is not None:
        path = ancestor_ids(selected, today)
        # The path from the user's own unit (the province for an administrator).
        starts = [0] if admin else [i for i, pk in enumerate(path) if pk in tops]
        if starts:
            expanded += path[starts[0] :]
    units = outline(tops=tops, all_provinces=admin, expanded=expanded, day=today)
    return [(str(pk), "\u2003" * depth + name) for pk, name, depth in units]


def _key(key: object) -> object:
    """A sort key without its direction ("-status": "status")."""
    return key.lstrip("-") if isinstance(key, str) else key


def _unit_id(value: str | None) -> int | None:
    """A unit id from the URL, or None for anything else ("²", 10**20)."""
    if value and value.isascii() and value.isdigit() and int(value) < 2**63:
        return int(value)
    return None


def _visible_units(request: object) -> QuerySet[Unit]:
    user = getattr(request, "user", None)
    return Unit.objects.visible_to(user)  # type: ignore[arg-type]


# A level held by this share of people or more is tested row by row in a
# part of the country's list (``PersonFilterSet.filter_highest``), not found
# from the level index. Both cost about the same there (~100 ms for the last
# province's officer: 50,000 rows tested for 2,001, or 200,000 holders read).
PROBED_LEVEL_SHARE = 0.04

# How often ANALYZE saw each level among the qualifications, how many there
# are and how many people.
LEVEL_SHARES_SQL = """
SELECT s.most_common_vals::text::text[], s.most_common_freqs,
       (SELECT reltuples FROM pg_class WHERE relname = 'members_qualification'),
       (SELECT reltuples FROM pg_class WHERE relname = 'members_person')
FROM pg_stats s
WHERE s.schemaname = current_schema() AND s.tablename = 'members_qualification'
  AND s.attname = 'level'
"""


def level_shares() -> dict[str, float]:
    """About which share of people hold each level ANALYZE lists as common
    among the qualifications (a person holds one qualification a level): its
    count over the number of people; none before ANALYZE has seen them."""
    with connection.cursor() as cursor:
        cursor.execute(LEVEL_SHARES_SQL)
        row = cursor.fetchone()
    if row is None or not row[0] or not row[3] or row[3] <= 0:
        return {}
    levels, freqs, qualifications, people = row
    return {
        level: freq * qualifications / people
        for level, freq in zip(levels, freqs, strict=False)
    }


class PersonFilterSet(django_filters.FilterSet):
    """Filters on the person of a membership or of a position holding."""

    unit_field = "current_cell_id"

    # Not stripped: a space after the last word says the word is complete.
    q = django_filters.CharFilter(
        label=_("Tìm theo tên"), method="filter_q", strip=False
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị (cả cấp dưới)"),
        queryset=_visible_units,
        method="filter_unit",
        empty_label=_("Tất cả đơn vị"),
    )
    gender = django_filters.ChoiceFilter(
        label=_("Giới tính"), choices=Gender.choices, method="filter_gender"
    )
    ethnicity = django_filters.ChoiceFilter(
        label=_("Dân tộc"),
        choices=[(MINORITY, _("Dân tộc thiểu số")), *ETHNICITIES],
        method="filter_ethnicity",
    )
    age = django_filters.ChoiceFilter(
        label=_("Độ tuổi"),
        choices=[(code, label) for code, label, _lo, _hi in AGE_BANDS],
        method="filter_age",
    )
    general = django_filters.ChoiceFilter(
        label=Dimension.GENERAL.label,
        choices=levels_of(Dimension.GENERAL),
        method="filter_highest",
    )
    professional = django_filters.ChoiceFilter(
        label=Dimension.PROFESSIONAL.label,
        choices=levels_of(Dimension.PROFESSIONAL),
        method="filter_highest",
    )
    political = django_filters.ChoiceFilter(
        label=Dimension.POLITICAL.label,
        choices=levels_of(Dimension.POLITICAL),
        method="filter_highest",
    )
    state_management = django_filters.ChoiceFilter(
        label=Dimension.STATE_MANAGEMENT.label,
        choices=levels_of(Dimension.STATE_MANAGEMENT),
        method="filter_highest",
    )
    it = django_filters.ChoiceFilter(
        label=Dimension.IT.label,
        choices=levels_of(Dimension.IT),
        method="filter_highest",
    )
    foreign_language = django_filters.ChoiceFilter(
        label=Dimension.FOREIGN_LANGUAGE.label,
        choices=levels_of(Dimension.FOREIGN_LANGUAGE),
        method="filter_highest",
    )
    studying = django_filters.ChoiceFilter(
        label=_("Đang đi học"), choices=YES_NO, method="filter_studying"
    )
    position = django_filters.ModelChoiceFilter(
        label=_("Chức vụ"),
        queryset=Position.objects.all(),
        method="filter_position",
        empty_label=_("Tất cả chức vụ"),
    )
    origin = django_filters.ChoiceFilter(
        label=_("Nguồn cán bộ"), choices=Origin.choices, method="filter_origin"
    )

    # Shown at once; the others sit under "more filters".
    primary = ("q", "unit", "status", "position", "gender")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for form_field in self.form.fields.values():
            if hasattr(form_field, "empty_label") and not isinstance(
                form_field, forms.ModelChoiceField
            ):
                form_field.empty_label = _("Tất cả")
                # Re-bind the choices to this copy of the field, which holds
                # the new label (the form's fields are deep copies).
                form_field.choices = [c for c in form_field.choices if c[0] != ""]
            if type(form_field.widget) is forms.Select:
                # A dozen selects of up to a hundred options, rendered on
                # every keystroke of a search: by one string join each.
                form_field.widget = LongSelect(
                    attrs=form_field.widget.attrs, choices=form_field.widget.choices
                )
        field = self.form.fields["unit"]
        selected = self.data.get("unit") if self.data else None
        selected_id = _unit_id(selected)
        choices = [
            ("", str(_("Tất cả đơn vị"))),
            *unit_choices(getattr(self.request, "user", None), selected_id),
        ]
        if selected_id and selected not in {value for value, _label in choices}:
            unit = _visible_units(self.request).filter(pk=selected_id).first()
            if unit is not None:
                choices.append((str(unit.pk), unit.name))
        field.widget = LongSelect(attrs=field.widget.attrs, choices=choices)

    @property
    def secondary_active(self) -> bool:
        """A filter under "more filters" is set, so the section opens."""
        return (
            any(
                self.data.get(name) for name in self.filters if name not in self.primary
            )
            if self.data
            else False
        )

    # What the name box holds, kept by ``filter_q`` and applied after every
    # other filter (``filter_queryset``) so that the list can read the names
    # starting with it first (``first_ids``).
    name_search: NameSearch | None = None
    unsearched: QuerySet | None = None
    # Where the rows have the person's folded names (``narrow`` may change it).
    names = NameFields.of_person()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value.strip():
            self.name_search = NameSearch.parse(value)
        return queryset

    # Keys that end every sort, so that rows of equal names (the ~16,000
    # "Nguyễn Văn An" of the country) keep one order from page to page.
    tiebreak: tuple[str, ...] = ("id",)

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = self.narrow(self._stable(super().filter_queryset(queryset)))
        if self.name_search is None:
            return queryset
        self.unsearched = queryset
        return self.name_search.matches(queryset, self.names)

    def _stable(self, queryset: QuerySet) -> QuerySet:
        """The chosen sort (``o``) followed by the tie-breaking keys."""
        order = list(queryset.query.order_by)
        return queryset.order_by(*order, *(k for k in self.tiebreak if k not in order))

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """The filtered, sorted rows, perhaps re-expressed for speed."""
        return queryset

    def first_ids(self, limit: int, needed: int | None = None) -> list[int] | None:
        """Ids of the first ``limit`` rows of a name search, names starting
        with the words first; None without a search. Perhaps only the
        ``needed`` first, with the count of matches (``FirstIds``)."""
        if self.name_search is None or self.unsearched is None:
            return None
        order = self.unsearched.query.order_by
        first_key = _key(order[0]) if order else None
        return self.name_search.first_ids(
            self.unsearched,
            self.names,
            limit,
            at_once=self.few_rows(),
            beside=self.NAMES_BESIDE.get(first_key),
            needed=needed,
            walk_province=self.walks_province(),
        )

    def walks_province(self) -> bool:
        """The rows are one whole province's, read by their copy of it, which
        the list's sort indexes hold: a search may walk them in order."""
        return False

    # The folded name held beside each sort key in that sort's index
    # (members/0020): a search in that order checks the words there.
    NAMES_BESIDE: dict[object, str] = {}

    def few_rows(self) -> bool:
        """The list's rows are few enough to sort every match at once."""
        return False

    def filter_unit(self, queryset: QuerySet, name: str, value: Unit) -> QuerySet:
        today = timezone.localdate()
        return queryset.filter(
            **{f"{self.unit_field}__in": subtree_ids_sql([value.pk], today)}
        )

    @cached_property
    def sees_a_part(self) -> bool:
        """The user sees a part of the country, not all of it (an
        administrator)."""
        user = getattr(self.request, "user", None)
        return user is not None and not is_admin(user)

    @cached_property
    def level_shares(self) -> dict[str, float]:
        """``level_shares()``, read once for all of the page's level filters."""
        return level_shares()

    @cached_property
    def levels_held_together(self) -> float:
        """About which share of people hold every level the page filters on,
        as if held independently: two common levels seldom held together
        ("primary" general education and a university degree: none) are
        joined from the level index, not tested on each of a province's
        150,000 rows for none (250 ms; 105–128 ms joined)."""
        asked = [
            self.form.cleaned_data.get(name)
            for name, list_filter in self.filters.items()
            if list_filter.method == "filter_highest"
        ]
        return math.prod(self.level_shares.get(level, 0.0) for level in asked if level)

    def person_field(self, name: str) -> str:
        """Where the rows have the person's ``name`` (date of birth, gender,
        ethnicity): the person's own field here."""
        return f"person__{name}"

    def filter_gender(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(**{self.person_field("gender"): value})

    def filter_ethnicity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        field = self.person_field("ethnicity")
        if value == MINORITY:
            return queryset.exclude(**{field: KINH})
        return queryset.filter(**{field: value})

    def filter_age(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        field = self.person_field("date_of_birth")
        return queryset.filter(band_q(field, AGE_BANDS, value))

    def filter_highest(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The person's highest completed level in that dimension is ``value``.

        For a user who sees a part of the country, a level held by many
        (``PROBED_LEVEL_SHARE`` of people or more, with the page's other
        levels: ``levels_held_together``) is tested row by row as
        the list's rows are read (a subquery PostgreSQL cannot turn into a
        join): the first 2,001 are met within ~20,000 rows. As a join,
        PostgreSQL read the holders of the level from its index in person
        order, expecting a province's people to be spread along it — they
        lie together, and for the last province it read a million entries
        before the first (``professional=university`` with an age band:
        207 ms, 45 ms tested row by row). A level held by few is found from
        that index, all its holders read (at most ~4 % of people, ~100 ms);
        so is every level for the whole country, whose people are
        everywhere along it (tested row by row: 54 → 128 ms)."""
        dimension = LEVEL_DIMENSION[value]
        completed = Qualification.objects.filter(
            person=OuterRef("person_id"),
            dimension=dimension,
            status=QualificationStatus.COMPLETED,
        )
        holding = completed.filter(level=value)
        if self.sees_a_part and self.levels_held_together >= PROBED_LEVEL_SHARE:
            held = f"_holds_{dimension}"
            tested = Subquery(holding.values(one=Value(1))[:1])
            having = queryset.alias(**{held: tested}).filter(
                **{f"{held}__isnull": False}
            )
        else:
            having = queryset.filter(Exists(holding))
        if LEVEL_RANK[value] == TOP_RANK[dimension]:
            # Nothing ranks higher: no second test (PostgreSQL read all 7
            # million qualifications to find none for "upper secondary").
            return having
        return having.filter(~Exists(completed.filter(rank__gt=LEVEL_RANK[value])))

    def filter_studying(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        studying = Exists(
            Qualification.objects.filter(
                person=OuterRef("person_id"), status=QualificationStatus.STUDYING
            )
        )
        return queryset.filter(studying if value == "yes" else ~studying)

    def _open_holdings(self) -> QuerySet[PositionHolding]:
        today = timezone.localdate()
        return PositionHolding.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=today),
            person=OuterRef("person_id"),
            valid_from__lte=today,
        )

    def filter_position(
        self, queryset: QuerySet, name: str, value: Position
    ) -> QuerySet:
        return queryset.filter(Exists(self._open_holdings().filter(position=value)))

    def filter_origin(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Exists(self._open_holdings().filter(origin=value)))


class MemberFilter(PersonFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=[(ACTIVE, _("Đang sinh hoạt")), *MembershipStatus.choices],
        method="filter_status",
        empty_label=_("Tất cả"),
    )
    years = django_filters.ChoiceFilter(
        label=_("Tuổi đảng"),
        choices=[(code, label) for code, label, _lo, _hi in MEMBERSHIP_YEAR_BANDS],
        method="filter_years",
    )
    o = django_filters.OrderingFilter(
        fields=(
            ("person__search_name", "name"),
            ("person__date_of_birth", "dob"),
            ("admitted_on", "admitted"),
            # The membership's copy of its cell's name (members/0022).
            ("cell_name", "cell"),
            ("status", "status"),
        ),
        label=_("Sắp xếp"),
    )

    class Meta:
        model = Membership
        fields: list[str] = []

    # The person before the membership: the person's name index holds
    # (name, person), so equal names are read in order and the walk stops at
    # the page's cap instead of sorting every "Nguyễn Văn An" by membership
    # (selectors.member_list sorts the same way).
    tiebreak = ("person_id", "id")

    NAMES_BESIDE = {
        "status": "search_name",
        "admitted_on": "search_name",
        "person__date_of_birth": "person__search_name",
        "cell_name": "search_name",
    }

    # The membership's copies of its person's names (Membership.search_name).
    OWN_NAMES = NameFields(
        name="search_name",
        given="search_given_name",
        person_name="person__search_name",
        person_given="person__search_given_name",
    )

    @cached_property
    def province(self) -> int | None:
        """The province holding the user's whole reach (``reach_province``),
        if there is one."""
        user = getattr(self.request, "user", None)
        return reach_province(user) if user is not None else None

    def walks_province(self) -> bool:
        """An officer of a whole province sees its memberships by their copy
        of it (``Membership.visible_to``), which leads the province's sort
        indexes (members/0026); another user's scope is tested on the cell."""
        user = getattr(self.request, "user", None)
        return self.province is not None and whole_province(user) == self.province

    # The person's fields the membership has copies of (Membership.gender…).
    PERSON_COPIES = ("date_of_birth", "gender", "ethnicity")

    def person_field(self, name: str) -> str:
        """A province's rows are filtered on the membership's copies of the
        person's fields, which the province's index holds beside the name:
        read from that range alone, not from 150,000 people one by one
        (``gender=F&age=lt30``: 219 → 40 ms, bench/RESULTS.md)."""
        if self.province is not None and name in self.PERSON_COPIES:
            return name
        return super().person_field(name)

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """A user whose whole reach lies in one province (``reach_province``)
        gets that province's rows by their own index, in name order; the
        scope filter stays, so nothing outside the reach is added. The
        membership's copies of the name and of the date of birth sort the
        same as the person's."""
        province = self.province
        if province is None:
            return queryset
        self.names = self.OWN_NAMES
        copies = {
            NameFields.of_person().name: self.names.name,
            super().person_field("date_of_birth"): "date_of_birth",
        }
        order = [
            key.replace(_key(key), copies[_key(key)])
            if isinstance(key, str) and _key(key) in copies
            else key
            for key in queryset.query.order_by
        ]
        if order[:3] == [self.names.name, "person_id", "id"]:
            # The province's name index holds (name, membership): equal names
            # in membership order, as they are read.
            order.remove("person_id")
        return queryset.filter(province_id=province).order_by(*order)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ACTIVE:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)

    def filter_years(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(band_q("admitted_on", MEMBERSHIP_YEAR_BANDS, value))


class CadreFilter(PersonFilterSet):
    unit_field = "unit_id"
    # The holding's own copies of its person's names (PositionHolding
    # .search_name) and their word index: no join of the 5 million people.
    names = NameFields(
        name="search_name",
        given="search_given_name",
        person_name="search_name",
        person_given="search_given_name",
    )

    def person_field(self, name: str) -> str:
        """The holding's own copies of its person's date of birth, gender and
        ethnicity (members/0023): the country's ~100,000 holdings are filtered
        on their own rows, not joined one by one to 5 million people (an
        administrator's ``gender=F&age=lt30``: 173 → 35 ms, bench/RESULTS.md)."""
        return name

    def narrow(self, queryset: QuerySet) -> QuerySet:
        """Sorted by unit: the holdings are found, then sorted by their
        unit's name; walking the units in name order (unit_name_idx, for the
        member list) reached the communes, where positions are held, only
        after 300,000 cells (0.37 s)."""
        order = [
            not_walked(k) if _key(k) == "unit__name" else k
            for k in queryset.query.order_by
        ]
        return queryset.order_by(*order)

    def few_rows(self) -> bool:
        """The whole country holds ~100,000 positions (a province ~3,000):
        every match is found through the holdings' word index and sorted in
        one query (an administrator's "thi": 414 → ~40 ms, "nguyen le"
        1.1 s → ~20 ms here); reading group by group walked the names of the
        country for a few cadres among them."""
        return True

    group = django_filters.ChoiceFilter(
        label=_("Nhóm chức vụ"),
        field_name="position__group",
        choices=PositionGroup.choices,
    )
    member = django_filters.ChoiceFilter(
        label=_("Là đảng viên"), choices=YES_NO, method="filter_member"
    )
    o = django_filters.OrderingFilter(
        fields=(
            ("search_name", "name"),
            ("date_of_birth", "dob"),
            ("position__order", "position"),
            ("unit__name", "unit"),
            ("valid_from", "since"),
        ),
        label=_("Sắp xếp"),
    )

    class Meta:
        model = PositionHolding
        fields: list[str] = []

    def filter_position(
        self, queryset: QuerySet, name: str, value: Position
    ) -> QuerySet:
        return queryset.filter(position=value)

    def filter_origin(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(origin=value)

    def filter_member(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """On the holding's own record of it (``holder_is_member``, kept by
        triggers from the memberships, members/0024)."""
        return queryset.filter(holder_is_member=value == "yes")
