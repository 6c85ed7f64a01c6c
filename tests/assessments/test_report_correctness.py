"""What a report must get right, each on hand-built data (issue #15 §3):
comparison and base years honoured, range and strict targets, no-data years
left out of charts, each year's headings from its own scale, years never
grouped, shares under 1 % with two decimals."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Target
from assessments.reports import (
    cadre_standardization,
    coverage,
    organization_quality,
    rendering,
    trends,
)
from assessments.reports.common import YEAR, Ratio
from assessments.reports.registry import REPORTS
from members.models import PositionGroup
from organizations.models import ResidentialUnit
from organizations.services import (
    residential_coverage_change,
    residential_unit_create,
)
from tests.reports.data import (
    approve,
    cadre,
    classify_member,
    classify_unit,
    member,
    position,
)

D = datetime.date


def village(commune, name, cell, *, head):  # type: ignore[no-untyped-def]
    return residential_unit_create(
        code=name,
        name=name,
        kind="village",
        commune=commune,
        covering_cell=cell,
        head_is_party_member=head,
        member_counts=dict.fromkeys(range(2000, 2031), 3 if cell else 0),
        opened_on=D(2000, 1, 1),
    )


def test_every_report_offering_a_comparison_year_shows_it(tree, secretary) -> None:
    """2024: one village of two covered, one cadre of one a graduate; 2025:
    both villages covered, the graduate joined by a second cadre who is not."""
    first = village(tree.commune, "Thôn 1", tree.cell1, head=True)
    village(tree.commune, "Thôn 2", None, head=False)
    chair = position("ubnd_chair", PositionGroup.ELECTED, "Chủ tịch UBND")
    vice = position("ubnd_vice_chair", PositionGroup.ELECTED, "Phó Chủ tịch UBND")
    cadre("Nguyễn Đại Học", tree.commune, chair, quals=[("professional", "university")])
    for year in (2024,):
        approve(tree.commune, year=year)
    first.refresh_from_db()
    # From 2025 a cell covers Thôn 2, its head is a member, two members live there.
    second = ResidentialUnit.objects.get(name="Thôn 2")
    residential_coverage_change(
        village=second,
        date=D(2025, 1, 1),
        covering_cell=tree.cell2,
        head_is_party_member=True,
    )
    second.member_counts.filter(year__gte=2025).update(party_members=2)
    cadre(
        "Lê Trung Cấp",
        tree.commune,
        vice,
        since=D(2025, 3, 1),
        quals=[("professional", "intermediate")],
    )
    approve(tree.commune, year=2025)

    covered = coverage.build(
        root=tree.commune, year=2025, compare_year=2024, user=secretary
    )
    change = next(t for t in covered.tables() if t.key == "change")
    assert [c.label for c in change.columns] == [
        "Chỉ tiêu",
        "2025",
        "2024",
        "± 2024",
    ]
    without_cell = change.rows[0]
    assert without_cell[1:] == [Ratio(0, 2), Ratio(1, 2), -50.0]
    heads = change.rows[2]
    assert heads[1:] == [Ratio(2, 2), Ratio(1, 2), 50.0]

    cadres = cadre_standardization.build(
        root=tree.commune, year=2025, base_year=2024, user=secretary
    )
    change = next(t for t in cadres.tables() if t.key == "change")
    university = change.rows[0]
    assert university[0] == "Đại học trở lên"
    assert university[1:] == [Ratio(1, 2), Ratio(1, 1), -50.0]

    # Every report that offers a year beside its own prints it; trends,
    # which lists every year from its first, does not offer a comparison.
    for slug, module in REPORTS.items():
        report = module.build(
            root=tree.commune, year=2025, compare_year=2024, user=secretary
        )
        headings = " ".join(c.label for t in report.tables() for c in t.columns)
        if "compare" in module.YEAR_OPTIONS:
            assert "2024" in headings, slug
    assert REPORTS["trends"].YEAR_OPTIONS == ("base",)


def test_a_report_page_offers_only_the_years_it_honours(
    client, tree, secretary
) -> None:
    client.force_login(secretary)
    trend_page = client.get(reverse("reports:report", args=["trends"])).content
    assert b'name="compare"' not in trend_page
    assert b'name="base"' in trend_page
    coverage_page = client.get(reverse("reports:report", args=["coverage"])).content
    assert b'name="compare"' in coverage_page


def test_a_range_target_is_exceeded_above_it_not_missed(tree, secretary) -> None:
    """ "7–10 graduates per commune": 12 is more than asked, 5 is short."""
    chair = position("university_post", PositionGroup.ELECTED, "Cán bộ")
    for n in range(12):
        cadre(
            f"Cán Bộ {n}", tree.commune, chair, quals=[("professional", "university")]
        )
    for n in range(5):
        cadre(
            f"Cán Bộ Khác {n}",
            tree.other_commune,
            chair,
            quals=[("professional", "university")],
        )
    Target.objects.create(
        unit=tree.province,
        from_year=2021,
        to_year=2025,
        indicator="commune_university_cadres",
        measure="count",
        min_value=7,
        max_value=10,
        description="Mỗi xã từ 7 đến 10 cán bộ đại học",
    )
    approve(tree.commune, tree.other_commune, year=2025)
    report = cadre_standardization.build(root=tree.province, year=2025)
    rows = {r[0]: r for r in report.targets.rows}
    thanh_phong = rows["Mỗi xã từ 7 đến 10 cán bộ đại học — Đảng bộ xã Thanh Phong"]
    huong_son = rows["Mỗi xã từ 7 đến 10 cán bộ đại học — Đảng bộ xã Hương Sơn"]
    assert (thanh_phong[3], thanh_phong[4], thanh_phong[5], thanh_phong[6]) == (
        "7–10",
        12,
        "Vượt",
        2.0,
    )
    assert (huong_son[4], huong_son[5], huong_son[6]) == (5, "Chưa đạt", -2.0)


def test_a_strict_bound_is_checked_as_written(tree, secretary) -> None:
    """ "Trên 50 %" of village heads: exactly half is not over half;
    "từ 50 % trở lên" is met by it."""
    village(tree.commune, "Thôn 1", tree.cell1, head=True)
    village(tree.commune, "Thôn 2", tree.cell2, head=False)
    for strict, description in ((True, "Trên 50%"), (False, "Từ 50% trở lên")):
        Target.objects.create(
            unit=tree.province,
            from_year=2021,
            to_year=2025,
            indicator="village_head_member_share",
            measure="percent",
            min_value=Decimal(50),
            min_exclusive=strict,
            description=description,
        )
    approve(tree.commune, year=2025)
    report = coverage.build(root=tree.commune, year=2025, user=secretary)
    rows = {r[0]: r for r in report.targets.rows}
    assert (rows["Trên 50%"][3], rows["Trên 50%"][5]) == ("> 50%", "Chưa đạt")
    assert (rows["Từ 50% trở lên"][3], rows["Từ 50% trở lên"][5]) == ("≥ 50%", "Đạt")


def test_years_without_figures_are_left_out_of_the_charts(tree, secretary) -> None:
    """2022 and 2023 were never approved: "—" in the table, no bar at all."""
    classify_unit(tree.commune, 2024, "excellent")
    classify_unit(tree.commune, 2025, "good")
    approve(tree.commune, year=2024)
    approve(tree.commune, year=2025)
    report = trends.build(root=tree.commune, year=2025, base_year=2022, user=secretary)
    assert [y.year for y in report.years] == [2022, 2023, 2024, 2025]
    assert report.years[0].top.value is None
    table = rendering.table_context(report.tables()[0])
    assert table["rows"][0][6].text == "—"
    [chart] = report.charts()
    assert [b.label for b in chart.groups[0]] == ["2024", "2025"]
    svg = rendering.charts(report)[0]
    assert "2022" not in svg
    assert "2024" in svg

    # The same in a comparison with a year nobody approved.
    compared = organization_quality.build(
        root=tree.commune, year=2025, compare_year=2023, user=secretary
    )
    [chart] = compared.charts()
    assert chart.series == ["2025"]


def test_each_year_is_headed_from_its_own_scale(tree, secretary) -> None:
    """2013 was classified on HD 27's scale (Trong sạch, vững mạnh), 2025 on
    QĐ 366's (Hoàn thành xuất sắc nhiệm vụ), 2001 on the scale before 2008
    (issue #19 §5); a year without any scale is headed by its tier."""
    classify_unit(tree.commune, 2013, "clean_strong")
    classify_unit(tree.commune, 2025, "excellent")
    approve(tree.commune, year=2013)
    approve(tree.commune, year=2025)
    report = organization_quality.build(
        root=tree.commune, year=2025, compare_year=2013, base_year=2001, user=secretary
    )
    change = next(t for t in report.tables() if t.key == "change")
    labels = [c.label for c in change.columns]
    assert labels[:4] == ["Tổ chức", "HTXSNV 2025", "± 2013 (TSVM)", "± 2001 (TSVM)"]
    before_any = organization_quality.build(
        root=tree.commune, year=2025, base_year=1985, user=secretary
    )
    change = next(t for t in before_any.tables() if t.key == "change")
    assert "± 1985 (Bậc 1)" in [c.label for c in change.columns]
    assert "KHTNV 2025" in labels
    assert "± 2013 (YK)" in labels
    assert "Xuất sắc 2013" not in " ".join(labels)

    series = trends.build(root=tree.commune, year=2025, base_year=2013, user=secretary)
    tops = {y.year: y.top_label for y in series.years}
    assert tops[2013] == "Trong sạch, vững mạnh"
    assert tops[2025] == "Hoàn thành xuất sắc nhiệm vụ"
    headings = [c.label for c in series.tables()[0].columns]
    assert "TCCSĐ xuất sắc" not in headings
    assert "TCCSĐ mức cao nhất" in headings


def test_years_are_never_grouped_and_small_shares_keep_two_decimals(
    tree, secretary, tmp_path
) -> None:
    post = position("office_statistics", PositionGroup.CIVIL_SERVANT, "Văn phòng")
    cadre(
        "Trần Đang Học",
        tree.commune,
        post,
        quals=[("general", "upper_secondary"), ("professional", "university", 2027)],
    )
    approve(tree.commune, year=2025)
    report = cadre_standardization.build(root=tree.commune, year=2025, user=secretary)
    gaps = next(t for t in report.tables() if t.key == "gaps")
    assert gaps.columns[-1].kind == YEAR
    shown = rendering.table_context(gaps)["rows"][0][-1].text
    assert shown == "2027"
    trend = rendering.table_context(
        trends.build(root=tree.commune, year=2025, user=secretary).tables()[0]
    )
    assert [row[0].text for row in trend["rows"]] == [
        "2021",
        "2022",
        "2023",
        "2024",
        "2025",
    ]
    # DOMAIN.md §8: 1.572 and 68,6 %, but 0,13 % under one per cent.
    assert rendering.display(Ratio(13, 10_000), "ratio").text == "0,13 %"
    assert rendering.display(Ratio(686, 1000), "ratio").text == "68,6 %"
    assert rendering.display(1572, "int").text == "1.572"
    assert rendering.display(2027, "year").text == "2027"


@pytest.mark.parametrize("code", ["good", "excellent"])
def test_members_classified_by_tier_across_scales(tree, secretary, code) -> None:
    """A member's 2013 "Đủ tư cách, hoàn thành …" compares with 2025 by tier."""
    from assessments.reports import member_quality

    m = member(tree.cell1, "Đảng viên Một", admitted=D(2000, 1, 1))
    classify_member(m, 2013, tree.cell1, code)
    classify_member(m, 2025, tree.cell1, code)
    approve(tree.commune, year=2013)
    approve(tree.commune, year=2025)
    report = member_quality.build(
        root=tree.commune, year=2025, compare_year=2013, user=secretary
    )
    tier = 1 if code == "excellent" else 2
    assert report.compare.tiers[tier] == 1
    levels = next(t for t in report.tables() if t.key == "levels")
    assert "Năm 2013 xếp loại theo thang riêng" in levels.note
    assert "Đủ tư cách" not in levels.note  # abbreviations: XS, T, HT, VP
    assert "1. XS" in levels.note
