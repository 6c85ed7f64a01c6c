"""The report page lists the first rows of its per-unit tables (issue #15:
the country's are thousands of rows); the totals and the files keep all."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.reports import coverage, organization_quality
from tests.assessments.test_report_coverage_cadres import village
from tests.reports.data import approve, classify_unit, member

IN_ALL = (
    "Trang hiển thị 1 dòng đầu trong 2 dòng; danh sách đầy đủ có trong tệp "
    "Excel, PDF và Word."
)


def _section(page: str, key: str) -> str:
    return re.search(
        rf'<section class="report-table" id="table-{key}">(.*?)</section>', page, re.S
    ).group(1)


def _cells(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    ]


@pytest.fixture
def two_communes(tree):  # type: ignore[no-untyped-def]
    """Thanh Phong: 2 villages, one without a cell; Hương Sơn: 1 village
    without a member; 3 members in all."""
    village(tree.commune, "Thôn 1", tree.cell1, head_member=True, members=2)
    village(tree.commune, "Thôn 2", None, head_member=False, members=0)
    village(
        tree.other_commune,
        "Thôn Hương Sơn",
        tree.other_cell,
        head_member=True,
        members=0,
    )
    member(tree.cell1, "Đảng viên A")
    member(tree.cell1, "Đảng viên B")
    member(tree.other_cell, "Đảng viên C")
    classify_unit(tree.commune, 2025, "not_completed", remarks="Yếu")
    classify_unit(tree.other_commune, 2025, "not_completed", remarks="Yếu")
    approve(tree.commune, tree.other_commune, year=2025)


def test_coverage_page_shows_the_first_communes_and_totals_of_all(
    client, two_communes, tree, province_officer, monkeypatch
) -> None:
    monkeypatch.setattr(coverage, "PAGE_OPTIONS", {"listed": 1})
    client.force_login(province_officer)
    query = {"unit": tree.province.pk, "year": 2025}
    page = client.get(reverse("reports:report", args=["coverage"]), query)
    communes = _section(page.content.decode(), "communes")
    body, foot = communes.split("<tfoot>")
    assert body.count("<tr>") - 1 == 1  # the header's row, then one commune
    assert ("Thanh Phong" in body) != ("Hương Sơn" in body)
    assert IN_ALL in communes
    # Totals of both communes: 3 villages, 1 without a cell, 3 cells, 3 members.
    total = _cells(foot)
    assert (total[1], total[2], total[5], total[7]) == ("3", "33,3 %1/3", "3", "3")
    uncovered = _section(page.content.decode(), "uncovered")
    assert IN_ALL in uncovered
    # The workbook keeps every commune.
    book = load_workbook(
        io.BytesIO(
            client.get(
                reverse("reports:export", args=["coverage", "xlsx"]), query
            ).content
        )
    )
    text = [
        c
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if isinstance(c, str)
    ]
    assert any("Thanh Phong" in c for c in text)
    assert any("Hương Sơn" in c for c in text)
    assert not any("dòng đầu trong" in c for c in text)


def test_organization_page_lists_the_first_weak_units(
    client, two_communes, tree, province_officer, monkeypatch
) -> None:
    monkeypatch.setattr(organization_quality, "PAGE_OPTIONS", {"listed": 1})
    client.force_login(province_officer)
    query = {"unit": tree.province.pk, "year": 2025}
    page = client.get(reverse("reports:report", args=["organization_quality"]), query)
    weak = _section(page.content.decode(), "weak")
    assert weak.count("<tr>") - 1 == 1
    assert IN_ALL in weak
    report = organization_quality.build(
        root=tree.province, year=2025, user=province_officer
    )
    assert len(next(t for t in report.tables() if t.key == "weak").rows) == 2
