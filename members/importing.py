"""Importing people from spreadsheets: members (issue #3 §3–4).

The shared machinery — reading, parsing, dry run, all or nothing, the error
workbook — is ``partyquality/importing.py``; here are the people kinds'
lookups and rules. New members are written with PostgreSQL ``COPY`` (ids
reserved from the sequences first), changes with batched updates. The
natural key is the party card number, then the national ID.

django-import-export's default row-by-row import of the same columns is the
benchmark's baseline (``bench/member_resource.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from members.models import (
    CellPeriod,
    MemberEventKind,
    Membership,
    MembershipStatus,
    Person,
)
from members.spreadsheet_templates import MEMBERS, SPECS
from organizations.closed_years import closed_message, closed_years
from organizations.import_scope import Scope, UnitDay
from organizations.models import CELL_LIKE_LEVELS
from partyquality.importing import (
    ERROR,
    NEW,
    UNCHANGED,
    UPDATED,
    Importer,
    RowResult,
    _chunks,
    _copy,
    _query,
    _reserve_ids,
)

# --- Messages (tests assert these texts) -----------------------------------

NEED_KEY = _("Cần số thẻ đảng viên hoặc số CCCD để nhận diện người.")
UNKNOWN_CELL = _("Không có chi bộ đang hoạt động với mã “{code}”.")
NOT_A_CELL = _("Mã “{code}” là của {name}, không phải chi bộ.")
OUTSIDE_SCOPE = _("Đơn vị “{code}” nằm ngoài phạm vi bạn được cập nhật.")
FULL_BEFORE_ADMISSION = _("Ngày chính thức phải sau ngày vào Đảng.")
TOO_YOUNG = _("Người vào Đảng phải đủ 18 tuổi (Điều lệ Đảng, Điều 1).")
CELL_CHANGED = _(
    "Đảng viên đang sinh hoạt ở chi bộ “{code}”; chuyển sinh hoạt bằng chức năng "
    "chuyển sinh hoạt, không qua nhập tệp."
)
CELL_CHANGED_ELSEWHERE = _(
    "Đảng viên đang sinh hoạt ở chi bộ khác; chuyển sinh hoạt bằng chức năng "
    "chuyển sinh hoạt, không qua nhập tệp."
)
NATIONAL_ID_TAKEN = _("Số CCCD này đã thuộc người khác ({name}).")
MEMBER_LEFT = _("Đảng viên này đã ra khỏi Đảng; không cập nhật qua nhập tệp.")
ADMISSION_CHANGED = _(
    "Ngày vào Đảng khác với hồ sơ ({date}); sửa trên trang của đảng viên."
)
# Someone outside the user's reach is "not found", like no one (issue #16: a
# dry run told a secretary that a card number of another branch belonged to a
# party member, and named that member's cell).
PERSON_NOT_FOUND = _(
    "Không tìm thấy người có số thẻ đảng viên hoặc CCCD “{key}” trong phạm vi bạn "
    "được cập nhật."
)
KEY_NOT_USABLE = _(
    "Không nhập được số này trong phạm vi bạn được cập nhật. Hãy kiểm tra lại số; "
    "nếu số đúng, hãy đề nghị cấp ủy cấp trên xử lý."
)
UNKNOWN_UNIT = _("Không có tổ chức đang hoạt động với mã “{code}”.")
UNKNOWN_POSITION = _("Không có chức vụ với mã “{code}”.")
LEVEL_NOT_IN_DIMENSION = _("Trình độ này không thuộc lĩnh vực đã chọn.")
STUDYING_NEEDS_YEAR = _("Đang học thì cần năm dự kiến hoàn thành.")
END_BEFORE_START = _("Ngày thôi giữ chức vụ phải sau ngày bắt đầu.")
HOLDING_OVERLAP = _("Người này đã giữ chức vụ này trong khoảng thời gian đó.")


def _open_units(codes: Iterable[str]) -> dict[str, dict[str, Any]]:
    rows = _query(
        "SELECT id, code, name, level, opened_on FROM organizations_unit "
        "WHERE code = ANY(%s) AND closed_on IS NULL",
        [sorted(set(codes))],
    )
    keys = ("id", "code", "name", "level", "opened_on")
    return {row[1]: dict(zip(keys, row, strict=True)) for row in rows}


MEMBERSHIP_SQL = (
    "SELECT m.id, m.person_id, m.card_number, m.admitted_on, m.full_member_on, "
    "m.ended_on, m.status, m.current_cell_id, u.code FROM members_membership m "
    "LEFT JOIN organizations_unit u ON u.id = m.current_cell_id "
)
MEMBERSHIP_KEYS = (
    "id",
    "person_id",
    "card_number",
    "admitted_on",
    "full_member_on",
    "ended_on",
    "status",
    "current_cell_id",
    "current_cell__code",
)


class PeopleImporter(Importer):
    """An import about people, written within the user's reach."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.scope = Scope(self.user, self.within, self.today)

    def writable_people(self, person_ids: Iterable[int]) -> set[int]:
        """The people among ``person_ids`` this import may touch: those with
        a cell or a position now in the units the user reaches today, and
        those with neither whose last cell the user reached on its last day
        (who left, or died, there) — the people whose file the user keeps
        (``Person.objects.writable_by``, dated access, issue #16)."""
        person_ids = set(person_ids)
        if self.scope.user is None and self.scope.within is None:
            return person_ids
        allowed: set[int] = set()
        day = datetime.timedelta(days=1)
        for chunk in _chunks(sorted(person_ids)):
            now: dict[int, set[UnitDay]] = {}
            last: dict[int, UnitDay] = {}
            for person_id, unit_id, valid_to in _query(
                "SELECT m.person_id, p.cell_id, p.valid_to "
                "FROM members_cellperiod p JOIN members_membership m "
                "ON m.id = p.membership_id WHERE m.person_id = ANY(%s) "
                "ORDER BY p.valid_from, p.id",
                [chunk],
            ):
                last[person_id] = (unit_id, valid_to and valid_to - day)
                if valid_to is None:
                    now.setdefault(person_id, set()).add((unit_id, None))
            for person_id, unit_id in _query(
                "SELECT person_id, unit_id FROM members_positionholding "
                "WHERE person_id = ANY(%s) AND valid_to IS NULL",
                [chunk],
            ):
                now.setdefault(person_id, set()).add((unit_id, None))
            reach = dict(now)
            for person_id, unit_day in last.items():
                reach.setdefault(person_id, {unit_day})
            ok = self.scope.writable_on(
                {pair for pairs in reach.values() for pair in pairs}
            )
            allowed |= {p for p, pairs in reach.items() if pairs & ok}
        return allowed

    def persons_by_key(self, keys: Iterable[str]) -> dict[str, int]:
        """Card number or national ID → person id (card numbers first)."""
        keys = sorted({k for k in keys if k})
        found: dict[str, int] = dict(
            _query(
                "SELECT card_number, person_id FROM members_membership "
                "WHERE card_number = ANY(%s)",
                [keys],
            )
        )
        rest = [k for k in keys if k not in found]
        found.update(
            _query(
                "SELECT national_id, id FROM members_person WHERE national_id = ANY(%s)",
                [rest],
            )
        )
        return found


