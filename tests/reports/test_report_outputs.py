"""The page, the workbook and the PDF show the same numbers."""

from __future__ import annotations

import datetime
import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.reports import organization_quality, rendering
from organizations.models import Kind, Level
from tests.factories import make_unit
from tests.reports.data import approve, classify_unit

D = datetime.date
TODAY = D(2026, 1, 15)


@pytest.fixture
def classified(tree):  # type: ignore[no-untyped-def]
    school = make_unit(
        tree.district,
        code="TC-THCS",
        name="Chi bộ Trường THCS Thanh Chương",
        level=Level.GRASSROOTS_CELL,
        kind=Kind.SCHOOL,
    )
    classify_unit(tree.commune, 2024, "excellent")
    classify_unit(school, 2024, "not_completed", remarks="Nội bộ mất đoàn kết")
    classify_unit(tree.commune, 2025, "good")
    classify_unit(school, 2025, "excellent")
    classify_unit(tree.cell1, 2025, "excellent")
    classify_unit(tree.cell2, 2025, "completed")
    for year in (2024, 2025):
        approve(tree.commune, school, year=year)
    return school


def _run(*args: str) -> str:
    # poppler-utils from the system (.ci/run installs them); arguments are ours.
    return subprocess.run(args, capture_output=True, check=True, text=True).stdout  # noqa: S603


