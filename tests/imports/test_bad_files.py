"""Each bad file of issue #16 is refused with a message, on the upload page,
in the background check and on the command line alike, and the database is
unchanged; the process that read it goes on serving."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.import_jobs import upload_check_run
from members.models import Membership, Person, UploadCheck
from partyquality import spreadsheets
from tests.imports import bad_files
from tests.members.import_files import member_row, xlsx

FAR_CELL = "Trang tính “Sheet” kéo dài đến cột XFD (16.384 cột); tối đa 200 cột."
OUT_OF_MEMORY = "Không đọc được tệp: bảng tính cần hơn 256 MB bộ nhớ để đọc"
XLS = "Tệp là bảng tính Excel 97–2003 (.xls) hoặc có đặt mật khẩu."
BOMB = "Tệp nén bất thường: phần “xl/worksheets/sheet1.xml” giải nén ra lớn gấp"


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_PARSE_MEMORY_MB = 256  # the far cell dies sooner


def _review(client, content: bytes, name: str = "dang-vien.xlsx") -> str:
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def _command(tmp_path: Path, content: bytes, name: str = "tep.xlsx") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as failed:
        call_command("import_people", "members", str(path), "--dry-run")
    return str(failed.value)


BAD_FILES = {
    "far cell": (bad_files.far_cell, FAR_CELL),
    "far cell, undeclared": (bad_files.far_cell_undeclared, OUT_OF_MEMORY),
    "zip bomb": (lambda: bad_files.zip_bomb(1_000_000), BOMB),
    "xls": (lambda: bad_files.real_xls([member_row(1)]), XLS),
    "huge header": (bad_files.huge_header, FAR_CELL),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_on_the_page_and_the_command_alike(
    client, secretary, tree, tmp_path, case
) -> None:
    make, message = BAD_FILES[case]
    content = make()
    people = Person.objects.count()
    client.force_login(secretary)
    assert message in _review(client, content)
    assert message in _command(tmp_path, content)
    assert Person.objects.count() == people
    assert not Membership.objects.exists()


def test_the_web_request_answers_when_the_parser_dies_and_the_next_one_too(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    page = _review(client, bad_files.far_cell_undeclared())
    assert spreadsheets.last_child.status == "-6"  # calamine aborted (SIGABRT)
    assert OUT_OF_MEMORY in page
    # The same process serves the next upload.
    assert "Xác nhận nhập 1 dòng" in _review(client, xlsx([member_row(1)]))
    assert spreadsheets.last_child.status == "0"
    assert not Membership.objects.exists()


def test_the_background_check_of_a_crashing_file_reports_it_and_goes_on(
    client, secretary, tree, settings
) -> None:
    settings.IMPORT_CHECK_IN_REQUEST_BYTES = 0  # every upload is checked by the worker
    client.force_login(secretary)
    crashing = client.post(
        reverse("imports:upload"),
        {
            "kind": "members",
            "file": SimpleUploadedFile("a.xlsx", bad_files.far_cell_undeclared()),
        },
    ).url
    client.get(crashing)
    upload_check_run.call(UploadCheck.objects.get().pk)  # what db_worker runs
    assert spreadsheets.last_child.status == "-6"  # the child died, not the worker
    assert UploadCheck.objects.get().status == "done"
    assert OUT_OF_MEMORY in client.get(crashing).content.decode()
    # The same worker checks the next file.
    good = client.post(
        reverse("imports:upload"),
        {
            "kind": "members",
            "file": SimpleUploadedFile("b.xlsx", xlsx([member_row(1)])),
        },
    ).url
    client.get(good)
    upload_check_run.call(UploadCheck.objects.latest("pk").pk)
    assert "Xác nhận nhập 1 dòng" in client.get(good).content.decode()
    assert not Membership.objects.exists()


def test_the_visible_sheet_is_imported_not_the_hidden_first_one(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    page = _review(client, bad_files.hidden_first_sheet([member_row(1)]))
    assert "Xác nhận nhập 1 dòng" in page
    assert "Cột không có trong mẫu" not in page


def test_control_characters_in_names_are_refused_row_and_column(
    client, secretary, tree
) -> None:
    rows = [
        member_row(1, full_name="Nguyễn\u200bVăn A"),
        member_row(2, full_name="Trần Văn \u202eB"),
        member_row(3, home_village="Thanh\u2028Phong"),
        member_row(4, full_name="Lê  Thị\u00a0C "),  # spaces are only tidied
    ]
    client.force_login(secretary)
    page = _review(client, xlsx(rows))
    assert (
        "Dòng 2, cột “Họ và tên”: Có ký tự rộng 0 (không nhìn thấy) (U+200B) ở ký "
        "tự thứ 7. Hãy gõ lại, không dán từ nơi khác."
    ) in page
    assert "Dòng 3, cột “Họ và tên”: Có ký tự đổi chiều viết (U+202E)" in page
    assert "Dòng 4, cột “Quê quán”: Có ký tự xuống dòng (U+2028)" in page
    assert "Dòng 5" not in page
    assert "Có 3 dòng lỗi" in page
    assert not Membership.objects.exists()


def test_an_unknown_header_names_its_first_ten_columns_and_counts_the_rest(
    client, secretary, tree
) -> None:
    header = [*xlsx_header(), *(f"Cột {n}" for n in range(1, 31))]
    client.force_login(secretary)
    page = _review(client, xlsx([], header=header))
    names = ", ".join(f"Cột {n}" for n in range(1, 11))
    assert f"Cột không có trong mẫu: {names} và 20 cột khác." in page


def xlsx_header() -> list[str]:
    from members.spreadsheet_templates import SPECS

    return list(SPECS["members"].headers)


def test_data_below_blank_rows_keeps_its_row_numbers(client, secretary, tree) -> None:
    content = xlsx([[], [], *[member_row(1, date_of_birth="31/02/1980")]])
    client.force_login(secretary)
    page = _review(client, content)
    assert re.search(r"Dòng 4, cột “Ngày sinh”", page)
