"""The unit list's filters: level, kind, open/closed, as of a date, name search."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Kind, Level, Unit
from partyquality.search import search_filter
from partyquality.widgets import DayInput


class UnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm theo tên hoặc mã"), method="filter_q")
    level = django_filters.ChoiceFilter(
        label=_("Cấp"), choices=Level.choices, empty_label=_("Tất cả")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại hình"), choices=Kind.choices, empty_label=_("Tất cả")
    )
    state = django_filters.ChoiceFilter(
        label=_("Tình trạng"),
        choices=[("open", _("Đang hoạt động")), ("closed", _("Đã kết thúc"))],
        method="filter_state",
        empty_label=_("Tất cả"),
    )
    as_of = django_filters.DateFilter(
        label=_("Tại ngày"),
        method="filter_as_of",
        widget=DayInput(),
    )

    class Meta:
        model = Unit
        fields = ["q", "level", "kind", "state", "as_of"]

    def filter_q(
        self, queryset: QuerySet[Unit], name: str, value: str
    ) -> QuerySet[Unit]:
        if not value.strip():
            return queryset
        return queryset.filter(
            search_filter("search_name", value) | Q(code__iexact=value.strip())
        )

    def filter_state(
        self, queryset: QuerySet[Unit], name: str, value: str
    ) -> QuerySet[Unit]:
        today = timezone.localdate()
        if value == "open":
            return queryset.open_on(today)
        if value == "closed":
            return queryset.filter(closed_on__lte=today)
        return queryset

    def filter_as_of(
        self, queryset: QuerySet[Unit], name: str, value: object
    ) -> QuerySet[Unit]:
        return queryset.open_on(value) if value else queryset
