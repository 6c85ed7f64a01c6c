"""Forms for the tree's events (administrators only): each feeds one service.

Units are chosen by code, not from a select: a province has thousands of
units and the country hundreds of thousands; only units open on the event's
date are accepted.
"""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from organizations.models import Kind, Level, Unit, parent_level_problem
from organizations.services import NewUnit, open_children
from partyquality.widgets import DayInput

ERR_NO_SUCH_CODE = _("Không có tổ chức đang hoạt động mang mã {code}.")
ERR_MERGE_TARGET = _(
    "Chọn hoặc tổ chức nhận sáp nhập, hoặc nhập mã và tên tổ chức mới (không cả hai)."
)
ERR_PART_LINE = _("Dòng “{line}” phải có dạng mã|tên.")
ERR_PART_NUMBER = _("Chỉ có {count} tổ chức mới; không có phần số {number}.")

PART_CHOICES = [(str(n), format_lazy("{} {}", _("Phần"), n)) for n in range(1, 7)]


def _unit_by_code(code: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip(), closed_on__isnull=True).first()
    if unit is None:
        raise forms.ValidationError(ERR_NO_SUCH_CODE.format(code=code.strip()))
    return unit


class EventForm(forms.Form):
    """What every event needs: the date it takes effect and the decision."""

    date = forms.DateField(label=_("Ngày hiệu lực"), widget=DayInput())
    decision_number = forms.CharField(
        label=_("Số quyết định"),
        max_length=80,
        help_text=_("Ví dụ: 1234-QĐ/TU"),
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, unit: Unit, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.fields["date"].initial = timezone.localdate()


class NewUnitFields(forms.Form):
    code = forms.CharField(label=_("Mã"), max_length=40)
    name = forms.CharField(label=_("Tên"), max_length=200)
    level = forms.ChoiceField(label=_("Cấp"), choices=Level.choices)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=Kind.choices)

    def new_unit(self) -> NewUnit:
        data = self.cleaned_data
        return NewUnit(
            code=data["code"].strip(),
            name=data["name"].strip(),
            level=data["level"],
            kind=data["kind"],
        )


class EstablishForm(NewUnitFields, EventForm):
    field_order = ["code", "name", "level", "kind", "date", "decision_number"]

    def clean_level(self) -> str:
        """The new unit's level under this one, on the field (the service
        refuses it too, as the tree import does: models.ALLOWED_PARENTS)."""
        level = self.cleaned_data["level"]
        wrong = parent_level_problem(level, self.unit.level, self.unit.code)
        if wrong:
            raise forms.ValidationError(wrong)
        return level


class RenameForm(EventForm):
    new_name = forms.CharField(label=_("Tên mới"), max_length=200)
    field_order = ["new_name", "date", "decision_number"]

    def __init__(self, *args: object, unit: Unit, **kwargs: object) -> None:
        super().__init__(*args, unit=unit, **kwargs)
        self.fields["new_name"].initial = unit.name


class MoveForm(EventForm):
    new_parent = forms.CharField(label=_("Mã tổ chức cấp trên mới"), max_length=40)
    field_order = ["new_parent", "date", "decision_number"]

    def clean_new_parent(self) -> Unit:
        return _unit_by_code(self.cleaned_data["new_parent"])


