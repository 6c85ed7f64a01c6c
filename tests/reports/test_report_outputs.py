"""The page, the workbook and the PDF show the same numbers."""

from __future__ import annotations

import datetime
import io
import os
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
