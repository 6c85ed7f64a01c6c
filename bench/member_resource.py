"""The django-import-export resource for members: the benchmark's baseline
(bench/import_members.py), the library's default row-by-row import of the
same columns as the members import template, with the same natural key.

The application does not use it: uploads go through the bulk path in
``members/importing.py`` and the list export is ``members/exports.py``.
"""

from __future__ import annotations

import datetime
from typing import Any

from import_export import fields, resources, widgets

from members.ethnicities import ETHNICITIES
from members.models import (
    CellPeriod,
    Gender,
    MemberEvent,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Person,
)
from members.spreadsheet_templates import SPECS
from organizations.models import Unit

HEADERS = {c.key: str(c.header) for c in SPECS["members"].columns}


class ChoiceLabelWidget(widgets.Widget):
    """Reads a label or a code, writes the label."""

    def __init__(self, choices: list[tuple[str, Any]]) -> None:
        super().__init__()
        self.to_label = {str(code): str(label) for code, label in choices}
        self.to_code = {v.casefold(): k for k, v in self.to_label.items()}
        self.to_code.update({k.casefold(): k for k in self.to_label})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str | None:
        if value in (None, ""):
            return None
        code = self.to_code.get(str(value).strip().casefold())
        if code is None:
            raise ValueError(f"“{value}” không có trong danh mục.")
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return self.to_label.get(str(value), "") if value else ""


class OpenUnitWidget(widgets.ForeignKeyWidget):
    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        return Unit.objects.filter(closed_on__isnull=True)


class DayWidget(widgets.DateWidget):
    """Excel hands dates over as datetimes; the model wants a date."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return value.date()
        return super().clean(value, row, **kwargs)


DATE = DayWidget(format="%d/%m/%Y")


def _person_field(key: str, widget: widgets.Widget | None = None) -> fields.Field:
    return fields.Field(
        attribute=f"person__{key}",
        column_name=HEADERS[key],
        widget=widget or widgets.CharWidget(),
        readonly=True,  # written in before_save_instance, from the row
    )


class MemberResource(resources.ModelResource):
    full_name = _person_field("full_name")
    gender = _person_field("gender", ChoiceLabelWidget(Gender.choices))
    date_of_birth = _person_field("date_of_birth", DATE)
    ethnicity = _person_field("ethnicity", ChoiceLabelWidget(ETHNICITIES))
    religion = _person_field("religion")
    home_village = _person_field("home_village")
    national_id = _person_field("national_id")
    card_number = fields.Field(
        attribute="card_number", column_name=HEADERS["card_number"]
    )
    admitted_on = fields.Field(
        attribute="admitted_on", column_name=HEADERS["admitted_on"], widget=DATE
    )
    full_member_on = fields.Field(
        attribute="full_member_on", column_name=HEADERS["full_member_on"], widget=DATE
    )
    current_cell = fields.Field(
        attribute="current_cell",
        column_name=HEADERS["cell_code"],
        widget=OpenUnitWidget(Unit, field="code"),
    )

    class Meta:
        model = Membership
        fields = (
            "full_name",
            "gender",
            "date_of_birth",
            "ethnicity",
            "religion",
            "home_village",
            "national_id",
            "card_number",
            "admitted_on",
            "full_member_on",
            "current_cell",
        )
        import_id_fields = ("card_number",)

    def get_instance(self, instance_loader: Any, row: Any) -> Membership | None:
        """The natural key: party card number, then national ID."""
        card = row.get(HEADERS["card_number"])
        if card:
            found = Membership.objects.filter(card_number=str(card).strip()).first()
            if found:
                return found
        national_id = row.get(HEADERS["national_id"])
        if national_id:
            return (
                Membership.objects.filter(
                    person__national_id=str(national_id).strip(), ended_on__isnull=True
                )
                .order_by("-admitted_on")
                .first()
            )
        return None

    def before_save_instance(
        self, instance: Membership, row: Any, **kwargs: Any
    ) -> None:
        person = instance.person if instance.person_id else Person()
        for key in ("full_name", "religion", "home_village", "national_id"):
            value = row.get(HEADERS[key])
            setattr(person, key, str(value).strip() if value not in (None, "") else "")
        person.national_id = person.national_id or None
        person.gender = self.fields["gender"].widget.clean(row.get(HEADERS["gender"]))
        person.ethnicity = self.fields["ethnicity"].widget.clean(
            row.get(HEADERS["ethnicity"])
        )
        person.date_of_birth = DATE.clean(row.get(HEADERS["date_of_birth"]))
        person.full_clean(exclude=["national_id"] if person.pk else None)
        person.save()
        instance.person = person
        instance.card_number = instance.card_number or None
        if instance.status in (MembershipStatus.PROBATIONARY, MembershipStatus.FULL):
            instance.status = (
                MembershipStatus.FULL
                if instance.full_member_on
                else MembershipStatus.PROBATIONARY
            )

    def after_save_instance(
        self, instance: Membership, row: Any, **kwargs: Any
    ) -> None:
        if instance.cell_periods.exists():
            return
        cell = instance.current_cell
        CellPeriod.objects.create(
            membership=instance,
            cell=cell,
            valid_from=max(instance.admitted_on, cell.opened_on),
        )
        MemberEvent.objects.create(
            membership=instance,
            kind=MemberEventKind.ADMISSION,
            date=instance.admitted_on,
            to_cell=cell,
        )
        if instance.full_member_on:
            MemberEvent.objects.create(
                membership=instance,
                kind=MemberEventKind.FULL_MEMBER,
                date=instance.full_member_on,
            )
