from __future__ import annotations

import datetime

import pytest

from assessments.reports import member_quality
from assessments.reports.common import Ratio
from members.models import Discipline, Gender, MembershipStatus
from tests.reports.data import approve, classify_member, member, transfer

D = datetime.date


@pytest.fixture
def members(tree):  # type: ignore[no-untyped-def]
    m1 = member(
        tree.cell1,
        "Lò Thị Mai",
        admitted=D(2025, 3, 1),
        gender=Gender.FEMALE,
        born=D(2000, 1, 1),
        ethnicity="03",
    )
    m2 = member(
        tree.cell1, "Nguyễn Văn Hùng", admitted=D(2025, 6, 1), born=D(1990, 1, 1)
    )
    m3 = member(tree.other_cell, "Trần Văn Chuyển", admitted=D(2010, 1, 1))
    transfer(m3, tree.cell2, D(2025, 9, 1))  # mid-year, from Hương Sơn
    m4 = member(
        tree.cell2,
        "Phan Văn Cố",
        ended=D(2025, 4, 10),
        status=MembershipStatus.DECEASED,
    )
    m5 = member(
        tree.cell1,
        "Hồ Văn Khai",
        ended=D(2025, 11, 1),
        status=MembershipStatus.EXPELLED,
    )
    m6 = member(tree.cell2, "Đặng Thị Khiển", gender=Gender.FEMALE)
    member(tree.other_cell, "Người Hương Sơn")
    Discipline.objects.create(
        person=m5.person,
        unit=tree.cell1,
        form="expulsion",
        date=D(2025, 10, 20),
        deciding_body="Ủy ban Kiểm tra",
        decision_number="01",
    )
    Discipline.objects.create(
        person=m6.person,
        unit=tree.cell2,
        form="reprimand",
        date=D(2025, 5, 5),
        deciding_body="Chi bộ",
        decision_number="02",
    )
    classify_member(m1, 2025, tree.cell1, "good")
    classify_member(m2, 2025, tree.cell1, "excellent")
    classify_member(m3, 2025, tree.cell2, "completed")
    classify_member(m6, 2025, tree.cell2, "not_completed")
    classify_member(m4, 2024, tree.cell2, "good")
    classify_member(m5, 2024, tree.cell1, "good")
    classify_member(m6, 2024, tree.cell2, "completed")
    classify_member(m3, 2024, tree.other_cell, "excellent")
    for year in (2024, 2025):
        approve(tree.commune, tree.other_commune, year=year)


def test_member_report_counts_every_figure(members, tree, secretary) -> None:
    report = member_quality.build(
        root=tree.commune, year=2025, compare_year=2024, user=secretary
    )
    assert report.now.members == 4  # the transferred member counts where the year ended
    assert (
        report.admitted,
        report.admitted_women,
        report.admitted_youth,
        report.admitted_minority,
    ) == (2, 1, 1, 1)
    assert report.now.tiers == {1: 1, 2: 1, 3: 1, 4: 1}
    assert report.now.good == Ratio(2, 4)
    assert report.compare.members == 3
    assert report.compare.good == Ratio(2, 3)  # 2024: in Hương Sơn, not here
    assert report.disciplined == {"expulsion": 1, "reprimand": 1}
    assert report.left == {"deceased": 1, "expelled": 1}
    levels = next(t for t in report.tables() if t.key == "levels")
    good_row = levels.rows[-1]
    assert good_row[0] == "Hoàn thành tốt nhiệm vụ trở lên"
    assert good_row[1:3] == [Ratio(2, 4), Ratio(2, 3)]
    assert good_row[3] == pytest.approx(50 - 200 / 3)
    discipline = next(t for t in report.tables() if t.key == "discipline")
    assert discipline.total == ["Cộng", Ratio(2, 4)]
    summary = next(t for t in report.tables() if t.key == "summary")
    assert summary.rows[2] == ["— trong đó nữ", Ratio(1, 2)]


def test_transferred_member_counted_in_old_commune_for_the_year_before(
    members, tree, outsider
) -> None:
    before = member_quality.build(root=tree.other_commune, year=2024, user=outsider)
    after = member_quality.build(root=tree.other_commune, year=2025, user=outsider)
    assert (before.now.members, after.now.members) == (2, 1)
    assert before.now.good == Ratio(1, 1)


def test_member_report_queries_are_pinned(
    members, tree, secretary, django_assert_max_num_queries
) -> None:
    with django_assert_max_num_queries(24):
        member_quality.build(
            root=tree.commune,
            year=2025,
            compare_year=2024,
            base_year=2023,
            user=secretary,
        )
    for i in range(20):
        classify_member(
            member(tree.cell1, f"Đảng viên {i}", admitted=D(2025, 2, 1)),
            2025,
            tree.cell1,
            "good",
        )
    approve(tree.commune, year=2025)
    with django_assert_max_num_queries(24):
        report = member_quality.build(
            root=tree.commune,
            year=2025,
            compare_year=2024,
            base_year=2023,
            user=secretary,
        )
    assert report.now.members == 24
