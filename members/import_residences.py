"""Importing where members live (issue #19 §2): a person (card number or
CCCD), a village or residential group by its code, and from when to when.
Where a commune records residences, the reports count "villages without a
party member" from them (assessments/snapshots.py "villages"). A period on
record is the person's with the same first day; periods must not overlap.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.utils.translation import gettext_lazy as _

from members.importing import OUTSIDE_SCOPE, PERSON_NOT_FOUND, PeopleImporter
from members.models import Residence
from members.spreadsheet_templates import RESIDENCES, SPECS
from organizations.models import ResidentialUnit
from partyquality.importing import ERROR, NEW, UNCHANGED, UPDATED, RowResult

UNKNOWN_VILLAGE = _("Không có thôn, tổ dân phố mã “{code}” vào ngày {date}.")
ENDS_BEFORE_START = _("Ngày kết thúc phải sau ngày bắt đầu.")
OVERLAP = _("Trùng thời gian với nơi cư trú từ ngày {date}.")
FAR = datetime.date.max


class ResidenceImporter(PeopleImporter):
    spec = SPECS[RESIDENCES]

    def key_columns(self) -> list[str]:
        return ["valid_from"]

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        if not values["person_key"] or not values["valid_from"]:
            return None
        return (values["person_key"], values["valid_from"])

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        people = self.persons_by_key(v["person_key"] for _r, v in parsed)
        reachable = self.writable_people(people.values())
        people = {k: p for k, p in people.items() if p in reachable}
        villages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in ResidentialUnit.objects.filter(
            code__in={v["village_code"] for _r, v in parsed}
        ).values("id", "code", "commune_id", "opened_on", "closed_on"):
            villages[r["code"]].append(r)
        writable = self.scope.writable(
            {r["commune_id"] for rows in villages.values() for r in rows}
        )
        on_record: dict[int, dict[datetime.date, Residence]] = defaultdict(dict)
        for residence in Residence.objects.filter(person_id__in=people.values()):
            on_record[residence.person_id][residence.valid_from] = residence
        spans: dict[int, dict[datetime.date, Any]] = defaultdict(dict)
        for row, v in parsed:
            row.label = v["person_key"] or ""
            start, end = v["valid_from"], v["valid_to"]
            person_id = people.get(v["person_key"])
            if person_id is None:
                row.error(
                    col("person_key"), PERSON_NOT_FOUND.format(key=v["person_key"])
                )
            if start and end and end <= start:
                row.error(col("valid_to"), ENDS_BEFORE_START)
            village = next(
                (
                    r
                    for r in villages.get(v["village_code"], [])
                    if start and r["opened_on"] <= start < (r["closed_on"] or FAR)
                ),
                None,
            )
            if start and village is None:
                row.error(
                    col("village_code"),
                    UNKNOWN_VILLAGE.format(
                        code=v["village_code"], date=start.strftime("%d/%m/%Y")
                    ),
                )
            elif village is not None and village["commune_id"] not in writable:
                row.error(
                    col("village_code"), OUTSIDE_SCOPE.format(code=v["village_code"])
                )
            if row.outcome == ERROR:
                continue
            v["_person_id"], v["_village_id"] = person_id, village["id"]  # type: ignore[index]
            spans[person_id][start] = end
        for row, v in parsed:
            if row.outcome == ERROR:
                continue
            person_id, start = v["_person_id"], v["valid_from"]
            theirs = dict(spans[person_id])
            for day, residence in on_record[person_id].items():
                theirs.setdefault(day, residence.valid_to)
            for day, end in theirs.items():
                if (
                    day != start
                    and day < (v["valid_to"] or FAR)
                    and start < (end or FAR)
                ):
                    row.error(
                        col("valid_from"), OVERLAP.format(date=day.strftime("%d/%m/%Y"))
                    )
                    break
            if row.outcome == ERROR:
                continue
            current = on_record[person_id].get(start)
            v["_current"] = current
            if current is None:
                row.outcome = NEW
            elif (current.residential_unit_id, current.valid_to) == (
                v["_village_id"],
                v["valid_to"],
            ):
                row.outcome = UNCHANGED
            else:
                row.outcome = UPDATED

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        Residence.objects.bulk_create(
            [
                Residence(
                    person_id=v["_person_id"],
                    residential_unit_id=v["_village_id"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                )
                for r, v in parsed
                if r.outcome == NEW
            ],
            batch_size=2000,
        )
        for r, v in parsed:
            if r.outcome == UPDATED:
                Residence.objects.filter(pk=v["_current"].pk).update(
                    residential_unit_id=v["_village_id"], valid_to=v["valid_to"]
                )
