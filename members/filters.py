"""Filters of the member and cadre lists (GET forms: a filtered list is a
shareable URL). Each filter is a plain WHERE clause, the name search one
full-text condition, the sort ends with the row's id; both lists have a
``person``, so the person's filters are shared. docs/member_list.md."""

from __future__ import annotations

import datetime

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.expressions import OrderBy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.ethnicities import ETHNICITIES, KINH
from members.models import (
    ACTIVE_STATUSES,
    Gender,
    Membership,
    MembershipStatus,
    Origin,
    Person,
    Position,
    PositionGroup,
    PositionHolding,
)
from members.qualifications import Dimension, levels_of
from organizations.access import is_admin
from organizations.models import Unit
from organizations.tree import subtree_ids_sql
from organizations.unit_select import unit_select, visible_units
from partyquality.search import NameSearch
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
ALL = "all"
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


def found_first(key: str, row: str = "id") -> OrderBy:
    """The sort key as an expression no index holds, read only once the
    list's own ``row`` is there (``CASE WHEN row.id IS NOT NULL THEN key``):
    PostgreSQL then finds a search's rows first and sorts only them, rather
    than walk the name order, where all the "Hương" lie together far down
    (docs/member_list.md, point 4)."""
    name = key.removeprefix("-")
    found = Case(When(**{f"{row}__isnull": False}, then=F(name)))
    return found.desc() if key.startswith("-") else found.asc()


def _highest_level(dimension: Dimension) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=dimension.label, choices=levels_of(dimension), method="filter_highest"
    )


class PersonFilterSet(django_filters.FilterSet):
    """Filters on the person of a membership or of a position holding."""

    unit_field = "current_cell_id"

    # Not stripped: a space after the last word says the word is complete.
    q = django_filters.CharFilter(
        label=_("Tìm theo tên"), method="filter_q", strip=False
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị (cả cấp dưới)"),
        queryset=visible_units,
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
    general = _highest_level(Dimension.GENERAL)
    professional = _highest_level(Dimension.PROFESSIONAL)
    political = _highest_level(Dimension.POLITICAL)
    state_management = _highest_level(Dimension.STATE_MANAGEMENT)
    it = _highest_level(Dimension.IT)
    foreign_language = _highest_level(Dimension.FOREIGN_LANGUAGE)
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
    # Selects whose empty choice is not "all" (MemberFilter.status).
    own_empty_labels: tuple[str, ...] = ()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name, form_field in self.form.fields.items():
            if (
                hasattr(form_field, "empty_label")
                and not isinstance(form_field, forms.ModelChoiceField)
                and name not in self.own_empty_labels
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
        field.widget = unit_select(self.request, selected, attrs=field.widget.attrs)

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

    # Where the rows have the person's folded name, and the sort's last key.
    name_field = "person__search_name"
    tiebreak = "id"

    # Whether an administrator's name search over the whole country lists at
    # most settings.MEMBER_LIST_SEARCH_CAP people (docs/member_list.md).
    caps_national_search = False
    too_broad = False

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value.strip():
            return queryset
        search = NameSearch.parse(value)
        found = self._found_in_country(search)
        self.too_broad = found is not None and found > settings.MEMBER_LIST_SEARCH_CAP
        if found == 0 or self.too_broad:
            return queryset.none()
        return search.matches(queryset, self.name_field)

    def _found_in_country(self, search: NameSearch) -> int | None:
        """For an administrator with no unit chosen, how many people of the
        country the search matches, up to the cap and one: past it, 50 of
        them in name order say nothing and sorting them all takes seconds;
        none, and the rows need no query. One query, on the words index."""
        if not self.caps_national_search or self.form.cleaned_data.get("unit"):
            return None
        if self.request is None or not is_admin(self.request.user):
            return None
        found = search.matches(Person.objects.order_by(), "search_name")
        return found.values("pk")[: settings.MEMBER_LIST_SEARCH_CAP + 1].count()

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """The filters, then the chosen sort ended by the tie-breaker; with a
        name search, the sort of the rows found (``found_first``)."""
        queryset = super().filter_queryset(queryset)
        order = [k for k in queryset.query.order_by if k != self.tiebreak]
        if self.form.cleaned_data.get("q", "").strip():
            order = [found_first(key, self.tiebreak) for key in order]
        return queryset.order_by(*order, self.tiebreak)

    def filter_unit(self, queryset: QuerySet, name: str, value: Unit) -> QuerySet:
        today = timezone.localdate()
        return queryset.filter(
            **{f"{self.unit_field}__in": subtree_ids_sql([value.pk], today)}
        )

    def filter_gender(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(person__gender=value)

    def filter_ethnicity(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == MINORITY:
            return queryset.exclude(person__ethnicity=KINH)
        return queryset.filter(person__ethnicity=value)

    def filter_age(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(band_q("person__date_of_birth", AGE_BANDS, value))

    def filter_highest(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """The person's highest completed level in that dimension is
        ``value``, as their row of highest levels has it."""
        return queryset.filter(**{f"person__highest_levels__{name}": value})

    def filter_studying(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == "yes":
            return queryset.filter(person__highest_levels__studying=True)
        # No row: no qualifications, so not studying.
        return queryset.filter(
            Q(person__highest_levels__studying=False)
            | Q(person__highest_levels__isnull=True)
        )

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
    own_empty_labels = ("status",)
    caps_national_search = True
    # Without a choice the list shows the members in activity (not those who
    # left the Party); "all" shows every status.
    status = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=[
            (ALL, _("Tất cả")),
            (ACTIVE, _("Đang sinh hoạt")),
            *MembershipStatus.choices,
        ],
        method="filter_status",
        empty_label=_("Đang sinh hoạt"),
    )
    years = django_filters.ChoiceFilter(
        label=_("Tuổi đảng"),
        choices=[(code, label) for code, label, _lo, _hi in MEMBERSHIP_YEAR_BANDS],
        method="filter_years",
    )
    o = django_filters.OrderingFilter(
        fields=(
            ("person__sort_name", "name"),
            ("person__date_of_birth", "dob"),
            ("admitted_on", "admitted"),
            ("current_cell__sort_name", "cell"),
            ("status", "status"),
        ),
        label=_("Sắp xếp"),
    )

    class Meta:
        model = Membership
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=ACTIVE_STATUSES)
        return super().filter_queryset(queryset)

    def filter_status(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if value == ALL:
            return queryset
        if value == ACTIVE:
            return queryset.filter(status__in=ACTIVE_STATUSES)
        return queryset.filter(status=value)

    def filter_years(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(band_q("admitted_on", MEMBERSHIP_YEAR_BANDS, value))


class CadreFilter(PersonFilterSet):
    unit_field = "unit_id"

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
            ("person__sort_name", "name"),
            ("person__date_of_birth", "dob"),
            ("position__order", "position"),
            ("unit__sort_name", "unit"),
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
        """A member now: the same test as the list's column (``is_member``)."""
        member = Exists(
            Membership.objects.filter(person=OuterRef("person_id"), ended_on=None)
        )
        return queryset.filter(member if value == "yes" else ~member)
