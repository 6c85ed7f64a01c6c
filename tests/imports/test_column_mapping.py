"""A board's own spreadsheet, with its own headers in its own order, imported
through a column mapping confirmed once and reused (issue #19 §7)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from members.import_jobs import import_job_run, upload_check_run
from members.models import ColumnMapping, ImportJob, Membership, UploadCheck
from members.spreadsheet_templates import SPECS
from partyquality import column_mapping, importing
from tests.members.import_files import member_row, xlsx


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


# A list exported from another program: its own headers, its own order,
# a column the import does not take, and no CCCD or full-member date.
THEIR_HEADERS = [
    "STT",
    "Mã CB",
    "HỌ TÊN",
    "Số thẻ",
    "Ngay sinh",
    "Giới",
    "Dân tộc",
    "Tôn giáo",
    "Quê",
    "Ngày kết nạp",
    "Ghi chú",
]


def their_row(n: int, **changes: object) -> list[object]:
    values = {
        "STT": n,
        "Mã CB": "TC-TP-1" if n % 2 else "TC-TP-2",
        "HỌ TÊN": f"Trần Thị Riêng {n}",
        "Số thẻ": f"41.{n:06d}",
        # Typed as text, day first: 3 April, not 4 March.
        "Ngay sinh": f"0{n}/04/1975",
        "Giới": "Nữ",
        "Dân tộc": "Kinh",
        "Tôn giáo": "Không",
        "Quê": "Thanh Phong",
        "Ngày kết nạp": datetime.date(2001, 5, n),
        "Ghi chú": "chuyển từ hệ thống cũ",
    }
    values.update(changes)
    return [values[h] for h in THEIR_HEADERS]


def their_file(rows: list[list[object]], order: list[str] | None = None) -> bytes:
    order = order or THEIR_HEADERS
    at = [THEIR_HEADERS.index(h) for h in order]
    return xlsx([[row[i] for i in at] for row in rows], header=order)


def _upload(client, content: bytes) -> str:
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "members",
            "file": SimpleUploadedFile("xuat-tu-he-thong.xlsx", content),
        },
    )
    assert response.status_code == 302
    return response.url


def _token(url: str) -> str:
    return re.search(r"/([0-9a-f]{32})/", url).group(1)


def _confirm(client, url: str) -> str:
    response = client.post(reverse("imports:confirm", args=[_token(url)]))
    import_job_run.call(ImportJob.objects.latest("pk").pk)  # the worker
    return client.get(response.url).content.decode()


EXPECTED = {
    "full_name": "HỌ TÊN",  # same header, other case
    "gender": "Giới",  # a synonym
    "date_of_birth": "Ngay sinh",  # without accents
    "ethnicity": "Dân tộc",  # the same header
    "religion": "Tôn giáo",
    "home_village": "Quê",
    "national_id": None,  # not in this file
    "card_number": "Số thẻ",
    "admitted_on": "Ngày kết nạp",
    "full_member_on": None,
    "cell_code": "Mã CB",
}


def test_suggestions_from_the_headers() -> None:
    spec = SPECS["members"]
    assert column_mapping.suggest(spec, THEIR_HEADERS) == EXPECTED
    # The same headers in another order are the same file's shape.
    assert column_mapping.signature(THEIR_HEADERS) == column_mapping.signature(
        [h.lower() for h in reversed(THEIR_HEADERS)]
    )


def test_a_members_workbook_of_their_own_mapped_once_then_reused(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    url = _upload(client, their_file([their_row(n) for n in (1, 2, 3)]))

    # First time: the mapping page, each column's suggestion chosen.
    page = client.get(url).content.decode()
    assert "Ghép cột của tệp “xuat-tu-he-thong.xlsx”" in page
    assert "Tiêu đề của tệp khác tệp mẫu: Thiếu cột: Họ và tên" in page
    assert '<option value="Mã CB" selected>Mã CB</option>' in page
    assert '<option value="Ngay sinh" selected>Ngay sinh</option>' in page
    assert "Xác nhận nhập" not in page
    assert not Membership.objects.exists()

    chosen = {k: v or "" for k, v in EXPECTED.items()}
    response = client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    assert response.url == url
    review = client.get(url).content.decode()
    assert "Các cột được đọc theo cách ghép bạn vừa chọn" in review
    assert "Ngày sinh ← “Ngay sinh”" in review
    assert "Xác nhận nhập 3 dòng" in review
    # Beside each row, the values as read: the date typed "03/04/1975" in
    # words (3 April), the cell's code with its name.
    assert '<td class="as-read">3 tháng 4 năm 1975</td>' in review
    assert '<td class="as-read">TC-TP-1 (Chi bộ thôn 1)</td>' in review
    assert '<td class="as-read">Nữ</td>' in review
    done = _confirm(client, url)
    assert "Đã nhập 3 dòng: 3 thêm mới, 0 cập nhật, 0 không đổi." in done

    saved = ColumnMapping.objects.get()
    assert (saved.user, saved.kind, saved.columns["date_of_birth"]) == (
        secretary,
        "members",
        "Ngay sinh",
    )
    member = Membership.objects.select_related("person").get(card_number="41.000003")
    assert member.person.full_name == "Trần Thị Riêng 3"
    assert member.person.date_of_birth == datetime.date(1975, 4, 3)  # 3 April
    assert member.person.gender == "F"
    assert member.admitted_on == datetime.date(2001, 5, 3)
    assert member.current_cell == tree.cell1
    assert Membership.objects.get(card_number="41.000002").current_cell == tree.cell2

    # Next month: the same export, its columns moved, one name corrected and
    # a fourth member. No mapping page: the saved one is used, and shown.
    order = list(reversed(THEIR_HEADERS))
    rows = [their_row(n) for n in (1, 2, 3, 4)]
    rows[1] = their_row(2, **{"HỌ TÊN": "Trần Thị Riêng Hai"})
    url = _upload(client, their_file(rows, order))
    review = client.get(url).content.decode()
    assert "Ghép cột của tệp" not in review
    assert "theo cách ghép bạn đã lưu cho các tiêu đề này" in review
    assert "Xác nhận nhập 4 dòng" in review
    done = _confirm(client, url)
    assert "Đã nhập 4 dòng: 1 thêm mới, 1 cập nhật, 2 không đổi." in done
    assert ColumnMapping.objects.count() == 1
    assert Membership.objects.count() == 4
    second = Membership.objects.select_related("person").get(card_number="41.000002")
    assert second.person.full_name == "Trần Thị Riêng Hai"
    assert second.person.date_of_birth == datetime.date(1975, 4, 2)


def test_a_bad_mapping_is_refused_with_a_message_and_nothing_saved(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    url = _upload(client, their_file([their_row(1)]))
    client.get(url)
    chosen = {k: v or "" for k, v in EXPECTED.items()}
    chosen["cell_code"] = ""  # required, left unmapped
    chosen["full_member_on"] = "Ngày kết nạp"  # a header chosen twice
    page = client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Chưa ghép được, hãy sửa các cột có ghi chú bên dưới." in body
    assert "Cột “Mã chi bộ” là bắt buộc: hãy chọn cột của tệp chứa “Mã chi bộ”." in body
    assert (
        "Cột “Ngày kết nạp” của tệp được chọn cho cả “Ngày vào Đảng” và “Ngày "
        "chính thức”; mỗi cột của tệp chỉ dùng cho một cột."
    ) in body
    assert not ColumnMapping.objects.exists()
    # Still the mapping page, nothing checked or written.
    assert "Ghép cột của tệp" in client.get(url).content.decode()
    assert not Membership.objects.exists()


def test_a_saved_mapping_is_the_users_own(client, secretary, outsider, tree) -> None:
    client.force_login(secretary)
    url = _upload(client, their_file([their_row(1)]))
    client.get(url)
    chosen = {k: v or "" for k, v in EXPECTED.items()}
    client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    # Another user with the same file maps it themselves.
    client.force_login(outsider)
    other = _upload(client, their_file([their_row(1)]))
    assert "Ghép cột của tệp" in client.get(other).content.decode()
    # And another user's upload (and its mapping page) stays theirs.
    assert client.get(reverse("imports:mapping", args=[_token(url)])).status_code == 404


def test_a_large_file_of_their_own_is_checked_in_the_background_by_its_mapping(
    client, secretary, tree, settings
) -> None:
    settings.IMPORT_CHECK_IN_REQUEST_BYTES = 0  # every upload is large
    client.force_login(secretary)
    url = _upload(client, their_file([their_row(n) for n in (1, 2)]))
    # The request does not parse a large file: the worker's check finds its
    # headers, then the page asks for the mapping.
    assert "đang kiểm tra từng dòng" in client.get(url).content.decode()
    upload_check_run.call(UploadCheck.objects.get().pk)
    assert "Ghép cột của tệp" in client.get(url).content.decode()
    chosen = {k: v or "" for k, v in EXPECTED.items()}
    client.post(reverse("imports:mapping", args=[_token(url)]), chosen)
    # Checked again, by the worker, through the mapping.
    assert "đang kiểm tra từng dòng" in client.get(url).content.decode()
    upload_check_run.call(UploadCheck.objects.latest("pk").pk)
    assert "Xác nhận nhập 2 dòng" in client.get(url).content.decode()
    assert "Đã nhập 2 dòng: 2 thêm mới" in _confirm(client, url)
    assert Membership.objects.get(card_number="41.000001").person.date_of_birth == (
        datetime.date(1975, 4, 1)
    )


def test_the_example_row_of_the_template_is_skipped_and_said_so(
    client, secretary, tree
) -> None:
    client.force_login(secretary)
    example = SPECS["members"].example_row
    url = _upload(client, xlsx([example, member_row(7)]))
    review = client.get(url).content.decode()
    assert "Dòng 2 là dòng ví dụ của tệp mẫu: bỏ qua, không nhập." in review
    assert "Xác nhận nhập 1 dòng" in review
    # A CCCD is shown masked, even as read.
    assert '<td class="as-read">040••••••007</td>' in review
    assert "040000000007" not in review
    # The template as downloaded has nothing else to import.
    template = client.get(reverse("imports:template") + "?loai=members").content
    page = client.get(_upload(client, template)).content.decode()
    assert (
        "Tệp không có dòng dữ liệu nào. Dòng 2 là dòng ví dụ của tệp mẫu: bỏ qua, "
        "không nhập."
    ) in page


@pytest.mark.parametrize("kind", sorted(importing.KINDS))
def test_every_kind_suggests_each_column_from_headers_without_accents(kind) -> None:
    """Every registered import takes a file of its own headers: written in
    capitals without accents, in reverse order, each column is found."""
    spec = importing.KINDS[kind].spec
    theirs = [column_mapping.fold(h).upper() for h in reversed(spec.headers)]
    suggested = column_mapping.suggest(spec, theirs)
    assert suggested == {
        c.key: column_mapping.fold(c.header).upper() for c in spec.columns
    }
    assert column_mapping.problems(spec, theirs, suggested) == []
    # Read through that mapping, each column comes from its own position.
    positions = column_mapping.positions(spec, theirs, suggested)
    assert positions == list(reversed(range(len(spec.columns))))
