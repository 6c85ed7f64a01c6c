"""The tree workbook (issue #19 §1): import under a unit, export, re-import."""

from __future__ import annotations

import datetime
import re
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from members.import_jobs import import_job_run
from members.models import ImportJob
from organizations.models import EventKind, Unit, UnitEvent, UnitLink
from organizations.tree_export import tree_rows
from organizations.tree_spreadsheet import TREE_SPEC
from partyquality import importing

D = datetime.date


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def row(code: str, name: str, level: str, kind: str, parent: str, **more: Any) -> list:
    values = {
        "code": code,
        "name": name,
        "level": level,
        "kind": kind,
        "parent_code": parent,
        "opened_on": more.get("opened_on", "01/01/2005"),
        "decision_number": more.get("decision_number", "12-QĐ/HU"),
        "closed_on": more.get("closed_on"),
        "closing_decision": more.get("closing_decision"),
        "successor_code": more.get("successor_code"),
        "is_difficult_area": more.get("is_difficult_area", "Không"),
    }
    return [values[c.key] for c in TREE_SPEC.columns]


def xlsx(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header if header is not None else TREE_SPEC.headers)
    for r in rows:
        sheet.append(r)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def commune_file(prefix: str = "TC-TL", parent: str = "TC") -> list[list[Any]]:
    """A commune with two cells, one closed into the other in 2020."""
    return [
        row(prefix, "Đảng bộ xã Thanh Lâm", "Đảng bộ cơ sở", "Xã", parent),
        row(
            f"{prefix}-1", "Chi bộ thôn 1", "Chi bộ trực thuộc", "Thôn, bản, ấp", prefix
        ),
        row(
            f"{prefix}-2",
            "Chi bộ thôn 2",
            "Chi bộ trực thuộc",
            "Thôn, bản, ấp",
            prefix,
            closed_on="01/07/2020",
            closing_decision="45-QĐ/ĐU",
            successor_code=f"{prefix}-1",
        ),
    ]


def _import(content: bytes, **kwargs: Any) -> importing.ImportResult:
    return importing.import_file("tree", BytesIO(content), **kwargs)


def _errors(result: importing.ImportResult) -> list[str]:
    return [
        f"{r.number}|{header}|{message}"
        for r in result.error_rows
        for header, message in r.errors
    ]


def _state() -> tuple[int, int, int]:
    return Unit.objects.count(), UnitLink.objects.count(), UnitEvent.objects.count()


