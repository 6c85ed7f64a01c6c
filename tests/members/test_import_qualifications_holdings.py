"""Importing qualifications and position holdings of people already on file."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest

from members.models import Position, PositionGroup, PositionHolding, Qualification
from partyquality import importing
from tests.members.import_files import member_row, xlsx


@pytest.fixture
def members(secretary, tree) -> None:
    rows = [
        member_row(1),
        member_row(2, card_number=None),
        member_row(3, cell="TK-HS-1"),
    ]
    importing.import_file("members", BytesIO(xlsx(rows)), commit=True)


@pytest.fixture
def secretary_post(db) -> Position:
    # The catalogue is loaded by a data migration; make sure of this one post.
    position, _created = Position.objects.get_or_create(
        code="party_secretary",
        defaults={"name": "Bí thư Đảng ủy", "group": PositionGroup.ELECTED},
    )
    return position


def test_qualifications_by_card_or_national_id_then_unchanged(
    members, secretary
) -> None:
    rows = [
        [
            "40.000001",
            "Chuyên môn, nghiệp vụ",
            "Đại học",
            "Đã có",
            None,
            "Luật",
            "Đại học Vinh",
            2004,
        ],
        [
            "040000000002",
            "Lý luận chính trị",
            "Trung cấp lý luận chính trị",
            "Đang học",
            2027,
            "",
            "",
            None,
        ],
    ]
    result = importing.import_file(
        "qualifications",
        BytesIO(xlsx(rows, kind="qualifications")),
        commit=True,
        user=secretary,
    )
    assert result.counts["new"] == 2
    degree = Qualification.objects.get(person__memberships__card_number="40.000001")
    assert (degree.level, degree.rank, degree.field, degree.year) == (
        "university",
        4,
        "Luật",
        2004,
    )
    studying = Qualification.objects.get(person__national_id="040000000002")
    assert (studying.status, studying.expected_year) == ("studying", 2027)
    again = importing.import_file(
        "qualifications",
        BytesIO(xlsx(rows, kind="qualifications")),
        commit=True,
        user=secretary,
    )
    assert again.counts == {"new": 0, "updated": 0, "unchanged": 2, "error": 0}


def test_qualification_errors_name_the_column(members, secretary) -> None:
    rows = [
        ["40.999999", "Tin học", "Cơ bản", "", None, "", "", None],
        ["40.000001", "Tin học", "Đại học", "", None, "", "", None],
        [
            "40.000001",
            "Lý luận chính trị",
            "Cao cấp lý luận chính trị",
            "Đang học",
            None,
            "",
            "",
            None,
        ],
        ["40.000003", "Tin học", "Cơ bản", "", None, "", "", None],
    ]
    result = importing.import_file(
        "qualifications",
        BytesIO(xlsx(rows, kind="qualifications")),
        commit=True,
        user=secretary,
    )
    assert not result.written
    assert result.rows[0].errors == [
        (
            "Số thẻ đảng viên hoặc CCCD",
            "Không tìm thấy người có số thẻ đảng viên hoặc CCCD “40.999999” trong "
            "phạm vi bạn được cập nhật.",
        )
    ]
    assert result.rows[1].errors == [
        ("Trình độ", "Trình độ này không thuộc lĩnh vực đã chọn.")
    ]
    assert result.rows[2].errors == [
        ("Năm dự kiến xong", "Đang học thì cần năm dự kiến hoàn thành.")
    ]
    # Someone of another branch is "not found", as if no one had that number.
    assert result.rows[3].errors == [
        (
            "Số thẻ đảng viên hoặc CCCD",
            "Không tìm thấy người có số thẻ đảng viên hoặc CCCD “40.000003” trong "
            "phạm vi bạn được cập nhật.",
        )
    ]
    assert Qualification.objects.count() == 0


def test_position_holdings_import_update_and_refuse_outside_units(
    members, secretary, secretary_post
) -> None:
    rows = [
        [
            "40.000001",
            "TC-TP",
            "party_secretary",
            "01/10/2020",
            None,
            "Không",
            "Tại chỗ",
        ]
    ]
    result = importing.import_file(
        "holdings", BytesIO(xlsx(rows, kind="holdings")), commit=True, user=secretary
    )
    assert result.written
    holding = PositionHolding.objects.get()
    assert (holding.unit.code, holding.valid_from, holding.valid_to) == (
        "TC-TP",
        datetime.date(2020, 10, 1),
        None,
    )
    rows[0][4] = "2025-07-01"
    rows.append(
        [
            "040000000002",
            "TK-HS",
            "party_secretary",
            "01/10/2020",
            None,
            "Có",
            "Luân chuyển ngang",
        ]
    )
    result = importing.import_file(
        "holdings", BytesIO(xlsx(rows, kind="holdings")), commit=True, user=secretary
    )
    assert result.rows[1].errors == [
        ("Mã đơn vị", "Đơn vị “TK-HS” nằm ngoài phạm vi bạn được cập nhật.")
    ]
    rows.pop()
    result = importing.import_file(
        "holdings", BytesIO(xlsx(rows, kind="holdings")), commit=True, user=secretary
    )
    assert result.counts["updated"] == 1
    holding.refresh_from_db()
    assert holding.valid_to == datetime.date(2025, 7, 1)


def test_an_overlapping_holding_of_the_same_post_is_an_error(
    members, secretary, secretary_post
) -> None:
    rows = [["40.000001", "TC-TP", "party_secretary", "01/10/2020", None, "", ""]]
    importing.import_file(
        "holdings", BytesIO(xlsx(rows, kind="holdings")), commit=True, user=secretary
    )
    rows = [
        ["40.000001", "TC-TP", "party_secretary", "01/01/2022", None, "", ""],
        ["40.000001", "TC-TP", "no_such_post", "01/01/2022", None, "", ""],
    ]
    result = importing.import_file(
        "holdings", BytesIO(xlsx(rows, kind="holdings")), commit=True, user=secretary
    )
    assert result.rows[0].errors == [
        ("Từ ngày", "Người này đã giữ chức vụ này trong khoảng thời gian đó.")
    ]
    assert result.rows[1].errors == [
        ("Mã chức vụ", "Không có chức vụ với mã “no_such_post”.")
    ]
    assert PositionHolding.objects.count() == 1
