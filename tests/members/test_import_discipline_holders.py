"""Discipline from a workbook, and holdings creating someone who is not a
party member (issue #19 §4)."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import pytest

from assessments.models import OrganizationReview, ReviewState
from members.models import (
    Discipline,
    MemberEvent,
    MemberEventKind,
    MembershipStatus,
    Person,
    PositionHolding,
)
from members.spreadsheet_templates import SPECS
from partyquality import importing
from tests.members.import_files import xlsx
from tests.reports.data import member, position

D = datetime.date


def discipline_row(key: str = "", unit: str = "", **more: Any) -> list:
    values = {
        "person_key": key,
        "unit_code": unit,
        "form": "Khiển trách",
        "date": D(2024, 6, 10),
        "deciding_body": "Ủy ban Kiểm tra Huyện ủy",
        "decision_number": "25-QĐ/UBKT",
        "reason": "Vi phạm quy chế",
        **more,
    }
    return [values[c.key] for c in SPECS["discipline"].columns]


def _import(kind: str, rows: list[list[Any]], **kwargs: Any) -> importing.ImportResult:
    return importing.import_file(kind, BytesIO(xlsx(rows, kind=kind)), **kwargs)


def _errors(result: importing.ImportResult) -> list[str]:
    return [f"{r.number}|{h}|{m}" for r in result.error_rows for h, m in r.errors]


@pytest.fixture
def members(tree):  # type: ignore[no-untyped-def]
    a = member(tree.cell1, "Nguyễn Văn An", admitted=D(2010, 1, 1))
    a.card_number = "40.000001"
    a.save()
    MemberEvent.objects.create(
        membership=a, kind=MemberEventKind.ADMISSION, date=D(2010, 1, 1)
    )
    MemberEvent.objects.create(
        membership=a, kind=MemberEventKind.FULL_MEMBER, date=D(2011, 1, 1)
    )
    b = member(
        tree.cell1,
        "Lê Thị Bình",
        admitted=D(2024, 1, 1),
        status=MembershipStatus.PROBATIONARY,
    )
    b.card_number = "40.000002"
    b.save()
    MemberEvent.objects.create(
        membership=b, kind=MemberEventKind.ADMISSION, date=D(2024, 1, 1)
    )
    return a, b


def test_a_discipline_file_is_recorded_then_again_unchanged(
    secretary, tree, members
) -> None:
    rows = [
        discipline_row("40.000001"),
        discipline_row(unit="TC-TP-2", form="Cảnh cáo", decision_number="26-QĐ"),
    ]
    result = _import("discipline", rows, commit=True, user=secretary)
    assert result.written, _errors(result)
    assert result.counts["new"] == 2
    assert Discipline.objects.filter(person=members[0].person).count() == 1
    assert Discipline.objects.get(subject_is_unit=True).unit == tree.cell2
    again = _import("discipline", rows, commit=True, user=secretary)
    assert again.counts["unchanged"] == 2
    assert Discipline.objects.count() == 2


BAD = {
    "a probationary member expelled": (
        [discipline_row("40.000002", form="Khai trừ")],
        "2|Hình thức|",
    ),
    "unknown person": (
        [discipline_row("40.999999")],
        "2|Số thẻ đảng viên hoặc CCCD|Không tìm thấy người có số thẻ đảng viên hoặc "
        "CCCD “40.999999” trong phạm vi bạn được cập nhật.",
    ),
    "organization out of scope": (
        [discipline_row(unit="TK-HS-1")],
        "2|Mã tổ chức bị kỷ luật|Đơn vị “TK-HS-1” nằm ngoài phạm vi bạn được cập nhật.",
    ),
    "both subjects": (
        [discipline_row("40.000001", unit="TC-TP-1")],
        "2|Số thẻ đảng viên hoặc CCCD|Điền số thẻ đảng viên hoặc CCCD (kỷ luật đảng "
        "viên), hoặc mã tổ chức (kỷ luật tổ chức), không cả hai.",
    ),
    "bad date": (
        [discipline_row("40.000001", date="31/02/2024")],
        "2|Ngày quyết định|Cần một ngày dạng ngày/tháng/năm, ví dụ 17/05/1980.",
    ),
    "duplicates": (
        [discipline_row("40.000001"), discipline_row("40.000001")],
        "3|Ngày quyết định|Trùng với dòng 2 trong tệp.",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_discipline_file_changes_nothing(name, secretary, tree, members) -> None:
    rows, expected = BAD[name]
    result = _import("discipline", rows, commit=True, user=secretary)
    assert not result.written
    assert any(e.startswith(expected) for e in _errors(result)), _errors(result)
    assert Discipline.objects.count() == 0


def test_a_discipline_in_a_locked_year_refuses_the_file(
    secretary, tree, members
) -> None:
    OrganizationReview.objects.create(
        organization=tree.commune, year=2024, state=ReviewState.APPROVED
    )
    result = _import(
        "discipline", [discipline_row("40.000001")], commit=True, user=secretary
    )
    assert not result.written
    [error] = _errors(result)
    assert error.startswith("2|Ngày quyết định|Năm 2024 của Đảng bộ xã Thanh Phong")
    assert Discipline.objects.count() == 0


def holding_row(key: str, **more: Any) -> list:
    values = {
        "person_key": key,
        "unit_code": "TC-TP",
        "position_code": "village_head",
        "valid_from": D(2023, 1, 1),
        "valid_to": None,
        "is_concurrent": "Không",
        "origin": "Tại chỗ",
        "full_name": "Phạm Văn Cường",
        "gender": "Nam",
        "date_of_birth": D(1970, 2, 3),
        "ethnicity": "Kinh",
        **more,
    }
    return [values[c.key] for c in SPECS["holdings"].columns]


def test_a_holding_creates_someone_who_is_not_a_party_member(secretary, tree) -> None:
    position("village_head", "village", "Trưởng thôn")
    result = _import(
        "holdings", [holding_row("040070000123")], commit=True, user=secretary
    )
    assert result.written, _errors(result)
    person = Person.objects.get(national_id="040070000123")
    assert person.full_name == "Phạm Văn Cường"
    assert not person.memberships.exists()
    assert person.registered_unit == tree.commune
    assert PositionHolding.objects.get(person=person).unit == tree.commune
    again = _import(
        "holdings", [holding_row("040070000123")], commit=True, user=secretary
    )
    assert again.counts["unchanged"] == 1
    assert Person.objects.filter(national_id="040070000123").count() == 1


def test_a_new_person_needs_a_cccd_and_a_birth_date(secretary, tree) -> None:
    position("village_head", "village", "Trưởng thôn")
    rows = [holding_row("40.123456"), holding_row("040070000124", date_of_birth=None)]
    result = _import("holdings", rows, commit=True, user=secretary)
    assert not result.written
    errors = _errors(result)
    assert (
        "2|Số thẻ đảng viên hoặc CCCD|Người chưa có hồ sơ được tạo theo số CCCD (12 "
        "chữ số), không theo số thẻ đảng viên." in errors
    )
    assert "3|Ngày sinh|Bắt buộc, đang để trống." in errors
    assert not Person.objects.exists()


@pytest.mark.parametrize("kind", ["discipline", "residences", "classifications"])
def test_a_file_with_other_headers_is_refused_whole(kind, secretary, tree) -> None:
    content = xlsx([["40.000001", "x"]], kind=kind, header=["Số thẻ", "Ghi chú"])
    with pytest.raises(importing.ImportFileError) as refused:
        importing.import_file(kind, BytesIO(content), commit=True, user=secretary)
    assert refused.value.message.startswith("Thiếu cột: ")
    assert refused.value.message.endswith("Hãy dùng tệp mẫu.")
    assert Discipline.objects.count() == 0
