from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from assessments.models import Target
from assessments.reports import cadre_standardization, coverage
from assessments.reports.common import Ratio
from members.models import PositionGroup
from organizations.services import residential_unit_create
from tests.reports.data import approve, cadre, member, position, reopen

D = datetime.date


def village(commune, name, cell, *, head_member, members):  # type: ignore[no-untyped-def]
    return residential_unit_create(
        code=name,
        name=name,
        kind="village",
        commune=commune,
        covering_cell=cell,
        head_is_party_member=head_member,
        member_counts=dict.fromkeys(range(2000, 2031), members),
        opened_on=D(2000, 1, 1),
    )


@pytest.fixture
def villages(tree):  # type: ignore[no-untyped-def]
    village(tree.commune, "Thôn 1", tree.cell1, head_member=True, members=10)
    village(tree.commune, "Thôn 2", tree.cell2, head_member=False, members=5)
    village(tree.commune, "Thôn 3", None, head_member=True, members=0)
    village(
        tree.other_commune,
        "Thôn Hương Sơn",
        tree.other_cell,
        head_member=True,
        members=3,
    )
    for name in ("A", "B", "C"):
        member(tree.cell1, f"Đảng viên {name}")
    member(tree.cell2, "Đảng viên D")
    member(tree.other_cell, "Đảng viên Hương Sơn")
    Target.objects.create(
        unit=tree.province,
        from_year=2021,
        to_year=2025,
        indicator="village_head_member_share",
        measure="percent",
        min_value=Decimal(90),
        min_exclusive=True,
        description="Trên 90% trưởng thôn là đảng viên",
    )
    approve(tree.commune, tree.other_commune, year=2025)


def test_coverage_counts_villages_heads_and_members_per_cell(
    villages, tree, secretary
) -> None:
    report = coverage.build(root=tree.commune, year=2025, user=secretary)
    [commune] = report.communes
    assert (commune.villages, commune.without_cell, commune.without_member) == (3, 1, 1)
    assert commune.heads == Ratio(2, 3)
    assert (commune.cells, commune.members, commune.per_cell) == (2, 4, 2.0)
    # Both cells are village cells (issue #19 §6: "20 of 30 cells residential").
    assert commune.residential == Ratio(2, 2)
    header = [c.label for c in report.tables()[0].columns]
    assert header[6] == "Chi bộ thôn, tổ dân phố"
    assert [u[0] for u in report.uncovered] == ["Thôn 3"]
    [target] = report.targets.rows
    assert target[3] == "> 90%"
    assert target[4] == Ratio(2, 3)
    assert target[5] == "Chưa đạt"
    assert target[6] == pytest.approx(200 / 3 - 90)


