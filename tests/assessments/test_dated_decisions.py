"""Who decides, which campaigns one sees and what a report counts follow the
tree of the year (issue #16, dated access): Đảng bộ xã Thanh Phong moves
from Huyện Thanh Chương (A) to Huyện Tân Kỳ (B) on 1 July 2025, so its 2024
is A's and its 2025 (the tree of 31 December) B's. A's officer decides its
2024 only, B's its 2025 only; the commune sees A's campaign of 2024 and B's
of 2025; a report A's officer reads of the commune over both years counts
2024 and nothing of 2025."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from assessments import services
from assessments.models import OrganizationReview, ReviewCampaign, ReviewState
from assessments.reports import trends
from assessments.selectors import approvable_units, campaigns_for, can_approve_unit
from tests.reports.data import approve, classify_member, classify_unit, member


def test_the_units_an_officer_may_open_campaigns_for_are_today_s(
    commune_moved, board_officer, new_officer
) -> None:
    mine = set(approvable_units(board_officer).values_list("code", flat=True))
    theirs = set(approvable_units(new_officer).values_list("code", flat=True))
    assert mine == {"TC"}
    assert theirs == {"TK", "TK-HS", "TK-HS-1", "TC-TP", "TC-TP-1", "TC-TP-2"}
    before = set(
        approvable_units(board_officer, datetime.date(2025, 6, 30)).values_list(
            "code", flat=True
        )
    )
    assert before == {"TC", "TC-TP", "TC-TP-1", "TC-TP-2"}


def test_each_year_is_decided_by_the_board_above_it_that_year(
    commune_moved, board_officer, new_officer
) -> None:
    commune = commune_moved.commune
    assert can_approve_unit(board_officer, commune, 2024)
    assert not can_approve_unit(board_officer, commune, 2025)
    assert not can_approve_unit(new_officer, commune, 2024)
    assert can_approve_unit(new_officer, commune, 2025)
    # The service itself refuses, whatever page or bulk action calls it.
    reviews = {
        year: OrganizationReview.objects.create(
            organization=commune, year=year, state=ReviewState.SUBMITTED
        )
        for year in (2024, 2025)
    }
    with pytest.raises(PermissionDenied):
        services.review_return(
            user=board_officer, review=reviews[2025], reason="Xem lại"
        )
    with pytest.raises(PermissionDenied):
        services.review_return(user=new_officer, review=reviews[2024], reason="Sai")
    services.review_return(user=board_officer, review=reviews[2024], reason="Sai")
    services.review_return(user=new_officer, review=reviews[2025], reason="Sai")
    assert set(
        OrganizationReview.objects.filter(organization=commune).values_list(
            "year", "state"
        )
    ) == {(2024, "returned"), (2025, "returned")}


def test_a_campaign_is_opened_on_a_unit_of_its_year_s_tree(
    commune_moved, board_officer
) -> None:
    deadlines = {
        "entry_deadline": datetime.date(2026, 1, 15),
        "decision_deadline": datetime.date(2026, 1, 31),
    }
    services.campaign_open(
        user=board_officer, unit=commune_moved.commune, year=2024, **deadlines
    )
    with pytest.raises(PermissionDenied):
        services.campaign_open(
            user=board_officer, unit=commune_moved.commune, year=2025, **deadlines
        )


def test_the_campaigns_seen_are_those_above_or_below_in_their_year(
    commune_moved, board_officer, new_officer, secretary
) -> None:
    for unit in (commune_moved.district, commune_moved.other_district):
        for year in (2024, 2025):
            ReviewCampaign.objects.create(
                unit=unit,
                year=year,
                entry_deadline=datetime.date(year + 1, 1, 15),
                decision_deadline=datetime.date(year + 1, 1, 31),
            )
    ReviewCampaign.objects.create(
        unit=commune_moved.commune,
        year=2025,
        entry_deadline=datetime.date(2026, 1, 10),
        decision_deadline=datetime.date(2026, 1, 20),
    )

    def seen(user) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
        return {(c.unit.code, c.year) for c in campaigns_for(user)}

    assert seen(secretary) == {("TC", 2024), ("TK", 2025), ("TC-TP", 2025)}
    assert seen(board_officer) == {("TC", 2024), ("TC", 2025)}
    assert seen(new_officer) == {("TK", 2024), ("TK", 2025), ("TC-TP", 2025)}


def test_a_report_over_both_years_counts_each_for_the_board_of_that_year(
    commune_moved, board_officer, new_officer, province_officer
) -> None:
    people = [
        member(commune_moved.cell1, "Đảng viên Một"),
        member(commune_moved.cell2, "Đảng viên Hai"),
    ]
    for year in (2024, 2025):
        for unit in (commune_moved.cell1, commune_moved.cell2, commune_moved.commune):
            classify_unit(unit, year, "good")
        for membership in people:
            classify_member(membership, year, membership.current_cell, "good")
        approve(commune_moved.commune, year=year)

    def counted(user) -> tuple[int, int]:  # type: ignore[no-untyped-def]
        report = trends.build(
            root=commune_moved.commune, year=2025, base_year=2024, user=user
        )
        y2024, y2025 = report.years
        return y2024.members, y2025.members

    assert counted(province_officer) == (2, 2)
    assert counted(board_officer) == (2, 0)
    assert counted(new_officer) == (0, 2)
