"""The safe workbook reader (partyquality/spreadsheets.py): what it refuses
before parsing, and what a file that gets past those checks can still do
(only kill its own child process)."""

from __future__ import annotations

import datetime
import os
import unicodedata
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook

from partyquality import spreadsheets
from partyquality.spreadsheets import Limits, SpreadsheetError, read_rows
from tests.imports import bad_files


def _file(tmp_path: Path, content: bytes, name: str = "tep.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _refusal(source: object, **limits: int) -> str:
    with pytest.raises(SpreadsheetError) as refused:
        list(read_rows(source, limits=Limits.from_settings(**limits)))
    return refused.value.message


def _children() -> set[int]:
    """The pids of this process's children still alive or unreaped."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(entry.name))
    return found


def test_rows_come_with_the_numbers_excel_shows_and_their_values(tmp_path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet["B3"] = "Họ và tên"
    sheet["C3"] = "Ngày sinh"
    sheet["B4"] = "Nguyễn Thị Hoa"
    sheet["C4"] = datetime.date(1980, 5, 17)
    buffer = BytesIO()
    workbook.save(buffer)
    rows = list(read_rows(_file(tmp_path, buffer.getvalue())))
    assert rows == [
        (1, ["", "", ""]),
        (2, ["", "", ""]),
        (3, ["", "Họ và tên", "Ngày sinh"]),
        (4, ["", "Nguyễn Thị Hoa", datetime.date(1980, 5, 17)]),
    ]
    assert spreadsheets.last_child.status == "0"


def test_text_typed_decomposed_is_read_composed() -> None:
    """Unikey's "Unicode tổ hợp" writes letters plus combining marks."""
    workbook = Workbook()
    workbook.active.append([unicodedata.normalize("NFD", "Nguyễn Thị Hương"), 1])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert list(read_rows(buffer)) == [(1, ["Nguyễn Thị Hương", 1])]


def test_a_file_held_in_memory_is_read_like_a_path() -> None:
    workbook = Workbook()
    workbook.active.append(["a", 1])
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert list(read_rows(buffer)) == [(1, ["a", 1])]


def test_a_far_cell_is_refused_from_its_declared_dimension_before_parsing(
    tmp_path,
) -> None:
    spreadsheets.last_child = spreadsheets.ChildRun(status="not started")
    message = _refusal(_file(tmp_path, bad_files.far_cell()))
    assert message == (
        "Trang tính “Sheet” kéo dài đến cột XFD (16.384 cột); tối đa 200 cột. "
        "Hãy xóa các cột thừa bên phải vùng dữ liệu (kể cả cột trống có định dạng)."
    )
    assert spreadsheets.last_child.status == "not started"  # no child ran


def test_a_far_cell_that_is_not_declared_kills_only_the_child(tmp_path) -> None:
    path = _file(tmp_path, bad_files.far_cell_undeclared())
    message = _refusal(path, memory_bytes=512 * 1024 * 1024)
    assert message.startswith(
        "Không đọc được tệp: bảng tính cần hơn 512 MB bộ nhớ để đọc (thường do có "
        "ô ở rất xa vùng dữ liệu, ví dụ XFD1048576)."
    )
    # calamine's allocation of 512 GiB aborted the child (SIGABRT) ...
    assert spreadsheets.last_child.status == "-6"
    assert spreadsheets.last_child.peak_rss_bytes < 512 * 1024 * 1024
    # ... which was reaped, and this process reads the next file as usual.
    assert not _children()
    workbook = Workbook()
    workbook.active.append(["vẫn đọc được"])
    buffer = BytesIO()
    workbook.save(buffer)
    assert list(read_rows(_file(tmp_path, buffer.getvalue(), "b.xlsx"))) == [
        (1, ["vẫn đọc được"])
    ]


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bom.xlsx"
    path.write_bytes(bad_files.zip_bomb())
    return path


def test_a_zip_bomb_is_refused_from_its_compression_ratio(zip_bomb) -> None:
    assert zip_bomb.stat().st_size < 1024 * 1024
    message = _refusal(zip_bomb)
    assert message.startswith(
        "Tệp nén bất thường: phần “xl/worksheets/sheet1.xml” giải nén ra lớn gấp "
    )
    assert "(tối đa 100 lần)" in message


def test_a_zip_bomb_is_refused_from_its_unpacked_size(zip_bomb) -> None:
    message = _refusal(zip_bomb, ratio=10_000, uncompressed_bytes=100 * 1024 * 1024)
    assert message == (
        "Tệp giải nén ra 194,6 MB, quá giới hạn 100 MB. Hãy chia thành nhiều tệp "
        "nhỏ hơn."
    )


def test_a_zip_bomb_past_the_checks_meets_the_childs_memory_limit(zip_bomb) -> None:
    # As if the zip lied about its sizes: only the child's limits are left.
    message = _refusal(
        zip_bomb,
        ratio=10**6,
        uncompressed_bytes=10**12,
        rows=10**8,
        cells=10**9,
        memory_bytes=256 * 1024 * 1024,
    )
    assert message.startswith("Không đọc được tệp: bảng tính cần hơn 256 MB bộ nhớ")
    assert spreadsheets.last_child.peak_rss_bytes <= 256 * 1024 * 1024
    assert not _children()


def test_a_zip_bomb_past_the_checks_meets_the_time_limit(zip_bomb) -> None:
    message = _refusal(
        zip_bomb, ratio=10**6, uncompressed_bytes=10**12, rows=10**8, seconds=1
    )
    assert message == (
        "Không đọc xong tệp trong 1 giây. Hãy chia thành nhiều tệp nhỏ hơn rồi "
        "tải lên lại."
    )
    assert not _children()


def test_the_first_visible_sheet_is_read_not_a_hidden_one(tmp_path) -> None:
    path = _file(tmp_path, bad_files.hidden_first_sheet([["Nguyễn Văn A"]]))
    rows = list(read_rows(path))
    assert rows[0][1][0] == "Họ và tên"
    assert rows[1] == (2, ["Nguyễn Văn A", *[""] * 10])
    assert spreadsheets.check_workbook(path).name == "Đảng viên"


def test_a_workbook_of_hidden_sheets_only_is_refused(tmp_path) -> None:
    content = bad_files.only_hidden_sheets()
    message = _refusal(_file(tmp_path, content))
    assert message == "Tệp không có trang tính nào đang hiện để nhập."


def test_an_xls_file_is_refused_with_how_to_save_it_as_xlsx(tmp_path) -> None:
    message = _refusal(_file(tmp_path, bad_files.real_xls([]), "cu.xls"))
    assert message == (
        "Tệp là bảng tính Excel 97–2003 (.xls) hoặc có đặt mật khẩu. Hãy mở tệp "
        "bằng Excel, bỏ mật khẩu nếu có, chọn Lưu thành → Sổ làm việc Excel (.xlsx) "
        "rồi tải lên lại."
    )


def test_a_huge_header_is_one_message(tmp_path) -> None:
    message = _refusal(_file(tmp_path, bad_files.huge_header()))
    assert message.startswith("Trang tính “Sheet” kéo dài đến cột XFD (16.384 cột)")


def test_too_many_rows_and_cells_are_refused_before_parsing(tmp_path) -> None:
    workbook = Workbook()
    workbook.active["J1000"] = 1
    buffer = BytesIO()
    workbook.save(buffer)
    path = _file(tmp_path, buffer.getvalue())
    assert _refusal(path, rows=999) == (
        "Trang tính “Sheet” kéo dài đến dòng 1.000; mỗi lần nhập tối đa 999 dòng. "
        "Hãy xóa các dòng thừa ở cuối trang tính hoặc chia thành nhiều tệp."
    )
    assert _refusal(path, cells=9_999) == (
        "Vùng dữ liệu của trang tính “Sheet” (J1000) có 10.000 ô; tối đa 9.999 ô. "
        "Hãy xóa các dòng, cột thừa hoặc chia thành nhiều tệp."
    )


def test_too_many_sheets_are_refused(tmp_path) -> None:
    message = _refusal(_file(tmp_path, bad_files.many_sheets(6)), sheets=5)
    assert message == "Tệp có 6 trang tính, tối đa 5."


def test_entity_declarations_are_refused_unread(tmp_path) -> None:
    message = _refusal(_file(tmp_path, bad_files.with_doctype()))
    assert message.startswith("Tệp không phải bảng tính Excel (.xlsx).")


@pytest.mark.parametrize(
    "content", [b"", b"not a workbook " * 100, b"PK\x03\x04 broken zip"]
)
def test_what_is_not_a_workbook_is_refused(tmp_path, content) -> None:
    message = _refusal(_file(tmp_path, content))
    assert message.startswith("Tệp không phải bảng tính Excel (.xlsx).")


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path) -> None:
    path = _file(tmp_path, b"PK\x03\x04" + b"\0" * (1024 * 1024))
    assert _refusal(path, bytes=1024 * 1024) == "Tệp lớn quá giới hạn 1 MB."
