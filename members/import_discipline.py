"""Importing disciplinary decisions (issue #19 §4): one row per decision,
against a member (card number or CCCD) or an organization (its code).

Each row goes through the same service as the form (``discipline_record``):
the forms a probationary member may receive (Party Charter art. 35), the
member's status on the day, an expulsion ending the membership, and the
closed years (organizations/closed_years.py: a decision dated in a submitted
or approved year is refused, naming who can reopen it). The dry run records
every row in a transaction it rolls back, so later rows see earlier ones
(an expulsion, then another decision); the import writes them all or none.
A decision on record (same subject, day, form and number) is unchanged.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from members.importing import (
    OUTSIDE_SCOPE,
    PERSON_NOT_FOUND,
    UNKNOWN_UNIT,
    PeopleImporter,
    _open_units,
)
from members.models import Discipline, Membership
from members.services import DisciplineDecision, discipline_record
from members.spreadsheet_templates import DISCIPLINE, SPECS
from organizations.models import Unit
from partyquality.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    ImportFileError,
    RowResult,
)

ONE_SUBJECT = _(
    "Điền số thẻ đảng viên hoặc CCCD (kỷ luật đảng viên), hoặc mã tổ chức "
    "(kỷ luật tổ chức), không cả hai."
)
CHANGED_SINCE = _(
    "Dữ liệu đã thay đổi trong lúc nhập (dòng {n}: {message}); không có gì được "
    "ghi, hãy kiểm tra lại tệp."
)


class DisciplineImporter(PeopleImporter):
    spec = SPECS[DISCIPLINE]

    def key_columns(self) -> list[str]:
        return ["date"]

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        subject = values["person_key"] or values["unit_code"]
        if not subject or not values["date"]:
            return None
        return (subject, values["date"], values["form"], values["decision_number"])

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        people = self.persons_by_key(v["person_key"] for _r, v in parsed)
        reachable = self.writable_people(people.values())
        people = {k: p for k, p in people.items() if p in reachable}
        memberships: dict[int, Membership] = {}
        for m in Membership.objects.filter(person_id__in=people.values()).order_by(
            "admitted_on", "pk"
        ):
            memberships[m.person_id] = m  # the latest
        units = _open_units(v["unit_code"] for _r, v in parsed if v["unit_code"])
        writable = self.scope.writable(u["id"] for u in units.values())
        on_record = set(
            Discipline.objects.filter(
                date__in={v["date"] for _r, v in parsed if v["date"]}
            ).values_list("person_id", "unit_id", "date", "form", "decision_number")
        )
        for row, v in parsed:
            row.label = v["person_key"] or v["unit_code"] or ""
            if bool(v["person_key"]) == bool(v["unit_code"]):
                row.error(col("person_key"), ONE_SUBJECT)
                continue
            v["_membership"] = v["_unit"] = None
            if v["person_key"]:
                person_id = people.get(v["person_key"])
                membership = memberships.get(person_id) if person_id else None
                if membership is None:
                    row.error(
                        col("person_key"), PERSON_NOT_FOUND.format(key=v["person_key"])
                    )
                    continue
                v["_membership"] = membership
                key = (person_id, v["date"], v["form"], v["decision_number"])
                known = any((p, d, f, n) == key for p, _u, d, f, n in on_record if p)
            else:
                unit = units.get(v["unit_code"])
                if unit is None:
                    row.error(
                        col("unit_code"), UNKNOWN_UNIT.format(code=v["unit_code"])
                    )
                    continue
                if unit["id"] not in writable:
                    row.error(
                        col("unit_code"), OUTSIDE_SCOPE.format(code=v["unit_code"])
                    )
                    continue
                v["_unit"] = unit["id"]
                known = (
                    None,
                    unit["id"],
                    v["date"],
                    v["form"],
                    v["decision_number"],
                ) in on_record
            if row.outcome != ERROR:
                row.outcome = UNCHANGED if known else NEW
        self.progress("check", len(parsed) // 2, len(parsed))
        # The rules, as the form applies them, on a copy rolled back.
        with transaction.atomic():
            self._record(parsed, on_error=self._row_error)
            transaction.set_rollback(True)

    def _row_error(self, row: RowResult, exc: ValidationError) -> None:
        """The service's refusal, under its field's column; the others (not
        a member on that day, a closed year) concern the day."""
        keys = {c.key for c in self.spec.columns}
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        for field, errors in fields.items():
            for message in errors:
                row.error(self.column(field if field in keys else "date"), message)

    def _record(
        self, parsed: list[tuple[RowResult, dict[str, Any]]], on_error: Any
    ) -> None:
        units = {
            u.pk: u
            for u in Unit.objects.filter(
                pk__in={
                    v["_unit"] for r, v in parsed if r.outcome == NEW and v["_unit"]
                }
            )
        }
        for row, v in parsed:
            if row.outcome != NEW:
                continue
            decision = DisciplineDecision(
                form=v["form"],
                date=v["date"],
                deciding_body=v["deciding_body"],
                decision_number=v["decision_number"],
                reason=v["reason"],
            )
            try:
                with transaction.atomic():
                    if v["_membership"] is not None:
                        v["_membership"].refresh_from_db()
                        discipline_record(
                            decision=decision, membership=v["_membership"]
                        )
                    else:
                        discipline_record(decision=decision, unit=units[v["_unit"]])
            except ValidationError as exc:
                on_error(row, exc)

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        def refuse(row: RowResult, exc: ValidationError) -> None:
            raise ImportFileError(
                str(CHANGED_SINCE).format(n=row.number, message="; ".join(exc.messages))
            )

        self._record(parsed, on_error=refuse)