def _pdf_text(content: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return _run("pdftotext", "-layout", *args, str(path), "-")


def test_pdf_has_the_party_document_layout_and_key_figures(
    classified, tree, tmp_path
) -> None:
    report = organization_quality.build(
        root=tree.district, year=2025, compare_year=2024
    )
    content = rendering.pdf(report, today=TODAY)
    if os.environ.get("PQ_KEEP_PDF"):
        Path(os.environ["PQ_KEEP_PDF"]).write_bytes(content)
    text = _pdf_text(content, tmp_path)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "TỈNH NGHỆ AN" in text
    assert "HUYỆN THANH CHƯƠNG" in text
    assert "-BC/HU" in text
    assert "Nghệ An, ngày 15 tháng 1 năm 2026" in text
    assert "BÁO CÁO" in text
    assert "Chất lượng tổ chức cơ sở đảng và chi bộ" in text
    assert "Nơi nhận:" in text
    assert "T/M BAN THƯỜNG VỤ" in text
    assert "BÍ THƯ" in text
    # Tổ chức cơ sở đảng: 1 of 2 excellent in 2025, weak fell from 50% to 0.
    assert "50,0 %" in text
    assert "1/2" in text
    assert "-50,0" in text
    assert "2/2 tổ chức cơ sở đảng đã được duyệt" in text


def test_pdf_embeds_the_shipped_fonts_and_page_one_has_no_missing_glyphs(
    classified, tree, tmp_path
) -> None:
    report = organization_quality.build(
        root=tree.district, year=2025, compare_year=2024
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(rendering.pdf(report, today=TODAY))
    fonts = _run("pdffonts", str(path))
    font_lines = fonts.splitlines()[2:]
    assert any("PQ-Serif" in line for line in font_lines)  # static/fonts DejaVu Serif
    assert all(" yes " in line for line in font_lines)  # every font embedded
    page1 = _run("pdftotext", "-f", "1", "-l", "1", str(path), "-")
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in page1
    assert "Chất lượng tổ chức cơ sở đảng" in page1
    assert "\ufffd" not in page1  # no replacement characters: every glyph mapped
    _run(
        "pdftoppm",
        "-png",
        "-r",
        "60",
        "-f",
        "1",
        "-l",
        "1",
        str(path),
        str(tmp_path / "page"),
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 5000


def test_workbook_is_laid_out_as_a_report_with_real_numbers(classified, tree) -> None:
    report = organization_quality.build(
        root=tree.district, year=2025, compare_year=2024
    )
    book = load_workbook(io.BytesIO(rendering.workbook(report)))
    index = book["Mục lục"]
    assert book.sheetnames[0] == "Mục lục"
    assert index["A1"].value == "Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ"
    assert index["A2"].value == "Đơn vị: Huyện Thanh Chương"
    assert index["A3"].value == "Năm: 2025; so sánh với năm 2024"
    assert index["A4"].value.startswith(
        "Nguồn: số liệu chính thức đã được cấp trên duyệt"
    )
    # Full table names in the index, each a link to its sheet.
    listed = {
        row[1].value: row[2].value for row in index.iter_rows(min_row=6) if row[1].value
    }
    long_name = "Danh sách tổ chức không hoàn thành nhiệm vụ, yếu kém"
    assert long_name in listed
    assert all(len(name) <= 31 for name in book.sheetnames)
    weak = book[listed[long_name]]
    assert any(c.value == long_name for c in weak["A"])

    levels = book[listed["Kết quả xếp loại năm 2025"]]
    column_a = [c.value for c in levels["A"]]
    assert column_a[:4] == [
        "Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ",
        "Đơn vị: Huyện Thanh Chương",
        "Năm: 2025; so sánh với năm 2024",
        column_a[3],
    ]
    assert "2/2 tổ chức cơ sở đảng đã được duyệt" in column_a
    header_row = column_a.index("Tổ chức")
    header = [c.value for c in levels[header_row + 1]]
    assert header[:6] == [
        "Tổ chức",
        "Tổng số",
        "Đã xếp loại",
        "Hoàn thành xuất sắc nhiệm vụ — số lượng",
        "Hoàn thành xuất sắc nhiệm vụ — tổng số",
        "Hoàn thành xuất sắc nhiệm vụ — tỷ lệ",
    ]
    # Frozen under the header, beside the first column.
    assert levels.freeze_panes == f"B{header_row + 2}"
    grassroots = levels[header_row + 4]
    assert [c.value for c in grassroots[:6]] == [
        "Tổ chức cơ sở đảng (cộng)",
        2,
        2,
        1,
        2,
        0.5,
    ]
    assert grassroots[5].number_format == "0.0%"
    assert grassroots[1].number_format == "#,##0"
    assert levels.column_dimensions["A"].width >= len("Tổ chức cơ sở đảng (cộng)")


def test_workbook_shows_shares_under_one_percent_with_two_decimals() -> None:
    from partyquality.xlsx import (
        PERCENT,
        ReportColumn,
        ReportSheet,
        build_report_workbook,
    )

    data = build_report_workbook(
        index_title="Báo cáo",
        index_lines=[],
        sheets=[
            ReportSheet(
                title="Tỷ lệ",
                lines=["Báo cáo"],
                columns=[ReportColumn("Tên"), ReportColumn("Tỷ lệ", PERCENT)],
                rows=[["nhỏ", 0.0013], ["lớn", 0.686], ["không", 0.0]],
            )
        ],
    )
    ws = load_workbook(io.BytesIO(data))["1. Tỷ lệ"]
    formats = {row[0].value: row[1].number_format for row in ws.iter_rows(min_row=4)}
    assert formats == {"nhỏ": "0.00%", "lớn": "0.0%", "không": "0.0%"}


def test_report_page_shows_figures_filters_and_chart(
    client, classified, tree, board_officer
) -> None:
    client.force_login(board_officer)
    url = reverse("reports:report", args=["organization_quality"])
    response = client.get(
        url, {"unit": tree.district.pk, "year": 2025, "compare": 2024}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Báo cáo chất lượng tổ chức cơ sở đảng và chi bộ" in body
    assert "<svg" in body
    assert "50,0 %" in body
    assert "1/2" in body
    assert 'name="compare"' in body
    assert "Đảng bộ xã Hương Sơn" not in body


@pytest.mark.parametrize(
    ("slug", "compare", "queries"),
    [
        # Five for the session, the user and their reach, then two per year
        # shown: the units standing for the root that year, and the count.
        ("organization_quality", None, 7),
        ("organization_quality", 2024, 9),
        ("member_quality", None, 7),
        ("member_quality", 2024, 9),
        ("coverage", None, 7),
        ("coverage", 2024, 9),
        ("cadre_standardization", None, 7),
        ("cadre_standardization", 2024, 9),
        # Five years, each counted (the series offers no comparison year).
        ("trends", None, 15),
        ("trends", 2024, 15),
    ],
)
def test_the_approval_lines_arrive_after_the_page_beside_each_table(
    client,
    classified,
    tree,
    secretary,
    slug,
    queries,
    compare,
    django_assert_num_queries,
) -> None:
    """The count walks the year's tree down to the complete communes: the
    page shows its figures at once with a placeholder per table, and one
    request, which computes the counts and nothing else, fills every
    placeholder."""
    client.force_login(secretary)
    query = {"unit": tree.commune.pk, "year": 2025}
    if compare:
        query["compare"] = compare
    page = client.get(reverse("reports:report", args=[slug]), query).content.decode()
    placeholders = re.findall(r'<p class="approval pending" id="([\w-]+)"', page)
    assert placeholders
    assert "đã được duyệt</p>" not in page
    with django_assert_num_queries(queries):
        response = client.get(reverse("reports:approvals", args=[slug]), query)
    lines = dict(
        re.findall(
            r'<p class="approval" id="([\w-]+)" hx-swap-oob="true">([^<]*)</p>',
            response.content.decode(),
        )
    )
    assert sorted(lines) == sorted(placeholders)
    assert all(
        "1/1 tổ chức cơ sở đảng đã được duyệt" in line for line in lines.values()
    )


def test_outsider_gets_404_for_a_report_rooted_in_another_branch(
    client, tree, outsider
) -> None:
    client.force_login(outsider)
    for slug in ("organization_quality", "coverage"):
        response = client.get(
            reverse("reports:report", args=[slug]), {"unit": tree.commune.pk}
        )
        assert response.status_code == 404
    response = client.get(
        reverse("reports:export", args=["coverage", "xlsx"]), {"unit": tree.commune.pk}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    "slug",
    [
        "organization_quality",
        "member_quality",
        "coverage",
        "cadre_standardization",
        "trends",
    ],
)
def test_every_report_downloads_as_excel_and_pdf(
    client, classified, tree, secretary, slug
) -> None:
    client.force_login(secretary)
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(
            reverse("reports:export", args=[slug, fmt]),
            {"unit": tree.commune.pk, "year": 2025},
        )
        assert response.status_code == 200, (slug, fmt)
        assert response.content.startswith(magic)
    page = client.get(reverse("reports:report", args=[slug]), {"year": 2025})
    assert page.status_code == 200
    assert "Đảng bộ xã Thanh Phong" in page.content.decode()


@pytest.fixture
def commune_year(tree):  # type: ignore[no-untyped-def]
    """Thanh Phong's 2024 and 2025, approved: classifications, members,
    a village, a cadre."""
    from members.models import PositionGroup
    from organizations.services import residential_unit_create
    from tests.reports.data import cadre, classify_member, member, position

    people = [member(tree.cell1, f"Đảng viên {n}") for n in range(7)]
    for year in (2024, 2025):
        classify_unit(tree.cell1, year, "excellent" if year == 2025 else "good")
        classify_unit(tree.cell2, year, "good")
        classify_unit(tree.commune, year, "good")
        for n, m in enumerate(people):
            classify_member(m, year, tree.cell1, "excellent" if n == 0 else "good")
    residential_unit_create(
        code="T1",
        name="Thôn 1",
        kind="village",
        commune=tree.commune,
        covering_cell=tree.cell1,
        head_is_party_member=True,
        member_counts=dict.fromkeys(range(2000, 2031), 7),
        opened_on=D(2000, 1, 1),
    )
    cadre(
        "Nguyễn Chủ Tịch",
        tree.commune,
        position("ubnd_chair", PositionGroup.ELECTED, "Chủ tịch UBND"),
        quals=[("general", "upper_secondary"), ("professional", "intermediate")],
    )
    for year in (2024, 2025):
        approve(tree.commune, year=year)


NUMBER = r"\d[\d.]*(?:,\d+)?"


@pytest.mark.parametrize(
    "slug",
    [
        "organization_quality",
        "member_quality",
        "coverage",
        "cadre_standardization",
        "trends",
    ],
)
def test_word_copy_has_the_official_layout_and_the_numbers_of_the_pdf(
    commune_year, tree, tmp_path, slug
) -> None:
    import re

    from docx import Document

    from assessments.reports.registry import REPORTS

    report = REPORTS[slug].build(
        root=tree.commune, year=2025, compare_year=2024, base_year=2024
    )
    pdf_text = _pdf_text(rendering.pdf(report, today=TODAY), tmp_path)
    document = Document(io.BytesIO(rendering.word(report, today=TODAY)))
    head, *tables, foot = document.tables
    head_text = "\n".join(c.text for c in head.rows[0].cells)
    assert "HUYỆN THANH CHƯƠNG" in head_text
    assert "ĐẢNG BỘ XÃ THANH PHONG" in head_text
    assert "-BC/ĐU" in head_text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in head_text
    assert "Nghệ An, ngày 15 tháng 1 năm 2026" in head_text
    foot_text = "\n".join(c.text for c in foot.rows[0].cells)
    assert "Nơi nhận:" in foot_text
    assert "T/M BAN THƯỜNG VỤ" in foot_text
    body = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in body
    assert "năm 2025" in body
    assert any(line.startswith("1. ") for line in body)
    assert any("1/1 tổ chức cơ sở đảng đã được duyệt" in line for line in body)
    # Every number of every Word table is printed in the PDF.
    found = [
        number
        for table in tables
        for row in table.rows
        for cell in row.cells
        for number in re.findall(NUMBER, cell.text)
    ]
    assert found
    in_pdf = set(re.findall(NUMBER, pdf_text))
    assert set(found) <= in_pdf, set(found) - in_pdf


def test_provisional_copies_say_so_in_every_rendering(
    commune_year, tree, client, secretary, tmp_path
) -> None:
    from docx import Document

    report = organization_quality.build(
        root=tree.commune, year=2025, user=secretary, provisional=True
    )
    assert "SỐ LIỆU TẠM TÍNH" in _pdf_text(rendering.pdf(report, today=TODAY), tmp_path)
    word_text = "\n".join(
        p.text for p in Document(io.BytesIO(rendering.word(report))).paragraphs
    )
    assert "SỐ LIỆU TẠM TÍNH" in word_text
    assert "BÁO CÁO (TẠM TÍNH)" in word_text
    book = load_workbook(io.BytesIO(rendering.workbook(report)))
    assert book["Mục lục"]["A1"].value.endswith("(TẠM TÍNH)")
    client.force_login(secretary)
    url = reverse("reports:export", args=["organization_quality", "docx"])
    response = client.get(
        url, {"unit": tree.commune.pk, "year": 2025, "provisional": 1}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-2025-tam-tinh.docx"')
    page = client.get(
        reverse("reports:report", args=["organization_quality"]),
        {"unit": tree.commune.pk, "year": 2025, "provisional": 1},
    ).content.decode()
    assert "Số liệu tạm tính" in page
    official = client.get(
        reverse("reports:export", args=["organization_quality", "pdf"]),
        {"unit": tree.commune.pk, "year": 2025},
    )
    assert official["Content-Disposition"].endswith('-2025.pdf"')
