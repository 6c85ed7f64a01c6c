"""Importing qualifications and position holdings of people on file
(issue #3 §3–4), with ``members/importing.py``'s lookups."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils.translation import gettext_lazy as _

from members import highest_levels
from members.career_services import qualification_closed_years
from members.ethnicities import KINH
from members.importing import (
    END_BEFORE_START,
    HOLDING_OVERLAP,
    KEY_NOT_USABLE,
    LEVEL_NOT_IN_DIMENSION,
    OUTSIDE_SCOPE,
    PERSON_NOT_FOUND,
    STUDYING_NEEDS_YEAR,
    UNKNOWN_POSITION,
    UNKNOWN_UNIT,
    PeopleImporter,
    _open_units,
)
from members.models import (
    NATIONAL_ID_PATTERN,
    Origin,
    Person,
    Position,
    PositionHolding,
    Qualification,
    QualificationStatus,
)
from members.qualifications import LEVEL_DIMENSION, LEVEL_RANK
from members.spreadsheet_templates import HOLDINGS, QUALIFICATIONS, SPECS
from organizations.closed_years import closed_message, closed_years
from partyquality.importing import (
    ERROR,
    NEW,
    REQUIRED,
    UNCHANGED,
    UPDATED,
    RowResult,
    _chunks,
)


class QualificationImporter(PeopleImporter):
    """Qualifications of people already on file; key: person, dimension, level, status."""

    spec = SPECS[QUALIFICATIONS]
    FIELDS = ("expected_year", "field", "institution", "year")

    def key_columns(self) -> list[str]:
        return ["person_key"]

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        if not values["person_key"]:
            return None
        return (
            values["person_key"],
            values["dimension"],
            values["level"],
            values["status"] or QualificationStatus.COMPLETED,
        )

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        people = self.persons_by_key(v["person_key"] for _r, v in parsed)
        writable = self.writable_people(people.values())
        existing: dict[tuple[int, str, str, str], Qualification] = {}
        for chunk in _chunks(sorted(set(people.values()))):
            for q in Qualification.objects.filter(person_id__in=chunk):
                existing[(q.person_id, q.dimension, q.level, q.status)] = q
        for row, v in parsed:
            row.label = v["person_key"] or ""
            v["status"] = v["status"] or QualificationStatus.COMPLETED
            if (
                v["level"]
                and v["dimension"]
                and LEVEL_DIMENSION[v["level"]] != v["dimension"]
            ):
                row.error(col("level"), LEVEL_NOT_IN_DIMENSION)
            if v["status"] == QualificationStatus.STUDYING and not v["expected_year"]:
                row.error(col("expected_year"), STUDYING_NEEDS_YEAR)
            person_id = people.get(v["person_key"]) if v["person_key"] else None
            if person_id not in writable:
                person_id = None
            if v["person_key"] and person_id is None:
                row.error(
                    col("person_key"), PERSON_NOT_FOUND.format(key=v["person_key"])
                )
            v["_person_id"] = person_id
            if row.outcome == ERROR:
                continue
            current = existing.get((person_id, v["dimension"], v["level"], v["status"]))
            v["_existing"] = current
            if current is None:
                row.outcome = NEW
            else:
                row.changes = [f for f in self.FIELDS if getattr(current, f) != v[f]]
                row.outcome = UPDATED if row.changes else UNCHANGED
        self._refuse_closed_years(parsed)

    def _refuse_closed_years(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> None:
        """A completed qualification added, or its year changed, changes the
        figures of its year and the later ones where the person was
        (career_services.qualification_closed_years): refused where such a
        year is submitted or approved (issue #16), and the whole file with it."""
        dated: list[tuple[RowResult, int, int]] = []
        for row, v in parsed:
            if v["status"] != QualificationStatus.COMPLETED:
                continue
            years = [v["year"]] if row.outcome == NEW else []
            if row.outcome == UPDATED and "year" in row.changes:
                years = [v["year"], v["_existing"].year]
            years = [y for y in years if y is not None]
            if years:
                dated.append((row, v["_person_id"], min(years)))
        # One check per person, from the earliest year a row of theirs counts.
        earliest: dict[int, int] = {}
        for _row, person, year in dated:
            earliest[person] = min(year, earliest.get(person, year))
        closed = qualification_closed_years(earliest)
        for row, person, year in dated:
            found = closed.get(person)
            if found is not None and found.year >= year:
                day = datetime.date(year, 12, 31)
                row.error(self.column("year"), closed_message(found, day))

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        new = [
            Qualification(
                person_id=v["_person_id"],
                dimension=v["dimension"],
                level=v["level"],
                rank=LEVEL_RANK[v["level"]],
                status=v["status"],
                expected_year=v["expected_year"],
                field=v["field"],
                institution=v["institution"],
                year=v["year"],
            )
            for r, v in parsed
            if r.outcome == NEW
        ]
        Qualification.objects.bulk_create(new, batch_size=2000)
        changed = []
        for r, v in parsed:
            if r.outcome == UPDATED:
                q = v["_existing"]
                for f in self.FIELDS:
                    setattr(q, f, v[f])
                changed.append(q)
        Qualification.objects.bulk_update(changed, list(self.FIELDS), batch_size=2000)
        highest_levels.refresh(
            v["_person_id"] for r, v in parsed if r.outcome in (NEW, UPDATED)
        )


NEW_PERSON_NEEDS_CCCD = _(
    "Người chưa có hồ sơ được tạo theo số CCCD (12 chữ số), không theo số thẻ "
    "đảng viên."
)


class HoldingImporter(PeopleImporter):
    """Position holdings; key: person, unit, position, start date."""

    spec = SPECS[HOLDINGS]
    FIELDS = ("valid_to", "is_concurrent", "origin")

    def key_columns(self) -> list[str]:
        return ["person_key"]

    def duplicate_value(self, key: str, values: dict[str, Any]) -> Any:
        if not values["person_key"]:
            return None
        return (
            values["person_key"],
            values["unit_code"],
            values["position_code"],
            values["valid_from"],
        )

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        people = self.persons_by_key(v["person_key"] for _r, v in parsed)
        on_file = set(people)
        # A holder is someone within reach already; a cadre from elsewhere is
        # given a post by a board whose reach covers both.
        reachable = self.writable_people(people.values())
        people = {k: p for k, p in people.items() if p in reachable}
        units = _open_units(v["unit_code"] for _r, v in parsed if v["unit_code"])
        writable = self.scope.writable(u["id"] for u in units.values())
        positions = dict(
            Position.objects.filter(
                code__in={v["position_code"] for _r, v in parsed}
            ).values_list("code", "pk")
        )
        existing: dict[tuple[int, int, int], list[PositionHolding]] = {}
        for chunk in _chunks(sorted(set(people.values()))):
            for h in PositionHolding.objects.filter(person_id__in=chunk):
                existing.setdefault((h.person_id, h.unit_id, h.position_id), []).append(
                    h
                )
        for row, v in parsed:
            row.label = v["person_key"] or ""
            v["is_concurrent"] = bool(v["is_concurrent"])
            v["origin"] = v["origin"] or Origin.LOCAL
            person_id = people.get(v["person_key"]) if v["person_key"] else None
            v["_new_person"] = False
            if v["person_key"] and person_id is None:
                if v["full_name"]:
                    self._check_new_person(row, v, v["person_key"] in on_file)
                else:
                    row.error(
                        col("person_key"), PERSON_NOT_FOUND.format(key=v["person_key"])
                    )
            unit = units.get(v["unit_code"]) if v["unit_code"] else None
            if v["unit_code"] and unit is None:
                row.error(col("unit_code"), UNKNOWN_UNIT.format(code=v["unit_code"]))
            elif unit is not None and unit["id"] not in writable:
                row.error(col("unit_code"), OUTSIDE_SCOPE.format(code=v["unit_code"]))
            position_id = positions.get(v["position_code"])
            if v["position_code"] and position_id is None:
                row.error(
                    col("position_code"),
                    UNKNOWN_POSITION.format(code=v["position_code"]),
                )
            start, end = v["valid_from"], v["valid_to"]
            if start and end and end <= start:
                row.error(col("valid_to"), END_BEFORE_START)
            if row.outcome == ERROR:
                continue
            v["_person_id"], v["_unit_id"], v["_position_id"] = (
                person_id,
                unit["id"],  # type: ignore[index]
                position_id,
            )
            same_post = existing.get((person_id, unit["id"], position_id), [])  # type: ignore[index]
            current = next((h for h in same_post if h.valid_from == start), None)
            for other in same_post:
                if other is current:
                    continue
                if _overlaps(start, end, other.valid_from, other.valid_to):
                    row.error(col("valid_from"), HOLDING_OVERLAP)
                    break
            if row.outcome == ERROR:
                continue
            v["_existing"] = current
            if current is None:
                row.outcome = NEW
            else:
                row.changes = [f for f in self.FIELDS if getattr(current, f) != v[f]]
                row.outcome = UPDATED if row.changes else UNCHANGED
        self._refuse_closed_years(parsed)

    def _refuse_closed_years(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> None:
        """A post held, ended or changed from a day on changes the posts of
        that year's sheet and the later ones (assessments/snapshot_posts.py):
        refused where such a year is submitted or approved
        (organizations/closed_years.py, issue #16), and the whole file with it."""
        dated: list[tuple[RowResult, int, datetime.date, str]] = []
        for row, v in parsed:
            if row.outcome == NEW and v["valid_from"]:
                dated.append((row, v["_unit_id"], v["valid_from"], "valid_from"))
            elif row.outcome == UPDATED and row.changes == ["valid_to"]:
                ends = [d for d in (v["valid_to"], v["_existing"].valid_to) if d]
                dated.append((row, v["_unit_id"], min(ends), "valid_to"))
            elif row.outcome == UPDATED:
                dated.append((row, v["_unit_id"], v["valid_from"], row.changes[0]))
        if not dated:
            return
        since = min(day.year for _r, _u, day, _c in dated)
        closed = closed_years({unit for _r, unit, _d, _c in dated}, since=since)
        for row, unit, day, column in dated:
            years = [c for c in closed.get(unit, []) if c.year >= day.year]
            if years:
                row.error(self.column(column), closed_message(years[0], day))

    def _check_new_person(
        self, row: RowResult, v: dict[str, Any], on_file: bool
    ) -> None:
        """Someone not on file (issue #19 §4: a cadre or a village head who
        is not a party member) is created from the row, keyed by the CCCD;
        a number on file outside the importer's reach is refused neutrally
        (issue #16)."""
        col = self.column
        if on_file:
            row.error(col("person_key"), KEY_NOT_USABLE)
            return
        if not re.fullmatch(NATIONAL_ID_PATTERN, v["person_key"]):
            row.error(col("person_key"), NEW_PERSON_NEEDS_CCCD)
        for key in ("gender", "date_of_birth"):
            if not v[key]:
                row.error(col(key), REQUIRED)
        v["_new_person"] = True

    def _create_people(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        new: dict[str, Person] = {}
        for r, v in parsed:
            if r.outcome == NEW and v["_new_person"] and v["person_key"] not in new:
                new[v["person_key"]] = Person(
                    full_name=v["full_name"],
                    gender=v["gender"],
                    date_of_birth=v["date_of_birth"],
                    ethnicity=v["ethnicity"] or KINH,
                    national_id=v["person_key"],
                    # Scopes the file until a membership exists (Person).
                    registered_unit_id=v["_unit_id"],
                )
        Person.objects.bulk_create(new.values(), batch_size=2000)
        for r, v in parsed:
            if r.outcome == NEW and v["_new_person"]:
                v["_person_id"] = new[v["person_key"]].pk

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        self._create_people(parsed)
        PositionHolding.objects.bulk_create(
            [
                PositionHolding(
                    person_id=v["_person_id"],
                    unit_id=v["_unit_id"],
                    position_id=v["_position_id"],
                    valid_from=v["valid_from"],
                    valid_to=v["valid_to"],
                    is_concurrent=v["is_concurrent"],
                    origin=v["origin"],
                )
                for r, v in parsed
                if r.outcome == NEW
            ],
            batch_size=2000,
        )
        changed = []
        for r, v in parsed:
            if r.outcome == UPDATED:
                h = v["_existing"]
                for f in self.FIELDS:
                    setattr(h, f, v[f])
                changed.append(h)
        PositionHolding.objects.bulk_update(changed, list(self.FIELDS), batch_size=2000)


def _overlaps(
    a_from: datetime.date,
    a_to: datetime.date | None,
    b_from: datetime.date,
    b_to: datetime.date | None,
) -> bool:
    return (a_to is None or b_from < a_to) and (b_to is None or a_from < b_to)