def test_coverage_of_the_province_sums_its_communes(
    villages, tree, province_officer, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(10):
        coverage.build(root=tree.province, year=2025, user=province_officer)
    # A year approved is closed: its villages change only once it is reopened.
    reopen(tree.other_commune, year=2025)
    for i in range(10):
        village(tree.other_commune, f"Bản {i}", None, head_member=False, members=0)
    approve(tree.other_commune, year=2025)
    with django_assert_max_num_queries(10):
        report = coverage.build(root=tree.province, year=2025, user=province_officer)
    assert [c.name for c in report.communes] == [
        "Đảng bộ xã Hương Sơn",
        "Đảng bộ xã Thanh Phong",
    ]
    total = report.total
    assert (total.villages, total.without_cell, total.cells, total.members) == (
        14,
        11,
        3,
        5,
    )
    assert total.heads == Ratio(3, 14)


@pytest.fixture
def cadres(tree):  # type: ignore[no-untyped-def]
    tree.other_commune.is_difficult_area = True
    tree.other_commune.save()
    chair = position("ubnd_chair", PositionGroup.ELECTED, "Chủ tịch UBND")
    vice = position("ubnd_vice_chair", PositionGroup.ELECTED, "Phó Chủ tịch UBND")
    office = position(
        "office_statistics", PositionGroup.CIVIL_SERVANT, "Văn phòng - thống kê"
    )
    finance = position(
        "finance_accounting", PositionGroup.CIVIL_SERVANT, "Tài chính - kế toán"
    )
    cadre(
        "Nguyễn Chủ Tịch",
        tree.commune,
        chair,
        quals=[
            ("general", "upper_secondary"),
            ("professional", "university"),
            ("political", "pol_intermediate"),
        ],
    )
    cadre(
        "Lê Phó Chủ Tịch",
        tree.commune,
        vice,
        quals=[
            ("general", "upper_secondary"),
            ("professional", "intermediate"),
            ("professional", "university", 2026),
        ],
    )
    cadre(
        "Trần Văn Phòng",
        tree.commune,
        office,
        since=D(2025, 2, 1),
        origin="rotated_down",
        quals=[
            ("general", "upper_secondary"),
            ("professional", "university", None, "Kế toán"),
            ("political", "pol_intermediate", 2026),
        ],
    )
    cadre(
        "Hà Tài Chính",
        tree.other_commune,
        finance,
        quals=[
            ("general", "upper_secondary"),
            ("professional", "intermediate", None, "Kế toán doanh nghiệp"),
            ("political", "pol_elementary"),
        ],
    )
    Target.objects.create(
        unit=tree.province,
        from_year=2021,
        to_year=2025,
        indicator="commune_university_cadres",
        measure="count",
        min_value=7,
        max_value=10,
        description="7–10 cán bộ đại học mỗi xã",
    )
    Target.objects.create(
        unit=tree.province,
        from_year=2021,
        to_year=2025,
        indicator="civil_servant_intermediate_share",
        measure="percent",
        min_value=85,
        description="≥ 85% công chức trung cấp trở lên",
    )
    approve(tree.commune, tree.other_commune, year=2025)


def test_cadre_standardization_per_dimension(cadres, tree, province_officer) -> None:
    report = cadre_standardization.build(
        root=tree.province, year=2025, user=province_officer
    )
    t = report.total
    assert (t.posts, t.university, t.intermediate, t.political, t.state_management) == (
        4,
        2,
        4,
        1,
        0,
    )
    assert (t.studying, t.standardized) == (2, 2)
    # Issue #19 §6: studying split by what they will hold; elementary
    # political theory beside intermediate.
    assert (t.studying_university, t.studying_political) == (1, 1)
    assert (t.political, t.political_elementary) == (1, 1)
    assert t.missing == {
        "general": 0,
        "professional": 2,
        "political": 1,
        "state_management": 0,
    }
    assert [
        (g.person, g.dimension, g.status, g.expected_year) for g in report.gaps
    ] == [
        ("Lê Phó Chủ Tịch", "Chuyên môn", "Đang học", 2026),
        ("Lê Phó Chủ Tịch", "Lý luận chính trị", "Chưa đạt chuẩn", None),
        ("Trần Văn Phòng", "Chuyên môn", "Chưa đạt chuẩn", None),
    ]
    # The page reads the first rows of the list only and says where the rest is.
    first = cadre_standardization.build(
        root=tree.province, year=2025, user=province_officer, listed=2
    )
    assert [(g.person, g.dimension) for g in first.gaps] == [
        ("Lê Phó Chủ Tịch", "Chuyên môn"),
        ("Lê Phó Chủ Tịch", "Lý luận chính trị"),
    ]
    named = next(t for t in first.tables() if t.key == "gaps")
    assert named.note == (
        "Trang hiển thị 2 dòng đầu trong 3 dòng; danh sách đầy đủ có trong tệp "
        "Excel, PDF và Word."
    )
    assert next(t for t in report.tables() if t.key == "gaps").note == ""
    # The page's per-commune table too: its first row, the totals of both.
    one = cadre_standardization.build(
        root=tree.province, year=2025, user=province_officer, listed=1
    )
    # The list's first row comes from the first commune by name, its people
    # in order; the count is of every row (the named list reads the communes
    # holding its first rows, then their people).
    assert [(g.person, g.commune, g.dimension) for g in one.gaps] == [
        ("Lê Phó Chủ Tịch", report.gaps[0].commune, "Chuyên môn")
    ]
    assert (one.gaps_total, first.gaps_total) == (3, 3)
    cut = next(t for t in one.tables() if t.key == "communes")
    full = next(t for t in report.tables() if t.key == "communes")
    assert (len(cut.rows), len(full.rows)) == (1, 2)
    assert cut.total == full.total == report.total.row()
    assert cut.note == (
        "Trang hiển thị 1 dòng đầu trong 2 dòng; danh sách đầy đủ có trong tệp "
        "Excel, PDF và Word."
    )
    elected = next(g for g in report.groups if g.name == "Cán bộ chuyên trách cấp xã")
    assert (elected.posts, elected.university, elected.political) == (2, 1, 1)
    assert report.rotations == {"rotated_down": 1}
    rows = {r[0]: r for r in report.targets.rows}
    hs = rows["7–10 cán bộ đại học mỗi xã — Đảng bộ xã Hương Sơn"]
    tp = rows["7–10 cán bộ đại học mỗi xã — Đảng bộ xã Thanh Phong"]
    assert (hs[4], hs[5], hs[6]) == (0, "Chưa đạt", -7.0)
    assert (tp[4], tp[5], tp[6]) == (2, "Chưa đạt", -5.0)
    average = rows["7–10 cán bộ đại học mỗi xã — bình quân mỗi đơn vị cấp xã"]
    assert (average[4], average[5], average[6]) == (1.0, "Chưa đạt", -6.0)
    share = rows["≥ 85% công chức trung cấp trở lên"]
    assert (share[3], share[4], share[5], share[6]) == (
        "≥ 85%",
        Ratio(2, 2),
        "Đạt",
        0.0,
    )


def test_cadre_report_of_a_secretary_stays_in_their_commune(
    cadres, tree, secretary, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(13):
        report = cadre_standardization.build(
            root=tree.commune, year=2025, user=secretary
        )
    assert report.total.posts == 3
    assert [c.name for c in report.communes] == ["Đảng bộ xã Thanh Phong"]
