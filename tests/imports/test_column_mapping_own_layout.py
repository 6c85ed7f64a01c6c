"""A workbook of the user's own, continued (issue #19 §7): the board's
classification file through a saved mapping, a large file read once through
it, headers repeated over several columns, and the rows in error sent back
in the user's own layout."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from assessments.models import MemberClassification, UnitClassification
from members.import_jobs import upload_check_run
from members.models import ColumnMapping, Membership, UploadCheck
from partyquality import column_mapping
from tests.assessments.factories import make_member
from tests.imports.test_column_mapping import (
    EXPECTED,
    THEIR_HEADERS,
    _confirm,
    _token,
    _upload,
    their_file,
    their_row,
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def workbook(header: list[object], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _upload_kind(client, kind: str, content: bytes) -> str:
    response = client.post(
        reverse("imports:upload"),
        {"kind": kind, "file": SimpleUploadedFile("ket-qua.xlsx", content)},
    )
    assert response.status_code == 302
    return response.url


# --- The board's classifications, from the board's own workbook -------------

# The year's results as a district office keeps them: its own headers, its
# own order, a running number the import does not take.
BOARD_HEADERS = ["TT", "Kết quả", "Năm ĐG", "Đảng bộ (mã)", "Thẻ ĐV", "Chi bộ (mã)"]
BOARD_MAPPING = {
    "org_code": "Đảng bộ (mã)",
    "cell_code": "Chi bộ (mã)",
    "card_number": "Thẻ ĐV",
    "year": "Năm ĐG",
    "level": "Kết quả",
    "score": "",
    "remarks": "",
}
GOOD, DONE, EXCELLENT = (
    "Hoàn thành tốt nhiệm vụ",
    "Hoàn thành nhiệm vụ",
    "Hoàn thành xuất sắc nhiệm vụ",
)


def board_rows(an: str, huong: str, cell2: str = DONE) -> list[dict[str, object]]:
    rows = [
        ("TC-TP", "TC-TP-2", "", cell2),
        ("TC-TP", "TC-TP-1", "", GOOD),
        ("TC-TP", "", an, GOOD),
        ("TC-TP", "TC-TP", "", GOOD),
        ("TK-HS", "TK-HS-1", "", EXCELLENT),
        ("TK-HS", "", huong, GOOD),
        ("TK-HS", "TK-HS", "", GOOD),
    ]
    return [
        {
            "TT": n,
            "Kết quả": level,
            "Năm ĐG": 2024,
            "Đảng bộ (mã)": org,
            "Thẻ ĐV": card,
            "Chi bộ (mã)": cell,
        }
        for n, (org, cell, card, level) in enumerate(rows, start=1)
    ]


def board_file(rows: list[dict[str, object]], order: list[str]) -> bytes:
    return workbook(order, [[r[h] for h in order] for r in rows])


def test_a_board_classification_workbook_of_its_own_mapped_once_then_reused(
    client, province_officer, tree
) -> None:
    an = make_member(tree.cell1, "Nguyễn Văn An").memberships.get().card_number
    huong = make_member(tree.other_cell, "Lê Văn Hương").memberships.get().card_number
    client.force_login(province_officer)
    url = _upload_kind(
        client, "classifications", board_file(board_rows(an, huong), BOARD_HEADERS)
    )
    page = client.get(url).content.decode()
    assert "Ghép cột của tệp “ket-qua.xlsx”" in page
    assert not UnitClassification.objects.exists()

    response = client.post(
        reverse("imports:mapping", args=[_token(url)]), BOARD_MAPPING
    )
    assert response.url == url
    review = client.get(url).content.decode()
    assert "Mã tổ chức cơ sở ← “Đảng bộ (mã)”" in review
    assert "Xác nhận nhập 7 dòng" in review
    done = _confirm(client, url)
    assert "Đã nhập 7 dòng: 7 thêm mới, 0 cập nhật, 0 không đổi." in done
    assert UnitClassification.objects.get(unit=tree.cell2, year=2024).level.code == (
        "completed"
    )
    assert MemberClassification.objects.get(
        person__memberships__card_number=huong, year=2024
    ).level.code == ("good")

    # Next year's list of the same office, its columns in another order and
    # one cell's level corrected: read by the saved mapping, no mapping page.
    order = list(reversed(BOARD_HEADERS))
    url = _upload_kind(
        client, "classifications", board_file(board_rows(an, huong, GOOD), order)
    )
    review = client.get(url).content.decode()
    assert "Ghép cột của tệp" not in review
    assert "theo cách ghép bạn đã lưu cho các tiêu đề này" in review
    done = _confirm(client, url)
    assert "Đã nhập 7 dòng: 0 thêm mới, 1 cập nhật, 6 không đổi." in done
    assert UnitClassification.objects.get(unit=tree.cell2, year=2024).level.code == (
        "good"
    )
    assert ColumnMapping.objects.get().kind == "classifications"
    assert (
        UnitClassification.objects.count(),
        MemberClassification.objects.count(),
    ) == (
        5,
        2,
    )


# --- A large file: read once, through the saved mapping ------------------------


def test_a_large_file_with_a_saved_mapping_is_checked_once(
    client, secretary, tree, settings
) -> None:
    settings.IMPORT_CHECK_IN_REQUEST_BYTES = 0  # every upload is large
    ColumnMapping.objects.create(
        user=secretary,
        kind="members",
        signature=column_mapping.signature(THEIR_HEADERS),
        headers=THEIR_HEADERS,
        columns=EXPECTED,
    )
    client.force_login(secretary)
    url = _upload(client, their_file([their_row(n) for n in (1, 2)]))
    assert "đang kiểm tra từng dòng" in client.get(url).content.decode()
    upload_check_run.call(UploadCheck.objects.get().pk)
    # The worker found the file's headers and read it through the saved
    # mapping in the same pass: no second check is queued.
    review = client.get(url).content.decode()
    assert "theo cách ghép bạn đã lưu cho các tiêu đề này" in review
    assert "Xác nhận nhập 2 dòng" in review
    assert UploadCheck.objects.count() == 1
    assert "Đã nhập 2 dòng: 2 thêm mới" in _confirm(client, url)


# --- Headers repeated over several columns --------------------------------------


def test_a_header_over_two_columns_is_named_with_its_letters_and_not_read(
    client, secretary, tree
) -> None:
    """Two columns headed "Số thẻ" (D and L): the mapping page names both,
    suggests neither, and refuses either with a message; nothing is saved
    or written."""
    header = [*THEIR_HEADERS, "Số thẻ"]
    rows = [[*their_row(1), "41.999999"]]
    client.force_login(secretary)
    url = _upload(client, workbook(header, rows))
    page = client.get(url).content.decode()
    assert "Tệp có nhiều cột cùng một tiêu đề" in page
    assert "“Số thẻ”: các cột D, L" in page
    assert '<option value="Số thẻ" selected>' not in page
    assert page.count('<option value="Số thẻ"') == len(EXPECTED)  # listed once

    chosen = {k: v or "" for k, v in EXPECTED.items()}  # "Số thẻ" for the card
    body = client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    assert body.status_code == 200
    assert (
        "Tệp có nhiều cột cùng tiêu đề “Số thẻ” (cột D, L), không biết đọc cột nào "
        "cho “Số thẻ đảng viên”: hãy đặt tiêu đề khác nhau cho các cột đó trong tệp "
        "rồi tải lên lại."
    ) in body.content.decode()
    assert not ColumnMapping.objects.exists()
    assert not Membership.objects.exists()


def test_a_repeated_header_the_import_does_not_take_is_no_obstacle(
    client, secretary, tree
) -> None:
    header = [*THEIR_HEADERS, "Ghi chú"]  # a second notes column
    rows = [[*their_row(n), "khác"] for n in (1, 2)]
    client.force_login(secretary)
    url = _upload(client, workbook(header, rows))
    assert "“Ghi chú”: các cột K, L" in client.get(url).content.decode()
    chosen = {k: v or "" for k, v in EXPECTED.items()}
    client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    assert "Đã nhập 2 dòng: 2 thêm mới" in _confirm(client, url)


# --- The rows in error, in the user's own layout ------------------------------


def test_the_rows_in_error_come_back_in_their_own_layout_and_go_in_again(
    client, secretary, tree
) -> None:
    order = ["Ghi chú", *reversed(THEIR_HEADERS[:-1])]
    rows = [their_row(1), their_row(2, **{"Ngay sinh": "31/02/1975"}), their_row(3)]
    client.force_login(secretary)
    url = _upload(client, their_file(rows, order))
    client.get(url)
    chosen = {k: v or "" for k, v in EXPECTED.items()}
    client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    review = client.get(url).content.decode()
    assert "Cần một ngày dạng ngày/tháng/năm" in review
    # The review names the column as their file calls it, not the template.
    assert "Dòng 3, cột “Ngay sinh”" in review
    assert "cột “Ngày sinh”" not in review
    assert not Membership.objects.exists()

    errors = client.get(reverse("imports:errors", args=[_token(url)])).getvalue()
    sheet = load_workbook(BytesIO(errors)).worksheets[0]
    values = [[c.value for c in r] for r in sheet.iter_rows()]
    # Their headers in their order, then what to fix; the row as they sent
    # it, with the columns the import does not take.
    assert values[0] == [*order, "Lỗi"]
    sent = their_row(2, **{"Ngay sinh": "31/02/1975"})
    as_sent = [sent[THEIR_HEADERS.index(h)] for h in order]
    got = values[1][:-1]
    at = order.index("Ngày kết nạp")
    assert got[at].date() == as_sent[at]  # a date cell comes back a date
    assert got[:at] + got[at + 1 :] == as_sent[:at] + as_sent[at + 1 :]
    assert values[1][-1].startswith("Dòng 3 — Ngay sinh: ")
    assert len(values) == 2

    # Corrected in that workbook ("Lỗi" column still there), sent again:
    # the saved mapping finds it, and the row goes in.
    book = load_workbook(BytesIO(errors))
    book.worksheets[0].cell(
        row=2, column=order.index("Ngay sinh") + 1
    ).value = "28/02/1975"
    buffer = BytesIO()
    book.save(buffer)
    again = _upload(client, buffer.getvalue())
    review = client.get(again).content.decode()
    assert "theo cách ghép bạn đã lưu cho các tiêu đề này" in review
    assert "Đã nhập 1 dòng: 1 thêm mới" in _confirm(client, again)
    person = Membership.objects.get(card_number="41.000002").person
    assert person.date_of_birth == datetime.date(1975, 2, 28)


# --- One organization's year, from its review page -------------------------------


def test_the_review_pages_import_takes_a_workbook_of_its_own_through_a_mapping(
    client, secretary, tree
) -> None:
    """/danh-gia/<org>/<year>/nhap/ goes through the imports pages: its own
    headers mapped once, the rows checked, back to its page for another."""
    an = make_member(tree.cell1, "Nguyễn Văn An").memberships.get().card_number
    header = ["Chi bộ", "Thẻ", "Năm ĐG", "Xếp loại"]
    rows = [
        ["TC-TP-1", None, 2024, GOOD],
        ["TC-TP-2", None, 2024, DONE],
        [None, an, 2024, GOOD],
        ["TC-TP", None, 2024, GOOD],
    ]
    page = reverse("assessments:classification_import", args=[tree.commune.pk, 2024])
    client.force_login(secretary)
    sent = client.post(
        page, {"file": SimpleUploadedFile("xl.xlsx", workbook(header, rows))}
    )
    url = sent.url
    mapping_page = client.get(url).content.decode()
    assert "Ghép cột của tệp “xl.xlsx”" in mapping_page
    assert f'href="{page}"' in mapping_page  # another file: from its page
    chosen = {
        "cell_code": "Chi bộ",
        "card_number": "Thẻ",
        "year": "Năm ĐG",
        "level": "Xếp loại",
        "score": "",
        "remarks": "",
    }
    client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    assert "Xác nhận nhập 4 dòng" in client.get(url).content.decode()
    assert "Đã nhập 4 dòng: 4 thêm mới" in _confirm(client, url)
    assert UnitClassification.objects.filter(year=2024).count() == 3

    # Again, with a level changed: no mapping asked, one row updated.
    rows[1][3] = GOOD
    url = client.post(
        page, {"file": SimpleUploadedFile("xl.xlsx", workbook(header, rows))}
    ).url
    assert "theo cách ghép bạn đã lưu" in client.get(url).content.decode()
    assert "1 cập nhật, 3 không đổi" in _confirm(client, url)


def test_the_review_pages_import_is_for_its_own_organization(
    client, secretary, outsider, tree
) -> None:
    """The outsider's file names the commune's cells: refused row by row on
    the outsider's own page, nothing written; the commune's page is a 404."""
    rows = [["TC-TP-1", None, 2024, GOOD]]
    header = ["Mã chi bộ", "Số thẻ đảng viên", "Năm", "Mức"]
    client.force_login(outsider)
    own = reverse(
        "assessments:classification_import", args=[tree.other_commune.pk, 2024]
    )
    url = client.post(
        own, {"file": SimpleUploadedFile("x.xlsx", workbook(header, rows))}
    ).url
    review = client.get(url).content.decode()
    assert "Không có chi bộ mã “tc-tp-1” trong Đảng bộ xã Hương Sơn năm 2024." in (
        review
    )
    assert "Xác nhận nhập" not in review
    theirs = reverse("assessments:classification_import", args=[tree.commune.pk, 2024])
    assert client.get(theirs).status_code == 404
    assert not UnitClassification.objects.exists()


def test_the_review_kind_needs_its_organization(secretary, tree) -> None:
    """Sent without the organization's page (no ``within``), the file is
    refused whole, with nothing written."""
    from assessments.importing import REVIEW_CLASSIFICATIONS
    from partyquality import importing

    content = workbook(
        ["Mã chi bộ", "Số thẻ đảng viên", "Năm", "Mức"], [["TC-TP-1", None, 2024, GOOD]]
    )
    with pytest.raises(importing.ImportFileError) as refused:
        importing.import_file(
            REVIEW_CLASSIFICATIONS, BytesIO(content), commit=True, user=secretary
        )
    assert refused.value.message == (
        "Hãy tải tệp lên từ trang đánh giá của tổ chức cơ sở."
    )
    assert not UnitClassification.objects.exists()
