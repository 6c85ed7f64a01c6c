from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.models import ScaleLevel
from assessments.rules import CONDITION_TASKS_ALL_DONE, CONDITION_TASKS_EXCEEDED
from organizations.models import Unit
from partyquality import spreadsheets
from partyquality.widgets import DayInput


class RowForm(forms.Form):
    """One row of the entry page (a cell, the organization or a member); the
    prefix is the row key so the whole page posts as one plain form too."""

    level = forms.ModelChoiceField(
        queryset=ScaleLevel.objects.none(), required=False, label=_("Mức xếp loại")
    )
    score = forms.DecimalField(
        required=False, min_value=0, max_value=100, decimal_places=2, label=_("Điểm")
    )
    tasks_all_done = forms.BooleanField(
        required=False, label=_("Hoàn thành 100% nhiệm vụ")
    )
    tasks_exceeded = forms.BooleanField(
        required=False,
        # xgettext:no-python-format
        label=_("Vượt ≥ 30% chỉ tiêu"),
    )
    remarks = forms.CharField(
        required=False, max_length=2000, label=_("Nhận xét"), widget=forms.TextInput
    )

    def __init__(self, *args, levels: list[ScaleLevel], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = ScaleLevel.objects.filter(
            pk__in=[lv.pk for lv in levels]
        )

    def conditions(self) -> dict[str, bool]:
        return {
            CONDITION_TASKS_ALL_DONE: self.cleaned_data["tasks_all_done"],
            CONDITION_TASKS_EXCEEDED: self.cleaned_data["tasks_exceeded"],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class CampaignForm(forms.Form):
    # Chosen with the page's unit picker (assessments/campaign_units.py): a
    # drop-down of every unit one approves grew with the tree.
    unit = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Đảng bộ"), widget=forms.HiddenInput
    )
    year = forms.IntegerField(min_value=2000, max_value=2100, label=_("Năm"))
    entry_deadline = forms.DateField(label=_("Hạn nhập"), widget=DayInput())
    decision_deadline = forms.DateField(label=_("Hạn quyết định"), widget=DayInput())

    def __init__(self, *args, units, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["year"].initial = datetime.date.today().year  # noqa: DTZ011


class AuditFilterForm(forms.Form):
    start = forms.DateField(label=_("Từ ngày"), widget=DayInput())
    end = forms.DateField(label=_("Đến ngày"), widget=DayInput())
    kind = forms.ChoiceField(label=_("Loại hồ sơ"), required=False)
    author = forms.CharField(
        label=_("Người thực hiện (tên đăng nhập)"), max_length=150, required=False
    )
    # Set by the links of a unit's and a person's page; shown by name above
    # the form with a link that drops them (assessments/audit_views.py).
    unit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kinds, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Tất cả")), *kinds]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx)"))

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        try:
            spreadsheets.check_size(upload.size)
        except spreadsheets.SpreadsheetError as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
