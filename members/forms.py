"""Forms of the person page: identity and one form per event. Each only
parses; the rules live in members/services.py."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.ethnicities import ETHNICITIES, KINH
from members.models import (
    MEMBER_FORMS,
    ORGANIZATION_FORMS,
    DisciplineForm,
    Gender,
    MemberEventKind,
    Origin,
    Position,
    QualificationStatus,
)
from members.qualifications import LEVELS, Dimension
from organizations.models import Unit
from partyquality.widgets import DayInput


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, widget=DayInput(), required=required)


def _decision(required: bool = True) -> forms.CharField:
    return forms.CharField(label=_("Số quyết định"), max_length=80, required=required)


def _note() -> forms.CharField:
    return forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PersonForm(forms.Form):
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    gender = forms.ChoiceField(label=_("Giới tính"), choices=Gender.choices)
    date_of_birth = _date(_("Ngày sinh"))
    ethnicity = forms.ChoiceField(label=_("Dân tộc"), choices=ETHNICITIES, initial=KINH)
    religion = forms.CharField(label=_("Tôn giáo"), max_length=60, required=False)
    home_village = forms.CharField(label=_("Quê quán"), max_length=200, required=False)
    national_id = forms.CharField(
        label=_("Số căn cước"),
        max_length=20,
        required=False,
        help_text=_("12 chữ số; chỉ người có quyền cập nhật mới xem được."),
    )
    registered_unit = forms.ModelChoiceField(
        label=_("Đơn vị quản lý hồ sơ"), queryset=Unit.objects.none()
    )

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["registered_unit"].queryset = units  # type: ignore[attr-defined]


class AdmitForm(forms.Form):
    cell = forms.ModelChoiceField(label=_("Chi bộ"), queryset=Unit.objects.none())
    admitted_on = _date(_("Ngày vào Đảng"))
    card_number = forms.CharField(
        label=_("Số thẻ đảng viên"), max_length=20, required=False
    )
    decision_number = _decision()
    note = _note()

    def __init__(self, *args: object, cells: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["cell"].queryset = cells  # type: ignore[attr-defined]


class EventForm(forms.Form):
    """Date, decision and note: recognition, exemption and its end."""

    date = _date(_("Ngày"))
    decision_number = _decision()
    note = _note()


class TransferForm(forms.Form):
    to_cell = forms.ModelChoiceField(
        label=_("Chuyển đến chi bộ"), queryset=Unit.objects.none()
    )
    temporary = forms.BooleanField(label=_("Sinh hoạt tạm thời"), required=False)
    date = _date(_("Ngày chuyển"))
    until = _date(_("Đến ngày (tạm thời)"), required=False)
    decision_number = _decision()
    note = _note()

    def __init__(self, *args: object, cells: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["to_cell"].queryset = cells  # type: ignore[attr-defined]


LEAVE_KINDS = [
    (MemberEventKind.RESIGNATION.value, MemberEventKind.RESIGNATION.label),
    (MemberEventKind.STRUCK_OFF.value, MemberEventKind.STRUCK_OFF.label),
    (MemberEventKind.EXPULSION.value, MemberEventKind.EXPULSION.label),
    (MemberEventKind.DEATH.value, MemberEventKind.DEATH.label),
]


class LeaveForm(forms.Form):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=LEAVE_KINDS)
    date = _date(_("Ngày"))
    decision_number = _decision(required=False)
    note = _note()


def _grouped_levels() -> list[tuple[str, list[tuple[str, str]]]]:
    return [
        (
            str(dimension.label),
            [(code, label) for dim, code, label, _rank in LEVELS if dim == dimension],
        )
        for dimension in Dimension
    ]


class QualificationForm(forms.Form):
    dimension = forms.ChoiceField(label=_("Lĩnh vực"), choices=Dimension.choices)
    level = forms.ChoiceField(label=_("Trình độ"), choices=_grouped_levels)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        choices=QualificationStatus.choices,
        initial=QualificationStatus.COMPLETED,
    )
    expected_year = forms.IntegerField(
        label=_("Năm dự kiến xong"), required=False, min_value=1950, max_value=2100
    )
    field = forms.CharField(label=_("Chuyên ngành"), max_length=120, required=False)
    institution = forms.CharField(
        label=_("Cơ sở đào tạo"), max_length=200, required=False
    )
    year = forms.IntegerField(
        label=_("Năm tốt nghiệp"), required=False, min_value=1950, max_value=2100
    )


class HoldingStartForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Unit.objects.none())
    position = forms.ModelChoiceField(
        label=_("Chức vụ"), queryset=Position.objects.all()
    )
    valid_from = _date(_("Từ ngày"))
    origin = forms.ChoiceField(
        label=_("Nguồn"), choices=Origin.choices, initial=Origin.LOCAL
    )
    is_concurrent = forms.BooleanField(label=_("Kiêm nhiệm"), required=False)

    def __init__(self, *args: object, units: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class HoldingEndForm(forms.Form):
    valid_to = _date(_("Ngày thôi giữ chức vụ"))


class DisciplineRecordForm(forms.Form):
    form = forms.ChoiceField(
        label=_("Hình thức kỷ luật"),
        choices=[(f.value, f.label) for f in DisciplineForm if f in MEMBER_FORMS],
    )
    date = _date(_("Ngày quyết định"))
    deciding_body = forms.CharField(label=_("Cơ quan quyết định"), max_length=200)
    decision_number = _decision()
    reason = forms.CharField(
        label=_("Lý do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class UnitDisciplineForm(DisciplineRecordForm):
    form = forms.ChoiceField(
        label=_("Hình thức kỷ luật"),
        choices=[(f.value, f.label) for f in DisciplineForm if f in ORGANIZATION_FORMS],
    )


def today() -> datetime.date:
    return timezone.localdate()