class MergeForm(EventForm):
    others = forms.CharField(
        label=_("Mã các tổ chức cùng hợp nhất"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một mã (có thể để trống khi sáp nhập vào tổ chức khác)."),
    )
    into = forms.CharField(
        label=_("Sáp nhập vào tổ chức đang có (mã)"), max_length=40, required=False
    )
    new_code = forms.CharField(
        label=_("Hoặc lập tổ chức mới: mã"), max_length=40, required=False
    )
    new_name = forms.CharField(
        label=_("Tên tổ chức mới"), max_length=200, required=False
    )
    new_level = forms.ChoiceField(label=_("Cấp"), choices=Level.choices, required=False)
    new_kind = forms.ChoiceField(
        label=_("Loại hình"), choices=Kind.choices, required=False
    )
    parent = forms.CharField(
        label=_("Mã tổ chức cấp trên của tổ chức mới"),
        max_length=40,
        required=False,
        help_text=_("Để trống: cùng cấp trên với tổ chức này."),
    )
    field_order = [
        "others",
        "into",
        "new_code",
        "new_name",
        "new_level",
        "new_kind",
        "parent",
        "date",
        "decision_number",
    ]

    def __init__(self, *args: object, unit: Unit, **kwargs: object) -> None:
        super().__init__(*args, unit=unit, **kwargs)
        self.fields["new_level"].initial = unit.level
        self.fields["new_kind"].initial = unit.kind

    def clean_others(self) -> list[Unit]:
        codes = [c for c in self.cleaned_data["others"].split() if c.strip()]
        return [_unit_by_code(code) for code in codes]

    def clean_into(self) -> Unit | None:
        code = self.cleaned_data["into"].strip()
        return _unit_by_code(code) if code else None

    def clean_parent(self) -> Unit | None:
        code = self.cleaned_data["parent"].strip()
        return _unit_by_code(code) if code else None

    def clean(self) -> dict[str, object]:
        data = super().clean()
        has_new = bool(data.get("new_code") or data.get("new_name"))
        if "into" in data and (data["into"] is None) == (not has_new):
            raise forms.ValidationError(ERR_MERGE_TARGET)
        if has_new and not (data.get("new_code") and data.get("new_name")):
            raise forms.ValidationError(ERR_MERGE_TARGET)
        return data

    def units(self) -> list[Unit]:
        return [self.unit, *self.cleaned_data["others"]]

    def new_unit(self) -> NewUnit | None:
        data = self.cleaned_data
        if data["into"] is not None:
            return None
        return NewUnit(
            code=data["new_code"].strip(),
            name=data["new_name"].strip(),
            level=data["new_level"] or self.unit.level,
            kind=data["new_kind"] or self.unit.kind,
        )


class SplitForm(EventForm):
    parts = forms.CharField(
        label=_("Các tổ chức mới"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một tổ chức: mã|tên. Phần 1 là dòng đầu tiên."),
    )
    level = forms.ChoiceField(label=_("Cấp của các tổ chức mới"), choices=Level.choices)
    kind = forms.ChoiceField(label=_("Loại hình"), choices=Kind.choices)
    field_order = ["parts", "level", "kind", "date", "decision_number"]

    def __init__(self, *args: object, unit: Unit, **kwargs: object) -> None:
        super().__init__(*args, unit=unit, **kwargs)
        self.fields["level"].initial = unit.level
        self.fields["kind"].initial = unit.kind
        # Children as of the date the form is for (today when first shown).
        day = self._date_from_data() or timezone.localdate()
        self.children = open_children(unit, day)
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(
                label=child.name, choices=PART_CHOICES
            )

    def _date_from_data(self) -> datetime.date | None:
        raw = self.data.get("date") if self.is_bound else None
        try:
            return datetime.date.fromisoformat(raw) if raw else None
        except ValueError:
            return None

    def clean_parts(self) -> list[tuple[str, str]]:
        parts = []
        for line in self.cleaned_data["parts"].splitlines():
            if not line.strip():
                continue
            code, sep, name = line.partition("|")
            if not sep or not code.strip() or not name.strip():
                raise forms.ValidationError(ERR_PART_LINE.format(line=line.strip()))
            parts.append((code.strip(), name.strip()))
        return parts

    def clean(self) -> dict[str, object]:
        data = super().clean()
        count = len(data.get("parts") or [])
        for child in self.children:
            number = data.get(f"child_{child.pk}")
            if number and count and int(number) > count:
                self.add_error(
                    f"child_{child.pk}",
                    ERR_PART_NUMBER.format(count=count, number=number),
                )
        return data

    def child_fields(self) -> list[forms.BoundField]:
        return [self[f"child_{child.pk}"] for child in self.children]

    def new_units(self) -> list[NewUnit]:
        data = self.cleaned_data
        parts = [
            NewUnit(code=code, name=name, level=data["level"], kind=data["kind"])
            for code, name in data["parts"]
        ]
        for child in self.children:
            parts[int(data[f"child_{child.pk}"]) - 1].children.append(child)
        return parts


class DissolveForm(EventForm):
    pass
