"""Villages with dated coverage from a workbook, and the coverage report
reading them as of 31 December of its year (issue #19 §2)."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from assessments.reports import coverage
from members.import_jobs import import_job_run
from members.models import ImportJob, Residence
from organizations.models import (
    ResidentialCoverage,
    ResidentialMemberCount,
    ResidentialUnit,
)
from organizations.village_spreadsheet import VILLAGE_SPEC
from partyquality import importing
from tests.reports.data import approve, member

D = datetime.date


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def row(code: str, name: str, **more: Any) -> list:
    values = {
        "code": code,
        "name": name,
        "kind": "Thôn",
        "commune_code": "TC-TP",
        "opened_on": "01/01/2000",
        "closed_on": None,
        "cell_code": None,
        "head_name": None,
        "head_is_member": "Không",
        "valid_from": "01/01/2000",
        "valid_to": None,
        "figure_year": None,
        "party_members": None,
        **more,
    }
    return [values[c.key] for c in VILLAGE_SPEC.columns]


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else VILLAGE_SPEC.headers)
    for r in rows:
        sheet.append(r)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def history() -> list[list[Any]]:
    """Thôn 1: cell 1 until 2020, then cell 2 with a head who is a member.
    Thôn 2: no cell until 2015, then cell 1. Figures for 2010 and 2024."""
    return [
        row(
            "V1",
            "Thôn 1",
            cell_code="TC-TP-1",
            head_name="Lê Văn Bình",
            valid_to="01/01/2020",
            figure_year=2010,
            party_members=6,
        ),
        row(
            "V1",
            "Thôn 1",
            cell_code="TC-TP-2",
            head_name="Hồ Thị Cúc",
            head_is_member="Có",
            valid_from="01/01/2020",
            figure_year=2024,
            party_members=9,
        ),
        row(
            "V2",
            "Thôn 2",
            head_name="Đinh Văn Dũng",
            valid_to="01/01/2015",
            figure_year=2010,
            party_members=0,
        ),
        row(
            "V2",
            "Thôn 2",
            cell_code="TC-TP-1",
            head_name="Đinh Văn Dũng",
            valid_from="01/01/2015",
            figure_year=2024,
            party_members=4,
        ),
    ]


def _import(content: bytes, **kwargs: Any) -> importing.ImportResult:
    return importing.import_file("villages", BytesIO(content), **kwargs)


def _errors(result: importing.ImportResult) -> list[str]:
    return [f"{r.number}|{h}|{m}" for r in result.error_rows for h, m in r.errors]


def _state() -> tuple[int, int, int]:
    return (
        ResidentialUnit.objects.count(),
        ResidentialCoverage.objects.count(),
        ResidentialMemberCount.objects.count(),
    )


def test_a_secretary_loads_villages_by_codes_then_again_unchanged(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    page = client.get(reverse("imports:upload")).content.decode()
    assert "Thôn, tổ dân phố và chi bộ phụ trách" in page
    for attempt in ("first", "again"):
        response = client.post(
            reverse("imports:upload"),
            {
                "kind": "villages",
                "file": SimpleUploadedFile("thon.xlsx", xlsx(history())),
            },
        )
        token = re.search(r"/([0-9a-f]{32})/", response.url).group(1)
        review = client.get(response.url).content.decode()
        assert "Mã thôn" in review
        confirmed = client.post(reverse("imports:confirm", args=[token]))
        import_job_run.call(ImportJob.objects.order_by("pk").last().pk)
        done = client.get(confirmed.url).content.decode()
        expected = "4 thêm mới" if attempt == "first" else "4 không đổi"
        assert expected in done
        assert _state() == (2, 4, 4)
    first = ResidentialUnit.objects.get(code="V1")
    periods = list(
        first.coverage.order_by("valid_from").values_list(
            "covering_cell__code", "head_is_party_member", "valid_from", "valid_to"
        )
    )
    assert periods == [
        ("TC-TP-1", False, D(2000, 1, 1), D(2020, 1, 1)),
        ("TC-TP-2", True, D(2020, 1, 1), None),
    ]


def test_a_past_years_coverage_differs_from_todays(secretary, tree) -> None:
    """2010: Thôn 2 had no cell and no member living there, neither head
    was a member; 2024: both covered, one head a member."""
    _import(xlsx(history()), commit=True, user=secretary)
    member(tree.cell1, "Đảng viên A")
    approve(tree.commune, year=2010)
    approve(tree.commune, year=2024)
    past = coverage.build(
        root=tree.commune, year=2010, compare_year=2024, user=secretary
    )
    now = coverage.build(root=tree.commune, year=2024, user=secretary)
    assert (past.total.without_cell, past.total.without_member) == (1, 1)
    assert past.total.heads_members == 0
    assert (now.total.without_cell, now.total.without_member) == (0, 0)
    assert now.total.heads_members == 1
    assert past.uncovered == [
        ("Thôn 2", "Đảng bộ xã Thanh Phong", "Chưa có chi bộ, chưa có đảng viên")
    ]
    assert now.uncovered == []
    # The comparison year is honoured with its own coverage.
    assert past.others[2024].without_cell == 0
    assert (
        "“Chưa có đảng viên” tính theo nơi cư trú của đảng viên ở 0 thôn, tổ dân "
        "phố; theo số đảng viên cư trú xã báo cáo năm 2010 ở 2; 0 chưa có số liệu "
        "(không tính)."
    ) in past.notes


def test_without_a_member_comes_from_residences_where_they_are_recorded(
    secretary, tree
) -> None:
    _import(xlsx(history()), commit=True, user=secretary)
    resident = member(tree.cell1, "Đảng viên Cư Trú")
    Residence.objects.create(
        person=resident.person,
        residential_unit=ResidentialUnit.objects.get(code="V1"),
        valid_from=D(2000, 1, 1),
    )
    report = coverage.build(
        root=tree.commune, year=2024, user=secretary, provisional=True
    )
    # Thôn 2's figure says 4, but the commune records residences: none there.
    assert report.total.without_member == 1
    assert [u[0] for u in report.uncovered] == ["Thôn 2"]
    assert report.uncovered[0][2] == "Chưa có đảng viên"
    assert "tính theo nơi cư trú của đảng viên ở 2 thôn" in " ".join(report.notes)


BAD_FILES = {
    "wrong headers": (xlsx([["V1"]], header=["Mã thôn", "Tên"]), None),
    "bad date": (
        xlsx([row("V1", "Thôn 1", valid_from="32/01/2000")]),
        "2|Phụ trách từ ngày|Cần một ngày dạng ngày/tháng/năm, ví dụ 17/05/1980.",
    ),
    "unknown commune": (
        xlsx([row("V1", "Thôn 1", commune_code="ZZ")]),
        "2|Mã đơn vị cấp xã|Không có đơn vị cấp xã mã “ZZ” hoạt động vào ngày 01/01/2000.",
    ),
    "commune out of scope": (
        xlsx([row("V1", "Thôn 1", commune_code="TK-HS")]),
        "2|Mã đơn vị cấp xã|Đơn vị “TK-HS” nằm ngoài phạm vi bạn được cập nhật.",
    ),
    "cell of another commune": (
        xlsx([row("V1", "Thôn 1", cell_code="TK-HS-1")]),
        "2|Mã chi bộ phụ trách|Chi bộ “TK-HS-1” không thuộc đơn vị cấp xã “TC-TP”.",
    ),
    "duplicates": (
        xlsx([row("V1", "Thôn 1"), row("V1", "Thôn 1")]),
        "3|Phụ trách từ ngày|Trùng với dòng 2 trong tệp.",
    ),
    "overlapping periods": (
        xlsx([row("V1", "Thôn 1"), row("V1", "Thôn 1", valid_from="01/01/2005")]),
        "3|Phụ trách từ ngày|Trùng thời gian với giai đoạn phụ trách từ ngày 01/01/2000.",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_villages_file_changes_nothing(name, secretary, tree) -> None:
    content, expected = BAD_FILES[name]
    before = _state()
    if expected is None:
        with pytest.raises(importing.ImportFileError, match="Thiếu cột"):
            _import(content, commit=True, user=secretary)
    else:
        result = _import(content, commit=True, user=secretary)
        assert not result.written
        assert expected in _errors(result), _errors(result)
    assert _state() == before


def test_readers_and_outsiders_cannot_load_villages(
    client, reader, outsider, tree
) -> None:
    client.force_login(reader)
    assert client.get(reverse("imports:upload")).status_code == 403
    result = _import(xlsx(history()), commit=True, user=outsider)
    assert not result.written
    assert _state() == (0, 0, 0)


def test_residences_are_imported_and_then_count_the_members_living_there(
    secretary, tree
) -> None:
    """Issue #19 §2: where members live, loaded from a workbook, and the
    coverage report counting from it."""
    from members.spreadsheet_templates import SPECS

    _import(xlsx(history()), commit=True, user=secretary)
    resident = member(tree.cell1, "Đảng viên Cư Trú")
    resident.card_number = "40.000777"
    resident.save()
    book = Workbook()
    sheet = book.active
    sheet.append(SPECS["residences"].headers)
    sheet.append(["40.000777", "V2", D(2016, 1, 1), None])
    buffer = BytesIO()
    book.save(buffer)
    result = importing.import_file(
        "residences", BytesIO(buffer.getvalue()), commit=True, user=secretary
    )
    assert result.written, _errors(result)
    again = importing.import_file(
        "residences", BytesIO(buffer.getvalue()), commit=True, user=secretary
    )
    assert again.counts["unchanged"] == 1
    report = coverage.build(
        root=tree.commune, year=2024, user=secretary, provisional=True
    )
    # Thôn 1's figure says 9, but nobody is recorded living there.
    assert [u[0] for u in report.uncovered] == ["Thôn 1"]
    outsider_row = importing.import_file(
        "residences", BytesIO(buffer.getvalue()), commit=False, user=None
    )
    assert outsider_row.counts["unchanged"] == 1
