"""A card number or national ID of someone outside the importer's reach is
refused with a message that says nothing about that person (issue #16: the
dry run said the number belonged to a party member and named their cell)."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Membership, Person, Qualification
from partyquality import importing
from tests.members.factories import make_member
from tests.members.import_files import member_row, xlsx

NOT_USABLE = (
    "Không nhập được số này trong phạm vi bạn được cập nhật. Hãy kiểm tra lại số; "
    "nếu số đúng, hãy đề nghị cấp ủy cấp trên xử lý."
)


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def elsewhere(tree) -> Membership:
    """A member of the other commune's cell."""
    return make_member(
        tree.other_cell,
        card_number="41.000777",
        full_name="Hoàng Thị Kín",
        national_id="041000000777",
    )


def _written(tree) -> tuple[int, int, int]:
    return (
        Person.objects.count(),
        Membership.objects.count(),
        Qualification.objects.count(),
    )


def test_numbers_of_another_branch_are_refused_without_a_word_about_the_person(
    client, secretary, tree, elsewhere
) -> None:
    before = _written(tree)
    rows = [
        member_row(1, card_number="41.000777", national_id=None),
        member_row(2, card_number=None, national_id="041000000777"),
        member_row(3, national_id="041000000777"),  # own new card, their CCCD
    ]
    client.force_login(secretary)
    response = client.post(
        reverse("imports:upload"),
        {"kind": "members", "file": SimpleUploadedFile("a.xlsx", xlsx(rows))},
    )
    page = client.get(response.url).content.decode()
    assert f"Dòng 2, cột “Số thẻ đảng viên”: {NOT_USABLE}" in page
    assert f"Dòng 3, cột “Số CCCD”: {NOT_USABLE}" in page
    assert f"Dòng 4, cột “Số CCCD”: {NOT_USABLE}" in page
    token = re.search(r"/([0-9a-f]{32})/", response.url).group(1)
    workbook = client.get(reverse("imports:errors", args=[token]))
    cells = " ".join(
        str(v)
        for row in load_workbook(BytesIO(b"".join(workbook.streaming_content)))
        .worksheets[0]
        .iter_rows(values_only=True)
        for v in row
    )
    for told in (page, cells):
        assert "Hoàng Thị Kín" not in told
        assert "TK-HS-1" not in told
        assert tree.other_cell.name not in told
        assert "thuộc người khác" not in told
        assert "đã ra khỏi Đảng" not in told
    assert _written(tree) == before


def test_the_same_numbers_are_accepted_for_whoever_may_reach_them(
    tree, elsewhere
) -> None:
    # The operator (command line, no user) reaches everyone: the member is
    # matched and said to be in another cell, named.
    result = importing.import_file(
        "members",
        BytesIO(xlsx([member_row(1, card_number="41.000777", national_id=None)])),
        commit=False,
    )
    assert result.rows[0].errors == [
        (
            "Mã chi bộ",
            "Đảng viên đang sinh hoạt ở chi bộ “TK-HS-1”; chuyển sinh hoạt bằng "
            "chức năng chuyển sinh hoạt, không qua nhập tệp.",
        )
    ]


def test_a_qualification_for_someone_elsewhere_reads_like_no_one(
    secretary, tree, elsewhere
) -> None:
    rows = [
        ["41.000777", "Tin học", "Cơ bản", "", None, "", "", None],
        ["41.000778", "Tin học", "Cơ bản", "", None, "", "", None],
    ]
    result = importing.import_file(
        "qualifications",
        BytesIO(xlsx(rows, kind="qualifications")),
        commit=True,
        user=secretary,
    )
    first, second = (r.errors[0][1] for r in result.rows)
    assert first.replace("41.000777", "N") == second.replace("41.000778", "N")
    assert Qualification.objects.count() == 0
