"""A year's classifications of many organizations from one workbook
(issue #19 §3)."""

from __future__ import annotations

import datetime
from io import BytesIO
from typing import Any

import pytest
from openpyxl import Workbook

from assessments.board_import import SPEC
from assessments.models import (
    MemberClassification,
    OrganizationReview,
    ReviewState,
    UnitClassification,
)
from partyquality import importing
from tests.assessments.factories import make_member

D = datetime.date


def row(org: str, cell: str = "", card: str = "", level: str = "", **more: Any) -> list:
    values = {
        "org_code": org,
        "cell_code": cell,
        "card_number": card,
        "year": 2024,
        "level": level,
        "score": None,
        "remarks": None,
        **more,
    }
    return [values[c.key] for c in SPEC.columns]


def xlsx(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(SPEC.headers)
    for r in rows:
        sheet.append(r)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(rows: list[list[Any]], **kwargs: Any) -> importing.ImportResult:
    return importing.import_file("classifications", BytesIO(xlsx(rows)), **kwargs)


def _errors(result: importing.ImportResult) -> list[str]:
    return [f"{r.number}|{h}|{m}" for r in result.error_rows for h, m in r.errors]


def _state() -> tuple[int, int]:
    return UnitClassification.objects.count(), MemberClassification.objects.count()


@pytest.fixture
def people(tree):  # type: ignore[no-untyped-def]
    return (
        make_member(tree.cell1, "Nguyễn Văn An"),
        make_member(tree.other_cell, "Lê Văn Hương"),
    )


def _cards(people) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.memberships.get().card_number for p in people]


def province_file(people) -> list[list[Any]]:  # type: ignore[no-untyped-def]
    an, huong = _cards(people)
    return [
        row("TC-TP", "TC-TP-2", level="Hoàn thành nhiệm vụ"),
        row("TC-TP", "TC-TP-1", level="Hoàn thành tốt nhiệm vụ"),
        row("TC-TP", card=an, level="Hoàn thành tốt nhiệm vụ"),
        row("TC-TP", "TC-TP", level="Hoàn thành tốt nhiệm vụ"),
        row("TK-HS", "TK-HS-1", level="Hoàn thành xuất sắc nhiệm vụ"),
        row("TK-HS", card=huong, level="Hoàn thành tốt nhiệm vụ"),
        row("TK-HS", "TK-HS", level="Hoàn thành tốt nhiệm vụ"),
    ]


def test_the_board_loads_two_communes_at_once_then_again_unchanged(
    province_officer, tree, people
) -> None:
    result = _import(province_file(people), commit=True, user=province_officer)
    assert result.written, _errors(result)
    assert result.counts["new"] == 7
    assert _state() == (5, 2)
    assert (
        UnitClassification.objects.get(unit=tree.commune, year=2024).level.code
        == "good"
    )
    again = _import(province_file(people), commit=True, user=province_officer)
    assert again.counts["unchanged"] == 7, _errors(again)
    assert _state() == (5, 2)


def test_a_broken_rule_is_reported_on_its_row_and_nothing_is_written(
    province_officer, tree, people
) -> None:
    """QĐ 366: an organization rated excellent has no disciplined member
    that year (the review rules of the page, per organization)."""
    from tests.assessments.factories import discipline

    discipline(people[0], tree.cell1, D(2024, 3, 1))
    rows = province_file(people)
    rows[2] = row("TC-TP", card=_cards(people)[0], level="Hoàn thành xuất sắc nhiệm vụ")
    result = _import(rows, commit=True, user=province_officer)
    assert not result.written
    assert any(e.startswith("4|Mức|") for e in _errors(result)), _errors(result)
    assert _state() == (0, 0)


def test_a_locked_year_refuses_the_whole_file_up_front(
    province_officer, tree, people
) -> None:
    OrganizationReview.objects.create(
        organization=tree.other_commune, year=2024, state=ReviewState.APPROVED
    )
    with pytest.raises(importing.ImportFileError) as refused:
        _import(province_file(people), commit=True, user=province_officer)
    assert refused.value.message.startswith(
        "Năm 2024 đã trình hoặc đã được duyệt ở: Đảng bộ xã Hương Sơn."
    )
    assert _state() == (0, 0)


