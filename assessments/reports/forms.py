from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

YEARS = (2000, 2100)


def default_year() -> int:
    # The last closed year: a report for the running year is rarely complete.
    return timezone.localdate().year - 1


class ReportFilterForm(forms.Form):
    unit = forms.IntegerField(label=_("Đơn vị"), required=False)
    year = forms.IntegerField(
        label=_("Năm"), min_value=YEARS[0], max_value=YEARS[1], required=False
    )
    compare = forms.IntegerField(
        label=_("Năm so sánh"), min_value=YEARS[0], max_value=YEARS[1], required=False
    )
    base = forms.IntegerField(
        label=_("Năm gốc"), min_value=YEARS[0], max_value=YEARS[1], required=False
    )
    # "Tạm tính": add the years not approved yet, computed now (DOMAIN.md §8).
    provisional = forms.BooleanField(label=_("Tạm tính"), required=False)

    def values(self) -> dict[str, int | None]:
        data = self.cleaned_data if self.is_valid() else {}
        year = data.get("year") or default_year()
        return {
            "unit": data.get("unit"),
            "year": year,
            "compare": data.get("compare"),
            "base": data.get("base"),
            "provisional": bool(data.get("provisional")),
        }
