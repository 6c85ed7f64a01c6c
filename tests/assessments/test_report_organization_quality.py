from __future__ import annotations

import datetime

import pytest

from assessments.reports import organization_quality
from assessments.reports.common import Ratio
from organizations.models import Kind, Level
from organizations.services import NewUnit, organization_merge
from tests.factories import make_unit
from tests.reports.data import approve, classify_unit

D = datetime.date


@pytest.fixture
def classified(tree):  # type: ignore[no-untyped-def]
    school = make_unit(
        tree.district,
        code="TC-THCS",
        name="Chi bộ Trường THCS Thanh Chương",
        level=Level.GRASSROOTS_CELL,
        kind=Kind.SCHOOL,
    )
    # 2024 on the QĐ 132/124 scale, 2025 on QĐ 366: compared through tiers.
    classify_unit(tree.commune, 2024, "excellent")
    classify_unit(school, 2024, "not_completed", remarks="Nội bộ mất đoàn kết")
    classify_unit(tree.cell1, 2024, "good")
    classify_unit(tree.cell2, 2024, "completed")
    classify_unit(tree.commune, 2025, "good")
    classify_unit(school, 2025, "excellent")
    classify_unit(tree.cell1, 2025, "excellent")
    classify_unit(tree.cell2, 2025, "excellent")
    classify_unit(tree.other_commune, 2025, "not_completed")
    approve(tree.commune, school, year=2024)
    approve(tree.commune, school, tree.other_commune, year=2025)
    return school


def test_levels_and_shares_count_the_district_on_the_years_tree(
    classified, tree, board_officer
) -> None:
    report = organization_quality.build(
        root=tree.district, year=2025, compare_year=2024, user=board_officer
    )
    grassroots = report.groups["grassroots"]
    assert (grassroots.total, grassroots.classified) == (2, 2)
    assert grassroots.tiers == {1: 1, 2: 1, 3: 0, 4: 0}
    assert grassroots.top == Ratio(1, 2)
    assert grassroots.top_two == Ratio(2, 2)
    assert grassroots.weak == Ratio(0, 2)
    assert report.groups["committee"].tiers == {1: 0, 2: 1, 3: 0, 4: 0}
    assert report.groups["grassroots_cell"].tiers == {1: 1, 2: 0, 3: 0, 4: 0}
    assert report.groups["cell"].top == Ratio(2, 2)
    compare = report.compare["grassroots"]
    assert (compare.top, compare.top_two, compare.weak) == (
        Ratio(1, 2),
        Ratio(1, 2),
        Ratio(1, 2),
    )
    change = next(t for t in report.tables() if t.key == "change")
    grassroots_row = change.rows[2]
    # top, ±2024, top two, ±2024, weak, ±2024 — percentage points, unrounded
    assert grassroots_row[1:] == [
        Ratio(1, 2),
        0.0,
        Ratio(2, 2),
        50.0,
        Ratio(0, 2),
        -50.0,
    ]
    assert report.tier_labels[1] == "Hoàn thành xuất sắc nhiệm vụ"
    assert report.weak_units == []


def test_weak_units_are_listed_with_their_remarks(
    classified, tree, board_officer
) -> None:
    report = organization_quality.build(
        root=tree.district, year=2024, user=board_officer
    )
    assert [(w.name, w.label, w.remarks) for w in report.weak_units] == [
        (
            "Chi bộ Trường THCS Thanh Chương",
            "Không hoàn thành nhiệm vụ",
            "Nội bộ mất đoàn kết",
        )
    ]
    counts = next(t for t in report.tables() if t.key == "counts")
    assert counts.total == ["Tổng số", 1, 1, 2]


def test_secretary_report_shows_only_their_organization(
    classified, tree, secretary
) -> None:
    report = organization_quality.build(root=tree.commune, year=2025, user=secretary)
    assert report.groups["grassroots"].total == 1
    assert report.groups["cell"].total == 2
    province = organization_quality.build(root=tree.province, year=2025, user=None)
    assert province.groups["grassroots"].total == 3
    assert province.groups["grassroots"].weak == Ratio(1, 3)
    # Rows are limited to what the user may see, whatever the root.
    limited = organization_quality.build(root=tree.province, year=2025, user=secretary)
    assert limited.groups["grassroots"].total == 1


def test_base_year_change_is_against_the_merged_communes(tree, board_officer) -> None:
    a = make_unit(
        tree.district,
        code="A",
        name="Đảng bộ xã A",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    b = make_unit(
        tree.district,
        code="B",
        name="Đảng bộ xã B",
        level=Level.GRASSROOTS_COMMITTEE,
        kind=Kind.COMMUNE,
    )
    classify_unit(a, 2024, "excellent")
    classify_unit(b, 2024, "not_completed")
    organization_merge(
        units=[a, b],
        date=D(2025, 7, 1),
        decision_number="123-QĐ/TU",
        new=NewUnit(
            code="AB",
            name="Đảng bộ xã An Bình",
            level=Level.GRASSROOTS_COMMITTEE,
            kind=Kind.COMMUNE,
        ),
    )
    from organizations.models import Unit

    ab = Unit.objects.get(code="AB", closed_on__isnull=True)
    classify_unit(ab, 2025, "excellent")
    approve(a, b, year=2024)
    approve(ab, year=2025)
    report = organization_quality.build(
        root=ab, year=2025, base_year=2024, user=board_officer
    )
    assert report.groups["grassroots"].top == Ratio(1, 1)
    assert report.base["grassroots"].top == Ratio(1, 2)
    assert report.base["grassroots"].weak == Ratio(1, 2)
    assert report.notes == [
        "Số liệu năm 2024 của Đảng bộ xã An Bình gồm số liệu của các đơn vị tiền thân: Đảng bộ xã A, Đảng bộ xã B."
    ]


def test_query_count_does_not_grow_with_units(
    classified, tree, board_officer, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(16):
        organization_quality.build(
            root=tree.province,
            year=2025,
            compare_year=2024,
            base_year=2024,
            user=board_officer,
        )
    for i in range(30):
        cell = make_unit(tree.commune, code=f"X{i}", name=f"Chi bộ {i}")
        classify_unit(cell, 2025, "good")
    approve(tree.commune, year=2025)
    with django_assert_max_num_queries(16):
        report = organization_quality.build(
            root=tree.province,
            year=2025,
            compare_year=2024,
            base_year=2024,
            user=board_officer,
        )
    assert report.groups["cell"].total == 32  # the board officer sees Thanh Chương only