def test_the_template_has_the_columns_an_example_and_lists_for_level_and_kind(
    client, board_officer
) -> None:
    client.force_login(board_officer)
    response = client.get(reverse("imports:template") + "?loai=tree")
    workbook = load_workbook(BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == TREE_SPEC.headers
    lists = [str(v.sqref) for v in sheet.data_validations.dataValidation]
    assert "C2:C10001" in lists  # Cấp
    assert "D2:D10001" in lists  # Loại hình
    assert workbook["Danh mục"].sheet_state == "hidden"


def test_an_officer_loads_a_commune_from_the_district_page_and_again_unchanged(
    client, board_officer, tree
) -> None:
    client.force_login(board_officer)
    page = client.get(reverse("organizations:unit_detail", args=[tree.district.pk]))
    link = reverse("organizations:unit_tree_import", args=[tree.district.pk])
    assert link in page.content.decode()
    for attempt in ("first", "again"):
        before = _state()
        response = client.post(
            link, {"file": SimpleUploadedFile("cay.xlsx", xlsx(commune_file()))}
        )
        review = client.get(response.url).content.decode()
        token = re.search(r"/([0-9a-f]{32})/", response.url).group(1)
        if attempt == "first":
            assert "Thêm mới" in review
            assert "TC-TL-2" in review
        confirmed = client.post(reverse("imports:confirm", args=[token]))
        job = ImportJob.objects.order_by("pk").last()
        import_job_run.call(job.pk)
        done = client.get(confirmed.url).content.decode()
        if attempt == "first":
            assert "3 thêm mới" in done
            assert _state() == (before[0] + 3, before[1] + 3, before[2] + 4)
        else:
            assert "3 không đổi" in done
            assert _state() == before
    commune = Unit.objects.get(code="TC-TL")
    assert commune.parent_links.get().parent == tree.district
    closed = Unit.objects.get(code="TC-TL-2")
    assert closed.closed_on == D(2020, 7, 1)
    assert closed.parent_links.get().valid_to == D(2020, 7, 1)
    merger = UnitEvent.objects.get(kind=EventKind.MERGE)
    assert list(merger.predecessors.all()) == [closed]
    assert list(merger.successors.values_list("code", flat=True)) == ["TC-TL-1"]
    assert merger.decision_number == "45-QĐ/ĐU"
    establish = UnitEvent.objects.get(kind=EventKind.ESTABLISH, successors=commune)
    assert establish.decision_number == "12-QĐ/HU"


def test_a_secretary_cannot_open_the_tree_import_and_an_outsider_gets_404(
    client, secretary, outsider, tree
) -> None:
    client.force_login(secretary)
    url = reverse("organizations:unit_tree_import", args=[tree.commune.pk])
    assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    export = reverse("organizations:unit_tree_export", args=[tree.commune.pk])
    assert client.get(export).status_code == 404


BAD_FILES = {
    "wrong headers": (
        xlsx([["X"]], header=["Mã", "Tên đơn vị"]),
        "Thiếu cột: Tên, Cấp, Loại hình, Ngày thành lập, Số quyết định thành lập. "
        "Hãy dùng tệp mẫu.",
    ),
    "bad date": (
        xlsx(
            [
                row(
                    "TC-X",
                    "Chi bộ X",
                    "Đảng bộ cơ sở",
                    "Xã",
                    "TC",
                    opened_on="31/02/2005",
                )
            ]
        ),
        "2|Ngày thành lập|Cần một ngày dạng ngày/tháng/năm, ví dụ 17/05/1980.",
    ),
    "unknown parent": (
        xlsx([row("TC-X", "Đảng bộ X", "Đảng bộ cơ sở", "Xã", "ZZ")]),
        "2|Mã tổ chức cấp trên|Không có tổ chức mã “ZZ” hoạt động vào ngày 01/01/2005.",
    ),
    "parent out of scope": (
        xlsx([row("TK-X", "Đảng bộ X", "Đảng bộ cơ sở", "Xã", "TK")]),
        "2|Mã tổ chức cấp trên|Tổ chức “TK” nằm ngoài phạm vi bạn được cập nhật.",
    ),
    "existing unit out of scope": (
        xlsx([row("TK-HS", "Đảng bộ xã Hương Sơn", "Đảng bộ cơ sở", "Xã", "TK")]),
        "2|Mã|Mã “TK-HS” đang được một tổ chức khác dùng trong thời gian này.",
    ),
    "code of an open unit": (
        xlsx([row("TC-TP-1", "Chi bộ mới", "Chi bộ trực thuộc", "Khác", "TC-TP")]),
        "2|Mã|Mã “TC-TP-1” đang được một tổ chức khác dùng trong thời gian này.",
    ),
    "duplicates": (
        xlsx(
            [
                row("TC-X", "Đảng bộ X", "Đảng bộ cơ sở", "Xã", "TC"),
                row("TC-X", "Đảng bộ Y", "Đảng bộ cơ sở", "Xã", "TC"),
            ]
        ),
        "3|Mã|Trùng với dòng 2 trong tệp.",
    ),
    "cycle": (
        xlsx(
            [
                row("TC-A", "Đảng bộ bộ phận A", "Đảng bộ bộ phận", "Khác", "TC-B"),
                row("TC-B", "Đảng bộ B", "Đảng bộ cơ sở", "Xã", "TC-C"),
                row("TC-C", "Đảng bộ bộ phận C", "Đảng bộ bộ phận", "Khác", "TC-B"),
            ]
        ),
        "3|Mã tổ chức cấp trên|Vòng lặp trực thuộc: TC-B → TC-C → TC-B.",
    ),
    "outlives its parent": (
        xlsx(
            [
                row(
                    "TC-X",
                    "Đảng bộ X",
                    "Đảng bộ cơ sở",
                    "Xã",
                    "TC",
                    closed_on="01/01/2010",
                    closing_decision="1-QĐ",
                ),
                row("TC-X-1", "Chi bộ 1", "Chi bộ trực thuộc", "Khác", "TC-X"),
            ]
        ),
        "3|Ngày kết thúc|Tổ chức cấp trên “TC-X” kết thúc ngày 01/01/2010; tổ chức "
        "này phải kết thúc trước hoặc cùng ngày đó.",
    ),
    "a cell under a cell": (
        xlsx([row("TC-TP-1-A", "Chi bộ A", "Chi bộ trực thuộc", "Khác", "TC-TP-1")]),
        "2|Cấp|“Chi bộ trực thuộc” không thể trực thuộc “Chi bộ trực thuộc” "
        "(“TC-TP-1”): cấp trên của “Chi bộ trực thuộc” phải là “Đảng bộ cơ sở” "
        "hoặc “Đảng bộ bộ phận”.",
    ),
    "closed without a decision": (
        xlsx(
            [
                row(
                    "TC-X",
                    "Đảng bộ X",
                    "Đảng bộ cơ sở",
                    "Xã",
                    "TC",
                    closed_on="01/01/2010",
                )
            ]
        ),
        "2|Số quyết định kết thúc|Bắt buộc, đang để trống.",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_tree_file_names_row_and_column_and_changes_nothing(
    name, board_officer, tree
) -> None:
    content, expected = BAD_FILES[name]
    before = _state()
    if name == "wrong headers":
        with pytest.raises(importing.ImportFileError) as refused:
            _import(content, commit=True, user=board_officer, within=tree.district)
        assert refused.value.message == expected
    else:
        result = _import(content, commit=True, user=board_officer, within=tree.district)
        assert not result.written
        assert expected in _errors(result), _errors(result)
    assert _state() == before


def test_the_whole_file_is_refused_for_one_bad_row(board_officer, tree) -> None:
    rows = [*commune_file(), row("TC-X", "Đảng bộ X", "Đảng bộ cơ sở", "Xã", "ZZ")]
    before = _state()
    result = _import(xlsx(rows), commit=True, user=board_officer, within=tree.district)
    assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "error": 1}
    assert not result.written
    assert _state() == before


def test_a_changed_name_is_refused_to_the_rename_form(board_officer, tree) -> None:
    _import(xlsx(commune_file()), commit=True, user=board_officer, within=tree.district)
    rows = commune_file()
    rows[0][1] = "Đảng bộ xã Thanh Lâm mới"
    result = _import(xlsx(rows), commit=True, user=board_officer, within=tree.district)
    assert (
        "2|Mã|Khác với hồ sơ (Tên); sửa bằng chức năng đổi tên, chuyển trực "
        "thuộc trên trang của tổ chức, không qua nhập tệp." in _errors(result)
    )


def test_a_later_file_closes_a_unit_into_its_successor(board_officer, tree) -> None:
    _import(xlsx(commune_file()), commit=True, user=board_officer, within=tree.district)
    rows = commune_file()
    rows[1][7:10] = [D(2024, 1, 1), "9-QĐ/HU", "TC-TP-1"]
    result = _import(xlsx(rows), commit=True, user=board_officer, within=tree.district)
    # Its parent still has a cell open: the commune is not closed, the cell is.
    assert result.written, _errors(result)
    assert result.counts["updated"] == 1
    cell = Unit.objects.get(code="TC-TL-1")
    assert cell.closed_on == D(2024, 1, 1)
    assert UnitEvent.objects.get(predecessors=cell).successors.get() == tree.cell1


def test_an_exported_subtree_imported_elsewhere_reproduces_it(tree) -> None:
    _import(xlsx(commune_file()), commit=True, within=tree.district)
    commune = Unit.objects.get(code="TC-TL")
    exported = tree_rows(commune)
    assert [r[0] for r in exported] == ["TC-TL", "TC-TL-1", "TC-TL-2"]
    # Elsewhere: the same codes gone, the subtree loaded under another district.
    ids = list(
        Unit.objects.filter(code__startswith="TC-TL").values_list("pk", flat=True)
    )
    for event in UnitEvent.objects.filter(successors__in=ids).distinct():
        event.delete()
    UnitLink.objects.filter(child_id__in=ids).delete()
    Unit.objects.filter(pk__in=ids).delete()
    moved = [list(r) for r in exported]
    moved[0][4] = "TK"
    result = _import(xlsx(moved), commit=True, within=tree.other_district)
    assert result.written, _errors(result)
    again = tree_rows(Unit.objects.get(code="TC-TL"))
    assert [r[:4] + r[5:] for r in again] == [r[:4] + r[5:] for r in exported]
    assert again[0][4] == "TK"
    assert _import(xlsx(again), commit=False).counts["unchanged"] == 3


def test_the_command_imports_on_the_same_path(tmp_path, tree) -> None:
    path = tmp_path / "cay.xlsx"
    path.write_bytes(xlsx(commune_file()))
    call_command("import_tree", str(path), "--unit", "TC")
    assert Unit.objects.filter(code__startswith="TC-TL").count() == 3
    bad = tmp_path / "sai.xlsx"
    bad.write_bytes(xlsx([row("TK-X", "Đảng bộ X", "Đảng bộ cơ sở", "Xã", "TK")]))
    with pytest.raises(CommandError, match="Không ghi gì"):
        call_command("import_tree", str(bad), "--unit", "TC")


def test_the_operator_loads_a_province_as_a_root(tree) -> None:
    rows = [
        row(
            "HT",
            "Đảng bộ tỉnh Hà Tĩnh",
            "Đảng bộ tỉnh/thành phố",
            "Tỉnh",
            "",
            opened_on="01/01/1991",
        ),
        row(
            "HT-CL", "Đảng bộ huyện Can Lộc", "Cấp trên trực tiếp cơ sở", "Huyện", "HT"
        ),
    ]
    result = _import(xlsx(rows), commit=True)
    assert result.written, _errors(result)
    assert Unit.objects.get(code="HT-CL").province == Unit.objects.get(code="HT")