BAD = {
    "unknown organization": (
        [row("ZZ", "ZZ-1", level="Hoàn thành nhiệm vụ")],
        "2|Mã tổ chức cơ sở|Không có tổ chức cơ sở đảng mã “ZZ” năm 2024.",
    ),
    "unknown level": (
        [row("TC-TP", "TC-TP-1", level="Rất tốt")],
        "2|Mức|Mức “Rất tốt” không có trong thang của năm 2024.",
    ),
    "two years": (
        [
            row("TC-TP", "TC-TP-1", level="Hoàn thành nhiệm vụ"),
            row("TC-TP", "TC-TP-2", level="Hoàn thành nhiệm vụ", year=2023),
        ],
        "3|Năm|Một tệp cho một năm: các dòng trước là năm 2024.",
    ),
    "duplicates": (
        [
            row("TC-TP", "TC-TP-1", level="Hoàn thành nhiệm vụ"),
            row("TC-TP", "TC-TP-1", level="Hoàn thành nhiệm vụ"),
        ],
        "3|Mã chi bộ|Trùng với dòng 2.",
    ),
}


@pytest.mark.parametrize("name", list(BAD))
def test_a_bad_classification_file_changes_nothing(
    name, province_officer, tree
) -> None:
    rows, expected = BAD[name]
    result = _import(rows, commit=True, user=province_officer)
    assert not result.written
    assert expected in _errors(result), _errors(result)
    assert _state() == (0, 0)


def test_a_secretary_cannot_load_another_commune(secretary, tree, people) -> None:
    result = _import(province_file(people), commit=True, user=secretary)
    assert not result.written
    assert (
        "6|Mã tổ chức cơ sở|Tổ chức “TK-HS” nằm ngoài phạm vi bạn được cập nhật."
        in (_errors(result))
    )
    assert _state() == (0, 0)


def test_a_changed_level_updates_it_and_the_audit_trail_names_the_importer(
    province_officer, tree, people
) -> None:
    import pghistory

    from partyquality.audit import history_matching

    rows = province_file(people)
    with pghistory.context(user=province_officer.pk, command="import_classifications"):
        _import(rows, commit=True, user=province_officer)
        rows[0] = row(
            "TC-TP", "TC-TP-2", level="Hoàn thành tốt nhiệm vụ", remarks="Sửa"
        )
        result = _import(rows, commit=True, user=province_officer)
    assert (result.counts["updated"], result.counts["unchanged"]) == (1, 6)
    changed = UnitClassification.objects.get(unit=tree.cell2, year=2024)
    assert (changed.level.code, changed.remarks) == ("good", "Sửa")
    assert changed.updated_by == province_officer
    history = history_matching(UnitClassification, unit_id=tree.cell2.pk, year=2024)
    assert [(e.action, e.who) for e in history] == [
        ("Tạo mới", province_officer.username),
        ("Sửa", province_officer.username),
    ]
    assert history[0].where == "lệnh import_classifications"
    assert {c.after for c in history[-1].changes} >= {"Hoàn thành tốt nhiệm vụ", "Sửa"}


def test_an_organization_before_all_its_cells_is_refused_on_its_row(
    province_officer, tree
) -> None:
    """QĐ 124/366: the cells are classified before their organization."""
    rows = [
        row("TC-TP", "TC-TP-1", level="Hoàn thành tốt nhiệm vụ"),
        row("TC-TP", "TC-TP", level="Hoàn thành tốt nhiệm vụ"),
    ]
    result = _import(rows, commit=True, user=province_officer)
    assert not result.written
    assert _errors(result) == [
        "3|Mức|Xếp loại các chi bộ trực thuộc trước khi xếp loại Đảng bộ xã Thanh "
        "Phong (QĐ 124-QĐ/TW): còn 1 chi bộ chưa xếp loại."
    ], _errors(result)
    assert _state() == (0, 0)


def test_a_score_the_year_does_not_use_is_refused_in_its_column(
    province_officer, tree
) -> None:
    rows = [row("TC-TP", "TC-TP-1", level="Hoàn thành nhiệm vụ", score="85")]
    result = _import(rows, commit=True, user=province_officer)
    assert _errors(result) == ["2|Điểm|Thang của năm 2024 không chấm điểm."]
    assert _state() == (0, 0)


def test_a_classification_changed_during_the_import_refuses_the_whole_file(
    province_officer, tree, people
) -> None:
    """Someone saves a level on the page between the check and the write:
    the file checked against other data writes nothing."""
    from assessments.services import unit_classification_set
    from tests.assessments.factories import level

    def meanwhile(stage: str, done: int, total: int) -> None:
        if stage == "check" and done == total:
            unit_classification_set(
                user=None,
                unit=tree.cell1,
                year=2024,
                level=level("organization", 2024, "completed"),
            )

    with pytest.raises(importing.ImportFileError) as refused:
        _import(
            province_file(people),
            commit=True,
            user=province_officer,
            progress=meanwhile,
        )
    assert "đã thay đổi trong lúc nhập" in refused.value.message
    assert _state() == (1, 0)