PERSON_FIELDS = (
    "full_name",
    "gender",
    "date_of_birth",
    "ethnicity",
    "religion",
    "home_village",
    "national_id",
)


class MemberImporter(PeopleImporter):
    """Members: a person, their membership, its first cell period and admission.

    The first ``CellPeriod`` starts on the admission date (or the day the cell
    opened, if later): the import records the member's history as known, so
    reports for past years count them in that cell; a transfer recorded later
    closes it. Starting it on the import day instead would make every imported
    member vanish from the reports of earlier years.
    """

    spec = SPECS[MEMBERS]
    # The current cells of matched members that the rows may name.
    current_cells_shown: set[int]

    def key_columns(self) -> list[str]:
        return ["card_number", "national_id"]

    def resolve(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        col = self.column
        units = _open_units(v["cell_code"] for _r, v in parsed if v["cell_code"])
        writable = self.scope.writable(
            u["id"] for u in units.values() if u["level"] in CELL_LIKE_LEVELS
        )
        cards = sorted({v["card_number"] for _r, v in parsed if v["card_number"]})
        ids = sorted({v["national_id"] for _r, v in parsed if v["national_id"]})
        by_card: dict[str, dict[str, Any]] = {
            row[2]: dict(zip(MEMBERSHIP_KEYS, row, strict=True))
            for row in _query(MEMBERSHIP_SQL + "WHERE m.card_number = ANY(%s)", [cards])
        }
        by_national_id: dict[str, int] = dict(
            _query(
                "SELECT national_id, id FROM members_person WHERE national_id = ANY(%s)",
                [ids],
            )
        )
        person_ids = sorted(
            {m["person_id"] for m in by_card.values()} | set(by_national_id.values())
        )
        persons: dict[int, dict[str, Any]] = {}
        latest: dict[int, dict[str, Any]] = {}
        if person_ids:
            for row in _query(
                "SELECT id, full_name, gender, date_of_birth, ethnicity, religion, "
                "home_village, national_id FROM members_person WHERE id = ANY(%s)",
                [person_ids],
            ):
                persons[row[0]] = dict(zip(("id", *PERSON_FIELDS), row, strict=True))
            for row in _query(
                MEMBERSHIP_SQL + "WHERE m.person_id = ANY(%s) ORDER BY m.admitted_on",
                [person_ids],
            ):
                m = dict(zip(MEMBERSHIP_KEYS, row, strict=True))
                latest[m["person_id"]] = m
        reachable = self.writable_people(person_ids)
        self.current_cells_shown = self.scope.writable(
            m["current_cell_id"] for m in latest.values() if m["current_cell_id"]
        )
        self.progress("check", len(parsed), len(parsed))

        for row, v in parsed:
            row.label = v["full_name"] or ""
            code = v["cell_code"]
            unit = units.get(code) if code else None
            if code and unit is None:
                row.error(col("cell_code"), UNKNOWN_CELL.format(code=code))
            elif unit is not None and unit["level"] not in CELL_LIKE_LEVELS:
                row.error(
                    col("cell_code"), NOT_A_CELL.format(code=code, name=unit["name"])
                )
            elif unit is not None and unit["id"] not in writable:
                row.error(col("cell_code"), OUTSIDE_SCOPE.format(code=code))
            if not v["card_number"] and not v["national_id"]:
                row.error(col("card_number"), NEED_KEY)
            admitted, full = v["admitted_on"], v["full_member_on"]
            if admitted and full and full <= admitted:
                row.error(col("full_member_on"), FULL_BEFORE_ADMISSION)
            born = v["date_of_birth"]
            if born and admitted and admitted < _add_years(born, 18):
                row.error(col("admitted_on"), TOO_YOUNG)
            # Match: card number, then national ID.
            membership = by_card.get(v["card_number"]) if v["card_number"] else None
            person_id = membership["person_id"] if membership else None
            if person_id is not None and person_id not in reachable:
                # Someone else's member: say nothing of them (issue #16).
                row.error(col("card_number"), KEY_NOT_USABLE)
                continue
            if v["national_id"]:
                other = by_national_id.get(v["national_id"])
                if other is not None and other != person_id and other not in reachable:
                    row.error(col("national_id"), KEY_NOT_USABLE)
                    continue
                if other is not None and person_id is not None and other != person_id:
                    row.error(
                        col("national_id"),
                        NATIONAL_ID_TAKEN.format(name=persons[other]["full_name"]),
                    )
                    continue
                if person_id is None and other is not None:
                    person_id = other
                    candidate = latest.get(other)
                    if candidate is not None and (
                        candidate["ended_on"] is None
                        or (admitted and candidate["ended_on"] > admitted)
                    ):
                        membership = candidate
            v["_person_id"] = person_id
            v["_membership"] = membership
            v["_unit"] = unit
            if row.outcome == ERROR or person_id is None:
                continue
            self._compare(row, v, persons[person_id], membership)
        self._refuse_closed_years(parsed)

    def names(self, values: dict[str, Any]) -> dict[str, str]:
        unit = values.get("_unit")
        return {"cell_code": unit["name"]} if unit else {}

    def _refuse_closed_years(
        self, parsed: list[tuple[RowResult, dict[str, Any]]]
    ) -> None:
        """A new member joins the sheets of the admission year and the years
        after; a full-member date changes the status from its day on: both
        are refused where such a year is submitted or approved
        (organizations/closed_years.py), and the whole file with them."""
        dated = []
        for row, v in parsed:
            if row.outcome == NEW and v.get("_unit") and v["admitted_on"]:
                dated.append((row, v["_unit"]["id"], v["admitted_on"], "admitted_on"))
            elif row.outcome == UPDATED and "full_member_on" in row.changes:
                cell = v["_membership"]["current_cell_id"]
                day = v["full_member_on"] or v["_membership"]["full_member_on"]
                if day is not None:
                    dated.append((row, cell, day, "full_member_on"))
        if not dated:
            return
        since = min(day.year for _r, _c, day, _col in dated)
        closed = closed_years({cell for _r, cell, _d, _c in dated}, since=since)
        for row, cell, day, column in dated:
            years = [c for c in closed.get(cell, []) if c.year >= day.year]
            if years:
                row.error(self.column(column), closed_message(years[0], day))

    def _compare(
        self,
        row: RowResult,
        v: dict[str, Any],
        person: dict[str, Any],
        membership: dict[str, Any] | None,
    ) -> None:
        col = self.column
        v["_person"] = person
        changes = [
            f
            for f in PERSON_FIELDS
            if not (f == "national_id" and not v[f]) and person[f] != v[f]
        ]
        if membership is None:
            row.outcome = NEW  # new membership of a person already on file
            row.changes = changes
            return
        if membership["ended_on"] is not None or membership["status"] not in (
            MembershipStatus.PROBATIONARY,
            MembershipStatus.FULL,
            MembershipStatus.EXEMPTED,
        ):
            row.error(col("card_number"), MEMBER_LEFT)
            return
        if membership["current_cell_id"] != v["_unit"]["id"]:
            shown = membership["current_cell_id"] in self.current_cells_shown
            row.error(
                col("cell_code"),
                CELL_CHANGED.format(code=membership["current_cell__code"])
                if shown
                else CELL_CHANGED_ELSEWHERE,
            )
            return
        if membership["admitted_on"] != v["admitted_on"]:
            row.error(
                col("admitted_on"),
                ADMISSION_CHANGED.format(
                    date=membership["admitted_on"].strftime("%d/%m/%Y")
                ),
            )
            return
        if v["full_member_on"] != membership["full_member_on"]:
            changes.append("full_member_on")
        if v["card_number"] and membership["card_number"] != v["card_number"]:
            changes.append("card_number")
        row.changes = changes
        row.outcome = UPDATED if changes else UNCHANGED

    def write(self, parsed: list[tuple[RowResult, dict[str, Any]]]) -> None:
        now = timezone.now()
        new_people = [
            v for r, v in parsed if r.outcome == NEW and v["_person_id"] is None
        ]
        person_ids = _reserve_ids(Person._meta.db_table, len(new_people))
        for v, pid in zip(new_people, person_ids, strict=True):
            v["_person_id"] = pid
        self.progress("write", 0, len(parsed))
        _copy(
            Person._meta.db_table,
            ["id", *PERSON_FIELDS, "created_at", "updated_at"],
            (
                (
                    v["_person_id"],
                    v["full_name"],
                    v["gender"],
                    v["date_of_birth"],
                    v["ethnicity"],
                    v["religion"],
                    v["home_village"],
                    v["national_id"] or None,
                    now,
                    now,
                )
                for v in new_people
            ),
        )
        self.progress("write", len(parsed) // 4, len(parsed))
        new_members = [v for r, v in parsed if r.outcome == NEW]
        membership_ids = _reserve_ids(Membership._meta.db_table, len(new_members))
        for v, mid in zip(new_members, membership_ids, strict=True):
            v["_membership_id"] = mid
        _copy(
            Membership._meta.db_table,
            [
                "id",
                "person_id",
                "card_number",
                "admitted_on",
                "full_member_on",
                "status",
                "current_cell_id",
            ],
            (
                (
                    v["_membership_id"],
                    v["_person_id"],
                    v["card_number"] or None,
                    v["admitted_on"],
                    v["full_member_on"],
                    MembershipStatus.FULL
                    if v["full_member_on"]
                    else MembershipStatus.PROBATIONARY,
                    v["_unit"]["id"],
                )
                for v in new_members
            ),
        )
        self.progress("write", len(new_members) // 2, len(parsed))
        _copy(
            CellPeriod._meta.db_table,
            ["membership_id", "cell_id", "valid_from", "is_temporary"],
            (
                (
                    v["_membership_id"],
                    v["_unit"]["id"],
                    max(v["admitted_on"], v["_unit"]["opened_on"]),
                    False,
                )
                for v in new_members
            ),
        )
        self.progress("write", 3 * len(parsed) // 4, len(parsed))
        note = _g("Nhập từ bảng tính")
        events: list[tuple[Any, ...]] = []
        for v in new_members:
            events.append(
                (
                    v["_membership_id"],
                    MemberEventKind.ADMISSION,
                    v["admitted_on"],
                    "",
                    None,
                    v["_unit"]["id"],
                    note,
                    now,
                )
            )
            if v["full_member_on"]:
                events.append(
                    (
                        v["_membership_id"],
                        MemberEventKind.FULL_MEMBER,
                        v["full_member_on"],
                        "",
                        None,
                        None,
                        note,
                        now,
                    )
                )
        from members.models import MemberEvent

        _copy(
            MemberEvent._meta.db_table,
            [
                "membership_id",
                "kind",
                "date",
                "decision_number",
                "from_cell_id",
                "to_cell_id",
                "note",
                "created_at",
            ],
            events,
        )
        self.progress("write", len(parsed) - 1, len(parsed))
        self._write_updates(parsed, now, note)
        self.progress("write", len(parsed), len(parsed))

    def _write_updates(
        self, parsed: list[tuple[RowResult, dict[str, Any]]], now: Any, note: str
    ) -> None:
        from members.models import MemberEvent

        people: list[Person] = []
        memberships: list[Membership] = []
        events: list[MemberEvent] = []
        for row, v in parsed:
            if row.outcome in (NEW, UPDATED) and any(
                f in PERSON_FIELDS for f in row.changes
            ):
                person = Person(pk=v["_person_id"], updated_at=now)
                for f in PERSON_FIELDS:
                    setattr(person, f, v[f])
                person.national_id = v["national_id"] or v["_person"]["national_id"]
                people.append(person)
            if row.outcome != UPDATED:
                continue
            m = v["_membership"]
            if "full_member_on" in row.changes or "card_number" in row.changes:
                status = m["status"]
                if v["full_member_on"] and status == MembershipStatus.PROBATIONARY:
                    status = MembershipStatus.FULL
                    events.append(
                        MemberEvent(
                            membership_id=m["id"],
                            kind=MemberEventKind.FULL_MEMBER,
                            date=v["full_member_on"],
                            note=note,
                        )
                    )
                memberships.append(
                    Membership(
                        pk=m["id"],
                        full_member_on=v["full_member_on"],
                        card_number=v["card_number"] or m["card_number"],
                        status=status,
                    )
                )
        Person.objects.bulk_update(
            people, [*PERSON_FIELDS, "updated_at"], batch_size=2000
        )
        if memberships:
            Membership.objects.bulk_update(
                memberships,
                ["full_member_on", "card_number", "status"],
                batch_size=2000,
            )
        MemberEvent.objects.bulk_create(events, batch_size=2000)


def _add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
